"""Every figure counts crossings one way: a reversed record and its reversal count nowhere."""

import pytest

from crossings.models import Crossing
from crossings.selectors import crossing_counts_today, crossing_totals_today
from crossings.selectors.dashboard import recent_crossings_by_lane
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


def test_the_live_lane_counts_leave_out_a_reversed_record(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    entry = crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    lanes = {row["code"]: row for row in recent_crossings_by_lane(checkpoint=zone.cn)}
    assert (lanes["E-F01"]["admitted"], lanes["E-F01"]["refused"]) == (1, 0)
    crossing_correct(crossing=entry, reason="Test scan", acting_user=zone.administrator)
    lanes = {row["code"]: row for row in recent_crossings_by_lane(checkpoint=zone.cn)}
    assert (lanes["E-F01"]["admitted"], lanes["E-F01"]["refused"]) == (0, 0)
    # every lane is listed, with or without traffic
    assert set(lanes) == set(zone.cn.lanes.values_list("code", flat=True))


def test_counted_is_the_one_definition(zone, reversed_yesterday):
    counted = set(Crossing.objects.counted().values_list("pk", flat=True))
    assert reversed_yesterday.pk not in counted
    assert not Crossing.objects.filter(pk__in=counted, kind="reversal").exists()
    assert len(counted) == 1
