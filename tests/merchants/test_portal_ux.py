"""What merchants found using their portal (issue #12): the listing form's "Save and submit for review", the
failing rows of an import as a file and its drafts submitted together, the unread count beside the notifications
link, searching listings, and the stock as a quantity."""

import csv
import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from horgos.models import AuditEntry
from merchants.choices import ListingImportState, ListingState, NotificationKind
from merchants.context_processors import unread_notifications
from merchants.models import Listing
from merchants.services import listings as listing_services
from merchants.services.listings import CANNOT_SUBMIT, UNKNOWN_HS
from merchants.services.notifications import notification_add
from merchants.spreadsheets import COLUMNS, ERROR_COLUMN, NOT_A_NUMBER
from tests.merchants.factories import ListingFactory
from tests.merchants.pages import html, messages_of, table_rows, url
from tests.merchants.test_imports import csv_upload, problems_of, row, upload, xlsx_upload
from tests.merchants.test_portal_views import listing_body

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_roots")]


def edit_body(listing: Listing, **changes) -> dict:
    """The edit form as shown for `listing` (nothing changed), with `changes`."""
    body = listing_body(None, title_en=listing.title_en, title_zh_hans="", title_ru="", description_en="",
                        hs_code=listing.hs_code, price=str(listing.price), unit_weight_kg=str(listing.unit_weight_kg),
                        stock_quantity=str(listing.stock_quantity))  # fmt: skip
    return {**body, **changes}


# --- 1. "Save and submit for review" saves what was typed ------------------------------------------------------


def test_submitting_from_the_form_saves_the_edits_and_submits_in_one_go(market, owner_client):
    listing = market.listing_a
    page = html(owner_client.get(url("portal-listing-edit", listing.pk)))
    # The only submit button on the page is the form's own, so typed edits cannot be left behind
    assert 'name="submit_for_review"' in page
    assert url("portal-listing-submit", listing.pk) not in page
    # When the owner changes the title and the price, then presses "Save and submit for review"
    body = edit_body(listing, title_en="Green tea from Fujian, 100 g", price="45.00", submit_for_review="1")
    response = owner_client.post(url("portal-listing-edit", listing.pk), body, follow=True)
    # Then the listing is submitted with the new text, and both steps are audited
    listing.refresh_from_db()
    assert (listing.state, listing.title_en, listing.price) == (
        ListingState.SUBMITTED,
        "Green tea from Fujian, 100 g",
        Decimal("45.00"),
    )
    assert messages_of(response) == ["Listing “Green tea from Fujian, 100 g” saved and submitted for review."]
    actions = list(AuditEntry.objects.filter(target_id=str(listing.pk)).order_by("id").values_list("action", flat=True))
    assert actions[-2:] == ["listing.update", "listing.submit"]


def test_submitting_without_edits_just_submits(market, owner_client):
    listing = market.listing_a
    response = owner_client.post(
        url("portal-listing-edit", listing.pk), edit_body(listing, submit_for_review="1"), follow=True
    )
    assert Listing.objects.get(pk=listing.pk).state == ListingState.SUBMITTED
    assert messages_of(response) == ["Listing “Green tea from Fujian” submitted for review."]
    assert not AuditEntry.objects.filter(action="listing.update").exists()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"price": "-1"}, "price", "Ensure this value is greater than or equal to 0."),
        ({"stock_quantity": "-3"}, "stock_quantity", "Ensure this value is greater than or equal to 0."),
        ({"hs_code": "999999"}, "hs_code", str(UNKNOWN_HS % {"code": "999999"})),  # refused by the service
    ],
)
def test_refused_edits_show_their_errors_and_submit_nothing(market, owner_client, changes, field, message):
    listing = market.listing_a
    body = edit_body(listing, title_en="Changed title", submit_for_review="1", **changes)
    response = owner_client.post(url("portal-listing-edit", listing.pk), body)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    # The typed text is still in the form, to correct and send again
    assert 'value="Changed title"' in html(response)
    listing.refresh_from_db()
    assert (listing.state, listing.title_en) == (ListingState.DRAFT, "Green tea from Fujian")
    assert not AuditEntry.objects.filter(action__in=["listing.update", "listing.submit"]).exists()


