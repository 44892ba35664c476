"""The merchant portal: overview, profile, shops, listings, staff and notifications of one merchant."""

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from PIL import Image

from horgos.forms import PASSWORDS_DIFFER
from horgos.models import AuditEntry, User
from merchants.choices import ListingState, MemberRole, MerchantState, NotificationKind, ShopState
from merchants.forms import TITLE_CONSTRAINT
from merchants.models import Listing, Merchant, MerchantMember, Notification, Shop
from merchants.services import listings as listing_services
from merchants.services.listings import CANNOT_SUBMIT, PHOTO_NOT_AN_IMAGE, PHOTO_TOO_LARGE, UNKNOWN_HS
from merchants.services.notifications import notification_mark_read
from merchants.services.registry import LAST_OWNER, NOT_APPROVED, UNIT_TAKEN
from tests.factories import MerchantUserFactory
from tests.merchants.factories import ListingFactory, OwnerFactory, ShopFactory
from tests.merchants.pages import html, messages_of, table_rows, url

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Steppe-caravan-2026"
NO_TITLE = str(TITLE_CONSTRAINT.violation_error_message)


def audit_count(action: str | None = None) -> int:
    entries = AuditEntry.objects.all()
    return (entries.filter(action=action) if action else entries).count()


def image_upload(image_format="JPEG", name="tea.jpg", size=(800, 600)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def listing_body(shop: Shop | None, **changes) -> dict:
    body = {
        "title_en": "Pu-erh tea",
        "title_zh_hans": "普洱茶",
        "title_kk": "",
        "title_ru": "Чай пуэр",
        "description_en": "Aged five years.",
        "description_zh_hans": "",
        "description_kk": "",
        "description_ru": "",
        "hs_code": "090230",
        "origin_country": "CN",
        "price": "120.50",
        "unit_weight_kg": "0.357",
        "stock_quantity": "40",
    }
    if shop is not None:
        body["shop"] = shop.pk
    return {**body, **changes}


def profile_body(**changes) -> dict:
    return {
        "contact_person": "Aigerim Sadykova",
        "phone": "+7 727 765 4321",
        "email": "sales@example.kz",
        "address": "Horgos ICBC, building B2, unit 15",
        "licence_number": "LIC-99999",
        "licence_valid_until": "2031-06-30",
        **changes,
    }


def invite_body(**changes) -> dict:
    return {
        "member-username": "clerk.aliya",
        "member-email": "aliya@example.kz",
        "member-role": MemberRole.CLERK,
        "member-password1": NEW_PASSWORD,
        "member-password2": NEW_PASSWORD,
        **changes,
    }


# --- permissions: every page and every POST, every kind of caller ------------------------------------

PAGES = [
    "portal",
    "portal-profile",
    "portal-shops",
    "portal-listings",
    "portal-listing-new",
    "portal-listing-edit",
    "portal-members",
    "portal-notifications",
]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("caller", "status"), [(None, 302), ("officer", 403), ("administrator", 403), ("owner_a", 200)]
)
def test_pages_are_for_merchant_users_only(market, signed_in, page, caller, status):
    args = (market.listing_a.pk,) if page == "portal-listing-edit" else ()
    response = signed_in(getattr(market, caller) if caller else None).get(url(page, *args))
    assert response.status_code == status
    if caller is None:
        assert response.url.startswith(reverse("login"))


def post_request(name: str, market) -> tuple[str, dict]:
    """The URL and body of one write of the portal, with the rows it needs."""
    if name == "profile":
        return url("portal-profile"), profile_body()
    if name == "shop-open":
        body = {"shop-unit_code": "B3-2-101", "shop-side": "KZ", "shop-name": "Felt", "shop-area_m2": "30",
                "shop-opened_on": "2026-03-01"}  # fmt: skip
        return url("portal-shops"), body
    if name == "shop-close":
        return url("portal-shop-close", market.shop_a.pk), {}
    if name == "shop-reopen":
        closed = ShopFactory(merchant=market.a, state=ShopState.CLOSED)
        return url("portal-shop-reopen", closed.pk), {}
    if name == "listing-new":
        return url("portal-listing-new"), listing_body(market.shop_a)
    if name == "listing-edit":
        return url("portal-listing-edit", market.listing_a.pk), listing_body(None, price="99.00")
    if name == "listing-submit":
        return url("portal-listing-submit", market.listing_a.pk), {}
    if name == "listing-delete":
        return url("portal-listing-delete", market.listing_a.pk), {}
    if name == "member-invite":
        return url("portal-members"), invite_body()
    if name == "member-remove":
        clerk = OwnerFactory(merchant=market.a, role=MemberRole.CLERK)
        return url("portal-member-remove", clerk.pk), {}
    if name == "notifications-read":
        Notification.objects.create(merchant=market.a, kind=NotificationKind.LISTING_APPROVED, message="Tea")
        return url("portal-notifications-read"), {}
    raise AssertionError(name)


