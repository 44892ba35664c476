"""The annual crossing report: its figures equal the figures selectors and a recount in plain SQL, are read from the
statistics tables only, and come out as a page and as CSV, XLSX and PDF files written by the task, kept in the
private storage and downloaded by those who may see them."""

import io
from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import psycopg2
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from kombu.exceptions import OperationalError as KombuOperationalError
from openpyxl import load_workbook
from pypdf import PdfReader

from crossings import tasks
from crossings.choices import AnnualReportState
from crossings.models import AnnualReport
from crossings.selectors import figures
from crossings.selectors.report import YEAR_NOT_BEGUN, YEAR_WITHOUT_STATISTICS, annual_report
from crossings.services import reports as report_services
from crossings.services.reports import ALREADY_UNDER_WAY, OWN_CHECKPOINT_ONLY, annual_report_request
from crossings.services.statistics_rebuild import statistics_fill_history
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from tests.crossings.test_statistics import COUNTED, sql
from tests.factories import MerchantUserFactory

# Every test keeps its stored files under its own folders.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("files_of_this_test")]
END = date(2026, 4, 30)
AFTER_END = datetime(2026, 5, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ADMITTED = COUNTED + " AND c.outcome = 'admitted'"


def one(query: str, params=()):
    (row,) = sql(query, params)
    return row[0]


def generate(days: int, *, travellers: int = 200, daily_visits: int = 8) -> None:
    call_command("crossings_generate", "--travellers", str(travellers), "--days", str(days), "--daily-visits",
                 str(daily_visits), "--seed", "17", "--end", END.isoformat(), verbosity=0)  # fmt: skip
    statistics_fill_history(now=AFTER_END)


@pytest.fixture
def short_history(zone):
    """Forty days of traffic up to 30 April 2026, filled: 2026 has a report, 2025 and before have none."""
    generate(40, daily_visits=6)
    return zone


def sheet_rows(content: bytes, index: int = 0) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).worksheets[index]
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(content: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)


def download(client, report: AnnualReport, file_format: str) -> bytes:
    response = client.get(f"/crossings/reports/files/{report.pk}/{file_format}/")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


def broker_down(*args, **kwargs):
    raise KombuOperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")


# --- The figures ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "message"),
    [(2027, YEAR_NOT_BEGUN % {"year": 2027, "this_year": 2026}), (2025, YEAR_WITHOUT_STATISTICS % {"year": 2025})],
)
def test_a_year_not_begun_or_without_statistics_has_no_report(short_history, year, message):
    with pytest.raises(ValidationError) as refused:
        annual_report(year, today=date(2026, 5, 1))
    assert refused.value.message_dict == {"year": [message]}


# --- Request, task, files ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("first_of_may")
@pytest.mark.parametrize(
    ("year", "message"),
    [(2027, YEAR_NOT_BEGUN % {"year": 2027, "this_year": 2026}), (2024, YEAR_WITHOUT_STATISTICS % {"year": 2024})],
)
def test_a_bad_year_is_a_form_error_and_nothing_is_written(short_history, administrator_client, year, message):
    response = administrator_client.post("/crossings/reports/", {"year": year, "language": "en"})
    assert response.status_code == 400
    assert response.context["form"].errors == {"year": [message]}
    assert not AnnualReport.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.ANNUAL_REPORT_REQUEST).exists()


@pytest.mark.usefixtures("first_of_may")
def test_the_same_report_cannot_be_asked_for_twice_while_it_is_written(short_history):
    administrator = short_history.administrator
    annual_report_request(year=2026, checkpoint=None, language="en", acting_user=administrator)
    with pytest.raises(ValidationError) as refused:
        annual_report_request(year=2026, checkpoint=None, language="en", acting_user=administrator)
    assert refused.value.messages == [str(ALREADY_UNDER_WAY)]
    # Another scope or language is another report
    annual_report_request(year=2026, checkpoint=short_history.cn, language="en", acting_user=administrator)
    annual_report_request(year=2026, checkpoint=None, language="ru", acting_user=administrator)
    assert AnnualReport.objects.count() == 3


@pytest.mark.usefixtures("first_of_may")
def test_running_the_task_again_changes_nothing(short_history):
    report = annual_report_request(year=2026, checkpoint=None, language="en", acting_user=short_history.administrator)
    assert tasks.generate_annual_report.delay(report.pk).get() == AnnualReportState.DONE
    report.refresh_from_db()
    names = [report.csv_file.name, report.xlsx_file.name, report.pdf_file.name]
    # A second delivery of the task finds the report done and leaves it so
    assert tasks.generate_annual_report.delay(report.pk).get() == AnnualReportState.DONE
    report.refresh_from_db()
    assert [report.csv_file.name, report.xlsx_file.name, report.pdf_file.name] == names
    assert report.attempts == 1