def test_a_listing_that_cannot_be_submitted_keeps_its_text(market, owner_client):
    # Given a listing a colleague submitted while the owner's form was open as a draft
    listing = market.listing_a
    listing_services.listing_submit(listing=listing, acting_user=market.owner_a)
    body = edit_body(listing, title_en="Typed meanwhile", submit_for_review="1")
    response = owner_client.post(url("portal-listing-edit", listing.pk), body)
    assert str(CANNOT_SUBMIT) in html(response)
    assert Listing.objects.get(pk=listing.pk).title_en == "Green tea from Fujian"


def test_approved_and_submitted_listings_offer_no_submit_button(market, owner_client):
    listing_services.listing_submit(listing=market.listing_a, acting_user=market.owner_a)
    page = html(owner_client.get(url("portal-listing-edit", market.listing_a.pk)))
    assert 'name="submit_for_review"' not in page and "Save changes" in page


# --- 2. An import's failing rows as a file; its drafts submitted together ---------------------------------------


def failing_file(client, job) -> bytes:
    response = client.get(reverse("merchants:listing-import-failing-rows", args=[job.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(f'-failing-rows.{job.file_format}"')
    return response.content


def test_the_failing_rows_come_back_as_csv_and_the_fixed_file_imports(signed_in, market):
    # Given a CSV with a good row, a row with a bad price and one whose title a spreadsheet would run as a formula
    code_a = market.shop_a.unit_code
    file = csv_upload([
        row(code_a),                                                # 2
        row(code_a, title_en="Tea", price="abc"),                   # 3
        row(code_a, title_en="=HYPERLINK(1)", hs_code="999999"),    # 4
    ])  # fmt: skip
    client = signed_in(market.owner_a)
    job = upload(client, file)
    assert "Download the 2 failing rows (CSV)" in html(
        client.get(reverse("merchants:listing-import-detail", args=[job.pk]))
    )

    # When the merchant downloads the failing rows
    content = failing_file(client, job).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content)))

    # Then they are the two bad rows as uploaded, in the template's columns and an error column saying what is wrong
    assert list(rows[0]) == [*COLUMNS, ERROR_COLUMN]
    assert [(item["title_en"], item["price"]) for item in rows] == [("Tea", "abc"), ("'=HYPERLINK(1)", "39.00")]
    assert rows[0][ERROR_COLUMN] == f"price: {NOT_A_NUMBER}"
    assert rows[1][ERROR_COLUMN] == f"hs_code: {UNKNOWN_HS % {'code': '999999'}}"

    # And once fixed, the same file (error column and all) uploads and imports
    rows[0]["price"] = "12.00"
    rows[1]["hs_code"] = "090210"
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=[*COLUMNS, ERROR_COLUMN])
    writer.writeheader()
    writer.writerows(rows)
    fixed = upload(client, io_upload(buffer.getvalue().encode("utf-8"), "fixed.csv"))
    assert (fixed.state, fixed.valid_rows, fixed.errors) == (ListingImportState.VALIDATED, 2, [])
    client.post(reverse("merchants:listing-import-confirm", args=[fixed.pk]))
    assert Listing.objects.filter(title_en="=HYPERLINK(1)", hs_code="090210").exists()


def io_upload(content: bytes, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


def test_the_failing_rows_of_an_xlsx_come_back_as_xlsx(signed_in, market):
    code_a = market.shop_a.unit_code
    good = [code_a, "Green tea", "", "", "", "", "", "", "", 90210, "CN", 88.5, 0.25, 24]
    bad = [code_a, "Tea, loose", "", "", "", "", "", "", "", 90210, "CN", 88.5, 0.25, -2]
    # Given an XLSX whose bad row has a text cell a spreadsheet would run as a formula
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_upload([good, bad]).read()))
    workbook.active.cell(row=3, column=COLUMNS.index("description_en") + 1).value = "=1+2"
    workbook.active.cell(row=3, column=COLUMNS.index("description_en") + 1).data_type = "s"
    uploaded = io.BytesIO()
    workbook.save(uploaded)
    client = signed_in(market.owner_a)
    job = upload(client, io_upload(uploaded.getvalue(), "listings.xlsx"))
    assert problems_of(job)[0][:2] == (3, "stock_quantity")

    sheet = openpyxl.load_workbook(io.BytesIO(failing_file(client, job))).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == [*COLUMNS, ERROR_COLUMN]
    assert len(values) == 2 and values[1][1] == "Tea, loose" and values[1][-1].startswith("stock_quantity: ")
    description = sheet.cell(row=2, column=COLUMNS.index("description_en") + 1)
    assert (description.value, description.data_type) == ("=1+2", "s")  # text, never a formula

    # Fixed in the workbook and uploaded again as it is, it is valid
    sheet.cell(row=2, column=COLUMNS.index("stock_quantity") + 1).value = 5
    buffer = io.BytesIO()
    sheet.parent.save(buffer)
    fixed = upload(client, io_upload(buffer.getvalue(), "fixed.xlsx"))
    assert (fixed.valid_rows, fixed.errors) == (1, [])