WRITES = [
    "profile",
    "shop-open",
    "shop-close",
    "shop-reopen",
    "listing-new",
    "listing-edit",
    "listing-submit",
    "listing-delete",
    "member-invite",
    "member-remove",
    "notifications-read",
]


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    ("caller", "status"), [(None, 302), ("officer", 403), ("administrator", 403), ("owner_a", 302)]
)
def test_writes_are_for_the_merchants_staff_only(market, signed_in, write, caller, status):
    # Given the rows the write needs
    path, body = post_request(write, market)
    audited_before = audit_count()
    # When the caller posts it
    response = signed_in(getattr(market, caller) if caller else None).post(path, body)
    # Then only the owner's write happens (every write is audited), the others write nothing
    assert response.status_code == status
    if caller is None:
        assert response.url.startswith(reverse("login"))
    if caller == "owner_a":
        assert not response.url.startswith(reverse("login"))
        assert audit_count() > audited_before
    else:
        assert audit_count() == audited_before


def test_write_endpoints_refuse_get(owner_client, market):
    assert owner_client.get(url("portal-listing-submit", market.listing_a.pk)).status_code == 405
    assert owner_client.get(url("portal-listing-delete", market.listing_a.pk)).status_code == 405
    assert owner_client.get(url("portal-shop-close", market.shop_a.pk)).status_code == 405
    assert owner_client.get(url("portal-notifications-read")).status_code == 405
    assert Listing.objects.filter(pk=market.listing_a.pk).exists()


def test_merchant_user_without_a_membership_is_told_so(market, signed_in):
    client = signed_in(MerchantUserFactory())
    home = client.get(url("portal"))
    assert home.status_code == 200
    assert "does not belong to any merchant" in html(home)
    listings = client.get(url("portal-listings"))
    assert listings.status_code == 403
    assert "does not belong to any merchant" in html(listings)
    audited_before = audit_count()
    assert client.post(url("portal-listing-new"), listing_body(market.shop_a)).status_code == 403
    assert audit_count() == audited_before


# --- scoping: another merchant's rows are not found and never change ----------------------------------


def test_another_merchants_edit_pages_are_404(market, owner_client):
    assert owner_client.get(url("portal-listing-edit", market.listing_b.pk)).status_code == 404
    assert owner_client.get(url("portal-listing-edit", market.listing_a.pk)).status_code == 200


@pytest.mark.parametrize(
    "write", ["listing-edit", "listing-submit", "listing-delete", "shop-close", "shop-reopen", "member-remove"]
)
def test_another_merchants_rows_are_404_to_posts_and_untouched(market, owner_client, write):
    # Given merchant B's rows (a closed shop of B's too, for reopening)
    closed_b = ShopFactory(merchant=market.b, state=ShopState.CLOSED)
    paths = {
        "listing-edit": (url("portal-listing-edit", market.listing_b.pk), listing_body(None, price="1.00")),
        "listing-submit": (url("portal-listing-submit", market.listing_b.pk), {}),
        "listing-delete": (url("portal-listing-delete", market.listing_b.pk), {}),
        "shop-close": (url("portal-shop-close", market.shop_b.pk), {}),
        "shop-reopen": (url("portal-shop-reopen", closed_b.pk), {}),
        "member-remove": (url("portal-member-remove", MerchantMember.objects.get(user=market.owner_b).pk), {}),
    }
    path, body = paths[write]
    audited_before = audit_count()
    # When merchant A's owner posts to them
    response = owner_client.post(path, body)
    # Then they are not found, and nothing of B's changed
    assert response.status_code == 404
    assert audit_count() == audited_before
    listing_b = Listing.objects.get(pk=market.listing_b.pk)
    assert (listing_b.state, listing_b.price) == (ListingState.DRAFT, Decimal("88.00"))
    assert Shop.objects.get(pk=market.shop_b.pk).state == ShopState.OPEN
    assert Shop.objects.get(pk=closed_b.pk).state == ShopState.CLOSED
    assert MerchantMember.objects.filter(user=market.owner_b, merchant=market.b).exists()


