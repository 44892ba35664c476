"""The Python twin of Listing's rules that bulk imports check rows with (`listing_validate_values`, LISTING_CHECKS):
the same verdicts and messages as `full_clean` and the database, without a query per listing."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from merchants.choices import ListingState
from merchants.models import HsHeading, Listing
from merchants.services.listings import LISTING_CHECKS, listing_validate_values
from tests.merchants.factories import ShopFactory, load_some_hs

pytestmark = pytest.mark.django_db

GOOD = {
    "title_en": "Cotton T-shirt", "title_zh_hans": "", "title_kk": "", "title_ru": "Футболка",
    "description_en": "", "description_zh_hans": "", "description_kk": "", "description_ru": "",
    "hs_code": "610910", "origin_country": "CN", "price": Decimal("39.00"), "unit_weight_kg": Decimal("0.180"),
    "stock_quantity": 12,
}  # fmt: skip


def test_every_constraint_of_listing_has_its_python_check():
    assert set(LISTING_CHECKS) == {constraint.name for constraint in Listing._meta.constraints}


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"title_en": "", "title_ru": ""},
        {"title_en": "", "title_ru": "", "title_kk": "Көйлек"},
        {"price": Decimal("-0.01")},
        {"price": Decimal("0")},
        {"unit_weight_kg": Decimal("-1")},
        {"stock_quantity": -1},
        {"stock_quantity": 0},
        {"state": "lost"},
        {"state": ListingState.REJECTED},
        {"state": ListingState.REJECTED, "rejection_reason": "Blurry photo"},
    ],
    ids=str,
)
def test_python_checks_give_the_database_constraints_verdict(changes):
    # Given a listing with these values (its constraints asked of the database one by one, as Django does)
    load_some_hs()
    listing = Listing(shop=ShopFactory(), hs_heading=HsHeading.objects.get(code="6109"), **{**GOOD, **changes})
    fields = [field for field in Listing._meta.concrete_fields if not field.generated]
    values = {field.name: getattr(listing, field.name) for field in fields}
    for constraint in Listing._meta.constraints:
        try:
            constraint.validate(Listing, listing)
            holds = True
        except ValidationError:
            holds = False
        # Then the Python check agrees
        assert LISTING_CHECKS[constraint.name](values) is holds, constraint.name


@pytest.mark.parametrize(
    "changes",
    [
        {},
        {"title_en": "x" * 201},
        {"title_en": "", "title_ru": ""},
        {"title_en": "x" * 201, "title_ru": ""},
        {"origin_country": "XX"},
        {"origin_country": "kz"},
        {"origin_country": "KAZ"},
        {"origin_country": "398"},
        {"hs_code": "61091a"},
        {"price": Decimal("1.234")},
        {"price": Decimal("12345678901.5")},
        {"price": Decimal("-3")},
        {"unit_weight_kg": Decimal("-0.5")},
        {"stock_quantity": -2},
        {"stock_quantity": 2**31},
        {"description_en": "nul \x00 inside"},
    ],
    ids=str,
)
def test_values_are_refused_exactly_as_full_clean_refuses_them(changes):
    # Given a listing's values, and the same listing built as listing_create builds it
    load_some_hs()
    values = {**GOOD, **changes}
    listing = Listing(shop=ShopFactory(), hs_heading=HsHeading.objects.get(code="6109"), **values)

    # When both are validated
    try:
        listing.full_clean(exclude=["photo", "thumbnail"])
        expected = {}
    except ValidationError as error:
        expected = error.message_dict
    try:
        listing_validate_values(values)
        found = {}
    except ValidationError as error:
        found = error.message_dict

    # Then the errors are the same, field by field and message by message
    assert found == expected