def test_an_import_without_failing_rows_or_of_another_merchant_has_no_file(signed_in, market):
    job = upload(signed_in(market.owner_a), csv_upload([row(market.shop_a.unit_code)]))
    address = reverse("merchants:listing-import-failing-rows", args=[job.pk])
    assert signed_in(market.owner_a).get(address).status_code == 404
    assert signed_in(market.owner_b).get(address).status_code == 404


def test_the_drafts_of_an_import_are_submitted_together(signed_in, market):
    # Given an import of three listings, one of which a colleague already submitted
    code_a = market.shop_a.unit_code
    client = signed_in(market.owner_a)
    job = upload(client, csv_upload([row(code_a, title_en=f"Shirt {size}") for size in ("S", "M", "L")]))
    client.post(reverse("merchants:listing-import-confirm", args=[job.pk]))
    created = Listing.objects.filter(listing_import=job).order_by("id")
    assert created.count() == 3
    listing_services.listing_submit(listing=created[0], acting_user=market.owner_a)
    detail = reverse("merchants:listing-import-detail", args=[job.pk])
    assert "Submit all 2 drafts of this import for review" in html(client.get(detail))

    # When the owner submits all drafts of the import
    response = client.post(reverse("merchants:listing-import-submit-drafts", args=[job.pk]), follow=True)

    # Then the two drafts are submitted (the merchant's other draft is not) and the page says so
    assert set(Listing.objects.filter(listing_import=job).values_list("state", flat=True)) == {ListingState.SUBMITTED}
    assert Listing.objects.get(pk=market.listing_a.pk).state == ListingState.DRAFT
    assert "2 listings submitted for review." in messages_of(response)
    assert "Submit all" not in html(response)
    # And another merchant cannot submit them
    assert (
        signed_in(market.owner_b).post(reverse("merchants:listing-import-submit-drafts", args=[job.pk])).status_code
        == 404
    )


def test_ticked_listings_are_submitted_each_on_its_own_and_the_refused_ones_say_why(market, owner_client):
    # Given two drafts and a listing already submitted, and another merchant's draft
    second = ListingFactory(shop=market.shop_a, title_en="Jasmine tea")
    waiting = ListingFactory(shop=market.shop_a, title_en="Oolong", state=ListingState.SUBMITTED)
    page = html(owner_client.get(url("portal-listings")))
    assert f'name="listing" value="{second.pk}" form="listings-submit"' in page
    assert f'name="listing" value="{waiting.pk}"' not in page  # only drafts and rejected listings have a tick box

    # When all three, and the other merchant's, are posted
    ticked = [market.listing_a.pk, second.pk, waiting.pk, market.listing_b.pk]
    response = owner_client.post(url("portal-listings-submit"), {"listing": ticked}, follow=True)

    # Then the drafts are submitted; the submitted one is refused with the reason; the other merchant's is untouched
    states = dict(Listing.objects.filter(pk__in=ticked).values_list("pk", "state"))
    assert states == {
        market.listing_a.pk: ListingState.SUBMITTED,
        second.pk: ListingState.SUBMITTED,
        waiting.pk: ListingState.SUBMITTED,
        market.listing_b.pk: ListingState.DRAFT,
    }
    assert messages_of(response) == [
        "2 listings submitted for review.",
        f"“Oolong” was not submitted: {CANNOT_SUBMIT}",
    ]


# --- 3. The unread count beside the notifications link --------------------------------------------------------


def test_the_unread_count_shows_beside_the_notifications_links_until_read(market, owner_client):
    for number in range(2):
        notification_add(merchant=market.a, kind=NotificationKind.LISTING_APPROVED, message=f"Tea {number}")
    notification_add(merchant=market.b, kind=NotificationKind.LISTING_APPROVED, message="Boots")
    page = html(owner_client.get(url("portal-listings")))
    # In the site's navigation and in the portal's, with words for screen readers
    notifications = url("portal-notifications")
    assert (
        page.count('<span class="nav-badge" data-unread="2">2<span class="visually-hidden"> unread notifications') == 2
    )
    assert f'<a href="{notifications}">Notifications <span class="nav-badge"' in page
    # Once read, the count is gone
    owner_client.post(url("portal-notifications-read"))
    assert "nav-badge" not in html(owner_client.get(url("portal-listings")))


