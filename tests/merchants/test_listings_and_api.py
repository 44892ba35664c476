import io
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError
from django.urls import reverse
from PIL import Image

from horgos.models import AuditEntry
from merchants.choices import ListingState
from merchants.models import Listing, Shop
from merchants.services import listings, registry
from tests.merchants.factories import APPLICATION, ListingFactory

pytestmark = pytest.mark.django_db

NEW_LISTING = {"title_ru": "Войлочные сапоги", "title_en": "Felt boots", "hs_code": "610910", "origin_country": "KZ",
               "price": "120.00", "unit_weight_kg": "0.800"}  # fmt: skip


def jpeg_with_exif(size=(1200, 900)) -> SimpleUploadedFile:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # camera maker
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", exif=exif)
    return SimpleUploadedFile("boots.jpg", buffer.getvalue(), content_type="image/jpeg")


# --- services ----------------------------------------------------------------------------------


def test_listing_moves_through_moderation_and_edits_send_it_back(market):
    listing = listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, **NEW_LISTING)
    assert listing.state == ListingState.DRAFT and listing.hs_heading.code == "6109"
    with pytest.raises(ValidationError):
        listings.listing_approve(listing=listing, acting_user=market.administrator)  # not submitted yet
    listings.listing_submit(listing=listing, acting_user=market.owner_a)
    rejected = listings.listing_reject(listing=listing, acting_user=market.administrator, reason="Blurry photo")
    assert (rejected.state, rejected.rejection_reason) == (ListingState.REJECTED, "Blurry photo")
    listings.listing_submit(listing=listing, acting_user=market.owner_a)
    approved = listings.listing_approve(listing=listing, acting_user=market.administrator)
    assert approved.state == ListingState.APPROVED
    edited = listings.listing_update(listing=listing, acting_user=market.owner_a, price=Decimal("99.00"))
    assert edited.state == ListingState.SUBMITTED
    assert AuditEntry.objects.filter(target_type="merchants.listing", target_id=str(listing.pk)).count() == 6


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hs_code": "999999"}, "hs_code"),
        ({"hs_code": "09021"}, "hs_code"),
        ({"origin_country": "XX"}, "origin_country"),
        ({"price": "-1.00"}, "price"),
        ({"unit_weight_kg": "-0.5"}, "unit_weight_kg"),
        ({"title_ru": "", "title_en": ""}, "__all__"),
    ],
)
def test_bad_listing_input_is_refused_and_nothing_written(market, change, field):
    before = Listing.objects.count()
    with pytest.raises(ValidationError) as error:
        listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, **{**NEW_LISTING, **change})
    assert field in error.value.message_dict
    assert Listing.objects.count() == before


def test_merchant_cannot_touch_another_merchants_shop(market):
    with pytest.raises(PermissionDenied):
        listings.listing_create(shop=market.shop_b, acting_user=market.owner_a, **NEW_LISTING)
    with pytest.raises(PermissionDenied):
        listings.listing_update(listing=market.listing_b, acting_user=market.owner_a, price=Decimal("1.00"))


def test_suspended_merchant_cannot_edit_listings(market):
    registry.merchant_suspend(merchant=market.a, acting_user=market.administrator, reason="Audit")
    with pytest.raises(ValidationError, match="cannot be changed"):
        listings.listing_update(listing=market.listing_a, acting_user=market.owner_a, price=Decimal("1.00"))
    assert Listing.objects.get(pk=market.listing_a.pk).price == Decimal("88.00")


def test_photo_is_re_encoded_without_metadata_and_thumbnailed(market, media_roots):
    listing = listings.listing_create(
        shop=market.shop_a, acting_user=market.owner_a, photo=jpeg_with_exif(), **NEW_LISTING
    )
    with Image.open(listing.photo.path) as stored:
        assert stored.format == "JPEG"
        assert not stored.getexif()
    with Image.open(listing.thumbnail.path) as thumbnail:
        assert max(thumbnail.size) == 400


def test_oversized_or_non_image_photos_are_refused(market, settings, media_roots):
    settings.LISTING_PHOTO_MAX_BYTES = 1000
    with pytest.raises(ValidationError, match="larger than"):
        listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, photo=jpeg_with_exif(), **NEW_LISTING)
    settings.LISTING_PHOTO_MAX_BYTES = 5 * 1024 * 1024
    fake = SimpleUploadedFile("virus.jpg", b"MZ\x90\x00 not an image", content_type="image/jpeg")
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, photo=fake, **NEW_LISTING)
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, format="GIF")
    with pytest.raises(ValidationError, match="JPEG, PNG or WebP"):
        listings.listing_create(shop=market.shop_a, acting_user=market.owner_a,
                                photo=SimpleUploadedFile("a.gif", gif.getvalue()), **NEW_LISTING)  # fmt: skip
    assert Listing.objects.count() == 2


