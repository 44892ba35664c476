import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError

from horgos.exports import formula_safe, formula_text_restored
from horgos.models import AuditEntry
from merchants import tasks as merchant_tasks
from merchants.choices import ListingImportState, ListingState, MemberRole
from merchants.models import HsHeading, Listing, ListingImport
from merchants.services import import_jobs
from merchants.services import imports as import_services
from merchants.services.imports import (
    ALREADY_IMPORTED,
    NOT_YOUR_SHOP_CODE,
    ROW_REFUSED,
    SYNC_ROWS,
    TOO_LARGE,
    WRONG_TYPE,
)
from merchants.services.listings import MERCHANT_NOT_ACTIVE, UNKNOWN_HS
from merchants.spreadsheets import (
    COLUMNS,
    MISSING_COLUMNS,
    NO_ROWS,
    NOT_A_NUMBER,
    NOT_UTF8,
    NOT_XLSX,
    REQUIRED,
    write_csv,
)
from merchants.tasks import process_listing_import
from tests.factories import MerchantUserFactory
from tests.merchants.factories import ListingFactory, OwnerFactory, ShopFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_roots")]

IMPORT_URL = reverse("merchants:listing-import")
TITLE_REQUIRED = "Give the listing a title in at least one language."
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def row(shop_code: str, **changes) -> dict:
    """A valid row of the import file (a T-shirt), with `changes`."""
    values = dict.fromkeys(COLUMNS, "")
    values.update(
        shop=shop_code, title_en="Cotton T-shirt", title_ru="Футболка хлопковая", title_zh_hans="纯棉T恤",
        description_en="100 % cotton", hs_code="610910", origin_country="CN", price="39.00",
        unit_weight_kg="0.180", stock_quantity="12",
    )  # fmt: skip
    values.update(changes)
    return values


def csv_upload(rows: list[dict], *, name: str = "listings.csv", delimiter: str = ",", bom: bool = True):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, delimiter=delimiter)
    writer.writeheader()
    writer.writerows(rows)
    content = ("\ufeff" if bom else "") + buffer.getvalue()
    return SimpleUploadedFile(name, content.encode("utf-8"), content_type="text/csv")


def xlsx_upload(rows: list[list], *, name: str = "listings.xlsx", header=COLUMNS):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(list(header))
    for values in rows:
        sheet.append(values)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=XLSX_TYPE)


def upload(client, file) -> ListingImport | None:
    """POST the file; the new import (the page redirects to it), or None when the form refused the file."""
    response = client.post(IMPORT_URL, {"file": file})
    if response.status_code == 302:
        return ListingImport.objects.get(pk=int(response.url.rstrip("/").split("/")[-1]))
    assert response.status_code == 200
    return None


def problems_of(job: ListingImport) -> list[tuple[int, str, str]]:
    return sorted((problem["row"], problem["column"], problem["message"]) for problem in job.errors)


# --- Checking a file ---------------------------------------------------------------------------------


def test_csv_with_good_and_bad_rows_reports_each_problem_and_writes_nothing(signed_in, market):
    # Given a CSV with two good rows and four bad ones (row numbers as in the file: the header is row 1)
    code_a, code_b = market.shop_a.unit_code, market.shop_b.unit_code
    file = csv_upload([
        row(code_a),                                      # 2
        row(code_a, price="abc"),                         # 3
        row(code_b),                                      # 4: another merchant's shop
        row(code_a, hs_code="999999"),                    # 5: no such heading
        row(code_a, title_en="", title_ru="", title_zh_hans=""),  # 6: no title
        row(code_a.lower(), title_en="Green tea", hs_code="0902.10", stock_quantity="0"),  # 7: fine, spelled loosely
    ])  # fmt: skip
    listings_before, audit_before = Listing.objects.count(), AuditEntry.objects.filter(action="listing.create").count()

    # When the merchant's owner uploads it
    client = signed_in(market.owner_a)
    job = upload(client, file)

    # Then every bad row is reported with its number, column and message, and nothing was written
    assert job.state == ListingImportState.VALIDATED
    assert (job.total_rows, job.valid_rows, job.invalid_rows) == (6, 2, 4)
    assert problems_of(job) == [
        (3, "price", str(NOT_A_NUMBER)),
        (4, "shop", str(NOT_YOUR_SHOP_CODE % {"code": code_b})),
        (5, "hs_code", str(UNKNOWN_HS % {"code": "999999"})),
        (6, "", TITLE_REQUIRED),
    ]
    assert Listing.objects.count() == listings_before
    assert AuditEntry.objects.filter(action="listing.create").count() == audit_before
    page = client.get(reverse("merchants:listing-import-detail", args=[job.pk])).content.decode()
    assert str(NOT_YOUR_SHOP_CODE % {"code": code_b}) in page
    assert '<td class="num">5</td>' in page and "<code>hs_code</code>" in page
    assert "Import the 2 valid rows" in page