def test_a_new_listing_cannot_go_into_another_merchants_shop(market, owner_client):
    before = Listing.objects.count()
    response = owner_client.post(url("portal-listing-new"), listing_body(market.shop_b))
    assert response.status_code == 200
    assert "shop" in response.context["form"].errors
    assert Listing.objects.count() == before
    # and B's shop is not even offered
    page = html(owner_client.get(url("portal-listing-new")))
    assert market.shop_a.unit_code in page
    assert market.shop_b.unit_code not in page


def test_lists_show_only_the_merchants_own_rows(market, owner_client):
    listings = html(owner_client.get(url("portal-listings")))
    assert "Green tea from Fujian" in listings
    assert "Kazakh felt boots" not in listings
    shops = html(owner_client.get(url("portal-shops")))
    assert market.shop_a.unit_code in shops
    assert market.shop_b.unit_code not in shops
    members = html(owner_client.get(url("portal-members")))
    assert market.owner_a.username in members
    assert market.owner_b.username not in members


# --- home --------------------------------------------------------------------------------------------


def test_home_shows_the_merchant_its_counts_and_latest_notifications(market, owner_client):
    # Given a second listing, submitted, a closed shop, and one read and one unread notification
    ListingFactory(shop=market.shop_a, state=ListingState.SUBMITTED)
    ShopFactory(merchant=market.a, state=ShopState.CLOSED)
    Notification.objects.create(
        merchant=market.a, kind=NotificationKind.LISTING_APPROVED, message="Old news", read_at=timezone.now()
    )
    Notification.objects.create(merchant=market.a, kind=NotificationKind.LISTING_REJECTED, message="Blurry photo")
    Notification.objects.create(merchant=market.b, kind=NotificationKind.LISTING_REJECTED, message="B's secret")
    # When the owner opens the portal
    response = owner_client.get(url("portal"))
    page = html(response)
    # Then it shows the merchant, its state in words, and counts by state
    assert market.a.trade_name in page
    assert "Your merchant is approved" in page
    listing_counts = {row["state"]: row["count"] for row in response.context["listing_counts"]}
    assert listing_counts == {"draft": 1, "submitted": 1, "approved": 0, "rejected": 0}
    shop_counts = {row["state"]: row["count"] for row in response.context["shop_counts"]}
    assert shop_counts == {"open": 1, "closed": 1}
    # and its notifications only, the unread one marked with a word, not only a colour
    assert "Blurry photo" in page and "Old news" in page
    assert "B&#x27;s secret" not in page and "B's secret" not in page
    assert page.count("portal-unread") == 1
    assert ">New<" in page
    for name in ["portal-profile", "portal-shops", "portal-listings", "portal-members", "portal-notifications"]:
        assert f'href="{url(name)}"' in page


def test_home_warns_of_a_licence_expiring_within_30_days(market, owner_client, settings):
    settings.MERCHANT_LICENCE_WARNING_DAYS = 30
    Merchant.objects.filter(pk=market.a.pk).update(licence_valid_until=timezone.localdate() + timedelta(days=10))
    page = html(owner_client.get(url("portal")))
    assert "Warning:" in page and "in 10 days" in page
    Merchant.objects.filter(pk=market.a.pk).update(licence_valid_until=timezone.localdate() + timedelta(days=31))
    assert "Warning:" not in html(owner_client.get(url("portal")))


def test_home_explains_a_suspension_with_its_reason(market, owner_client):
    Merchant.objects.filter(pk=market.a.pk).update(state=MerchantState.SUSPENDED, state_reason="Unpaid rent")
    page = html(owner_client.get(url("portal")))
    assert "Your merchant is suspended" in page
    assert "Unpaid rent" in page


# --- profile -----------------------------------------------------------------------------------------