@pytest.mark.usefixtures("first_of_may")
def test_a_run_leaves_a_report_another_run_is_writing_to_it(short_history):
    report = annual_report_request(year=2026, checkpoint=None, language="en", acting_user=short_history.administrator)
    # Given another worker (another database session) writing the report
    other = psycopg2.connect(
        dbname=connection.settings_dict["NAME"],
        user=connection.settings_dict["USER"],
        host=connection.settings_dict["HOST"],
        port=connection.settings_dict["PORT"] or 5432,
        password=connection.settings_dict["PASSWORD"] or None,
    )
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_lock(%s, %s)", [report_services.REPORT_LOCK, report.pk])
        # When the task runs meanwhile, it leaves the report alone
        assert tasks.generate_annual_report.delay(report.pk).get() == AnnualReportState.RUNNING
        report.refresh_from_db()
        assert (report.state, report.attempts, report.downloads) == (AnnualReportState.PENDING, 0, [])
        # Then that run ends (unlocking before closing: a closed connection's locks are released some time after)
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [report_services.REPORT_LOCK, report.pk])
    finally:
        other.close()
    # Once that run is gone, the next one writes it
    assert tasks.generate_annual_report.delay(report.pk).get() == AnnualReportState.DONE


@pytest.mark.usefixtures("first_of_may")
def test_with_the_job_service_down_the_report_waits_and_the_sweeper_hands_it_over(
    short_history, administrator_client, monkeypatch, django_capture_on_commit_callbacks
):
    # Given the broker (Redis) is out of reach
    monkeypatch.setattr(tasks.generate_annual_report, "apply_async", broker_down)
    # When a report is asked for, the request answers as usual and the report waits; the page says why
    with django_capture_on_commit_callbacks(execute=True):
        response = administrator_client.post("/crossings/reports/", {"year": 2026, "language": "en"})
    assert response.status_code == 302
    report = AnnualReport.objects.get()
    assert (report.state, report.enqueue_failed) == (AnnualReportState.PENDING, True)
    page = administrator_client.get("/crossings/reports/").content.decode()
    assert str(report_services.QUEUED_FOR_JOB_SERVICE) in page
    assert 'hx-trigger="every 2s"' in page
    # When the broker is back, the sweeper hands it to the task, which writes it
    monkeypatch.undo()
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.sweep_annual_reports.delay().get() == {"requeued": 1, "failed": 0}
    report.refresh_from_db()
    assert (report.state, report.enqueue_failed) == (AnnualReportState.DONE, False)
    # And the list no longer polls
    assert "hx-trigger" not in administrator_client.get("/crossings/reports/list/").content.decode()


@pytest.mark.usefixtures("first_of_may")
def test_a_report_whose_worker_keeps_dying_fails_after_the_last_attempt(short_history, monkeypatch):
    report = annual_report_request(year=2026, checkpoint=None, language="en", acting_user=short_history.administrator)
    stalled = timezone.now() - timedelta(minutes=settings.ANNUAL_REPORT_STALL_MINUTES + 1)
    AnnualReport.objects.filter(pk=report.pk).update(
        state=AnnualReportState.RUNNING, attempts=settings.ANNUAL_REPORT_MAX_ATTEMPTS, progress_at=stalled
    )
    assert report_services.annual_report_sweep() == {"requeued": 0, "failed": 1}
    report.refresh_from_db()
    assert (report.state, report.error) == (AnnualReportState.FAILED, str(report_services.INTERRUPTED))


# --- Pages and permissions -----------------------------------------------------------------------------------


@pytest.mark.usefixtures("first_of_may")
def test_the_report_page_shows_the_tables_and_the_chart_from_the_statistics_only(
    short_history, administrator_client, signed_in
):
    with CaptureQueriesContext(connection) as queries:
        page = administrator_client.get("/crossings/reports/2026/")
    assert page.status_code == 200
    assert not [query["sql"] for query in queries if "crossings_crossing" in query["sql"]]
    html = page.content.decode()
    total = figures.year_to_date(END).crossings
    assert f"{total:,} crossings in 2026" in html
    assert "<svg" in html and "2025 (left bars)" in html and "<script" not in html.split("<main", 1)[1]
    assert "By checkpoint" in html and "Refusals by reason" in html
    # A checkpoint's report, for the administrator who chooses it and for that checkpoint's officer
    kz_total = figures.year_to_date(END, checkpoint=short_history.kz).crossings
    assert (
        f"{kz_total:,} crossings in 2026"
        in administrator_client.get("/crossings/reports/2026/", {"checkpoint": "KZ"}).content.decode()
    )
    officer_page = signed_in(short_history.kz_officer).get("/crossings/reports/2026/", {"checkpoint": "CN"})
    assert officer_page.context["checkpoint"] == short_history.kz
    assert "By checkpoint" not in officer_page.content.decode()
    # A year without a report is a 404 that says why
    missing = administrator_client.get("/crossings/reports/2027/")
    assert missing.status_code == 404
    assert str(YEAR_NOT_BEGUN % {"year": 2027, "this_year": 2026}) in missing.content.decode()