def test_importing_the_valid_rows_writes_exactly_those_as_drafts(signed_in, market):
    # Given a checked file with two valid rows and a bad one
    code_a = market.shop_a.unit_code
    file = csv_upload([
        row(code_a, title_en="Cotton T-shirt, white"),
        row(code_a, unit_weight_kg="-1"),
        row(code_a, title_en="Green tea, 250 g", hs_code="090210", price="88,50", stock_quantity=""),
    ])  # fmt: skip
    client = signed_in(market.owner_a)
    job = upload(client, file)
    before = set(Listing.objects.values_list("pk", flat=True))

    # When the person imports the valid rows
    response = client.post(reverse("merchants:listing-import-confirm", args=[job.pk]))

    # Then exactly those two exist, as drafts of the merchant's shop, each created (and audited) by listing_create
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.imported_rows, job.confirmed_by) == (ListingImportState.DONE, 2, market.owner_a)
    new = Listing.objects.exclude(pk__in=before).order_by("title_en")
    assert [(item.title_en, item.state, item.shop, item.price, item.stock_quantity) for item in new] == [
        ("Cotton T-shirt, white", ListingState.DRAFT, market.shop_a, Decimal("39.00"), 12),
        ("Green tea, 250 g", ListingState.DRAFT, market.shop_a, Decimal("88.50"), 0),  # an empty stock is 0
    ]
    assert new[1].hs_heading.code == "0902" and new[0].title_zh_hans == "纯棉T恤"
    created = AuditEntry.objects.filter(action="listing.create", actor=market.owner_a)
    assert {int(entry.target_id) for entry in created} == {item.pk for item in new}
    assert "2 listings were imported as drafts." in client.get(response.url).content.decode()

    # And a second confirmation imports nothing more
    response = client.post(reverse("merchants:listing-import-confirm", args=[job.pk]), follow=True)
    assert str(ALREADY_IMPORTED) in response.content.decode()
    assert Listing.objects.exclude(pk__in=before).count() == 2


def test_xlsx_is_checked_and_imported_likewise(signed_in, market):
    # Given an XLSX as spreadsheets write it: numbers as numbers (the HS code lost its leading zero, 24 is 24.0)
    code_a = market.shop_a.unit_code
    good = [code_a, "Green tea", "绿茶", "Көк шай", "Зелёный чай", "", "", "", "", 90210, "CN", 88.5, 0.25, 24.0]
    bad = [code_a, "Tea", "", "", "", "", "", "", "", 90210, "XX", "free", 0.25, 2.5]
    client = signed_in(market.owner_a)
    before = Listing.objects.count()

    # When it is uploaded
    job = upload(client, xlsx_upload([good, bad]))

    # Then the bad row's problems are reported and nothing is written
    assert (job.file_format, job.state, job.valid_rows) == ("xlsx", ListingImportState.VALIDATED, 1)
    assert [(number, column) for number, column, _message in problems_of(job)] == [
        (3, "origin_country"),
        (3, "price"),
        (3, "stock_quantity"),
    ]
    assert Listing.objects.count() == before

    # And importing writes the good row only
    client.post(reverse("merchants:listing-import-confirm", args=[job.pk]))
    assert Listing.objects.count() == before + 1
    listing = Listing.objects.get(title_kk="Көк шай")
    assert (listing.hs_code, listing.price, listing.unit_weight_kg, listing.state) == (
        "090210", Decimal("88.50"), Decimal("0.250"), ListingState.DRAFT,
    )  # fmt: skip


def test_semicolon_csv_without_bom_and_blank_rows_reads_as_the_spreadsheet_shows_it(signed_in, market):
    # Given a CSV saved by a spreadsheet in a Russian locale: semicolons, decimal commas, no BOM, a blank line
    content = ";".join(COLUMNS) + "\r\n"
    content += ";".join(row(market.shop_a.unit_code, price="1 250,50").values()) + "\r\n"
    content += ";" * (len(COLUMNS) - 1) + "\r\n"
    content += ";".join(row(market.shop_a.unit_code, unit_weight_kg="").values()) + "\r\n"
    file = SimpleUploadedFile("ru.csv", content.encode("utf-8"), content_type="text/csv")

    # When it is uploaded
    job = upload(signed_in(market.owner_a), file)

    # Then the blank line is skipped but still counted in the numbering
    assert (job.total_rows, job.valid_rows) == (2, 1)
    assert problems_of(job) == [(4, "unit_weight_kg", str(REQUIRED))]


# --- Large files: the Celery task and the progress partial ---------------------------------------------


