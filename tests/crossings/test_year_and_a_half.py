"""The published figures and the annual report over a year and a half of generated traffic (November 2024 to April
2026) at both checkpoints: each equals an independent recount from the raw rows, and both read the statistics tables
only. The history is generated once for the module (most of a minute); every test runs in its own transaction."""

import io
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from openpyxl import load_workbook

from crossings.choices import AnnualReportState, NationalityGroup
from crossings.models import AnnualReport, DailyCrossingCount, HourlyCrossingCount
from crossings.report_files import count_text
from crossings.selectors import figures
from crossings.selectors.report import annual_report
from crossings.services.reference import checkpoint_update
from crossings.services.statistics import statistics_figures_warm, statistics_fill_day
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from tests.crossings.conftest import generated_history
from tests.crossings.test_reports import ADMITTED, AFTER_END, END, download, one, pdf_text
from tests.crossings.test_statistics import COUNTED, sql

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def long_history(django_db_setup, django_db_blocker):
    with generated_history(
        django_db_blocker, travellers=200, days=548, daily_visits=8, seed=17, end=END, fill_at=AFTER_END
    ) as zone:
        yield zone


def test_every_figure_equals_a_recount_and_reads_no_crossing(long_history):
    with CaptureQueriesContext(connection) as queries:
        ytd = figures.year_to_date(END)
        monthly = figures.monthly_crossings(2025)
        peak_day = figures.peak_day(2025)
        peak_hour = figures.peak_hour(2025)
        hours = figures.average_hours_in_zone(date(2025, 1, 1), date(2025, 12, 31))
        refusals = figures.refusals_by_reason(date(2025, 1, 1), date(2025, 12, 31))
        by = figures.year_to_date_by(END)
    # Reports and dashboards read the statistics tables, never the crossings
    assert not [query["sql"] for query in queries if "crossings_crossing" in query["sql"]]
    # Year to date and the same period of the year before
    assert ytd.crossings == one(f"SELECT COUNT(*) {ADMITTED} AND c.local_date BETWEEN '2026-01-01' AND '2026-04-30'")
    assert ytd.previous_crossings == one(
        f"SELECT COUNT(*) {ADMITTED} AND c.local_date BETWEEN '2025-01-01' AND '2025-04-30'"
    )
    assert ytd.people == one(
        f"SELECT COUNT(DISTINCT c.traveller_id) {COUNTED} AND c.local_date BETWEEN '2026-01-01' AND '2026-04-30'"
    )
    assert ytd.previous_people == one(
        f"SELECT COUNT(DISTINCT c.traveller_id) {COUNTED} AND c.local_date BETWEEN '2025-01-01' AND '2025-04-30'"
    )
    assert ytd.crossings > 0 and ytd.previous_crossings > 0
    expected_growth = (Decimal(ytd.crossings - ytd.previous_crossings) * 100 / ytd.previous_crossings).quantize(
        Decimal("0.1")
    )
    assert ytd.crossings_growth == expected_growth
    # By checkpoint and nationality group, adding up to the zone
    assert sum(item.crossings for item in by["checkpoints"].values()) == ytd.crossings
    assert sum(item.crossings for item in by["groups"].values()) == ytd.crossings
    # Monthly series, peaks, time in the zone, refusals
    by_month = dict(sql(f"SELECT EXTRACT(MONTH FROM c.local_date)::int, COUNT(*) {ADMITTED} AND c.local_date "
                        "BETWEEN '2025-01-01' AND '2025-12-31' GROUP BY 1"))  # fmt: skip
    assert monthly == [by_month.get(month, 0) for month in range(1, 13)]
    days = sql(f"SELECT c.local_date, COUNT(*) {ADMITTED} AND EXTRACT(YEAR FROM c.local_date) = 2025 GROUP BY 1")
    assert peak_day == min(days, key=lambda row: (-row[1], row[0]))
    hours_of_day = sql(
        f"SELECT EXTRACT(HOUR FROM c.occurred_at AT TIME ZONE k.time_zone)::int, COUNT(*) {ADMITTED}"
        " AND EXTRACT(YEAR FROM c.local_date) = 2025 GROUP BY 1"
    )
    assert peak_hour == min(hours_of_day, key=lambda row: (-row[1], row[0]))
    average = one(
        "SELECT AVG(EXTRACT(EPOCH FROM v.exited_at - v.entered_at)) / 3600 FROM crossings_visit v"
        " JOIN crossings_checkpoint k ON k.id = v.checkpoint_id WHERE v.state = 'closed'"
        " AND (v.exited_at AT TIME ZONE k.time_zone)::date BETWEEN '2025-01-01' AND '2025-12-31'"
    )
    assert hours == Decimal(average).quantize(Decimal("0.1"))
    expected_refusals = sql(
        f"SELECT c.refusal_reason, COUNT(*) {COUNTED} AND c.outcome = 'refused'"
        " AND EXTRACT(YEAR FROM c.local_date) = 2025 GROUP BY 1"
    )
    assert {(row["reason"], row["refusals"]) for row in refusals} == expected_refusals

    # The peaks "as of" a day never count a later day (as a page reads them between the two checkpoints' nightly
    # runs): with the year's busiest day and hour by far on 20 April 2026, the peaks as of 31 March are the recount
    # of January to March only
    DailyCrossingCount.objects.filter(local_date=date(2026, 4, 20), outcome="admitted").update(
        crossings=F("crossings") + 100_000
    )
    HourlyCrossingCount.objects.filter(local_date=date(2026, 4, 20)).update(crossings=F("crossings") + 100_000)
    assert figures.peak_day(2026)[0] == date(2026, 4, 20)
    first_quarter = f"{ADMITTED} AND c.local_date BETWEEN '2026-01-01' AND '2026-03-31'"
    days = sql(f"SELECT c.local_date, COUNT(*) {first_quarter} GROUP BY 1")
    assert figures.peak_day(2026, until=date(2026, 3, 31)) == min(days, key=lambda row: (-row[1], row[0]))
    hours_of_day = sql(
        f"SELECT EXTRACT(HOUR FROM c.occurred_at AT TIME ZONE k.time_zone)::int, COUNT(*) {first_quarter} GROUP BY 1"
    )
    assert figures.peak_hour(2026, until=date(2026, 3, 31)) == min(hours_of_day, key=lambda row: (-row[1], row[0]))


