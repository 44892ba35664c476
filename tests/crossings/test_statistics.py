"""The statistics tables equal an independent recomputation from the raw rows in plain SQL, stay the same when a day is
filled again, and follow late records and reversals on the next run."""

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from crossings.models import (
    Crossing,
    DailyCrossingCount,
    DailyRefusalCount,
    DailyTravellerCount,
    DailyVisitCount,
    HourlyCrossingCount,
    StatisticsDirtyDay,
    StatisticsFillState,
    YearlyTravellerSeen,
)
from crossings.services.crossings import crossing_correct, crossing_record_entry, crossing_record_exit
from crossings.services.statistics import statistics_fill, statistics_fill_day
from crossings.tasks import fill_statistics
from tests.crossings.conftest import almaty, beijing

pytestmark = pytest.mark.django_db
END = date(2026, 4, 30)
AFTER_END = datetime(2026, 5, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
# What counts: records no reversal cancelled (the one rule every figure follows), written here in plain SQL.
COUNTED = """
    FROM crossings_crossing c
    JOIN crossings_lane l ON l.id = c.lane_id
    JOIN crossings_checkpoint k ON k.id = l.checkpoint_id
    JOIN crossings_traveller t ON t.id = c.traveller_id
    WHERE c.kind = 'record' AND NOT EXISTS (SELECT 1 FROM crossings_crossing r WHERE r.corrects_id = c.id)
"""
GROUP = "CASE WHEN t.nationality IN ('CN', 'KZ') THEN t.nationality ELSE 'other' END"


def sql(query: str, params=()) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {tuple(row) for row in cursor.fetchall()}


@pytest.fixture
def history(zone):
    """Forty days of generated traffic at both checkpoints, filled."""
    call_command("crossings_generate", "--travellers", "400", "--days", "40", "--daily-visits", "40", "--seed", "3",
                 "--end", END.isoformat(), verbosity=0)  # fmt: skip
    statistics_fill(now=AFTER_END)
    return zone


def test_daily_counts_equal_a_recount_in_sql(history):
    expected = sql(
        f"SELECT c.local_date, c.lane_id, c.direction, {GROUP}, c.outcome, COUNT(*), COUNT(DISTINCT c.traveller_id)"
        f" {COUNTED} GROUP BY 1, 2, 3, 4, 5"
    )
    stored = set(
        DailyCrossingCount.objects.values_list(
            "local_date", "lane_id", "direction", "nationality_group", "outcome", "crossings", "travellers"
        )
    )
    assert stored == expected
    assert len(stored) > 100
    people = sql(f"SELECT c.local_date, k.id, {GROUP}, COUNT(DISTINCT c.traveller_id) {COUNTED} GROUP BY 1, 2, 3")
    assert (
        set(DailyTravellerCount.objects.values_list("local_date", "checkpoint_id", "nationality_group", "travellers"))
        == people
    )


def test_hourly_counts_are_in_each_checkpoints_own_zone(history):
    expected = sql(
        "SELECT c.local_date, EXTRACT(HOUR FROM c.occurred_at AT TIME ZONE k.time_zone)::int, k.id, c.direction,"
        f" COUNT(*) {COUNTED} AND c.outcome = 'admitted' GROUP BY 1, 2, 3, 4"
    )
    stored = set(
        HourlyCrossingCount.objects.values_list("local_date", "hour", "checkpoint_id", "direction", "crossings")
    )
    assert stored == expected


def test_visits_refusals_and_people_of_the_year_equal_a_recount(history):
    closed = sql(
        "SELECT (v.exited_at AT TIME ZONE k.time_zone)::date, k.id, COUNT(*),"
        " SUM(EXTRACT(EPOCH FROM v.exited_at - v.entered_at))::bigint"
        " FROM crossings_visit v JOIN crossings_checkpoint k ON k.id = v.checkpoint_id"
        " WHERE v.state = 'closed' GROUP BY 1, 2"
    )
    stored = {
        (row[0], row[1], row[2], row[3])
        for row in DailyVisitCount.objects.filter(visits_closed__gt=0).values_list(
            "local_date", "checkpoint_id", "visits_closed", "seconds_in_zone"
        )
    }
    assert {row for row in closed if row[0] <= END} == stored
    refusals = sql(
        f"SELECT c.local_date, k.id, c.refusal_reason, COUNT(*) {COUNTED} AND c.outcome = 'refused' GROUP BY 1, 2, 3"
    )
    assert set(DailyRefusalCount.objects.values_list("local_date", "checkpoint_id", "reason", "refusals")) == refusals
    firsts = sql(
        "SELECT EXTRACT(YEAR FROM c.local_date)::int, k.id, c.traveller_id, MIN(c.local_date)"
        f" {COUNTED} GROUP BY 1, 2, 3"
    )
    assert (
        set(YearlyTravellerSeen.objects.values_list("year", "checkpoint_id", "traveller_id", "first_local_date"))
        == firsts
    )


def test_filling_a_day_again_changes_nothing_and_each_checkpoint_is_filled_to_its_yesterday(history):
    before = set(DailyCrossingCount.objects.values_list("local_date", "lane_id", "direction", "outcome", "crossings"))
    statistics_fill_day(checkpoint=history.kz, day=date(2026, 4, 20))
    assert statistics_fill(now=AFTER_END) == 0
    after = set(DailyCrossingCount.objects.values_list("local_date", "lane_id", "direction", "outcome", "crossings"))
    assert after == before
    assert set(StatisticsFillState.objects.values_list("checkpoint__code", "last_filled")) == {
        ("CN", date(2026, 4, 30)),
        ("KZ", date(2026, 4, 30)),
    }


def test_a_late_record_and_a_reversal_show_in_their_day_after_the_next_run(zone, kazakh, at):
    # Given statistics filled up to 12 May at both checkpoints
    at(beijing(2026, 5, 12, 10, 0))
    entry = crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    at(beijing(2026, 5, 13, 9, 30))
    assert fill_statistics.delay().get() >= 1
    cell = {"checkpoint": zone.cn, "local_date": date(2026, 5, 12), "direction": "entry", "outcome": "admitted"}
    assert DailyCrossingCount.objects.get(**cell).crossings == 1
    # When the exit of 12 May at 22:00 is typed in the next morning, and the entry is reversed
    crossing_record_exit(document=kazakh, lane=zone.lane("CN", "X-F01"), acting_user=zone.cn_officer,
                         at=beijing(2026, 5, 12, 22, 0))  # fmt: skip
    exit_crossing = Crossing.objects.get(direction="exit")
    crossing_correct(crossing=exit_crossing, reason="Typed for the wrong traveller", acting_user=zone.administrator)
    crossing_correct(crossing=entry, reason="Wrong traveller", acting_user=zone.administrator)
    assert set(StatisticsDirtyDay.objects.values_list("local_date", flat=True)) == {date(2026, 5, 12)}
    # Then the next run recomputes 12 May: nothing counts there any more
    fill_statistics.delay().get()
    assert not DailyCrossingCount.objects.filter(checkpoint=zone.cn, local_date=date(2026, 5, 12)).exists()
    assert not StatisticsDirtyDay.objects.exists()


def test_local_days_end_at_midnight_in_each_checkpoints_zone(zone, kazakh, chinese, at):
    # 23:59 and 00:00 in Almaty are 02:59 and 03:00 in Beijing: two different Almaty days
    at(almaty(2026, 5, 12, 18, 59))
    crossing_record_entry(document=kazakh, lane=zone.lane("KZ", "E-C01"), acting_user=zone.kz_officer,
                          at=almaty(2026, 5, 12, 18, 59))  # fmt: skip
    at(almaty(2026, 5, 13, 7, 0))
    crossing_record_exit(document=kazakh, lane=zone.lane("KZ", "X-C01"), acting_user=zone.kz_officer)
    at(beijing(2026, 5, 13, 23, 59))
    crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-C01"), acting_user=zone.cn_officer)
    at(beijing(2026, 5, 14, 0, 0))  # 21:00 of the 13th in Almaty
    statistics_fill()
    kz_days = set(DailyCrossingCount.objects.filter(checkpoint=zone.kz).values_list("local_date", "direction"))
    assert kz_days == {(date(2026, 5, 12), "entry")}  # the 13th has not ended in Almaty: not filled yet
    cn_days = set(DailyCrossingCount.objects.filter(checkpoint=zone.cn).values_list("local_date", "direction"))
    assert cn_days == {(date(2026, 5, 13), "entry")}
    at(almaty(2026, 5, 14, 0, 5))
    statistics_fill()
    assert DailyCrossingCount.objects.filter(
        checkpoint=zone.kz, local_date=date(2026, 5, 13), direction="exit"
    ).exists()
    assert (
        DailyVisitCount.objects.get(checkpoint=zone.kz, local_date=date(2026, 5, 13)).seconds_in_zone == 12 * 3600 + 60
    )


def test_the_rebuild_command_recomputes_a_range_and_refuses_bad_days(history):
    DailyCrossingCount.objects.filter(local_date=date(2026, 4, 10)).delete()
    output = StringIO()
    call_command("statistics_rebuild", "--from", "2026-04-10", "--to", "2026-04-11", stdout=output)
    assert DailyCrossingCount.objects.filter(local_date=date(2026, 4, 10)).exists()
    # The bar fills table by table, the last one named; two days at two checkpoints are four checkpoint-days
    assert f"[{'#' * 30}] travellers seen in a year 2026-04-11" in output.getvalue()
    assert output.getvalue().endswith("\n4 checkpoint days recomputed\n")
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("statistics_rebuild", "--from", "10 April", "--to", "2026-04-11")
    with pytest.raises(CommandError, match="before"):
        call_command("statistics_rebuild", "--from", "2026-04-11", "--to", "2026-04-10")