@pytest.mark.usefixtures("first_of_may")
def test_who_may_ask_for_see_and_download_reports(short_history, signed_in, files_of_this_test, client):
    zone = short_history
    cn_report = annual_report_request(year=2026, checkpoint=zone.cn, language="en", acting_user=zone.administrator)
    zone_report = annual_report_request(year=2026, checkpoint=None, language="en", acting_user=zone.administrator)
    for report in (cn_report, zone_report):
        tasks.generate_annual_report.delay(report.pk).get()
    cn_officer, kz_officer = signed_in(zone.cn_officer), signed_in(zone.kz_officer)
    # Anonymous visitors are sent to sign in; merchants are refused
    for path in ("/crossings/reports/", "/crossings/reports/2026/", f"/crossings/reports/files/{cn_report.pk}/pdf/"):
        assert client.get(path).status_code == 302
        assert signed_in(MerchantUserFactory()).get(path).status_code == 403
    # An officer downloads their own checkpoint's report; another checkpoint's, or the zone's, is not found
    assert download(cn_officer, cn_report, "pdf").startswith(b"%PDF")
    assert kz_officer.get(f"/crossings/reports/files/{cn_report.pk}/pdf/").status_code == 404
    assert cn_officer.get(f"/crossings/reports/files/{zone_report.pk}/xlsx/").status_code == 404
    assert cn_officer.get(f"/crossings/reports/files/{cn_report.pk}/docx/").status_code == 404
    listed = [report.pk for report in kz_officer.get("/crossings/reports/").context["reports"]]
    assert listed == []
    # An officer asks for their own checkpoint's report only
    response = kz_officer.post("/crossings/reports/", {"year": 2026, "language": "kk", "checkpoint": "CN"})
    assert response.status_code == 302
    assert AnnualReport.objects.order_by("-pk").first().checkpoint == zone.kz
    # Listed with when it was asked for, in the Kazakh checkpoint's time (UTC+5), not the site's
    assert '+05:00">' in kz_officer.get("/crossings/reports/").content.decode()
    for checkpoint in (None, zone.cn):
        with pytest.raises(PermissionDenied) as refused:
            annual_report_request(year=2026, checkpoint=checkpoint, language="en", acting_user=zone.kz_officer)
        assert str(refused.value) == str(OWN_CHECKPOINT_ONLY)
    with pytest.raises(PermissionDenied):
        annual_report_request(year=2026, checkpoint=None, language="en", acting_user=zone.merchant)
    # The files are never public: no URL of the public storage reaches them
    cn_report.refresh_from_db()
    with pytest.raises(ValueError):
        cn_report.pdf_file.url  # noqa: B018
    assert not list(Path(files_of_this_test.public).rglob("*.pdf"))
    assert client.get(f"/{settings.MEDIA_URL}{cn_report.pdf_file.name}").status_code == 404


@pytest.mark.usefixtures("first_of_may")
@pytest.mark.parametrize(
    ("fault", "reason"),
    [(SoftTimeLimitExceeded(), report_services.TOO_SLOW), (RuntimeError("Pango"), report_services.NOT_WRITTEN)],
)
def test_a_report_that_cannot_be_written_fails_with_the_reason(short_history, monkeypatch, fault, reason):
    # Given the PDF cannot be written: the task's time runs out, or the renderer breaks
    def broken(document):
        raise fault

    monkeypatch.setattr(report_services, "report_pdf", broken)
    report = annual_report_request(year=2026, checkpoint=None, language="en", acting_user=short_history.administrator)
    # When the task runs, the report fails with the reason its page shows, and keeps no file
    assert tasks.generate_annual_report.delay(report.pk).get() == AnnualReportState.FAILED
    report.refresh_from_db()
    assert (report.state, report.error, report.downloads) == (AnnualReportState.FAILED, str(reason), [])