def test_large_file_is_checked_and_imported_by_the_task_with_progress(
    signed_in, market, django_capture_on_commit_callbacks
):
    # Given a file of more rows than are handled in the request, three of them bad
    code_a = market.shop_a.unit_code
    rows = [row(code_a, title_en=f"T-shirt {number}") for number in range(SYNC_ROWS + 47)]
    for index in (0, 100, 246):
        rows[index]["price"] = "n/a"
    client = signed_in(market.owner_a)
    before = Listing.objects.count()

    # When it is uploaded, before the task has run (the job waits, the partial keeps polling)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        job = upload(client, csv_upload(rows))
    assert (job.state, job.total_rows, len(callbacks)) == (ListingImportState.PENDING, SYNC_ROWS + 47, 1)
    progress_url = reverse("merchants:listing-import-progress", args=[job.pk])
    waiting = client.get(progress_url).content.decode()
    assert 'hx-trigger="every 1s"' in waiting and "Checking the rows: 0 of 247." in waiting

    # And then the task runs (eagerly in tests, as the worker would)
    callbacks[0]()

    # Then the partial reports the check, stops polling, and nothing is written yet
    job.refresh_from_db()
    assert (job.state, job.processed_rows, job.valid_rows) == (ListingImportState.VALIDATED, 247, 244)
    assert [number for number, _column, _message in problems_of(job)] == [2, 102, 248]
    checked = client.get(progress_url).content.decode()
    assert "hx-trigger" not in checked and "Import the 244 valid rows" in checked
    assert Listing.objects.count() == before

    # When the person imports them, the task does it, and the partial reports done
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("merchants:listing-import-confirm", args=[job.pk]))
    job.refresh_from_db()
    assert (job.state, job.imported_rows) == (ListingImportState.DONE, 244)
    assert Listing.objects.count() == before + 244
    done = client.get(progress_url).content.decode()
    assert "244 listings were imported as drafts." in done and "hx-trigger" not in done


def test_running_the_task_again_changes_nothing(signed_in, market, django_capture_on_commit_callbacks):
    # Given a large file checked and imported by the task
    rows = [row(market.shop_a.unit_code, title_en=f"T-shirt {number}") for number in range(SYNC_ROWS + 1)]
    rows[5]["hs_code"] = "12"
    client = signed_in(market.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, csv_upload(rows))
    job.refresh_from_db()
    checked = (job.state, job.valid_rows, job.errors)

    # When the task runs again before the import (a retry): the report stays and nothing is written
    assert process_listing_import.delay(job.pk).get() == ListingImportState.VALIDATED
    job.refresh_from_db()
    assert (job.state, job.valid_rows, job.errors) == checked
    listings_before = Listing.objects.count()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("merchants:listing-import-confirm", args=[job.pk]))
    job.refresh_from_db()
    finished = (job.state, job.imported_rows, job.finished_at)
    assert Listing.objects.count() == listings_before + SYNC_ROWS

    # Then running it twice more after the import creates nothing and leaves the job as it was
    for _ in range(2):
        assert process_listing_import.delay(job.pk).get() == ListingImportState.DONE
    job.refresh_from_db()
    assert (job.state, job.imported_rows, job.finished_at) == finished
    assert Listing.objects.count() == listings_before + SYNC_ROWS
    assert process_listing_import.delay(job.pk + 1000).get() == ""  # a job that is gone: nothing to do


def test_import_that_no_longer_validates_writes_nothing_and_fails(signed_in, market):
    # Given a checked file whose rows were valid: a T-shirt and a green tea
    code_a = market.shop_a.unit_code
    client = signed_in(market.owner_a)
    job = upload(client, csv_upload([row(code_a, hs_code="090210"), row(code_a)]))
    assert job.valid_rows == 2
    # and the T-shirts' HS heading is withdrawn before the person imports
    HsHeading.objects.filter(code="6109").delete()
    before = Listing.objects.count()

    # When they import
    client.post(reverse("merchants:listing-import-confirm", args=[job.pk]))

    # Then the import fails on that row and not even the tea was written (one transaction)
    job.refresh_from_db()
    assert job.state == ListingImportState.FAILED
    assert job.failure.startswith("Row 3 was refused: ") and "610910" in job.failure
    assert Listing.objects.count() == before


# --- Faults: the job service down, a worker lost -----------------------------------------------------


def broker_down(*args, **kwargs):
    raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


def large_file(market, rows: int = SYNC_ROWS + 3):
    return csv_upload([row(market.shop_a.unit_code, title_en=f"T-shirt {number}") for number in range(rows)])


def stalled(job: ListingImport, **changes) -> ListingImport:
    """Make the job's last sign of life older than the stall limit, as if its worker had died then."""
    minutes = settings.IMPORT_STALL_MINUTES + 1
    ListingImport.objects.filter(pk=job.pk).update(progress_at=timezone.now() - timedelta(minutes=minutes), **changes)
    job.refresh_from_db()
    return job


def sweep() -> dict:
    return merchant_tasks.sweep_listing_imports.delay().get()


