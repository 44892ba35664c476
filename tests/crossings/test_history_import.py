"""Historical monthly totals from before go-live: imported from CSV or XLSX (all of a file or nothing, each bad row
reported with its number), by the administrators' page and a management command; where recorded statistics exist
for a month, they win."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from crossings.models import DailyCrossingCount, HistoricalMonthlyTotal
from crossings.selectors.statistics import IMPORTED, MIXED, RECORDED, monthly_crossings
from crossings.services import history
from crossings.services.crossings import crossing_record_entry
from crossings.services.history import historical_totals_import
from crossings.services.statistics import statistics_fill_day
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from horgos.spreadsheets import MISSING_COLUMNS, NOT_UTF8, REQUIRED, WRONG_TYPE
from tests.crossings.conftest import beijing

pytestmark = pytest.mark.django_db
MISSING_DIRECTION = str(MISSING_COLUMNS) % {"columns": "direction"}

PAGE = reverse("crossings:operations-history")
COLUMNS = ["year", "month", "checkpoint", "direction", "crossings", "travellers"]
GOOD_ROWS = [
    [2024, 1, "CN", "entry", 412503, 198220],
    [2024, 1, "CN", "exit", 409871, ""],
    [2024, 2, "KZ", "entry", 150000, 90000],
    [2025, 12, "KZ", "exit", 0, 0],
]


def csv_file(rows, *, columns=COLUMNS, bom: bool = True, delimiter: str = ",") -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(columns)
    writer.writerows(rows)
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode("utf-8")


def xlsx_file(rows, *, columns=COLUMNS) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(columns)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def stored() -> set[tuple]:
    return set(
        HistoricalMonthlyTotal.objects.values_list(
            "year", "month", "checkpoint", "direction", "crossings", "travellers"
        )
    )


@pytest.fixture
def in_may_2026(at):
    """Tuesday 12 May 2026, 10:00 Beijing time: 2026 is the latest year, June 2026 a month to come."""
    at(beijing(2026, 5, 12, 10, 0))


# --- The service --------------------------------------------------------------------------------------


@pytest.mark.parametrize("bom", [True, False])
def test_a_good_csv_imports_every_month_and_audits_each(zone, bom):
    # Given a CSV file of four months, travellers blank in one
    content = csv_file(GOOD_ROWS, bom=bom)

    # When an administrator imports it
    report = historical_totals_import(content=content, filename="history.csv", acting_user=zone.administrator)

    # Then every month is stored as written, by whom, and each is audited
    assert report.ok and (report.created, report.replaced, report.imported) == (4, 0, 4)
    assert stored() == {
        (2024, 1, "CN", "entry", 412503, 198220),
        (2024, 1, "CN", "exit", 409871, None),
        (2024, 2, "KZ", "entry", 150000, 90000),
        (2025, 12, "KZ", "exit", 0, 0),
    }
    assert set(HistoricalMonthlyTotal.objects.values_list("imported_by", flat=True)) == {zone.administrator.pk}
    entries = AuditEntry.objects.filter(action=AuditAction.HISTORICAL_TOTALS_IMPORT)
    assert entries.count() == 4
    assert {entry.actor_id for entry in entries} == {zone.administrator.pk}
    january = HistoricalMonthlyTotal.objects.get(year=2024, month=1, checkpoint="CN", direction="entry")
    entry = entries.get(target_id=str(january.pk))
    assert entry.changes == {
        "file": "history.csv",
        "replaced": False,
        "crossings": {"before": None, "after": 412503},
        "travellers": {"before": None, "after": 198220},
    }


def test_a_good_xlsx_imports_numbers_as_spreadsheets_store_them(zone):
    # Given a workbook without the travellers column, its numbers as a spreadsheet stores them (floats, text with
    # a space between thousands), codes in another case
    rows = [[2023.0, 7.0, "kz", "EXIT", 1250.0], ["2023", "8", " CN ", "entry", "1 250 000"]]
    content = xlsx_file(rows, columns=COLUMNS[:5])

    # When it is imported
    report = historical_totals_import(content=content, filename="History.XLSX", acting_user=zone.administrator)

    # Then both months are stored, without travellers
    assert report.ok and report.created == 2
    assert stored() == {(2023, 7, "KZ", "exit", 1250, None), (2023, 8, "CN", "entry", 1250000, None)}


def test_each_kind_of_bad_row_is_reported_with_its_row_and_nothing_is_written(zone, in_may_2026):
    # Given a file with one good row and every kind of bad one (the header is row 1, a blank row 4 is skipped)
    rows = [
        [2024, 1, "CN", "entry", 100, 50],  # 2: good
        [1989, 1, "CN", "entry", 100, ""],  # 3: before 1990
        ["", "", "", "", "", ""],  # 4: blank, skipped
        [2027, 1, "CN", "entry", 100, ""],  # 5: a year to come
        [2024, 13, "CN", "entry", 100, ""],  # 6: no such month
        [2026, 6, "CN", "entry", 100, ""],  # 7: a month to come
        [2024, 2, "XX", "entry", 100, ""],  # 8: no such checkpoint
        [2024, 2, "CN", "in", 100, ""],  # 9: no such direction
        [2024, 3, "CN", "entry", -5, ""],  # 10: a negative count
        [2024, 4, "CN", "entry", "12.5", "many"],  # 11: not whole numbers
        [2024, 5, "CN", "entry", 100, 101],  # 12: more people than crossings
        [2024, 1, "CN", "entry", 200, ""],  # 13: the month of row 2 again
        [2024, 6, "KZ", "exit", "", ""],  # 14: no crossings
        ["twenty", 7, "KZ", "exit", 5, ""],  # 15: a year that is no number
    ]
    content = csv_file(rows)

    # When it is imported
    report = historical_totals_import(content=content, filename="history.csv", acting_user=zone.administrator)

    # Then each bad row is reported with its number, its column and the message, in the file's order
    year_range = str(history.YEAR_OUT_OF_RANGE) % {"first": 1990, "last": 2026}
    assert [(problem.row, problem.column, problem.message) for problem in report.problems] == [
        (3, "year", year_range),
        (5, "year", year_range),
        (6, "month", str(history.MONTH_OUT_OF_RANGE)),
        (7, "month", str(history.MONTH_TO_COME)),
        (8, "checkpoint", str(history.CHECKPOINT_UNKNOWN)),
        (9, "direction", str(history.DIRECTION_UNKNOWN)),
        (10, "crossings", str(history.NOT_A_COUNT)),
        (11, "crossings", str(history.NOT_A_COUNT)),
        (11, "travellers", str(history.NOT_A_COUNT)),
        (12, "travellers", str(history.TRAVELLERS_ABOVE_CROSSINGS)),
        (13, "", str(history.REPEATED_MONTH) % {"row": 2}),
        (14, "crossings", str(REQUIRED)),
        (15, "year", year_range),
    ]
    # And nothing is written, not even the good row
    assert not report.ok and report.imported == 0
    assert not HistoricalMonthlyTotal.objects.exists()
    assert not AuditEntry.objects.filter(action=AuditAction.HISTORICAL_TOTALS_IMPORT).exists()


def test_the_current_month_may_be_imported(zone, in_may_2026):
    report = historical_totals_import(
        content=csv_file([[2026, 5, "KZ", "entry", 10, 9]]), filename="may.csv", acting_user=zone.administrator
    )
    assert report.ok
    assert stored() == {(2026, 5, "KZ", "entry", 10, 9)}


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("history.txt", b"year,month\n", str(WRONG_TYPE)),
        ("history.csv", "year;месяц".encode("cp1251"), str(NOT_UTF8)),
        (
            "history.csv",
            b"year,month,checkpoint,crossings\n2024,1,CN,5\n",
            str(MISSING_COLUMNS) % {"columns": "direction"},
        ),
        ("history.csv", csv_file([]), str(history.NO_ROWS)),
    ],
    ids=["not-csv-or-xlsx", "not-utf8", "missing-column", "no-rows"],
)
def test_a_file_that_cannot_be_read_is_reported_as_a_whole(zone, filename, content, message):
    report = historical_totals_import(content=content, filename=filename, acting_user=zone.administrator)
    assert [(problem.row, problem.column, problem.message) for problem in report.problems] == [(None, "", message)]
    assert not HistoricalMonthlyTotal.objects.exists()


def test_a_month_imported_again_replaces_its_total_and_the_audit_says_what_changed(zone):
    # Given two months imported
    historical_totals_import(
        content=csv_file([[2024, 1, "CN", "entry", 100, 60], [2024, 2, "CN", "entry", 200, ""]]),
        filename="first.csv",
        acting_user=zone.administrator,
    )

    # When a file with a corrected January and a new March is imported
    report = historical_totals_import(
        content=csv_file([[2024, 1, "CN", "entry", 110, ""], [2024, 3, "CN", "entry", 300, ""]]),
        filename="second.csv",
        acting_user=zone.administrator,
    )

    # Then January is replaced, February stays, March is added
    assert (report.created, report.replaced) == (1, 1)
    assert stored() == {
        (2024, 1, "CN", "entry", 110, None),
        (2024, 2, "CN", "entry", 200, None),
        (2024, 3, "CN", "entry", 300, None),
    }
    january = HistoricalMonthlyTotal.objects.get(year=2024, month=1)
    latest = AuditEntry.objects.filter(action=AuditAction.HISTORICAL_TOTALS_IMPORT, target_id=str(january.pk)).first()
    assert latest.changes == {
        "file": "second.csv",
        "replaced": True,
        "crossings": {"before": 100, "after": 110},
        "travellers": {"before": 60, "after": None},
    }


@pytest.mark.parametrize("caller", ["cn_officer", "merchant"])
def test_only_administrators_may_import(zone, caller):
    with pytest.raises(PermissionDenied):
        historical_totals_import(content=csv_file(GOOD_ROWS), filename="h.csv", acting_user=getattr(zone, caller))
    assert not HistoricalMonthlyTotal.objects.exists()


# --- The page -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_page_is_for_administrators_only(zone, signed_in, method):
    upload = {"file": SimpleUploadedFile("h.csv", csv_file(GOOD_ROWS))}
    anonymous = getattr(signed_in(None), method)(PAGE, upload if method == "post" else None)
    assert anonymous.status_code == 302 and anonymous.url.startswith(reverse("login"))
    for caller in ("cn_officer", "merchant"):
        upload = {"file": SimpleUploadedFile("h.csv", csv_file(GOOD_ROWS))}
        response = getattr(signed_in(getattr(zone, caller)), method)(PAGE, upload if method == "post" else None)
        assert response.status_code == 403
    assert not HistoricalMonthlyTotal.objects.exists()


def test_an_administrator_uploads_a_good_file_and_sees_the_totals_by_year(zone, administrator_client):
    # When an administrator uploads a good workbook
    response = administrator_client.post(PAGE, {"file": SimpleUploadedFile("history.xlsx", xlsx_file(GOOD_ROWS))})

    # Then the page says what was imported and lists the totals by year, with each year's totals
    assert response.status_code == 302 and response.url == PAGE
    assert [str(message) for message in get_messages(response.wsgi_request)] == [
        "history.xlsx imported: 4 monthly totals, 4 new and 0 replaced."
    ]
    page = administrator_client.get(PAGE)
    html = page.content.decode()
    assert page.status_code == 200
    assert 'id="history-2024"' in html and 'id="history-2025"' in html
    assert "412,503" in html and "198,220" in html and "January" in html
    assert html.index('id="history-2025"') < html.index('id="history-2024"')  # the latest year first
    assert page.context["years"][1]["totals"] == [412503, 409871, 150000, 0]


def test_an_upload_with_bad_rows_shows_each_row_and_imports_nothing(zone, administrator_client):
    rows = [[2024, 1, "CN", "entry", 100, ""], [2024, 13, "CN", "entry", 100, ""], [2024, 2, "CN", "sideways", 1, ""]]

    response = administrator_client.post(PAGE, {"file": SimpleUploadedFile("bad.csv", csv_file(rows))})

    assert response.status_code == 400
    problems = [(problem.row, problem.column) for problem in response.context["row_problems"]]
    assert problems == [(3, "month"), (4, "direction")]
    html = response.content.decode()
    assert "Problems in bad.csv" in html and str(history.MONTH_OUT_OF_RANGE) in html
    assert not HistoricalMonthlyTotal.objects.exists()


def test_an_upload_of_another_kind_of_file_is_refused_as_a_whole(zone, administrator_client):
    response = administrator_client.post(PAGE, {"file": SimpleUploadedFile("history.pdf", b"%PDF-1.7")})

    assert response.status_code == 400
    assert str(WRONG_TYPE) in response.content.decode()
    assert not HistoricalMonthlyTotal.objects.exists()


def test_the_template_download_holds_the_columns_and_imports_as_it_is(zone, administrator_client):
    response = administrator_client.get(PAGE, {"template": "csv"})

    content = b"".join(response.streaming_content)
    assert content.decode("utf-8-sig").splitlines()[0] == ",".join(COLUMNS)
    assert historical_totals_import(content=content, filename="t.csv", acting_user=zone.administrator).ok


# --- The command --------------------------------------------------------------------------------------


def test_the_command_imports_a_file_and_says_how_many_months(zone, tmp_path):
    path = tmp_path / "history.csv"
    path.write_bytes(csv_file(GOOD_ROWS))
    out = io.StringIO()

    call_command("statistics_import_history", str(path), stdout=out)

    assert "4 months imported" in out.getvalue()
    assert len(stored()) == 4
    assert set(
        AuditEntry.objects.filter(action=AuditAction.HISTORICAL_TOTALS_IMPORT).values_list("actor", flat=True)
    ) == {None}


def test_the_command_fails_with_the_problems_and_imports_nothing(zone, tmp_path):
    path = tmp_path / "history.xlsx"
    path.write_bytes(xlsx_file([[2024, 1, "CN", "entry", 5, ""], [2024, 1, "CN", "entry", -1, ""]]))

    with pytest.raises(CommandError) as failure:
        call_command("statistics_import_history", str(path))

    assert f"row 3 (crossings): {history.NOT_A_COUNT}" in str(failure.value)
    assert not HistoricalMonthlyTotal.objects.exists()


def test_the_command_says_when_the_file_cannot_be_read(zone, tmp_path):
    with pytest.raises(CommandError, match="cannot read"):
        call_command("statistics_import_history", str(tmp_path / "missing.csv"))


# --- Recorded data wins ---------------------------------------------------------------------------------


def recorded(zone, day: date, checkpoint: str, lane: str, direction: str, crossings: int, outcome: str = "admitted"):
    DailyCrossingCount.objects.create(
        local_date=day,
        checkpoint=getattr(zone, checkpoint.lower()),
        lane=zone.lane(checkpoint, lane),
        direction=direction,
        nationality_group="CN",
        outcome=outcome,
        crossings=crossings,
        travellers=crossings,
    )


def imported(year: int, month: int, checkpoint: str, direction: str, crossings: int):
    HistoricalMonthlyTotal.objects.create(
        year=year, month=month, checkpoint=checkpoint, direction=direction, crossings=crossings
    )


def test_a_month_with_both_takes_the_recorded_one_and_counts_admitted_crossings_only(zone):
    # Given March 2026 imported at CN and also recorded there (admitted and refused), and February imported only
    imported(2026, 2, "CN", "entry", 900)
    imported(2026, 3, "CN", "entry", 1000)
    imported(2026, 3, "CN", "exit", 1000)
    recorded(zone, date(2026, 3, 20), "CN", "E-F01", "entry", 40)
    recorded(zone, date(2026, 3, 21), "CN", "E-F01", "entry", 2)
    recorded(zone, date(2026, 3, 21), "CN", "E-F01", "entry", 7, outcome="refused")

    # When the year's months are read
    months = monthly_crossings(year=2026, checkpoint="CN")

    # Then March is the recorded admitted crossings (no exit recorded: 0, not the imported 1000), February the
    # imported total, and a month with neither is empty
    assert [(month["month"], month["crossings"], month["source"]) for month in months[:4]] == [
        (1, 0, None),
        (2, 900, IMPORTED),
        (3, 42, RECORDED),
        (4, 0, None),
    ]
    assert monthly_crossings(year=2026, checkpoint="CN", direction="exit")[2] == {
        "month": 3,
        "crossings": 0,
        "source": RECORDED,
        "by_checkpoint": {"CN": {"crossings": 0, "source": RECORDED}},
    }


def test_a_year_with_only_imported_data_gives_its_totals(zone):
    # Given 2019 imported at both checkpoints in both directions
    content = csv_file(
        [[2019, month, code, direction, month * 100 + (code == "KZ") * 10 + (direction == "exit"), ""]
         for month in range(1, 13) for code in ("CN", "KZ") for direction in ("entry", "exit")]
    )  # fmt: skip
    assert historical_totals_import(content=content, filename="2019.csv", acting_user=zone.administrator).ok

    # When its months are read, for both checkpoints, one checkpoint, one direction
    both = monthly_crossings(year=2019)
    kz_exits = monthly_crossings(year=2019, checkpoint="KZ", direction="exit")

    # Then each month is the sum of what was imported, from the imported source
    assert [month["crossings"] for month in both] == [4 * month * 100 + 20 + 2 for month in range(1, 13)]
    assert {month["source"] for month in both} == {IMPORTED}
    assert [month["crossings"] for month in kz_exits] == [month * 100 + 11 for month in range(1, 13)]
    assert sum(month["crossings"] for month in both) == sum(
        HistoricalMonthlyTotal.objects.filter(year=2019).values_list("crossings", flat=True)
    )


def test_a_month_recorded_at_one_checkpoint_and_imported_at_the_other_is_mixed(zone):
    imported(2026, 4, "CN", "entry", 500)
    imported(2026, 4, "KZ", "entry", 300)
    recorded(zone, date(2026, 4, 30), "KZ", "E-F01", "entry", 12)

    april = monthly_crossings(year=2026)[3]

    assert april["crossings"] == 512 and april["source"] == MIXED
    assert april["by_checkpoint"] == {
        "CN": {"crossings": 500, "source": IMPORTED},
        "KZ": {"crossings": 12, "source": RECORDED},
    }


def test_a_day_filled_from_real_crossings_wins_over_the_imported_month(zone, kazakh, at):
    # Given May 2026 imported at CN, and one Kazakh entering at CN on 12 May, the day filled by the nightly job
    imported(2026, 5, "CN", "entry", 100000)
    at(beijing(2026, 5, 12, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    statistics_fill_day(checkpoint=zone.cn, day=date(2026, 5, 12))

    # Then May is the one recorded crossing
    may = monthly_crossings(year=2026, checkpoint="CN")[4]
    assert (may["crossings"], may["source"]) == (1, RECORDED)
