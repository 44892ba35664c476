"""Crossing services lock only their own rows: an officer acknowledging an alert or the overstay task must not stall
admissions at the lane and checkpoint they read."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossings.choices import WatchlistMatch
from crossings.models import Alert
from crossings.services.crossings import crossing_record_entry, visit_mark_overstays
from crossings.services.watchlist import alert_acknowledge, watchlist_add
from tests.crossings.conftest import beijing
from tests.horgos.test_locking import locked_tables

pytestmark = pytest.mark.django_db


def test_acknowledging_an_alert_locks_the_alert_only(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order", acting_user=zone.administrator)  # fmt: skip
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    with CaptureQueriesContext(connection) as queries:
        alert_acknowledge(alert=Alert.objects.get(), acting_user=zone.cn_officer)
    assert locked_tables(queries) == ['"crossings_alert"']


def test_flagging_overstays_locks_the_visits_only(zone, kazakh, at):
    at(beijing(2026, 3, 1, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    at(beijing(2026, 3, 31, 0, 5))
    with CaptureQueriesContext(connection) as queries:
        assert visit_mark_overstays() == 1
    assert locked_tables(queries) == ['"crossings_visit"']
