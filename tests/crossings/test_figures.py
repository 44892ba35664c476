"""The published figures equal an independent recount from the raw rows, over a history of a year and a half, and are
read from the statistics tables only."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import F
from django.test.utils import CaptureQueriesContext

from crossings.models import DailyCrossingCount, HistoricalMonthlyTotal, HourlyCrossingCount
from crossings.selectors import figures
from crossings.services.statistics import statistics_fill
from tests.crossings.test_statistics import COUNTED, sql

pytestmark = pytest.mark.django_db
END = date(2026, 4, 30)
AFTER_END = datetime(2026, 5, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ADMITTED = COUNTED + " AND c.outcome = 'admitted'"


def one(query: str, params=()):
    (row,) = sql(query, params)
    return row[0]


@pytest.fixture
def long_history(zone):
    """A year and a half of generated traffic (November 2024 to April 2026) at both checkpoints, filled."""
    call_command("crossings_generate", "--travellers", "300", "--days", "548", "--daily-visits", "12", "--seed", "11",
                 "--end", END.isoformat(), verbosity=0)  # fmt: skip
    statistics_fill(now=AFTER_END)
    return zone


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


@pytest.mark.parametrize(
    ("day", "before"),
    [
        (date(2024, 2, 29), date(2023, 2, 28)),
        (date(2025, 3, 1), date(2024, 3, 1)),
        (date(2026, 1, 1), date(2025, 1, 1)),
    ],
)
def test_the_same_period_of_the_year_before_handles_the_leap_day(day, before):
    assert figures.same_day_a_year_before(day) == before


@pytest.mark.parametrize(("current", "previous", "growth"), [(166, 100, "66.0"), (2, 3, "-33.3"), (5, 0, None)])
def test_growth_is_in_percent_with_one_decimal(current, previous, growth):
    assert figures.growth_percent(current, previous) == (Decimal(growth) if growth else None)


def test_imported_history_gives_growth_for_a_year_with_no_recorded_data(zone):
    # Given recorded traffic in April 2026 only, and 2025 known from imported monthly totals
    call_command("crossings_generate", "--travellers", "100", "--days", "30", "--daily-visits", "10", "--seed", "4",
                 "--end", END.isoformat(), verbosity=0)  # fmt: skip
    statistics_fill(now=AFTER_END)
    for month in range(1, 13):
        for checkpoint, crossings in (("CN", 300), ("KZ", 150)):
            HistoricalMonthlyTotal.objects.create(
                year=2025, month=month, checkpoint=checkpoint, direction="entry", crossings=crossings
            )
    # When the year-to-date figures as of 15 April 2026 are read
    ytd = figures.year_to_date(date(2026, 4, 15))
    # Then the year before counts January to March whole and half of April (15 of 30 days), from the history
    assert ytd.previous_crossings == 3 * 450 + round(300 * 15 / 30) + round(150 * 15 / 30)
    recorded = one(f"SELECT COUNT(*) {ADMITTED} AND c.local_date BETWEEN '2026-01-01' AND '2026-04-15'")
    assert ytd.crossings == recorded > 0
    assert ytd.crossings_growth == figures.growth_percent(recorded, ytd.previous_crossings)
    assert figures.monthly_crossings(2025) == [450] * 12
    # And by direction too: the history's entries only, so the year before had no exit; this year's by direction
    # add up to the total
    by_direction = figures.crossings_of_year_by_direction(date(2025, 4, 15))
    assert by_direction == {"entry": ytd.previous_crossings, "exit": 0}
    assert sum(figures.crossings_of_year_by_direction(date(2026, 4, 15)).values()) == ytd.crossings
