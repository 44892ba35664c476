import io
import time

import pytest
from django.core.management import call_command
from django.utils import timezone

from horgos.choices import Role
from horgos.models import User
from merchants.choices import ListingState, MemberRole, MerchantState, NotificationKind, ZoneSide
from merchants.management.commands.merchants_demo import DEMO_PASSWORD, REJECTION_REASON
from merchants.models import HsHeading, Listing, Merchant, MerchantMember, Notification, Shop

pytestmark = pytest.mark.django_db


def run_demo() -> str:
    out = io.StringIO()
    call_command("merchants_demo", stdout=out, stderr=io.StringIO())
    return out.getvalue()


def snapshot() -> list[tuple]:
    return list(
        Listing.objects.order_by("shop__unit_code", "title_en", "title_ru", "title_zh_hans").values_list(
            "shop__unit_code", "title_en", "title_ru", "title_kk", "title_zh_hans", "hs_code", "price", "state"
        )
    )


def test_merchants_demo_builds_a_realistic_registry(client):
    # Given the demo users exist, the demo login `merchant` among them
    call_command("load_demo_users", stdout=io.StringIO())

    # When the demo data is loaded
    started = time.monotonic()
    run_demo()
    elapsed = time.monotonic() - started

    # Then: the HS reference data, six approved merchants from five countries and one pending application
    assert elapsed < 15
    assert (
        HsHeading.objects.filter(code__in=["0902", "6109", "6403", "3304", "8517", "1704", "2008", "6203"]).count() == 8
    )
    approved = Merchant.objects.filter(state=MerchantState.APPROVED)
    assert approved.count() == 6
    assert {str(merchant.country) for merchant in approved} == {"KZ", "CN", "RU", "UZ", "TR"}
    pending = Merchant.objects.get(state=MerchantState.PENDING)
    assert not pending.shops.exists() and pending.members.filter(role=MemberRole.OWNER).exists()
    for merchant in Merchant.objects.all():
        merchant.full_clean()
        assert merchant.licence_valid_until > timezone.localdate()
        owner = merchant.members.filter(role=MemberRole.OWNER).exclude(user__username="merchant").get().user
        assert owner.role == Role.MERCHANT and owner.check_password(DEMO_PASSWORD)
    first = Merchant.objects.order_by("pk").first()
    assert MerchantMember.objects.get(user__username="merchant").merchant == first
    assert client.login(username="silkroad", password=DEMO_PASSWORD)

    # ~12 shops on both sides, unit codes building-floor-unit
    shops = Shop.objects.all()
    assert shops.count() == 12
    assert {shop.side for shop in shops} == {ZoneSide.CN, ZoneSide.KZ}
    for shop in shops:
        shop.full_clean()

    # ~200 valid listings in several languages from several countries, mostly approved
    listings = Listing.objects.select_related("hs_heading", "shop__merchant")
    assert 180 <= listings.count() <= 220
    for listing in listings:
        listing.full_clean()
        assert listing.hs_heading.code == listing.hs_code[:4]
        assert listing.shop.merchant.state == MerchantState.APPROVED
    assert len({str(listing.origin_country) for listing in listings}) >= 5
    for field in ("title_en", "title_ru", "title_kk", "title_zh_hans"):
        assert listings.exclude(**{field: ""}).count() >= 40
    assert (
        listings.filter(title_zh_hans__contains="龙井").exists() and listings.filter(title_kk__contains="шай").exists()
    )
    by_state = {state: listings.filter(state=state).count() for state in ListingState.values}
    assert by_state[ListingState.APPROVED] > listings.count() / 2
    assert by_state[ListingState.SUBMITTED] >= 10 and by_state[ListingState.DRAFT] >= 5
    rejected = listings.get(state=ListingState.REJECTED)
    assert rejected.rejection_reason == REJECTION_REASON
    assert Notification.objects.filter(merchant=rejected.shop.merchant, kind=NotificationKind.LISTING_REJECTED).exists()
    assert listings.filter(state=ListingState.APPROVED, reviewed_at__isnull=True).count() == 0


def test_merchants_demo_twice_creates_nothing_more():
    run_demo()
    counts = (Merchant.objects.count(), Shop.objects.count(), Listing.objects.count(), User.objects.count())
    first = snapshot()

    output = run_demo()

    assert "left as they are" in output
    assert (Merchant.objects.count(), Shop.objects.count(), Listing.objects.count(), User.objects.count()) == counts
    assert snapshot() == first


def test_merchants_demo_is_deterministic():
    run_demo()
    first = snapshot()
    Notification.objects.all().delete()
    Listing.objects.all().delete()
    Shop.objects.all().delete()
    owners = list(MerchantMember.objects.values_list("user", flat=True))
    MerchantMember.objects.all().delete()
    User.objects.filter(pk__in=owners).delete()
    Merchant.objects.all().delete()

    run_demo()

    assert snapshot() == first