def test_owner_edits_the_profile(market, owner_client):
    response = owner_client.post(url("portal-profile"), profile_body())
    assert response.status_code == 302
    merchant = Merchant.objects.get(pk=market.a.pk)
    assert (merchant.phone, merchant.licence_valid_until) == ("+7 727 765 4321", date(2031, 6, 30))
    entry = AuditEntry.objects.get(action="merchant.update")
    assert entry.actor == market.owner_a and "phone" in entry.changes


def test_bad_profile_input_shows_field_errors_and_writes_nothing(market, owner_client):
    response = owner_client.post(url("portal-profile"), profile_body(phone="call me", email="not-an-address"))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Enter a phone number" in errors["phone"][0]
    assert "email" in errors
    assert "Enter a phone number" in html(response)
    assert Merchant.objects.get(pk=market.a.pk).phone == market.a.phone
    assert audit_count("merchant.update") == 0


def test_clerk_sees_the_profile_read_only_and_cannot_change_it(market, clerk_a, signed_in):
    client = signed_in(clerk_a)
    response = client.get(url("portal-profile"))
    assert response.status_code == 200
    assert response.context["form"] is None
    assert market.a.phone in html(response)
    assert "owners can change these details" in html(response)
    assert client.post(url("portal-profile"), profile_body()).status_code == 403
    assert Merchant.objects.get(pk=market.a.pk).phone == market.a.phone


# --- shops -------------------------------------------------------------------------------------------


def test_owner_opens_a_shop(market, owner_client):
    body = {"shop-unit_code": "b3-2-101", "shop-side": "KZ", "shop-name": "Felt and wool", "shop-area_m2": "30.5",
            "shop-opened_on": "2026-03-01"}  # fmt: skip
    response = owner_client.post(url("portal-shops"), body)
    assert response.status_code == 302
    shop = Shop.objects.get(unit_code="B3-2-101")
    assert (shop.merchant, shop.side, shop.area_m2) == (market.a, "KZ", Decimal("30.50"))


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"shop-unit_code": "B2-1"}, "unit_code", "building-floor-unit"),
        ({"shop-area_m2": "0"}, "area_m2", "greater than or equal to 1"),
        ({"shop-side": "XX"}, "side", "valid choice"),
    ],
)
def test_bad_shop_input_shows_field_errors(market, owner_client, changes, field, message):
    body = {"shop-unit_code": "B3-2-101", "shop-side": "KZ", "shop-name": "Felt", "shop-area_m2": "30",
            "shop-opened_on": "2026-03-01", **changes}  # fmt: skip
    response = owner_client.post(url("portal-shops"), body)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field][0]
    assert Shop.objects.filter(merchant=market.a).count() == 1


def test_a_taken_unit_is_refused_on_its_field(market, owner_client):
    body = {"shop-unit_code": market.shop_b.unit_code, "shop-side": "CN", "shop-name": "Copy", "shop-area_m2": "30",
            "shop-opened_on": "2026-03-01"}  # fmt: skip
    response = owner_client.post(url("portal-shops"), body)
    assert response.context["form"].errors["unit_code"] == [str(UNIT_TAKEN)]
    assert Shop.objects.filter(merchant=market.a).count() == 1


def test_a_merchant_not_approved_cannot_open_a_shop_and_is_told_why(market, owner_client):
    Merchant.objects.filter(pk=market.a.pk).update(state=MerchantState.PENDING)
    body = {"shop-unit_code": "B3-2-101", "shop-side": "KZ", "shop-name": "Felt", "shop-area_m2": "30",
            "shop-opened_on": "2026-03-01"}  # fmt: skip
    response = owner_client.post(url("portal-shops"), body)
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(NOT_APPROVED)]
    assert escape(str(NOT_APPROVED)) in html(response)
    assert not Shop.objects.filter(unit_code="B3-2-101").exists()


def test_owner_closes_and_reopens_a_shop(market, owner_client):
    owner_client.post(url("portal-shop-close", market.shop_a.pk))
    assert Shop.objects.get(pk=market.shop_a.pk).state == ShopState.CLOSED
    response = owner_client.post(url("portal-shop-close", market.shop_a.pk), follow=True)
    assert any("already" in message for message in messages_of(response))
    owner_client.post(url("portal-shop-reopen", market.shop_a.pk))
    assert Shop.objects.get(pk=market.shop_a.pk).state == ShopState.OPEN


