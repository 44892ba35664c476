"""The set-based rebuild writes exactly the rows the day-by-day fill writes, over a generated history with its edge
cases: crossings at local midnight in two time zones, visits over several days and across the new year, overstays,
travellers crossing in two years, refusals, a watchlist hit, and reversals (which count nowhere)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction

from crossings.choices import WatchlistMatch
from crossings.models import (
    Checkpoint,
    Crossing,
    DailyVisitCount,
    DailyWatchlistHitCount,
    StatisticsDirtyDay,
    StatisticsFillState,
    Visit,
    YearlyTravellerSeen,
)
from crossings.services.crossings import crossing_correct, crossing_record_entry, crossing_record_exit
from crossings.services.statistics import DAILY_TABLES, statistics_fill, statistics_fill_day
from crossings.services.statistics_rebuild import statistics_fill_history, statistics_rebuild
from crossings.services.watchlist import watchlist_add
from horgos.statistics import days_between
from tests.crossings.conftest import almaty, beijing

pytestmark = pytest.mark.django_db
END = date(2026, 1, 10)  # the generated history: 60 days over the new year
FIRST = date(2025, 11, 12)
LAST = date(2026, 1, 12)  # the edge cases below come after it
AFTER = datetime(2026, 1, 13, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
TABLES = (*DAILY_TABLES, YearlyTravellerSeen)


def rows() -> dict[str, set[tuple]]:
    """Every statistics row, without its id."""
    return {
        table.__name__: set(
            table.objects.values_list(*(field.attname for field in table._meta.concrete_fields if field.name != "id"))
        )
        for table in TABLES
    }


def day_by_day(first: date, last: date) -> None:
    """What the rebuild did before: every day of every checkpoint through `statistics_fill_day`."""
    for checkpoint in Checkpoint.objects.order_by("code"):
        for day in days_between(first, last):
            statistics_fill_day(checkpoint=checkpoint, day=day)


def rebuilt_as_day_by_day(first: date, last: date) -> dict[str, set[tuple]]:
    """Fill the range day by day and roll that back, rebuild it set-based from the same start, and check both left
    the same rows; those rows."""
    savepoint = transaction.savepoint()
    day_by_day(first, last)
    expected = rows()
    transaction.savepoint_rollback(savepoint)
    statistics_rebuild(first=first, last=last)
    assert rows() == expected
    return expected


@pytest.fixture
def history(zone, kazakh, chinese, at):
    """Sixty generated days ending 10 January 2026, then a watchlist hit and crossings at local midnight."""
    call_command("crossings_generate", "--travellers", "300", "--days", "60", "--daily-visits", "30", "--seed", "5",
                 "--end", END.isoformat(), verbosity=0)  # fmt: skip
    at(almaty(2026, 1, 11, 9, 0))
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order 17/2026", acting_user=zone.administrator)  # fmt: skip
    at(almaty(2026, 1, 11, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("KZ", "E-C01"), acting_user=zone.kz_officer)
    # 23:59:59 and 00:00 in Beijing are two Beijing days; whatever the lane's hours say, both count (admitted or
    # refused) on their own local day.
    at(beijing(2026, 1, 12, 0, 30))
    crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-C01"), acting_user=zone.cn_officer,
                          at=beijing(2026, 1, 11, 23, 59, 59))  # fmt: skip
    crossing_record_exit(document=chinese, lane=zone.lane("CN", "X-C01"), acting_user=zone.cn_officer,
                         at=beijing(2026, 1, 12, 0, 0))  # fmt: skip
    at(almaty(2026, 1, 12, 10, 0))  # refused again: the watchlist holds her back
    crossing_record_entry(document=kazakh, lane=zone.lane("KZ", "E-C01"), acting_user=zone.kz_officer)
    return zone


def test_a_rebuild_from_nothing_writes_the_rows_of_the_day_by_day_fill(history):
    written = rebuilt_as_day_by_day(FIRST, LAST)
    # The edge cases are all there to compare
    assert len(written["DailyCrossingCount"]) > 200
    assert {row[-1] for row in written["DailyRefusalCount"]}, "no refusal generated"
    assert set(DailyWatchlistHitCount.objects.values_list("local_date", "hits")) == {
        (date(2026, 1, 11), 1),
        (date(2026, 1, 12), 1),
    }
    assert DailyVisitCount.objects.filter(overstays_open__gt=0).exists()
    assert DailyVisitCount.objects.filter(visits_closed=0).exists()  # a day with overstays and no exit
    assert Visit.objects.filter(entered_at__lt=beijing(2026, 1, 1), exited_at__gte=beijing(2026, 1, 1)).exists()
    assert YearlyTravellerSeen.objects.filter(year=2025).exists()
    assert YearlyTravellerSeen.objects.filter(year=2026).exists()
    assert not StatisticsFillState.objects.exists()  # without `advance`, the nightly run still starts from scratch
    assert not StatisticsDirtyDay.objects.exists()


def test_a_rebuild_of_part_of_the_history_after_reversals_writes_the_rows_of_the_day_by_day_fill(history, kazakh, at):
    # Given statistics filled up to 12 January, then records reversed: a generated refusal, and the entry of a visit
    # still open that was its traveller's first crossing of 2026 (their first day of the year is gone with it)
    statistics_fill(now=AFTER)
    at(AFTER)
    refused = Crossing.objects.counted().filter(outcome="refused").exclude(traveller=kazakh.traveller).first()
    crossing_correct(crossing=refused, reason="Wrong traveller", acting_user=history.administrator)
    firsts = YearlyTravellerSeen.objects.filter(year=2026)
    visit = next(
        visit
        for visit in Visit.objects.open().filter(entered_at__gte=beijing(2026, 1, 2)).select_related("entry_crossing")
        if firsts.filter(traveller=visit.traveller_id, first_local_date=visit.entry_crossing.local_date).exists()
    )
    entry_day = visit.entry_crossing.local_date
    crossing_correct(crossing=visit.entry_crossing, reason="Typed in error", acting_user=history.administrator)
    # and the Kazakh traveller's refusal of 11 January, her first crossing of 2026 (her next one is on the 12th)
    kazakh_first = Crossing.objects.get(lane__checkpoint=history.kz, traveller=kazakh.traveller,
                                        local_date=date(2026, 1, 11))  # fmt: skip
    crossing_correct(crossing=kazakh_first, reason="Wrong traveller", acting_user=history.administrator)
    assert StatisticsDirtyDay.objects.exists()
    # When only 11 January is rebuilt, her first day of 2026 moves to the 12th
    rebuilt_as_day_by_day(date(2026, 1, 11), date(2026, 1, 11))
    assert YearlyTravellerSeen.objects.get(year=2026, traveller=kazakh.traveller).first_local_date == date(2026, 1, 12)
    # When a range over the new year up to the reversed entry's day is rebuilt, then single days, then everything
    rebuilt_as_day_by_day(date(2025, 12, 30), entry_day)
    # Then both ways agree each time, and the traveller's first day of 2026 moved on or is gone
    assert not firsts.filter(traveller=visit.traveller_id, first_local_date=entry_day).exists()
    rebuilt_as_day_by_day(refused.local_date, refused.local_date)
    rebuilt_as_day_by_day(entry_day, entry_day)
    rebuilt_as_day_by_day(FIRST, LAST)


def test_the_history_is_filled_set_based_and_the_nightly_run_goes_on_from_there(history):
    # At 01:00 in Beijing, 22:00 of the day before in Almaty: the Chinese checkpoint has finished one day more
    now = beijing(2026, 1, 13, 1, 0)
    savepoint = transaction.savepoint()
    statistics_fill(now=now)
    expected = rows()
    transaction.savepoint_rollback(savepoint)
    assert statistics_fill_history(now=now) > 100
    assert rows() == expected
    assert set(StatisticsFillState.objects.values_list("checkpoint__code", "last_filled")) == {
        ("CN", date(2026, 1, 12)),
        ("KZ", date(2026, 1, 11)),
    }
    assert statistics_fill(now=now) == 0
