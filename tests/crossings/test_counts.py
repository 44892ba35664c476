"""Every figure counts crossings one way: a reversed record and its reversal count nowhere."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossings.models import Crossing
from crossings.selectors import crossing_counts_today, crossing_totals_today
from crossings.selectors.dashboard import live_panel
from crossings.selectors.lists import admitted_per_local_hour, crossing_summary_today
from crossings.services.crossings import crossing_correct, crossing_record_entry
from tests.crossings.conftest import beijing

pytestmark = pytest.mark.django_db


@pytest.fixture
def reversed_yesterday(zone, kazakh, chinese, at):
    """An entry at 23:30 yesterday (Beijing) reversed at 10:00 today, and one entry today that stands."""
    at(beijing(2026, 5, 11, 23, 30))
    mistaken = crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    at(beijing(2026, 5, 12, 10, 0))
    crossing_correct(crossing=mistaken, reason="Scanned the wrong passport", acting_user=zone.administrator)
    crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-C01"), acting_user=zone.cn_officer)
    return mistaken


def test_a_reversal_made_today_of_yesterdays_record_counts_on_neither_day(zone, reversed_yesterday):
    # Today's desk figures count only the entry that stands; they never go below zero
    assert crossing_counts_today(checkpoint=zone.cn) == [
        {"lane": "E-C01", "direction": "entry", "outcome": "admitted", "count": 1}
    ]
    assert crossing_totals_today(checkpoint=zone.cn)["entry"] == {"admitted": 1, "refused": 0}
    assert crossing_summary_today(checkpoint=zone.cn)[0]["admitted"] == 1
    # Yesterday's figures no longer count the reversed record either
    assert crossing_counts_today(checkpoint=zone.cn, now=beijing(2026, 5, 11, 23, 59)) == []
    # The charts agree with the desk, hour by hour
    assert admitted_per_local_hour({zone.cn: beijing(2026, 5, 11, 0, 0).date()})[zone.cn.pk][23] == 0
    assert admitted_per_local_hour({zone.cn: beijing(2026, 5, 12, 0, 0).date()})[zone.cn.pk][10] == 1


def lane_counts(panel: dict) -> dict[str, tuple[int, int]]:
    return {row["code"]: (row["admitted"], row["refused"]) for row in panel["recent_lanes"]}


def test_the_live_lane_counts_leave_out_a_reversed_record(zone, kazakh, at, django_capture_on_commit_callbacks):
    at(beijing(2026, 5, 12, 10, 0))
    lane = zone.lane("CN", "E-F01")
    with django_capture_on_commit_callbacks(execute=True):
        entry = crossing_record_entry(document=kazakh, lane=lane, acting_user=zone.cn_officer)
    assert lane_counts(live_panel(zone.cn_officer, lane))["E-F01"] == (1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        crossing_correct(crossing=entry, reason="Test scan", acting_user=zone.administrator)
    lanes = lane_counts(live_panel(zone.cn_officer, lane))
    assert lanes["E-F01"] == (0, 0)
    # every lane is listed, with or without traffic
    assert set(lanes) == set(zone.cn.lanes.values_list("code", flat=True))


def test_the_live_counts_come_through_a_short_cache_that_each_crossing_clears(
    zone, kazakh, chinese, at, django_capture_on_commit_callbacks
):
    at(beijing(2026, 5, 12, 10, 0))
    lane = zone.lane("CN", "E-F01")
    with django_capture_on_commit_callbacks(execute=True):
        crossing_record_entry(document=kazakh, lane=lane, acting_user=zone.cn_officer)
    first = live_panel(zone.cn_officer, lane)
    # A desk refreshing within seconds reads the counts from the cache: no count of crossings or visits runs
    with CaptureQueriesContext(connection) as queries:
        again = live_panel(zone.cn_officer, lane)
    assert not [query["sql"] for query in queries if "crossings_visit" in query["sql"] or "COUNT(" in query["sql"]]
    assert (lane_counts(again), again["today"], again["inside"]) == (
        lane_counts(first),
        first["today"],
        first["inside"],
    )
    # A crossing recorded at the checkpoint shows at the next refresh, not seconds later
    with django_capture_on_commit_callbacks(execute=True):
        crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-C01"), acting_user=zone.cn_officer)
    after = live_panel(zone.cn_officer, lane)
    assert (lane_counts(after)["E-F01"], lane_counts(after)["E-C01"]) == ((1, 0), (1, 0))
    assert after["today"]["entry"]["admitted"] == 2
    assert sum(row["people"] for rows in after["inside"].values() for row in rows) == 2


def test_counted_is_the_one_definition(zone, reversed_yesterday):
    counted = set(Crossing.objects.counted().values_list("pk", flat=True))
    assert reversed_yesterday.pk not in counted
    assert not Crossing.objects.filter(pk__in=counted, kind="reversal").exists()
    assert len(counted) == 1