# on_commit runs at once, as in production: the hand-over to the broker happens within the upload's request
@pytest.mark.django_db(transaction=True)
def test_upload_with_the_job_service_down_answers_and_the_job_starts_when_it_is_back(signed_in, market, monkeypatch):
    # Given the broker (Redis) is unreachable
    monkeypatch.setattr(process_listing_import, "apply_async", broker_down)
    client = signed_in(market.owner_a)

    # When a large file is uploaded
    job = upload(client, large_file(market))

    # Then the upload answers as usual (a redirect to the job), the job waits, and its page says why
    assert (job.state, job.enqueue_failed) == (ListingImportState.PENDING, True)
    page = client.get(reverse("merchants:listing-import-detail", args=[job.pk])).content.decode()
    assert str(import_jobs.QUEUED_FOR_JOB_SERVICE) in page

    # When the broker is back and the sweeper runs (without waiting for the stall limit)
    monkeypatch.undo()
    assert sweep() == {"requeued": 1, "failed": 0}

    # Then the job is checked, and its page no longer speaks of the job service
    job.refresh_from_db()
    assert (job.state, job.valid_rows, job.enqueue_failed) == (ListingImportState.VALIDATED, SYNC_ROWS + 3, False)
    page = client.get(reverse("merchants:listing-import-detail", args=[job.pk])).content.decode()
    assert str(import_jobs.QUEUED_FOR_JOB_SERVICE) not in page


def test_confirm_with_the_job_service_down_keeps_the_job_importing_until_the_sweeper(
    signed_in, market, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a large file checked by the task
    client = signed_in(market.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, large_file(market))
    before = Listing.objects.count()
    # When the person imports it while the broker is unreachable
    monkeypatch.setattr(process_listing_import, "apply_async", broker_down)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("merchants:listing-import-confirm", args=[job.pk]))
    # Then the answer is the usual redirect, and the job waits for the job service
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.state, job.enqueue_failed) == (ListingImportState.IMPORTING, True)
    # And once the broker is back, the sweeper has it imported
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.state, job.imported_rows) == (ListingImportState.DONE, SYNC_ROWS + 3)
    assert Listing.objects.count() == before + SYNC_ROWS + 3


