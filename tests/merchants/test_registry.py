from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from horgos.models import AuditEntry, User
from merchants.choices import ListingState, MerchantState, NotificationKind
from merchants.models import Merchant, MerchantMember, Notification, Shop
from merchants.selectors.catalogue import catalogue_listings
from merchants.services import registry
from merchants.tasks import check_licences
from tests.merchants.factories import APPLICATION, MerchantFactory

pytestmark = pytest.mark.django_db


def test_application_creates_a_pending_merchant_and_its_owner(db):
    merchant = registry.merchant_apply(**APPLICATION)
    assert (merchant.state, merchant.country, merchant.registration_number) == (
        MerchantState.PENDING, "KZ", "BIN 990140000123"
    )  # fmt: skip
    owner = User.objects.get(username="dana")
    assert owner.role == "merchant" and owner.check_password("Camel-Caravan-2027")
    assert MerchantMember.objects.get(user=owner).merchant == merchant
    assert AuditEntry.objects.filter(action="merchant.apply").exists()


@pytest.mark.parametrize(
    ("change", "field"),
    [({"password": "123"}, "password"), ({"email": "not-an-email"}, "email"), ({"phone": "call me"}, "phone")],
)
def test_bad_application_writes_nothing(db, change, field):
    with pytest.raises(ValidationError) as error:
        registry.merchant_apply(**{**APPLICATION, **change})
    assert field in error.value.message_dict
    assert not Merchant.objects.exists()
    assert not User.objects.exists()


def test_same_registration_number_cannot_apply_twice(db):
    registry.merchant_apply(**APPLICATION)
    with pytest.raises(ValidationError) as error:
        registry.merchant_apply(**{**APPLICATION, "username": "dana2", "registration_number": "BIN 990140000123"})
    assert "registration_number" in error.value.message_dict
    assert Merchant.objects.count() == 1


def test_lifecycle_moves_allowed_and_refused(market):
    pending = MerchantFactory(state=MerchantState.PENDING)
    admin = market.administrator
    with pytest.raises(ValidationError):
        registry.merchant_suspend(merchant=pending, acting_user=admin, reason="x")  # pending cannot be suspended
    with pytest.raises(ValidationError) as missing_reason:
        registry.merchant_reject(merchant=pending, acting_user=admin, reason=" ")
    assert "reason" in missing_reason.value.message_dict
    approved = registry.merchant_approve(merchant=pending, acting_user=admin)
    assert approved.state == MerchantState.APPROVED
    with pytest.raises(ValidationError):
        registry.merchant_approve(merchant=approved, acting_user=admin)
    suspended = registry.merchant_suspend(merchant=approved, acting_user=admin, reason="Unpaid rent")
    assert (suspended.state, suspended.state_reason) == (MerchantState.SUSPENDED, "Unpaid rent")
    assert registry.merchant_reinstate(merchant=suspended, acting_user=admin).state == MerchantState.APPROVED
    actions = list(AuditEntry.objects.filter(target_id=str(pending.pk)).values_list("action", flat=True))
    assert sorted(actions) == ["merchant.approve", "merchant.reinstate", "merchant.suspend"]
    assert Notification.objects.filter(merchant=pending, kind=NotificationKind.MERCHANT_STATE).count() == 3


def test_only_administrators_move_the_lifecycle(market):
    with pytest.raises(PermissionDenied):
        registry.merchant_suspend(merchant=market.a, acting_user=market.owner_a, reason="self")
    assert Merchant.objects.get(pk=market.a.pk).state == MerchantState.APPROVED


def test_owner_opens_and_closes_shops_of_their_own_merchant_only(market):
    shop = registry.shop_open(merchant=market.a, acting_user=market.owner_a, unit_code="b3-2-101", side="KZ",
                              name="Felt and Wool", area_m2=30, opened_on=date(2026, 1, 10))  # fmt: skip
    assert shop.unit_code == "B3-2-101"
    with pytest.raises(PermissionDenied):
        registry.shop_close(shop=shop, acting_user=market.owner_b)
    assert registry.shop_close(shop=shop, acting_user=market.owner_a).state == "closed"


@pytest.mark.parametrize(
    ("unit_code", "area", "field"),
    [(None, 10, "unit_code"), ("building two", 10, "unit_code"), ("B3-1-001", 0, "area_m2")],
)
def test_bad_shops_are_refused(market, unit_code, area, field):
    unit_code = unit_code or market.shop_a.unit_code  # None: a unit that already has a shop
    with pytest.raises(ValidationError) as error:
        registry.shop_open(merchant=market.a, acting_user=market.owner_a, unit_code=unit_code, side="CN", name="X",
                           area_m2=area, opened_on=date(2026, 1, 1))  # fmt: skip
    assert field in error.value.message_dict
    assert Shop.objects.count() == 2


def test_suspended_merchant_cannot_open_shops(market):
    registry.merchant_suspend(merchant=market.a, acting_user=market.administrator, reason="Audit")
    with pytest.raises(ValidationError):
        registry.shop_open(merchant=market.a, acting_user=market.owner_a, unit_code="B9-1-001", side="CN", name="X",
                           area_m2=10, opened_on=date(2026, 1, 1))  # fmt: skip


def test_members_are_invited_and_removed_by_owners_and_the_last_owner_stays(market):
    clerk = registry.member_invite(
        merchant=market.a, acting_user=market.owner_a, username="clerk.a", password="Felt-Boots-2031"
    )
    with pytest.raises(PermissionDenied):
        registry.member_invite(merchant=market.a, acting_user=clerk.user, username="x", password="Felt-Boots-2031")
    with pytest.raises(PermissionDenied):
        registry.member_remove(member=clerk, acting_user=market.owner_b)
    owner_membership = MerchantMember.objects.get(user=market.owner_a)
    with pytest.raises(ValidationError):
        registry.member_remove(member=owner_membership, acting_user=market.owner_a)
    registry.member_remove(member=clerk, acting_user=market.owner_a)
    assert not User.objects.get(username="clerk.a").is_active


def test_licence_check_warns_then_suspends_and_twice_changes_nothing(market):
    market.a.licence_valid_until = date(2026, 12, 10)
    market.a.save()
    market.b.licence_valid_until = date(2026, 11, 20)
    market.b.save()
    first = registry.merchant_check_licences(today=date(2026, 11, 25))
    assert first == {"warned": 1, "suspended": 1}
    assert Merchant.objects.get(pk=market.b.pk).state == MerchantState.SUSPENDED
    assert Notification.objects.filter(merchant=market.a, kind=NotificationKind.LICENCE_EXPIRING).count() == 1
    assert registry.merchant_check_licences(today=date(2026, 11, 25)) == {"warned": 0, "suspended": 0}
    assert Notification.objects.filter(merchant=market.a, kind=NotificationKind.LICENCE_EXPIRING).count() == 1
    assert check_licences.delay().get() == {"warned": 0, "suspended": 0}


def test_suspension_hides_the_merchants_listings_from_the_catalogue(market):
    market.listing_a.state = ListingState.APPROVED
    market.listing_a.save()
    assert list(catalogue_listings()) == [market.listing_a]
    registry.merchant_suspend(merchant=market.a, acting_user=market.administrator, reason="Audit")
    assert list(catalogue_listings()) == []