def test_the_report_equals_the_figures_and_a_recount_and_reads_no_crossing(long_history):
    # Given a year and a half of statistics; when the report of 2025 is read
    with CaptureQueriesContext(connection) as queries:
        report = annual_report(2025)
        cn_report = annual_report(2025, checkpoint=long_history.cn)
    # Then it read the statistics tables only, never the crossings
    assert queries.captured_queries
    assert not [query["sql"] for query in queries if "crossings_crossing" in query["sql"]]
    # And the year's total is a plain count of the admitted crossings no reversal cancelled
    year_end = date(2025, 12, 31)
    assert report.as_of == year_end and report.is_whole_year
    assert report.total.crossings == one(
        f"SELECT COUNT(*) {ADMITTED} AND c.local_date BETWEEN '2025-01-01' AND '2025-12-31'"
    )
    assert report.total.crossings > 1000
    assert cn_report.total.crossings == one(
        f"SELECT COUNT(*) {ADMITTED} AND k.code = 'CN' AND c.local_date BETWEEN '2025-01-01' AND '2025-12-31'"
    )
    # And every table equals the figures selectors
    assert report.total == figures.year_to_date(year_end)
    assert report.months == list(
        zip(range(1, 13), figures.monthly_crossings(2024), figures.monthly_crossings(2025), strict=True)
    )
    assert sum(this for _month, _last, this in report.months) == report.total.crossings
    assert report.by_checkpoint == list(figures.year_to_date_by(year_end)["checkpoints"].items())
    assert [(group, ytd) for group, ytd in report.by_group] == [
        (group, figures.year_to_date(year_end, group=group)) for group in NationalityGroup
    ]
    by_direction = dict(sql(f"SELECT c.direction, COUNT(*) {ADMITTED} AND EXTRACT(YEAR FROM c.local_date) = 2025"
                            " GROUP BY 1"))  # fmt: skip
    assert {row.direction: row.crossings for row in report.by_direction} == by_direction
    assert sum(row.previous_crossings for row in report.by_direction) == report.total.previous_crossings
    assert report.refusals == figures.refusals_by_reason(date(2025, 1, 1), year_end)
    assert report.hours_in_zone == figures.average_hours_in_zone(date(2025, 1, 1), year_end)
    assert report.previous_hours_in_zone == figures.average_hours_in_zone(date(2024, 1, 1), date(2024, 12, 31))
    assert report.peak_day == figures.peak_day(2025)
    assert report.peak_hour == figures.peak_hour(2025)
    assert report.overstays == figures.overstays_open_on(year_end)
    assert cn_report.by_checkpoint == []