def test_import_whose_worker_died_midway_is_requeued_and_imports_each_row_once(
    signed_in, market, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a large checked file the person asked to import
    client = signed_in(market.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, large_file(market))
    with django_capture_on_commit_callbacks(execute=False):
        client.post(reverse("merchants:listing-import-confirm", args=[job.pk]))
    before = Listing.objects.count()
    # and a worker that dies once the listings are written, before their audit rows
    written = []

    def write_then_die(**kwargs):
        written.append(Listing.objects.count() - before)
        raise SystemExit("worker killed")

    monkeypatch.setattr(import_services, "audit_record_many", write_then_die)
    with pytest.raises(SystemExit):
        process_listing_import.delay(job.pk)
    assert written == [SYNC_ROWS + 3]
    monkeypatch.undo()
    job.refresh_from_db()
    assert (job.state, Listing.objects.count()) == (ListingImportState.IMPORTING, before)

    # When the sweeper runs while the job's last progress is recent, it is left to its worker
    assert sweep() == {"requeued": 0, "failed": 0}
    # When it runs after the stall limit
    stalled(job)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {"requeued": 1, "failed": 0}

    # Then the job is imported, each valid row exactly once
    job.refresh_from_db()
    assert (job.state, job.imported_rows) == (ListingImportState.DONE, SYNC_ROWS + 3)
    assert Listing.objects.count() == before + SYNC_ROWS + 3
    assert Listing.objects.filter(title_en="T-shirt 7").count() == 1


def test_check_whose_worker_died_is_checked_again_from_the_start(signed_in, market, django_capture_on_commit_callbacks):
    # Given a large file whose check stopped at row 75 (its worker died)
    client = signed_in(market.owner_a)
    with django_capture_on_commit_callbacks(execute=False):
        job = upload(client, large_file(market))
    ListingImport.objects.filter(pk=job.pk).update(state=ListingImportState.VALIDATING, processed_rows=75, attempts=1)
    # When the task is delivered again while that check looks alive, it leaves the job to it
    assert process_listing_import.delay(job.pk).get() == ListingImportState.VALIDATING
    job.refresh_from_db()
    assert (job.state, job.processed_rows) == (ListingImportState.VALIDATING, 75)
    # When the sweeper finds it stalled, the job is checked again, to the end
    stalled(job)
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {"requeued": 1, "failed": 0}
    job.refresh_from_db()
    assert (job.state, job.processed_rows) == (ListingImportState.VALIDATED, SYNC_ROWS + 3)
    assert job.valid_rows == SYNC_ROWS + 3


def test_sweeper_leaves_running_and_finished_jobs_alone(
    signed_in, market, monkeypatch, django_capture_on_commit_callbacks
):
    # Given a job being checked right now, a pending one just uploaded, and a finished one long ago
    client = signed_in(market.owner_a)
    with django_capture_on_commit_callbacks(execute=False):
        checking = upload(client, large_file(market))
        upload(client, large_file(market))
    ListingImport.objects.filter(pk=checking.pk).update(state=ListingImportState.VALIDATING, processed_rows=50)
    finished = import_services.listing_import_upload(acting_user=market.owner_a, upload=large_file(market, 3))
    stalled(finished)
    handed_over = []
    monkeypatch.setattr(process_listing_import, "apply_async", lambda *args, **kwargs: handed_over.append(args))
    # When the sweeper runs
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {"requeued": 0, "failed": 0}
    # Then nothing is handed to the task and nothing changes
    assert handed_over == []
    assert [job.state for job in ListingImport.objects.order_by("pk")] == [
        ListingImportState.VALIDATING,
        ListingImportState.PENDING,
        ListingImportState.VALIDATED,
    ]


def test_job_that_keeps_losing_its_worker_fails_instead_of_running_forever(
    signed_in, market, django_capture_on_commit_callbacks
):
    # Given a job whose import began as many times as allowed, and stalled again
    client = signed_in(market.owner_a)
    with django_capture_on_commit_callbacks(execute=True):
        job = upload(client, large_file(market))
    before = Listing.objects.count()
    job = stalled(job, state=ListingImportState.IMPORTING, attempts=settings.IMPORT_MAX_ATTEMPTS)
    # When the sweeper runs
    with django_capture_on_commit_callbacks(execute=True):
        assert sweep() == {"requeued": 0, "failed": 1}
    # Then the job fails with a reason the merchant can act on, and nothing was written
    job.refresh_from_db()
    assert (job.state, job.failure) == (ListingImportState.FAILED, str(import_jobs.INTERRUPTED))
    assert Listing.objects.count() == before
    page = client.get(reverse("merchants:listing-import-detail", args=[job.pk])).content.decode()
    assert str(import_jobs.INTERRUPTED) in page


def test_import_past_its_time_limit_fails_and_writes_nothing(market, monkeypatch):
    # Given a checked file being imported, and an import so slow that it reaches the task's soft time limit
    job = import_services.listing_import_upload(acting_user=market.owner_a, upload=large_file(market, 3))
    ListingImport.objects.filter(pk=job.pk).update(state=ListingImportState.IMPORTING, confirmed_by=market.owner_a)
    before = Listing.objects.count()

    def time_is_up(**kwargs):  # the listings are written by then, their audit rows not yet
        assert Listing.objects.count() == before + 3
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(import_services, "audit_record_many", time_is_up)
    # When the task runs
    assert process_listing_import.delay(job.pk).get() == ListingImportState.FAILED
    # Then the job failed with a reason the merchant can act on, and no listing of it was written
    job.refresh_from_db()
    assert (job.state, job.failure) == (ListingImportState.FAILED, str(import_jobs.TOO_SLOW))
    assert Listing.objects.count() == before


def test_broker_visibility_timeout_outlasts_the_import_task():
    # A message is handed to another worker when its task runs past the visibility timeout: the import would run twice
    visibility_timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"]
    assert process_listing_import.soft_time_limit < process_listing_import.time_limit < visibility_timeout
    assert "merchants.tasks.sweep_listing_imports" in {
        entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }


# --- Files refused as a whole ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("make_file", "message"),
    [
        (lambda code: SimpleUploadedFile("listings.txt", b"shop,title_en\n", content_type="text/plain"), WRONG_TYPE),
        (lambda code: SimpleUploadedFile("listings.pdf", b"%PDF-1.7", content_type="application/pdf"), WRONG_TYPE),
        (lambda code: SimpleUploadedFile("listings.xlsx", b"not a zip at all", content_type="text/csv"), NOT_XLSX),
        (lambda code: SimpleUploadedFile("listings.csv", "shop;цена".encode("cp1251")), NOT_UTF8),
        (lambda code: csv_upload([]), NO_ROWS),
        (
            lambda code: xlsx_upload([[code]], header=["shop", "title_en"]),
            MISSING_COLUMNS % {"columns": ", ".join(COLUMNS[2:])},
        ),
    ],
    ids=["text", "pdf", "fake-xlsx", "not-utf8", "no-rows", "missing-columns"],
)
def test_file_of_the_wrong_kind_is_refused_and_nothing_is_stored(signed_in, market, make_file, message):
    response = signed_in(market.owner_a).post(IMPORT_URL, {"file": make_file(market.shop_a.unit_code)})

    assert response.status_code == 200
    assert str(message) in response.content.decode()
    assert ListingImport.objects.count() == 0