def test_the_unread_count_is_one_query_per_request_and_none_for_other_roles(market, django_assert_num_queries):
    notification_add(merchant=market.a, kind=NotificationKind.LISTING_APPROVED, message="Tea")
    request = RequestFactory().get("/")
    request.user = market.owner_a
    with django_assert_num_queries(1):
        assert unread_notifications(request)["unread_notifications"].count == 1
        assert unread_notifications(request)["unread_notifications"].count == 1
    request.user = market.administrator
    with django_assert_num_queries(0):
        assert unread_notifications(request) == {}


def test_pages_of_other_roles_have_no_badge(market, administrator_client):
    assert "nav-badge" not in html(administrator_client.get(reverse("merchants:registry-moderation")))


# --- 4. Searching listings; the stock as a quantity -----------------------------------------------------------


def test_listings_are_searched_by_words_in_any_language_and_by_hs_code(market, owner_client, api_client_for):
    ListingFactory(shop=market.shop_a, title_en="Felt slippers", title_ru="Войлочные тапочки", hs_code="610910",
                   description_kk="Қолдан жасалған")  # fmt: skip
    ListingFactory(shop=market.shop_a, title_en="Black tea", hs_code="090230", state=ListingState.SUBMITTED)

    def titles(**params):
        return {listing.title_en for listing in table_rows(owner_client.get(url("portal-listings"), params))}

    assert titles(q="tea") == {"Green tea from Fujian", "Black tea"}
    assert titles(q="ТАПОЧКИ") == {"Felt slippers"}
    assert titles(q="қолдан") == {"Felt slippers"}
    assert titles(q="0902") == {"Green tea from Fujian", "Black tea"}
    assert titles(q="0902.30") == {"Black tea"}
    assert titles(q="tea fujian") == {"Green tea from Fujian"}
    assert titles(q="tea", state="submitted") == {"Black tea"}
    assert titles(q="boots") == set()  # another merchant's listing is never found
    api = api_client_for(market.owner_a).get("/api/v1/listings/", {"q": "тапочки"}).json()
    assert [item["title_en"] for item in api["results"]] == ["Felt slippers"]


def test_the_portal_shows_and_edits_the_quantity(market, owner_client):
    Listing.objects.filter(pk=market.listing_a.pk).update(stock_quantity=0)
    page = html(owner_client.get(url("portal-listings")))
    assert "Out of stock" in page
    body = edit_body(Listing.objects.get(pk=market.listing_a.pk), stock_quantity="250")
    owner_client.post(url("portal-listing-edit", market.listing_a.pk), body)
    assert Listing.objects.get(pk=market.listing_a.pk).stock_quantity == 250
    assert '<td data-label="Stock" class="num">250</td>' in html(owner_client.get(url("portal-listings")))


@pytest.mark.parametrize(
    ("quantity", "label", "level", "in_stock"),
    [(0, "Out of stock", "out_of_stock", False), (5, "Few left", "few_left", True), (6, "In stock", "in_stock", True)],
)
def test_the_public_sees_in_stock_few_left_or_out_of_stock(market, signed_in, quantity, label, level, in_stock):
    listing = market.listing_a
    listing_services.listing_submit(listing=listing, acting_user=market.owner_a)
    listing_services.listing_approve(listing=listing, acting_user=market.administrator)
    Listing.objects.filter(pk=listing.pk).update(stock_quantity=quantity)
    page = html(signed_in(None).get(url("catalogue-listing", listing.pk)))
    assert f'<p class="stock-{level}">{label}</p>' in page
    answer = signed_in(None).get(f"/api/v1/catalogue/{listing.pk}/").json()
    assert (answer["stock"], answer["in_stock"]) == (level, in_stock)
    assert "stock_quantity" not in answer  # the count stays the merchant's


def test_the_api_writes_the_quantity_and_refuses_a_negative_one(market, api_client_for):
    client = api_client_for(market.owner_a)
    address = f"/api/v1/listings/{market.listing_a.pk}/"
    assert client.patch(address, {"stock_quantity": 7}, format="json").json()["stock_quantity"] == 7
    refused = client.patch(address, {"stock_quantity": -1}, format="json")
    assert refused.status_code == 400 and "stock_quantity" in refused.content.decode()
    assert Listing.objects.get(pk=market.listing_a.pk).stock_quantity == 7
