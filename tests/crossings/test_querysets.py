"""Each predicate is a queryset method, and agrees with its instance method for a row in memory."""

from datetime import timedelta

import pytest

from crossings.choices import WatchlistMatch
from crossings.models import Closure, Visit, WatchlistEntry
from crossings.services.crossings import crossing_record_entry
from tests.crossings.conftest import almaty, beijing
from tests.crossings.factories import DocumentFactory

pytestmark = pytest.mark.django_db

NOW = beijing(2026, 5, 12, 12, 0)


def watch(zone, family_name, active_from, active_until=None) -> WatchlistEntry:
    return WatchlistEntry.objects.create(
        match=WatchlistMatch.PERSON,
        family_name=family_name,
        birth_date=NOW.date(),
        reason="Test",
        active_from=active_from,
        active_until=active_until,
        added_by=zone.administrator,
    )


def test_watchlist_entries_active_not_ended_and_ended_agree_with_the_entry(zone):
    hour = timedelta(hours=1)
    entries = [
        watch(zone, "Open", NOW - hour),
        watch(zone, "Ended", NOW - 2 * hour, NOW - hour),
        watch(zone, "Ends now", NOW - hour, NOW),
        watch(zone, "To come", NOW + hour),
        watch(zone, "Starts now", NOW, NOW + hour),
    ]
    active = {entry for entry in entries if entry.is_active_at(NOW)}
    assert set(WatchlistEntry.objects.active_at(NOW)) == active
    assert {entry.family_name for entry in active} == {"Open", "Starts now"}
    ended = set(WatchlistEntry.objects.ended_at(NOW))
    assert {entry.family_name for entry in ended} == {"Ended", "Ends now"}
    assert ended | set(WatchlistEntry.objects.not_ended_at(NOW)) == set(entries)
    assert not ended & set(WatchlistEntry.objects.not_ended_at(NOW))


def test_open_visits_overstaying_and_days_left_agree_with_the_visit(zone, at):
    # Entries on 1 March (CN, last day 30 March) and on 12 May (KZ, last day 10 June)
    for moment, checkpoint, number in (
        (beijing(2026, 3, 1, 10, 0), "CN", "D1"),
        (almaty(2026, 5, 12, 9, 0), "KZ", "D2"),
    ):
        at(moment)
        document = DocumentFactory(number=number, traveller__nationality="DE", issuing_country="DE")
        officer = zone.cn_officer if checkpoint == "CN" else zone.kz_officer
        crossing_record_entry(document=document, lane=zone.lane(checkpoint, "E-F01"), acting_user=officer)
    at(NOW)
    visits = list(Visit.objects.select_related("checkpoint"))
    assert set(Visit.objects.overstaying_at(NOW)) == {visit for visit in visits if visit.is_overstay_at(NOW)}
    assert set(Visit.objects.within_stay_at(NOW)) == {visit for visit in visits if not visit.is_overstay_at(NOW)}
    days_left = {visit.pk: visit.days_left for visit in Visit.objects.with_days_left(NOW)}
    assert days_left == {visit.pk: visit.days_left_at(NOW) for visit in visits}
    assert sorted(days_left.values()) == [-43, 29]
    for days in (-44, -43, 28, 29):
        expected = {pk for pk, left in days_left.items() if left <= days}
        assert set(Visit.objects.days_left_at_most(days, NOW).values_list("pk", flat=True)) == expected


def test_closures_in_force_agree_with_the_closure(zone):
    closure = Closure.objects.create(
        checkpoint=zone.kz, starts_at=almaty(2026, 6, 1, 10, 0), ends_at=almaty(2026, 6, 1, 14, 0), reason="Repairs"
    )
    for moment in (almaty(2026, 6, 1, 9, 59), closure.starts_at, almaty(2026, 6, 1, 13, 59), closure.ends_at):
        in_force = Closure.objects.in_force_at(moment).filter(pk=closure.pk).exists()
        assert in_force == closure.is_in_force_at(moment)
    assert closure.is_in_force_at(closure.starts_at) and not closure.is_in_force_at(closure.ends_at)