def test_a_year_under_way_runs_to_the_last_filled_day(long_history):
    report = annual_report(2026, today=date(2026, 5, 1))
    assert report.as_of == END and not report.is_whole_year
    assert report.total == figures.year_to_date(END)
    this_year = [this for _month, _last, this in report.months]
    assert this_year[:4] == figures.monthly_crossings(2026)[:4]
    assert this_year[4:] == [None] * 8  # months still to come
    assert sum(this_year[:4]) == report.total.crossings


@pytest.mark.usefixtures("first_of_may")
def test_a_requested_report_is_written_as_csv_xlsx_and_pdf_in_its_language(
    long_history, signed_in, files_of_this_test, django_capture_on_commit_callbacks
):
    administrator_client = signed_in(long_history.administrator)
    total = figures.year_to_date(date(2025, 12, 31)).crossings
    # When the administrator asks for the report of 2025, in English and in Chinese (the eager task writes it)
    with django_capture_on_commit_callbacks(execute=True):
        for language in ("en", "zh-hans"):
            response = administrator_client.post("/crossings/reports/", {"year": 2025, "language": language})
            assert response.status_code == 302
    english, chinese = AnnualReport.objects.order_by("pk")
    # Then each is done, with its three files in the private storage, and the request is in the audit log
    for report in (english, chinese):
        assert (report.state, report.progress, report.as_of) == (AnnualReportState.DONE, 100, date(2025, 12, 31))
        assert report.downloads == ["csv", "xlsx", "pdf"]
        assert Path(report.pdf_file.path).is_relative_to(files_of_this_test.private)
    assert AuditEntry.objects.filter(action=AuditAction.ANNUAL_REPORT_REQUEST).count() == 2
    # And the list shows them with their downloads
    page = administrator_client.get("/crossings/reports/").content.decode()
    assert f"/crossings/reports/files/{english.pk}/pdf/" in page
    # And the XLSX opens and holds the year's total on its first sheet, one sheet per table after it
    workbook = load_workbook(io.BytesIO(download(administrator_client, english, "xlsx")))
    assert workbook.sheetnames[:3] == ["Summary", "Crossings by month", "By checkpoint"]
    first_sheet = [list(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    assert ["Crossings", total] == first_sheet[first_sheet.index(["Figure", "2025", "2024", "Growth (%)"]) + 1][:2]
    # And the CSV holds the tables one after the other
    lines = download(administrator_client, english, "csv").decode("utf-8-sig").splitlines()
    assert lines[0] == "Annual crossing report 2025"
    assert f"Crossings,{total}," in "\n".join(lines) and "Crossings by month" in lines
    # And the PDF opens, and its text holds the year's total as the PDF writes it
    assert f"{count_text(total)} crossings in 2025" in pdf_text(download(administrator_client, english, "pdf"))
    # And the Chinese one is in Chinese: its numbers as Chinese writes them, its labels translated
    text = pdf_text(download(administrator_client, chinese, "pdf"))
    with translation.override("zh-hans"):
        chinese_total, kazakhstan = count_text(total), str(NationalityGroup.KAZAKHSTAN.label)
    assert kazakhstan != "Kazakhstan" and kazakhstan in text
    assert chinese_total in text


def test_people_counted_at_once_equal_each_count_on_its_own(long_history):
    # The distinct travellers of every breakdown read at once (the pages' way) against one count per breakdown, for
    # a year under way, a whole year and a day of the year before
    for as_of in (END, date(2025, 12, 31), date(2025, 4, 30)):
        at_once = figures.people_of_year_until_by(as_of)
        for checkpoint in (None, long_history.cn, long_history.kz):
            for group in ("", *NationalityGroup.values):
                key = (checkpoint.pk if checkpoint else None, group)
                alone = figures.people_of_year_until(as_of, checkpoint=checkpoint, group=group)
                assert at_once.get(key, 0) == alone, (as_of, key)
        # Travellers who crossed at both checkpoints are one person for the zone
        assert at_once[(None, "")] < at_once[(long_history.cn.pk, "")] + at_once[(long_history.kz.pk, "")]
    # And the statistics page and the report count their people in two readings each (the year and the one before),
    # not one per breakdown
    for read in (lambda: figures.statistics_overview(as_of=END), lambda: annual_report(2025)):
        with CaptureQueriesContext(connection) as queries:
            read()
        assert len([query for query in queries if "crossings_yearlytravellerseen" in query["sql"]]) == 2


def figures_reading(queries) -> list[str]:
    """The statements that computed figures: those reading the people seen in a year or the daily hours."""
    return [
        query["sql"] for query in queries if "crossings_yearlytravellerseen" in query["sql"] or "hourly" in query["sql"]
    ]


def test_the_report_and_the_statistics_page_are_kept_until_the_statistics_or_the_checkpoints_change(
    long_history, django_capture_on_commit_callbacks
):
    # Given the report of 2025 and the statistics page's figures, read once
    report = annual_report(2025)
    overview = figures.statistics_overview(as_of=END)
    # Then reading them again computes nothing: they come from the cache
    with CaptureQueriesContext(connection) as queries:
        assert annual_report(2025) == report
        assert {key: value for key, value in figures.statistics_overview(as_of=END).items() if key != "panels"} == {
            key: value for key, value in overview.items() if key != "panels"
        }
    assert figures_reading(queries) == []
    # When the statistics change and the change commits (a day filled again), they are computed afresh
    cells = DailyCrossingCount.objects.filter(local_date=date(2025, 6, 2), outcome="admitted")
    cells.update(crossings=F("crossings") + 1_000)
    assert annual_report(2025).total.crossings == report.total.crossings  # not yet: nothing said they changed
    with django_capture_on_commit_callbacks(execute=True):
        statistics_fill_day(checkpoint=long_history.cn, day=date(2025, 6, 2))
    cells.update(crossings=F("crossings") + 1_000)  # after the fill: only a computation afresh sees it
    with CaptureQueriesContext(connection) as queries:
        assert annual_report(2025).total.crossings > report.total.crossings
    assert figures_reading(queries)
    # When a checkpoint is renamed, the report names it by its new name
    with django_capture_on_commit_callbacks(execute=True):
        checkpoint_update(checkpoint=long_history.cn, acting_user=long_history.administrator, name_en="Horgos East")
    assert [checkpoint.name_en for checkpoint, _ytd in annual_report(2025).by_checkpoint] == [
        "Horgos East",
        "Horgos checkpoint (Kazakh side)",
    ]


def test_the_nightly_run_leaves_the_days_figures_in_the_cache(long_history):
    # Given the statistics filled (the nightly run), when its last step computes the day's figures
    assert statistics_figures_warm() == 6  # the statistics page and the report: the zone's and each checkpoint's
    # Then the statistics page and this year's report, the zone's and each checkpoint's, compute nothing
    with CaptureQueriesContext(connection) as queries:
        for checkpoint in (None, long_history.cn, long_history.kz):
            figures.statistics_overview(as_of=END, checkpoint=checkpoint)
            annual_report(2026, checkpoint=checkpoint, today=date(2026, 5, 1))
    assert figures_reading(queries) == []