def test_portal_tables_head_each_row_keep_its_id_and_show_the_buttons_to_owners_only(
    market, owner_client, clerk_a, signed_in
):
    # When the owner opens the listings, shops and staff
    listings = html(owner_client.get(url("portal-listings")))
    shops = html(owner_client.get(url("portal-shops")))
    members = html(owner_client.get(url("portal-members")))
    # Then each is the portal's sideways-scrolling table, each row with the id a button's redirect comes back to,
    # headed by its title, unit or username
    edit = url("portal-listing-edit", market.listing_a.pk)
    assert '<table class="table portal-table">' in listings
    assert f'<tr id="listing-{market.listing_a.pk}"' in listings
    assert f'<th scope="row" class="portal-title"><a href="{edit}">Green tea from Fujian</a></th>' in listings
    assert '<td data-label="Price" class="num portal-price">' in listings
    assert f'<tr id="shop-{market.shop_a.pk}"' in shops
    assert f'<th scope="row"><code>{market.shop_a.unit_code}</code></th>' in shops
    assert (
        f'<th scope="row">{market.owner_a.username} <span class="portal-status portal-status-muted">you</span></th>'
        in members
    )
    # and the buttons' column, its header for screen readers only
    for page in (listings, shops, members):
        assert '<span class="visually-hidden">Action</span>' in page and 'class="portal-action"' in page
    # which a clerk does not get where the buttons are for owners
    clerk = signed_in(clerk_a)
    for name in ("portal-shops", "portal-members"):
        page = html(clerk.get(url(name)))
        assert '<span class="visually-hidden">Action</span>' not in page and 'class="portal-action"' not in page


def test_clerk_sees_shops_without_buttons_and_cannot_change_them(market, clerk_a, signed_in):
    client = signed_in(clerk_a)
    page = html(client.get(url("portal-shops")))
    assert market.shop_a.unit_code in page
    assert url("portal-shop-close", market.shop_a.pk) not in page
    assert "Open a shop" not in page
    assert client.post(url("portal-shop-close", market.shop_a.pk)).status_code == 403
    body = {"shop-unit_code": "B3-2-101", "shop-side": "KZ", "shop-name": "Felt", "shop-area_m2": "30",
            "shop-opened_on": "2026-03-01"}  # fmt: skip
    assert client.post(url("portal-shops"), body).status_code == 403
    assert Shop.objects.get(pk=market.shop_a.pk).state == ShopState.OPEN
    assert not Shop.objects.filter(unit_code="B3-2-101").exists()


# --- listings ----------------------------------------------------------------------------------------


def test_owner_creates_a_listing_with_a_photo(market, owner_client, media_roots):
    # When the owner posts a new listing with a photo
    body = listing_body(market.shop_a, photo=image_upload())
    response = owner_client.post(url("portal-listing-new"), body)
    # Then it is a draft of the shop, with its photo and thumbnail stored
    listing = Listing.objects.exclude(pk=market.listing_a.pk).get(shop=market.shop_a)
    assert response.status_code == 302
    assert response.url == url("portal-listing-edit", listing.pk)
    assert (listing.state, listing.title_zh_hans, listing.price) == (ListingState.DRAFT, "普洱茶", Decimal("120.50"))
    assert listing.hs_heading.code == "0902" and listing.in_stock
    assert (media_roots.public / listing.photo.name).exists() and (media_roots.public / listing.thumbnail.name).exists()
    assert audit_count("listing.create") == 1
    # and its page shows the thumbnail
    page = html(owner_client.get(response.url))
    assert f'src="{listing.thumbnail.url}"' in page