def test_file_larger_than_5_mb_is_refused(signed_in, market):
    big = csv_upload([row(market.shop_a.unit_code, description_en="x" * 100_000)] * 53)
    assert big.size > 5 * 1024 * 1024

    response = signed_in(market.owner_a).post(IMPORT_URL, {"file": big})

    assert str(TOO_LARGE % {"megabytes": 5}) in response.content.decode()
    assert ListingImport.objects.count() == 0


def test_upload_failing_after_the_file_is_stored_leaves_no_file(market, tmp_path, monkeypatch):
    # given an upload whose change fails after its file was stored (here: the database refuses the audit row)
    def refuse(**kwargs):
        raise IntegrityError("forced")

    monkeypatch.setattr(import_services, "audit_record", refuse)
    # when it is uploaded, then nothing is saved, and the stored file is gone again
    with pytest.raises(IntegrityError):
        import_services.listing_import_upload(
            acting_user=market.owner_a, upload=csv_upload([row(market.shop_a.unit_code)])
        )
    assert ListingImport.objects.count() == 0
    assert not [path for path in tmp_path.rglob("*") if path.is_file()]


def test_suspended_merchant_cannot_import(signed_in, market):
    market.a.state = "suspended"
    market.a.state_reason = "Audit"
    market.a.save()

    response = signed_in(market.owner_a).post(IMPORT_URL, {"file": csv_upload([row("B2-1-001")])})

    assert "Listings can be imported only while your merchant is approved." in response.content.decode()
    assert ListingImport.objects.count() == 0


def test_another_merchants_shop_code_is_an_error_for_that_row_only(market):
    # Given merchant B has a second shop; A's file names it and one of A's own shops
    other = ShopFactory(merchant=market.b, unit_code="D9-9-999")
    file = csv_upload([row(other.unit_code), row(market.shop_a.unit_code), row("Z1-1-001")])

    job = import_services.listing_import_upload(acting_user=market.owner_a, upload=file)

    assert problems_of(job) == [
        (2, "shop", str(NOT_YOUR_SHOP_CODE % {"code": "D9-9-999"})),
        (4, "shop", str(NOT_YOUR_SHOP_CODE % {"code": "Z1-1-001"})),
    ]
    assert job.valid_rows == 1


# --- Templates and export ----------------------------------------------------------------------------------


def test_templates_have_the_columns_and_a_filled_template_imports(signed_in, market):
    client = signed_in(market.owner_a)

    csv_template = client.get(reverse("merchants:listing-import-template-csv"))
    xlsx_template = client.get(reverse("merchants:listing-import-template-xlsx"))

    assert csv_template["Content-Type"].startswith("text/csv")
    assert csv_template.content.decode("utf-8-sig").splitlines() == [",".join(COLUMNS)]
    workbook = openpyxl.load_workbook(io.BytesIO(xlsx_template.content))
    sheet = workbook.worksheets[0]
    assert [cell.value for cell in sheet[1]] == list(COLUMNS)
    sheet.append(list(row(market.shop_a.unit_code, hs_code="090210").values()))
    buffer = io.BytesIO()
    workbook.save(buffer)
    job = upload(client, SimpleUploadedFile("filled.xlsx", buffer.getvalue()))
    assert (job.state, job.valid_rows, job.errors) == (ListingImportState.VALIDATED, 1, [])


def test_export_holds_only_the_merchants_own_listings_in_both_formats(signed_in, market):
    # Given A has a second listing with a leading-zero HS code and a formula-like title; B has its own
    ListingFactory(
        shop=market.shop_a, title_en="=HYPERLINK(1)", title_ru="Чай", price=Decimal("12.30"), stock_quantity=0
    )
    client = signed_in(market.owner_a)

    as_csv = client.get(reverse("merchants:listing-export"), {"format": "csv"})
    as_xlsx = client.get(reverse("merchants:listing-export"), {"format": "xlsx"})

    csv_rows = list(csv.DictReader(io.StringIO(as_csv.content.decode("utf-8-sig"))))
    assert as_csv["Content-Disposition"].startswith('attachment; filename="listings-')
    assert sorted(item["title_en"] for item in csv_rows) == [
        "'=HYPERLINK(1)",
        "Green tea from Fujian",
    ]  # kept as text in a spreadsheet
    assert {item["shop"] for item in csv_rows} == {market.shop_a.unit_code}
    tea = next(item for item in csv_rows if item["title_ru"] == "Чай")
    assert (tea["hs_code"], tea["price"], tea["stock_quantity"]) == ("090210", "12.30", "0")
    assert tea["origin_country"] == "CN"

    sheet = openpyxl.load_workbook(io.BytesIO(as_xlsx.content)).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == list(COLUMNS)
    assert sorted(line[1] for line in values[1:]) == ["=HYPERLINK(1)", "Green tea from Fujian"]
    assert all(line[0] == market.shop_a.unit_code and line[9] == "090210" for line in values[1:])
    assert "Kazakh felt boots" not in as_csv.content.decode() and len(values) == 3
    assert client.get(reverse("merchants:listing-export"), {"format": "pdf"}).status_code == 400


