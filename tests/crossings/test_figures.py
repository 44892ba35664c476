"""The published figures equal an independent recount from the raw rows, over a history of a year and a half, and are
read from the statistics tables only."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from crossings.models import HistoricalMonthlyTotal
from crossings.selectors import figures
from crossings.services.statistics_rebuild import statistics_fill_history
from tests.crossings.test_statistics import COUNTED, sql

pytestmark = pytest.mark.django_db
END = date(2026, 4, 30)
AFTER_END = datetime(2026, 5, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
ADMITTED = COUNTED + " AND c.outcome = 'admitted'"


def one(query: str, params=()):
    (row,) = sql(query, params)
    return row[0]


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
    statistics_fill_history(now=AFTER_END)
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