# --- API: scoping ------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["merchants", "shops", "listings"])
def test_merchant_lists_only_its_own_rows(market, api_client_for, path):
    body = api_client_for(market.owner_a).get(f"/api/v1/{path}/").json()
    assert body["count"] == 1
    assert api_client_for(market.administrator).get(f"/api/v1/{path}/").json()["count"] == 2


@pytest.mark.parametrize(
    ("method", "path", "data"),
    [
        ("get", "/api/v1/merchants/{b}/", None),
        ("patch", "/api/v1/merchants/{b}/", {"phone": "+7 700 000 0000"}),
        ("get", "/api/v1/shops/{shop_b}/", None),
        ("post", "/api/v1/shops/{shop_b}/close/", None),
        ("get", "/api/v1/listings/{listing_b}/", None),
        ("patch", "/api/v1/listings/{listing_b}/", {"price": "1.00"}),
        ("delete", "/api/v1/listings/{listing_b}/", None),
        ("post", "/api/v1/listings/{listing_b}/submit/", None),
    ],
)
def test_another_merchants_rows_are_404_and_untouched(market, api_client_for, method, path, data):
    url = path.format(b=market.b.pk, shop_b=market.shop_b.pk, listing_b=market.listing_b.pk)
    response = getattr(api_client_for(market.owner_a), method)(url, data, format="json")
    assert response.status_code == 404
    market.listing_b.refresh_from_db()
    assert (market.listing_b.price, market.listing_b.state) == (Decimal("88.00"), ListingState.DRAFT)
    assert Shop.objects.get(pk=market.shop_b.pk).state == "open"


def test_listing_for_another_merchants_shop_is_400_not_a_hint(market, api_client_for):
    response = api_client_for(market.owner_a).post(
        "/api/v1/listings/", {**NEW_LISTING, "shop": market.shop_b.pk}, format="json"
    )
    assert response.status_code == 400
    assert "shop" in response.json()["error"]["fields"]


@pytest.mark.parametrize(
    ("caller", "status"), [(None, 401), ("officer", 403), ("owner_a", 403), ("administrator", 200)]
)
def test_moderation_is_for_administrators(market, api_client_for, api_client, caller, status):
    listings.listing_submit(listing=market.listing_a, acting_user=market.owner_a)
    client = api_client_for(getattr(market, caller)) if caller else api_client
    assert client.post(f"/api/v1/listings/{market.listing_a.pk}/approve/").status_code == status


def test_owner_creates_a_listing_with_a_photo_through_the_api(market, api_client_for, media_roots):
    client = api_client_for(market.owner_a)
    response = client.post("/api/v1/listings/", {**NEW_LISTING, "shop": market.shop_a.pk, "photo": jpeg_with_exif()},
                           format="multipart", HTTP_IDEMPOTENCY_KEY="new-boots")  # fmt: skip
    assert response.status_code == 201, response.json()
    assert response.json()["state"] == "draft" and response.json()["thumbnail"]
    retry = client.post("/api/v1/listings/", {**NEW_LISTING, "shop": market.shop_a.pk}, format="multipart",
                        HTTP_IDEMPOTENCY_KEY="new-boots")  # fmt: skip
    assert retry.status_code == 422  # same key, different body (no photo this time)
    assert Listing.objects.filter(title_en="Felt boots").count() == 1


def test_bad_listing_through_the_api_is_400_with_field_errors(market, api_client_for):
    response = api_client_for(market.owner_a).post(
        "/api/v1/listings/", {**NEW_LISTING, "shop": market.shop_a.pk, "hs_code": "999999"}, format="json"
    )
    assert response.status_code == 400
    assert "hs_code" in response.json()["error"]["fields"]


def test_anyone_may_apply_to_become_a_merchant(api_client, db):
    body = {**APPLICATION, "licence_valid_until": "2029-12-31"}
    response = api_client.post("/api/v1/merchants/apply/", body, format="json")
    assert response.status_code == 201
    assert response.json()["state"] == "pending"


# --- the public catalogue ------------------------------------------------------------------------


@pytest.fixture
def catalogue(market):
    for listing in (market.listing_a, market.listing_b):
        listing.state = ListingState.APPROVED
        listing.save()
    boots = {"title_ru": "Войлочные сапоги ручной работы", "title_zh_hans": "手工毡靴", "hs_code": "610910"}
    ListingFactory(
        shop=market.shop_a, **boots, origin_country="KZ", price=Decimal("350.00"), state=ListingState.APPROVED
    )
    ListingFactory(shop=market.shop_a, title_en="Draft only", state=ListingState.DRAFT)
    return market


def test_catalogue_is_public_and_shows_only_approved_listings_of_approved_merchants(catalogue, api_client):
    body = api_client.get("/api/v1/catalogue/").json()
    assert body["count"] == 3
    registry.merchant_suspend(merchant=catalogue.b, acting_user=catalogue.administrator, reason="Audit")
    titles = {row["title"] for row in api_client.get("/api/v1/catalogue/").json()["results"]}
    assert "Kazakh felt boots" not in titles and "Draft only" not in titles


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "сапоги"}, 1),
        ({"q": "Войлочные"}, 1),
        ({"q": "毡靴"}, 1),
        ({"q": "tea"}, 2),
        ({"origin_country": "KZ"}, 1),
        ({"hs_chapter": "61"}, 1),
        ({"price_min": "100", "price_max": "400"}, 1),
        ({"side": "KZ"}, 0),
    ],
)
def test_catalogue_search_in_every_language_and_filters(catalogue, api_client, params, expected):
    response = api_client.get("/api/v1/catalogue/", params)
    assert response.status_code == 200
    assert response.json()["count"] == expected


