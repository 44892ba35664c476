"""The predicates every read and write shares, as queryset methods: who sees which rows, the catalogue, licences
running out, counts by state, and shops in the order of their units."""

from datetime import date, timedelta

import pytest
from django.contrib.auth.models import AnonymousUser

from merchants.choices import ListingState, MerchantState, ShopState
from merchants.models import Listing, Merchant, Shop
from tests.merchants.factories import ListingFactory, MerchantFactory, ShopFactory

pytestmark = pytest.mark.django_db


def test_shops_come_in_the_order_of_their_units_whatever_the_length_of_each_part(market):
    # Given units whose building, floor and unit numbers differ in length
    Shop.objects.all().delete()
    for code in ("B10-1-001", "B2-10-001", "B2-1-010", "A1-2-001", "B2-2-001", "B2-1-009", "C1-1-001"):
        ShopFactory(merchant=market.a, unit_code=code)
    # When the shops are read in unit order
    codes = list(Shop.objects.in_unit_order().values_list("unit_code", flat=True))
    # Then the database sorts each part by its number: B2 before B10, floor 2 before 10, unit 009 before 010
    assert codes == ["A1-2-001", "B2-1-009", "B2-1-010", "B2-2-001", "B2-10-001", "B10-1-001", "C1-1-001"]
    assert Shop.objects.buildings() == ["A1", "B2", "B10", "C1"]
    assert list(Shop.objects.in_building("B1").values_list("unit_code", flat=True)) == []


@pytest.mark.parametrize(
    ("caller", "sees"),
    [("administrator", {"a", "b"}), ("owner_a", {"a"}), ("officer", set()), (None, set())],
)
def test_rows_visible_to_each_kind_of_user(market, caller, sees):
    user = getattr(market, caller) if caller else AnonymousUser()
    merchants = {getattr(market, name).pk: name for name in ("a", "b")}
    assert {merchants[pk] for pk in Merchant.objects.visible_to(user).values_list("pk", flat=True)} == sees
    assert {merchants[shop.merchant_id] for shop in Shop.objects.visible_to(user)} == sees
    assert {merchants[listing.shop.merchant_id] for listing in Listing.objects.visible_to(user)} == sees


def test_catalogue_holds_approved_listings_of_approved_merchants_open_shops(market):
    approved = ListingFactory(shop=market.shop_a, state=ListingState.APPROVED)
    closed_shop = ShopFactory(merchant=market.a, state=ShopState.CLOSED)
    ListingFactory(shop=closed_shop, state=ListingState.APPROVED)
    suspended = MerchantFactory(state=MerchantState.SUSPENDED, state_reason="Audit")
    ListingFactory(shop=ShopFactory(merchant=suspended), state=ListingState.APPROVED)
    assert list(Listing.objects.in_catalogue()) == [approved]
    assert set(Shop.objects.in_catalogue()) == {market.shop_a, market.shop_b}


def test_licence_expired_and_expiring_are_one_definition(market, settings):
    # Given a warning window of 30 days and licences ending yesterday, today, in 30 and in 31 days
    settings.MERCHANT_LICENCE_WARNING_DAYS = 30
    today = date(2026, 3, 1)
    ends = {"yesterday": -1, "today": 0, "last day of the window": 30, "after the window": 31}
    merchants = {name: MerchantFactory(licence_valid_until=today + timedelta(days=days)) for name, days in ends.items()}
    names = {merchant.pk: name for name, merchant in merchants.items()}

    def named(queryset) -> set[str]:
        return {names[pk] for pk in queryset.filter(pk__in=names).values_list("pk", flat=True)}

    # Then the filters and the annotations agree, day by day
    assert named(Merchant.objects.licence_expired(today)) == {"yesterday"}
    assert named(Merchant.objects.licence_expiring(today)) == {"today", "last day of the window"}
    status = {
        names[row["pk"]]: (row["licence_days_left"], row["licence_expired"], row["licence_expiring"])
        for row in Merchant.objects.with_licence_status(today)
        .filter(pk__in=names)
        .values("pk", "licence_days_left", "licence_expired", "licence_expiring")
    }
    assert status == {
        "yesterday": (-1, True, False),
        "today": (0, False, True),
        "last day of the window": (30, False, True),
        "after the window": (31, False, False),
    }


def test_counts_by_state_name_every_state_in_order(market):
    ListingFactory(shop=market.shop_a, state=ListingState.APPROVED)
    ListingFactory(shop=market.shop_a, state=ListingState.APPROVED)
    counts = Listing.objects.filter(shop__merchant=market.a).counts_by_state()
    assert [(row["state"], row["count"]) for row in counts] == [
        (ListingState.DRAFT, 1),
        (ListingState.SUBMITTED, 0),
        (ListingState.APPROVED, 2),
        (ListingState.REJECTED, 0),
    ]
    assert counts[0]["label"] == ListingState.DRAFT.label
