"""The lane desk and its live panel (refreshed by every desk every few seconds): fixed query counts, and the per-lane
counts of the last minutes read only the last minutes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossings.selectors.dashboard import forget_live_counts, recent_crossings_by_lane
from crossings.services.crossings import crossing_correct, crossing_record_entry
from tests.crossings.conftest import beijing

pytestmark = pytest.mark.django_db

# The session, its user (the officer's lane and checkpoint come from the cached reference data), then the panel:
# the last minutes by lane, today's counts and who is inside (when not fresh in the cache), the open alerts; the desk
# page adds the lanes of its lane form.
QUERIES = {
    "/crossings/desk/live/": {"counts to compute": 6, "counts cached": 3},
    "/crossings/desk/": {"counts to compute": 7, "counts cached": 4},
}


def page_queries(client, path) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return [query["sql"] for query in queries.captured_queries if not query["sql"].startswith(("SAVEPOINT", "RELEASE"))]


@pytest.mark.parametrize("path", QUERIES)
def test_desk_and_live_panel_have_a_fixed_query_count(zone, desk_client, kazakh, at, path):
    # Given a desk at a lane where a crossing was recorded
    at(beijing(2026, 5, 12, 10, 0))
    client = desk_client(zone.cn_officer)
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    page_queries(client, path)  # the reference data are cached from here on
    forget_live_counts(zone.cn.pk)
    # When the page is asked for with its counts to compute, then again while they are fresh
    fresh, cached = page_queries(client, path), page_queries(client, path)
    # Then each time it takes the same few queries
    assert len(fresh) == QUERIES[path]["counts to compute"], "\n".join(fresh)
    assert len(cached) == QUERIES[path]["counts cached"], "\n".join(cached)


def test_recent_counts_leave_out_reversed_records_and_older_ones(zone, kazakh, chinese, at):
    # Given an entry an hour ago, an entry now, and an entry now that was reversed
    lane = zone.lane("CN", "E-F01")
    at(beijing(2026, 5, 12, 9, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-C01"), acting_user=zone.cn_officer)
    at(beijing(2026, 5, 12, 10, 0))
    reversed_entry = crossing_record_entry(document=kazakh, lane=lane, acting_user=zone.cn_officer)
    crossing_correct(crossing=reversed_entry, reason="Wrong traveller", acting_user=zone.administrator)
    crossing_record_entry(document=chinese, lane=lane, acting_user=zone.cn_officer)
    # Then the last 15 minutes count the one entry that stands, on its lane (refused: a Chinese at a lane for others)
    assert recent_crossings_by_lane(checkpoint=zone.cn) == {lane.pk: {"admitted": 0, "refused": 1}}