def test_an_exported_file_imports_again_without_problems(signed_in, market):
    client = signed_in(market.owner_a)
    exported = client.get(reverse("merchants:listing-export"), {"format": "xlsx"}).content

    job = upload(client, SimpleUploadedFile("again.xlsx", exported))

    assert (job.total_rows, job.valid_rows, job.errors) == (1, 1, [])


# --- Who may --------------------------------------------------------------------------------------------


PAGES = [
    ("merchants:listing-import", {}),
    ("merchants:listing-import-template-csv", {}),
    ("merchants:listing-import-template-xlsx", {}),
    ("merchants:listing-export", {"format": "csv"}),
]


@pytest.mark.parametrize(("name", "query"), PAGES)
def test_pages_are_for_merchant_staff_only(signed_in, market, name, query):
    url = reverse(f"{name}")
    assert signed_in(None).get(url, query)["Location"].startswith(reverse("login"))
    for user in (market.officer, market.administrator):
        assert signed_in(user).get(url, query).status_code == 403
    assert signed_in(MerchantUserFactory()).get(url, query).status_code == 403  # on no merchant's staff
    assert signed_in(market.owner_a).get(url, query).status_code == 200


def test_an_import_is_seen_and_confirmed_only_by_its_merchants_staff(signed_in, market):
    job = import_services.listing_import_upload(
        acting_user=market.owner_a, upload=csv_upload([row(market.shop_a.unit_code)])
    )
    urls = [
        reverse("merchants:listing-import-detail", args=[job.pk]),
        reverse("merchants:listing-import-progress", args=[job.pk]),
    ]
    confirm = reverse("merchants:listing-import-confirm", args=[job.pk])

    assert signed_in(None).get(urls[0])["Location"].startswith(reverse("login"))
    assert signed_in(market.administrator).get(urls[0]).status_code == 403
    client = signed_in(market.owner_b)
    assert [client.get(url).status_code for url in urls] == [404, 404]
    assert client.post(confirm).status_code == 404
    clerk = OwnerFactory(merchant=market.a, role=MemberRole.CLERK).user
    client = signed_in(clerk)
    assert [client.get(url).status_code for url in urls] == [200, 200]
    assert client.post(confirm).status_code == 302
    job.refresh_from_db()
    assert (job.state, job.confirmed_by) == (ListingImportState.DONE, clerk)


def test_import_page_lists_the_merchants_shops_and_recent_imports(signed_in, market):
    import_services.listing_import_upload(acting_user=market.owner_b, upload=csv_upload([row("X")], name="b.csv"))
    import_services.listing_import_upload(
        acting_user=market.owner_a, upload=csv_upload([row(market.shop_a.unit_code)], name="mine.csv")
    )

    page = signed_in(market.owner_a).get(IMPORT_URL).content.decode()

    assert market.shop_a.unit_code in page and market.shop_b.unit_code not in page
    assert "mine.csv" in page and "b.csv" not in page
    assert 'enctype="multipart/form-data"' in page and '<label for="id_file">' in page


def test_csv_export_keeps_formula_like_titles_as_text_and_the_import_reads_them_back():
    row = ["B2-1-001", "=SUM(A1:A9)", "", "", "", "", "", "", "", "090210", "CN", "1", "1", "yes"]
    exported = write_csv([row]).decode("utf-8-sig").splitlines()[1]
    assert exported.split(",")[1] == "'=SUM(A1:A9)"
    assert formula_text_restored("'=SUM(A1:A9)") == "=SUM(A1:A9)"
    assert formula_text_restored("'quoted") == "'quoted"


@pytest.mark.parametrize("text", ["=1+1", "+7 700", "-cmd", "@SUM(A1)", "\tHYPERLINK()", "\r=1"])
def test_every_export_keeps_formula_like_text_as_text_and_reads_it_back(text):
    # One rule for every export (horgos.exports): listings CSV and the officers' lists alike
    assert formula_safe(text) == "'" + text
    assert formula_text_restored(formula_safe(text)) == text
    _header, row = csv.reader(io.StringIO(write_csv([["B2-1-001", text]]).decode("utf-8-sig"), newline=""))
    assert row == ["B2-1-001", "'" + text]


def test_numbers_keep_their_sign_in_exports():
    assert formula_safe("-5") == "-5"
    assert formula_safe("+3.5") == "+3.5"


# --- Every row checked once without a query of its own, imported with one COPY ------------------------------