def test_catalogue_bad_filters_are_400(catalogue, api_client):
    assert api_client.get("/api/v1/catalogue/", {"price_min": "-5"}).status_code == 400
    assert api_client.get("/api/v1/catalogue/", {"hs_chapter": "9"}).status_code == 400


def test_catalogue_figures(catalogue, api_client):
    assert api_client.get("/api/v1/catalogue/figures/").json() == {
        "products": 3,
        "countries": 2,
        "shops": 2,
        "merchants": 2,
    }


def test_refused_listing_leaves_no_photo_files_behind(market, media_roots):
    with pytest.raises(ValidationError):
        listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, photo=jpeg_with_exif(),
                                **{**NEW_LISTING, "price": "-1"})  # fmt: skip
    assert not [path for path in media_roots.public.rglob("*") if path.is_file()]


# --- audit values and photo files follow the transaction ------------------------------------------------


def media_files(root) -> set[str]:
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def test_patching_the_country_of_origin_answers_200_and_audits_the_codes(market, api_client_for):
    listing = listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, **NEW_LISTING)  # from KZ
    response = api_client_for(market.owner_a).patch(
        f"/api/v1/listings/{listing.pk}/", {"origin_country": "CN"}, format="json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["origin_country"] == "CN"
    entry = AuditEntry.objects.filter(action="listing.update").get()
    assert entry.changes == {"origin_country": {"before": "KZ", "after": "CN"}}


def test_portal_edit_of_the_country_with_a_new_photo_keeps_only_the_new_photo(
    market, signed_in, media_roots, django_capture_on_commit_callbacks
):
    # given a listing with a photo
    listing = listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, photo=jpeg_with_exif(),
                                      **NEW_LISTING)  # fmt: skip
    old_files = media_files(media_roots.public)
    assert len(old_files) == 2
    # when its owner changes the country of origin and the photo in the portal
    client = signed_in(market.owner_a)
    body = {**NEW_LISTING, "description_en": "", "origin_country": "CN", "stock_quantity": "7",
            "photo": jpeg_with_exif(size=(800, 600))}  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("merchants:portal-listing-edit", args=[listing.pk]), body)
    # then the change is saved and audited with plain values, and the replaced files are gone
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.origin_country == "CN"
    assert AuditEntry.objects.get(action="listing.update").changes["origin_country"] == {"before": "KZ", "after": "CN"}
    assert media_files(media_roots.public) == {listing.photo.name, listing.thumbnail.name}
    assert not old_files & media_files(media_roots.public)


def test_edit_failing_after_the_photo_is_stored_leaves_no_new_file_and_keeps_the_old_photo(
    market, media_roots, monkeypatch
):
    # given a listing with a photo
    listing = listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, photo=jpeg_with_exif(),
                                      **NEW_LISTING)  # fmt: skip
    old_files, old_photo = media_files(media_roots.public), listing.photo.name

    # when the edit fails after its new photo was processed and stored (here: the database refuses the audit row)
    def refuse(**kwargs):
        raise IntegrityError("forced")

    monkeypatch.setattr(listings, "audit_record", refuse)
    with pytest.raises(IntegrityError):
        listings.listing_update(listing=listing, acting_user=market.owner_a, photo=jpeg_with_exif(), price="99.00")
    # then nothing new is on disk, and the listing still shows its old photo
    assert media_files(media_roots.public) == old_files
    listing.refresh_from_db()
    assert listing.photo.name == old_photo and listing.price == Decimal("120.00")
    assert listing.photo.storage.exists(old_photo)


def test_create_failing_after_the_photo_is_stored_leaves_no_file(market, media_roots, monkeypatch):

    def refuse(**kwargs):
        raise IntegrityError("forced")

    monkeypatch.setattr(listings, "audit_record", refuse)
    with pytest.raises(IntegrityError):
        listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, photo=jpeg_with_exif(), **NEW_LISTING)
    assert media_files(media_roots.public) == set()
    assert not Listing.objects.filter(title_en="Felt boots").exists()


def test_deleting_a_listing_removes_its_photo_files_once_committed(
    market, media_roots, django_capture_on_commit_callbacks
):
    listing = listings.listing_create(shop=market.shop_a, acting_user=market.owner_a, photo=jpeg_with_exif(),
                                      **NEW_LISTING)  # fmt: skip
    with django_capture_on_commit_callbacks(execute=True):
        listings.listing_delete(listing=listing, acting_user=market.owner_a)
    assert media_files(media_roots.public) == set()
