"""The crossing-recording hot path: its query and transaction counts are fixed, and the cached reference data it reads
(crossings.selectors.reference) follow every change at once."""

import json
from datetime import date, time, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from crossings.api.serializers import CrossingRecordedSerializer, recorded_crossing_data
from crossings.choices import WatchlistMatch
from crossings.models import Checkpoint, Visit
from crossings.selectors import reference
from crossings.services.crossings import crossing_record_entry, crossing_record_exit
from crossings.services.reference import (
    closure_add,
    lane_update,
    officer_assign,
    opening_hours_set,
    stay_policy_add,
)
from crossings.services.watchlist import watchlist_add
from tests.crossings.conftest import beijing
from tests.crossings.test_api import entry_body

ENTRY = "/api/v1/crossings/entry/"
EXIT = "/api/v1/crossings/exit/"
# What one recorded crossing costs through the API, reference data cached, counting every statement but the savepoints
# of nested atomic blocks: the token, the key's claim (lock and insert in one statement), the document, the
# traveller locked, the traveller's visits, (entry) the watchlist, the crossing, (entry) the visit or (exit) its
# closing, the audit row, (exit) trade's panel: the shuttle-trader flag (the allowance policy comes from trade's
# cache, trade.selectors.reference; here no policy is in force, so no ledger is read), and the stored response.
# (Savepoints aside: the service's atomic block and, on an admitted entry, the visit's add two pairs.)
ENTRY_QUERIES = 10
EXIT_QUERIES = 10
TRANSACTION_CONTROL = ("SAVEPOINT", "RELEASE SAVEPOINT", "ROLLBACK TO SAVEPOINT")


def transactions(queries) -> int:
    """The transactions the captured statements ran in (a transactional test sees Django's BEGIN and COMMIT): each
    BEGIN, and each write sent outside one (autocommitted on its own)."""
    count, inside = 0, False
    for query in queries.captured_queries:
        sql = query["sql"].lstrip().upper()
        if sql == "BEGIN":
            count, inside = count + 1, True
        elif sql in ("COMMIT", "ROLLBACK"):
            inside = False
        elif not inside and sql.startswith(("INSERT", "UPDATE", "DELETE", "WITH")):
            count += 1
    return count


def statements(queries) -> list[str]:
    """The statements sent, but for transaction control (BEGIN, COMMIT and savepoints)."""
    return [
        query["sql"]
        for query in queries.captured_queries
        if query["sql"] not in ("BEGIN", "COMMIT") and not query["sql"].startswith(TRANSACTION_CONTROL)
    ]


@pytest.mark.django_db(transaction=True)
def test_an_api_entry_and_exit_are_one_transaction_each_with_a_fixed_query_count(zone, kazakh, at, api_client_for):
    # Given an officer whose client recorded one crossing already (the reference data are in this process's cache)
    at(beijing(2026, 3, 2, 10, 0))
    client = api_client_for(zone.cn_officer)
    client.post(ENTRY, entry_body(zone, kazakh), format="json", HTTP_IDEMPOTENCY_KEY="warm-up")
    client.post(EXIT, entry_body(zone, kazakh, lane="X-F01"), format="json", HTTP_IDEMPOTENCY_KEY="warm-up")
    for path, lane, expected in ((ENTRY, "E-F01", ENTRY_QUERIES), (EXIT, "X-F01", EXIT_QUERIES)):
        body = entry_body(zone, kazakh, lane=lane)
        # When the next entry (then exit) is recorded with an Idempotency-Key
        with CaptureQueriesContext(connection) as queries:
            response = client.post(path, body, format="json", HTTP_IDEMPOTENCY_KEY=f"{path}-2")
        # Then it is admitted in one transaction (claim, crossing, audit and stored response together), in a fixed
        # number of queries
        assert (response.status_code, response.json()["outcome"]) == (201, "admitted")
        assert transactions(queries) == 1, statements(queries)
        assert len(statements(queries)) == expected, "\n".join(statements(queries))


@pytest.mark.django_db(transaction=True)
def test_a_replayed_entry_is_one_transaction_and_writes_nothing(zone, kazakh, at, api_client_for):
    at(beijing(2026, 3, 2, 10, 0))
    client = api_client_for(zone.cn_officer)
    body = entry_body(zone, kazakh)
    first = client.post(ENTRY, body, format="json", HTTP_IDEMPOTENCY_KEY="scan-1")
    with CaptureQueriesContext(connection) as queries:
        replay = client.post(ENTRY, body, format="json", HTTP_IDEMPOTENCY_KEY="scan-1")
    assert (replay.status_code, replay.json()) == (201, first.json())
    assert transactions(queries) == 1
    # The token, the claim that finds the key taken, the stored response
    assert len(statements(queries)) == 3, "\n".join(statements(queries))


# --- cached reference data: a change is seen by the very next entry ---------------------------------------------


@pytest.fixture
def cn_client(zone, kazakh, at, api_client_for):
    """The Chinese checkpoint's officer, on a Monday morning, after one entry (so the reference data are cached)."""
    at(beijing(2026, 3, 2, 10, 0))
    client = api_client_for(zone.cn_officer)
    warm = client.post(ENTRY, entry_body(zone, kazakh), format="json")
    assert warm.json()["outcome"] == "admitted"
    client.post(EXIT, entry_body(zone, kazakh, lane="X-F01"), format="json")
    return client


def enter(zone, client, kazakh, lane="E-F01"):
    return client.post(ENTRY, entry_body(zone, kazakh, lane=lane), format="json")