def test_listing_form_is_multipart_with_labels_on_every_input(owner_client):
    response = owner_client.get(url("portal-listing-new"))
    page = html(response)
    assert 'enctype="multipart/form-data"' in page
    for field in response.context["form"].visible_fields():
        assert f'<label for="{field.id_for_label}">' in page


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"hs_code": "09AB30"}, "hs_code", "An HS code has six digits."),
        ({"hs_code": "999999"}, "hs_code", str(UNKNOWN_HS % {"code": "999999"})),
        ({"price": "-1.00"}, "price", "greater than or equal to 0"),
        ({"unit_weight_kg": "-0.5"}, "unit_weight_kg", "greater than or equal to 0"),
        ({"title_en": "", "title_zh_hans": "", "title_ru": ""}, "__all__", NO_TITLE),
        ({"origin_country": "XX"}, "origin_country", "valid choice"),
    ],
)
def test_bad_listing_input_shows_field_errors_and_writes_nothing(market, owner_client, changes, field, message):
    before = Listing.objects.count()
    response = owner_client.post(url("portal-listing-new"), listing_body(market.shop_a, **changes))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field])
    assert escape(message) in html(response)
    assert Listing.objects.count() == before
    assert audit_count() == 0


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ("oversize", str(PHOTO_TOO_LARGE % {"megabytes": 0})),
        (SimpleUploadedFile("tea.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg"), str(PHOTO_NOT_AN_IMAGE)),
        ("gif", str(PHOTO_NOT_AN_IMAGE)),
    ],
)
def test_bad_photos_show_a_field_error_and_write_nothing(market, owner_client, media_roots, settings, upload, message):
    if upload == "oversize":
        settings.LISTING_PHOTO_MAX_BYTES = 1000
        upload = image_upload(size=(1600, 1200))
    elif upload == "gif":
        upload = image_upload("GIF", "tea.gif")
    before = Listing.objects.count()
    response = owner_client.post(url("portal-listing-new"), listing_body(market.shop_a, photo=upload))
    assert response.status_code == 200
    assert response.context["form"].errors["photo"] == [message]
    assert Listing.objects.count() == before
    assert not any(media_roots.public.rglob("*.*"))


def test_a_listing_without_a_title_stores_no_photo(market, owner_client, media_roots):
    body = listing_body(market.shop_a, title_en="", title_zh_hans="", title_ru="", photo=image_upload())
    response = owner_client.post(url("portal-listing-new"), body)
    assert response.context["form"].non_field_errors() == [NO_TITLE]
    assert Listing.objects.count() == 2
    assert not any(media_roots.public.rglob("*.*"))


def test_editing_an_approved_listing_sends_it_back_to_review(market, owner_client):
    # Given an approved listing
    listing_services.listing_submit(listing=market.listing_a, acting_user=market.owner_a)
    listing_services.listing_approve(listing=market.listing_a, acting_user=market.administrator)
    page = html(owner_client.get(url("portal-listing-edit", market.listing_a.pk)))
    assert "Saving a change sends it back to review" in page
    # When its owner saves it unchanged, it stays approved
    unchanged = listing_body(None, **{
        "title_en": "Green tea from Fujian", "title_zh_hans": "", "title_ru": "", "description_en": "",
        "hs_code": "090210", "price": "88.00", "unit_weight_kg": "0.250", "stock_quantity": "100",
    })  # fmt: skip
    owner_client.post(url("portal-listing-edit", market.listing_a.pk), unchanged)
    assert Listing.objects.get(pk=market.listing_a.pk).state == ListingState.APPROVED
    # When only the stock changes (units counted, sold), it stays approved and public too
    owner_client.post(url("portal-listing-edit", market.listing_a.pk), {**unchanged, "stock_quantity": "60"})
    listing = Listing.objects.get(pk=market.listing_a.pk)
    assert (listing.state, listing.stock_quantity) == (ListingState.APPROVED, 60)
    unchanged["stock_quantity"] = "60"
    # When the price changes
    response = owner_client.post(
        url("portal-listing-edit", market.listing_a.pk), {**unchanged, "price": "92.40"}, follow=True
    )
    # Then it is submitted again, at the new price, and the owner is told
    listing = Listing.objects.get(pk=market.listing_a.pk)
    assert (listing.state, listing.price) == (ListingState.SUBMITTED, Decimal("92.40"))
    assert any("sent back for review" in message for message in messages_of(response))
    updates = AuditEntry.objects.filter(action="listing.update", target_id=str(listing.pk)).order_by("id")
    assert [entry.changes.get("stock_quantity") for entry in updates] == [{"before": 100, "after": 60}, None]
    assert updates.last().changes["price"] == {
        "before": "88.00",
        "after": "92.40",
    }