def imported(owner, rows: list[dict]) -> ListingImport:
    """Upload, check and import a file of `rows` (at most SYNC_ROWS: all in the request)."""
    job = import_services.listing_import_upload(acting_user=owner, upload=csv_upload(rows))
    return import_services.listing_import_confirm(listing_import=job, acting_user=owner)


def test_checking_and_importing_make_as_many_queries_for_200_rows_as_for_10(market, django_assert_max_num_queries):
    # Given files of 10 and of 200 rows (the most checked in the request), each with one bad HS code to be reported
    queries = {}
    for count in (10, SYNC_ROWS):
        rows = [row(market.shop_a.unit_code, title_en=f"T-shirt {n}") for n in range(count - 1)] + [
            row(market.shop_a.unit_code, hs_code="999999")
        ]
        # When each is uploaded, checked and imported
        with django_assert_max_num_queries(47) as captured:
            job = imported(market.owner_a, rows)
        assert (job.state, job.imported_rows, job.invalid_rows) == (ListingImportState.DONE, count - 1, 1)
        queries[count] = len(captured)
    # Then the number of queries does not grow with the rows
    assert queries[SYNC_ROWS] == queries[10]


def test_every_imported_listing_has_its_audit_row(market):
    # When a file of five rows is imported
    job = imported(market.owner_a, [row(market.shop_a.unit_code, title_en=f"Scarf {n}") for n in range(5)])

    # Then each listing has exactly one creation audit row, by the person who confirmed, naming it by its title
    listings = {str(listing.pk): listing for listing in job.listings.all()}
    entries = AuditEntry.objects.filter(action="listing.create", target_type="merchants.listing")
    audited = [(entry.target_id, entry.actor, entry.target_repr, entry.changes) for entry in entries]
    assert sorted(audited) == sorted(
        (pk, market.owner_a, listing.title, {"state": ListingState.DRAFT}) for pk, listing in listings.items()
    )
    assert sorted(listing.title_en for listing in listings.values()) == [f"Scarf {n}" for n in range(5)]
    assert all(listing.search_vector and listing.hs_heading.code == "6109" for listing in listings.values())


def test_a_rule_only_the_database_knows_fails_the_import_and_writes_nothing(market):
    # Given the database refuses listings over 1,000 yuan, a rule the check in Python does not know
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the fixtures' pending checks first: ALTER TABLE needs none
        cursor.execute("ALTER TABLE merchants_listing ADD CONSTRAINT test_price_cap CHECK (price <= 1000)")
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    listings, audited = Listing.objects.count(), AuditEntry.objects.filter(action="listing.create").count()

    # When a file with one listing over the cap among good ones is imported
    job = imported(market.owner_a, [row(market.shop_a.unit_code), row(market.shop_a.unit_code, price="1500")])

    # Then the check passed both rows, the import failed saying why, and not even the good row was written
    assert job.valid_rows == 2
    job.refresh_from_db()
    assert job.state == ListingImportState.FAILED
    assert job.failure.startswith("The database refused a listing of this file: ") and "test_price_cap" in job.failure
    assert job.failure.endswith("Nothing was imported; upload the file again.")
    assert Listing.objects.count() == listings
    assert AuditEntry.objects.filter(action="listing.create").count() == audited


def test_a_model_constraint_the_database_enforces_is_named_by_its_message(market, monkeypatch):
    # Given a check that lets a listing without a title through (as a bug would)
    monkeypatch.setattr(import_services, "listing_validate_values", lambda values, exclude: None)
    before = Listing.objects.count()

    # When such a file is imported
    job = imported(market.owner_a, [row(market.shop_a.unit_code, title_en="", title_ru="", title_zh_hans="")])

    # Then the database refuses it, with the model's own message, and nothing is written
    job.refresh_from_db()
    assert job.state == ListingImportState.FAILED
    assert job.failure == str(import_services.REFUSED_BY_DATABASE % {"message": TITLE_REQUIRED})
    assert Listing.objects.count() == before


def test_a_merchant_suspended_after_the_check_imports_nothing(market):
    # Given a checked file, and the merchant suspended before the person confirms
    code_a = market.shop_a.unit_code
    job = import_services.listing_import_upload(acting_user=market.owner_a, upload=csv_upload([row(code_a)] * 2))
    ListingImport.objects.filter(pk=job.pk).update(state=ListingImportState.IMPORTING, confirmed_by=market.owner_a)
    market.a.state, market.a.state_reason = "suspended", "Audit"
    market.a.save()
    before = Listing.objects.count()

    # When the import runs
    job = import_services.listing_import_run(listing_import=job)

    # Then it fails on its first row with the reason, and nothing is written
    assert job.state == ListingImportState.FAILED
    refusal = MERCHANT_NOT_ACTIVE % {"state": market.a.get_state_display()}
    assert job.failure == str(ROW_REFUSED % {"row": 2, "message": refusal})
    assert Listing.objects.count() == before