def test_changed_opening_hours_are_seen_by_the_next_entry(zone, kazakh, cn_client):
    # When the administrator closes the checkpoint on Mondays
    opening_hours_set(checkpoint=zone.cn, weekday=0, opens_at=None, closes_at=None, acting_user=zone.administrator)
    # Then the next entry is refused: the checkpoint is closed
    assert enter(zone, cn_client, kazakh).json()["refusal_reason"] == "checkpoint_closed"
    # And hours that open again at 09:00 admit the one after at once
    opening_hours_set(
        checkpoint=zone.cn, weekday=0, opens_at=time(9), closes_at=time(18), acting_user=zone.administrator
    )
    assert enter(zone, cn_client, kazakh).json()["outcome"] == "admitted"


def test_a_closure_added_now_is_seen_by_the_next_entry(zone, kazakh, cn_client):
    now = beijing(2026, 3, 2, 10, 0)
    closure_add(checkpoint=zone.cn, starts_at=now - timedelta(minutes=5), ends_at=now + timedelta(hours=1),
                reason="Incident", acting_user=zone.administrator)  # fmt: skip
    assert enter(zone, cn_client, kazakh).json()["refusal_reason"] == "checkpoint_closed"


def test_a_lane_closed_now_is_seen_by_the_next_entry(zone, kazakh, cn_client):
    lane_update(lane=zone.lane("CN", "E-F01"), is_open=False, reason="Scanner broken", acting_user=zone.administrator)
    response = enter(zone, cn_client, kazakh)
    assert (response.json()["outcome"], response.json()["refusal_reason"]) == ("refused", "lane_closed")


def test_an_officer_moved_to_the_other_checkpoint_is_refused_the_old_lanes_at_once(zone, kazakh, cn_client):
    officer_assign(officer=zone.cn_officer, checkpoint=zone.kz, acting_user=zone.administrator)
    assert enter(zone, cn_client, kazakh).status_code == 403


def test_a_new_stay_policy_is_applied_from_its_first_day(zone, kazakh, cn_client, at):
    # Given a policy of 5 days from tomorrow, added while the old one (30 days) is cached
    stay_policy_add(effective_from=date(2026, 3, 3), max_stay_days=5, retention_years=3, acting_user=zone.administrator)
    # When the traveller enters tomorrow
    at(beijing(2026, 3, 3, 10, 0))
    assert enter(zone, cn_client, kazakh).json()["outcome"] == "admitted"
    # Then they must leave by the end of the fifth day
    visit = Visit.objects.open().get()
    assert zone.cn.local(visit.must_leave_by).date() == date(2026, 3, 7)


def test_a_change_another_process_announced_is_reloaded(zone):
    # Given this process's copy of the reference data
    assert reference.reference_data().checkpoints[zone.cn.pk].name_en == zone.cn.name_en
    # When another process renames a checkpoint without this process's signals, and names a new version
    Checkpoint.objects.filter(pk=zone.cn.pk).update(name_en="Khorgos East")
    cache.set(reference.VERSION_KEY, "another-process-version", None)
    # Then the next read reloads
    assert reference.reference_data().checkpoints[zone.cn.pk].name_en == "Khorgos East"


def test_without_the_shared_cache_the_data_are_read_each_time(zone, monkeypatch):
    monkeypatch.setattr(cache, "get", lambda *args, **kwargs: None)
    reference.reference_data()
    Checkpoint.objects.filter(pk=zone.cn.pk).update(name_en="Khorgos East")
    assert reference.reference_data().checkpoints[zone.cn.pk].name_en == "Khorgos East"


# --- the lean answer is the serializer's answer ---------------------------------------------------------------------


def rendered(data) -> dict:
    return json.loads(JSONRenderer().render(data))


def test_the_recorded_crossing_answer_equals_the_serializers(zone, kazakh, chinese, at):
    at(beijing(2026, 3, 2, 10, 0))
    watchlist_add(match=WatchlistMatch.DOCUMENT, document_type=chinese.document_type, reason="Check",
                  document_issuing_country="CN", document_number=chinese.number,
                  acting_user=zone.administrator)  # fmt: skip
    officer, entry_lane, exit_lane = zone.cn_officer, zone.lane("CN", "E-F01"), zone.lane("CN", "X-F01")
    crossings = [
        crossing_record_entry(document=kazakh, lane=entry_lane, acting_user=officer),  # admitted, a visit opened
        crossing_record_entry(document=kazakh, lane=entry_lane, acting_user=officer),  # refused with a message
        crossing_record_entry(document=chinese, lane=entry_lane, acting_user=officer),  # refused, an alert raised
        crossing_record_exit(document=kazakh, lane=exit_lane, acting_user=officer),  # admitted, with trade's panel
    ]
    for crossing in crossings:
        assert rendered(recorded_crossing_data(crossing)) == rendered(CrossingRecordedSerializer(crossing).data)
    assert [answer["alert"] is not None for answer in map(recorded_crossing_data, crossings)] == [0, 0, 1, 0]
    assert recorded_crossing_data(crossings[3])["exit_details"] is not None


def test_a_request_asks_the_shared_cache_for_the_version_once(zone, kazakh, cn_client, monkeypatch):
    # Given the shared cache, its reads of the reference version counted
    asked = []
    get = cache.get
    monkeypatch.setattr(cache, "get", lambda key, *args: asked.append(key) or get(key, *args))
    # When an entry is recorded (its rules read the reference data several times)
    assert enter(zone, cn_client, kazakh).status_code == 201
    # Then the version was asked once; and outside a request, each read asks again
    assert asked.count(reference.VERSION_KEY) == 1
    reference.reference_data()
    reference.reference_data()
    assert asked.count(reference.VERSION_KEY) == 3