def test_submit_a_draft_for_review(market, owner_client):
    response = owner_client.post(url("portal-listing-submit", market.listing_a.pk), follow=True)
    assert Listing.objects.get(pk=market.listing_a.pk).state == ListingState.SUBMITTED
    assert response.redirect_chain[-1][0] == url("portal-listings")
    # A submitted listing has no submit button and cannot be submitted again
    assert url("portal-listing-submit", market.listing_a.pk) not in html(response)
    again = owner_client.post(url("portal-listing-submit", market.listing_a.pk), follow=True)
    assert messages_of(again) == [str(CANNOT_SUBMIT)]
    assert audit_count("listing.submit") == 1


def test_rejected_listing_shows_its_reason_and_can_be_resubmitted(market, owner_client):
    listing_services.listing_submit(listing=market.listing_a, acting_user=market.owner_a)
    listing_services.listing_reject(listing=market.listing_a, acting_user=market.administrator, reason="No HS proof")
    page = html(owner_client.get(url("portal-listings")))
    assert "No HS proof" in page
    assert url("portal-listing-submit", market.listing_a.pk) in page
    owner_client.post(url("portal-listing-submit", market.listing_a.pk))
    assert Listing.objects.get(pk=market.listing_a.pk).state == ListingState.SUBMITTED


def test_delete_a_listing(market, owner_client):
    page = html(owner_client.get(url("portal-listing-edit", market.listing_a.pk)))
    assert "Delete “Green tea from Fujian”" in page
    response = owner_client.post(url("portal-listing-delete", market.listing_a.pk))
    assert response.url == url("portal-listings")
    assert not Listing.objects.filter(pk=market.listing_a.pk).exists()
    assert audit_count("listing.delete") == 1


def test_listings_filter_by_state_shop_and_stock(market, owner_client):
    second_shop = ShopFactory(merchant=market.a)
    ListingFactory(shop=second_shop, title_en="Silk scarf", stock_quantity=0, state=ListingState.SUBMITTED)

    def titles(**params):
        response = owner_client.get(url("portal-listings"), params)
        return {listing.title_en for listing in table_rows(response)}

    assert titles() == {"Green tea from Fujian", "Silk scarf"}
    assert titles(state="submitted") == {"Silk scarf"}
    assert titles(shop=market.shop_a.pk) == {"Green tea from Fujian"}
    assert titles(in_stock="no") == {"Silk scarf"}
    assert titles(in_stock="yes", state="draft") == {"Green tea from Fujian"}
    # Another merchant's shop is not a valid filter: it filters nothing and shows the error
    response = owner_client.get(url("portal-listings"), {"shop": market.shop_b.pk})
    assert "shop" in response.context["filter_form"].errors


def test_listings_are_paginated_with_prices_in_cny(market, owner_client):
    ListingFactory.create_batch(50, shop=market.shop_a, price=Decimal("7.5"))
    first = owner_client.get(url("portal-listings"))
    assert len(table_rows(first)) == 50
    assert "7.50 CNY" in html(first)
    second = owner_client.get(url("portal-listings"), {"page": 2})
    assert len(table_rows(second)) == 1


def test_clerk_edits_listings(market, clerk_a, signed_in):
    client = signed_in(clerk_a)
    response = client.post(url("portal-listing-edit", market.listing_a.pk), listing_body(None, price="10.00"))
    assert response.status_code == 302
    assert Listing.objects.get(pk=market.listing_a.pk).price == Decimal("10.00")


def test_suspended_merchant_cannot_change_listings_and_is_told_why(market, owner_client):
    Merchant.objects.filter(pk=market.a.pk).update(state=MerchantState.SUSPENDED, state_reason="Audit")
    response = owner_client.post(url("portal-listing-edit", market.listing_a.pk), listing_body(None, price="1.00"))
    assert response.status_code == 200
    assert "cannot be changed" in response.context["form"].non_field_errors()[0]
    assert Listing.objects.get(pk=market.listing_a.pk).price == Decimal("88.00")


# --- staff -------------------------------------------------------------------------------------------


def test_owner_invites_a_clerk_who_can_sign_in(market, owner_client):
    response = owner_client.post(url("portal-members"), invite_body())
    assert response.status_code == 302
    member = MerchantMember.objects.get(user__username="clerk.aliya")
    assert (member.merchant, member.role, member.user.role) == (market.a, MemberRole.CLERK, "merchant")
    assert Client().login(username="clerk.aliya", password=NEW_PASSWORD)
    assert audit_count("member.invite") == 1


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"member-password2": "Something-else-2026"}, "password2", str(PASSWORDS_DIFFER)),
        ({"member-password1": "12345678", "member-password2": "12345678"}, "password1", "too common"),
        ({"member-email": "nope"}, "email", "valid email"),
    ],
)
def test_bad_invitations_show_errors_and_write_nothing(market, owner_client, changes, field, message):
    users_before = User.objects.count()
    response = owner_client.post(url("portal-members"), invite_body(**changes))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert escape(message) in html(response)
    assert User.objects.count() == users_before
    assert audit_count() == 0


def test_a_taken_username_is_refused_on_its_field(market, owner_client):
    response = owner_client.post(url("portal-members"), invite_body(**{"member-username": market.owner_b.username}))
    assert response.status_code == 200
    assert "already exists" in response.context["form"].errors["username"][0]
    assert MerchantMember.objects.filter(merchant=market.a).count() == 1


def test_clerk_cannot_invite_or_remove(market, clerk_a, signed_in):
    client = signed_in(clerk_a)
    page = client.get(url("portal-members"))
    assert page.context["form"] is None
    assert url("portal-member-remove", MerchantMember.objects.get(user=market.owner_a).pk) not in html(page)
    assert client.post(url("portal-members"), invite_body()).status_code == 403
    assert not User.objects.filter(username="clerk.aliya").exists()
    owner_member = MerchantMember.objects.get(user=market.owner_a)
    assert client.post(url("portal-member-remove", owner_member.pk)).status_code == 403
    assert MerchantMember.objects.filter(pk=owner_member.pk).exists()


def test_owner_removes_a_clerk_but_never_the_last_owner(market, clerk_a, owner_client):
    clerk_member = MerchantMember.objects.get(user=clerk_a)
    removed = owner_client.post(url("portal-member-remove", clerk_member.pk), follow=True)
    assert messages_of(removed) == [f"{clerk_a.username} is no longer on the staff and can no longer sign in."]
    assert not MerchantMember.objects.filter(pk=clerk_member.pk).exists()
    assert not User.objects.get(pk=clerk_a.pk).is_active
    owner_member = MerchantMember.objects.get(user=market.owner_a)
    response = owner_client.post(url("portal-member-remove", owner_member.pk), follow=True)
    assert messages_of(response) == [str(LAST_OWNER)]
    assert MerchantMember.objects.filter(pk=owner_member.pk).exists()
    assert User.objects.get(pk=market.owner_a.pk).is_active


# --- notifications -----------------------------------------------------------------------------------


def test_notifications_newest_first_and_mark_all_as_read(market, owner_client):
    # Given two unread notifications of A (and one of B)
    older = Notification.objects.create(merchant=market.a, kind=NotificationKind.LISTING_APPROVED, message="First")
    newer = Notification.objects.create(merchant=market.a, kind=NotificationKind.LISTING_REJECTED, message="Second")
    of_b = Notification.objects.create(merchant=market.b, kind=NotificationKind.LISTING_REJECTED, message="B only")
    response = owner_client.get(url("portal-notifications"))
    assert list(response.context["page"].object_list) == [newer, older]
    assert "2 unread notifications" in html(response)
    # When the owner marks all as read
    response = owner_client.post(url("portal-notifications-read"), follow=True)
    # Then A's are read, B's is not, the owner is told, and it is audited
    assert not Notification.objects.filter(merchant=market.a, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=of_b.pk).read_at is None
    assert messages_of(response) == ["2 notifications marked as read."]
    assert AuditEntry.objects.get(action="notification.mark_read").changes == {"count": 2}
    # and marking again changes and records nothing
    owner_client.post(url("portal-notifications-read"))
    assert audit_count("notification.mark_read") == 1


def test_mark_read_is_for_the_merchants_staff_only(market, clerk_a):
    Notification.objects.create(merchant=market.a, kind=NotificationKind.LISTING_APPROVED, message="Tea")
    for outsider in [market.owner_b, market.administrator, market.officer]:
        with pytest.raises(PermissionDenied):
            notification_mark_read(merchant=market.a, acting_user=outsider)
    assert Notification.objects.filter(merchant=market.a, read_at__isnull=True).count() == 1
    assert notification_mark_read(merchant=market.a, acting_user=clerk_a) == 1
