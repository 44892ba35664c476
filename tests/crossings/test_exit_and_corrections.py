import threading
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import DatabaseError, connection, transaction

from crossings.choices import CrossingKind, Outcome, RefusalReason, VisitState
from crossings.models import Crossing, Visit
from crossings.services.crossings import (
    ALREADY_REVERSED,
    CANNOT_REVERSE_REVERSAL,
    REVERSE_EXIT_FIRST,
    crossing_correct,
    crossing_record_entry,
    crossing_record_exit,
    visit_mark_overstays,
)
from crossings.tasks import mark_overstays
from tests.crossings.conftest import beijing

pytestmark = pytest.mark.django_db


def enter(zone, document, lane="E-F01"):
    return crossing_record_entry(document=document, lane=zone.lane("CN", lane), acting_user=zone.cn_officer)


def leave(zone, document, checkpoint="CN", lane="X-F01"):
    officer = zone.cn_officer if checkpoint == "CN" else zone.kz_officer
    return crossing_record_exit(document=document, lane=zone.lane(checkpoint, lane), acting_user=officer)


def test_exit_at_the_entry_checkpoint_closes_the_visit(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    visit = enter(zone, kazakh).opened_visit
    at(beijing(2026, 5, 12, 18, 0))
    crossing = leave(zone, kazakh)
    visit.refresh_from_db()
    assert crossing.outcome == Outcome.ADMITTED
    assert (visit.state, visit.exit_crossing, visit.exited_at) == (VisitState.CLOSED, crossing, crossing.occurred_at)


def test_exit_at_the_other_checkpoint_is_refused_and_the_visit_stays_open(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    crossing = leave(zone, kazakh, checkpoint="KZ", lane="X-C01")
    assert crossing.refusal_reason == RefusalReason.WRONG_CHECKPOINT
    assert Visit.objects.get().state == VisitState.OPEN


def test_exit_without_an_entry_is_refused(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    assert leave(zone, kazakh).refusal_reason == RefusalReason.NOT_INSIDE


@pytest.mark.parametrize(
    ("lane", "reason"), [("E-F01", RefusalReason.WRONG_LANE_DIRECTION), ("X-C01", RefusalReason.WRONG_LANE_GROUP)]
)
def test_exit_lane_must_be_an_exit_lane_serving_the_traveller(zone, kazakh, at, lane, reason):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    assert leave(zone, kazakh, lane=lane).refusal_reason == reason


def test_exit_after_closing_time_is_refused(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    at(beijing(2026, 5, 13, 0, 30))
    assert leave(zone, kazakh).refusal_reason == RefusalReason.CHECKPOINT_CLOSED


def test_expired_document_does_not_stop_a_traveller_leaving(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    kazakh.valid_until = date(2026, 5, 12)
    kazakh.save()
    at(beijing(2026, 5, 13, 10, 0))
    assert leave(zone, kazakh).outcome == Outcome.ADMITTED


def test_overstay_is_flagged_once_on_day_31(zone, kazakh, at):
    at(beijing(2026, 3, 1, 23, 50))
    visit = enter(zone, kazakh).opened_visit
    at(beijing(2026, 3, 30, 23, 59))
    assert mark_overstays.delay().get() == 0
    at(beijing(2026, 3, 31, 0, 15))
    assert mark_overstays.delay().get() == 1
    flagged_at = Visit.objects.get(pk=visit.pk).overstay_flagged_at
    at(beijing(2026, 4, 1, 0, 15))
    assert visit_mark_overstays() == 0
    assert Visit.objects.get(pk=visit.pk).overstay_flagged_at == flagged_at


def test_correcting_an_entry_cancels_its_visit_so_the_traveller_can_enter_again(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    entry = enter(zone, kazakh)
    reversal = crossing_correct(crossing=entry, reason="Wrong traveller scanned", acting_user=zone.administrator)
    assert (reversal.kind, reversal.corrects, reversal.outcome) == (CrossingKind.REVERSAL, entry, Outcome.ADMITTED)
    assert Visit.objects.get(entry_crossing=entry).state == VisitState.CANCELLED
    assert enter(zone, kazakh).outcome == Outcome.ADMITTED


def test_correcting_an_exit_reopens_the_visit(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    visit = enter(zone, kazakh).opened_visit
    exit_crossing = leave(zone, kazakh)
    crossing_correct(crossing=exit_crossing, reason="Recorded on the wrong passport", acting_user=zone.administrator)
    visit.refresh_from_db()
    assert (visit.state, visit.exit_crossing, visit.exited_at) == (VisitState.OPEN, None, None)


def test_entry_whose_visit_ended_cannot_be_reversed_before_its_exit(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    entry = enter(zone, kazakh)
    leave(zone, kazakh)
    with pytest.raises(ValidationError, match=str(REVERSE_EXIT_FIRST)):
        crossing_correct(crossing=entry, reason="x", acting_user=zone.administrator)
    assert not Crossing.objects.filter(kind=CrossingKind.REVERSAL).exists()


def test_a_crossing_is_reversed_at_most_once_and_a_reversal_never(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    refusal = leave(zone, kazakh)
    reversal = crossing_correct(crossing=refusal, reason="Test scan", acting_user=zone.administrator)
    with pytest.raises(ValidationError, match=str(ALREADY_REVERSED)):
        crossing_correct(crossing=refusal, reason="again", acting_user=zone.administrator)
    with pytest.raises(ValidationError, match=str(CANNOT_REVERSE_REVERSAL)):
        crossing_correct(crossing=reversal, reason="undo", acting_user=zone.administrator)


def test_only_administrators_correct_and_a_reason_is_required(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    entry = enter(zone, kazakh)
    with pytest.raises(PermissionDenied):
        crossing_correct(crossing=entry, reason="mine", acting_user=zone.cn_officer)
    with pytest.raises(ValidationError):
        crossing_correct(crossing=entry, reason="  ", acting_user=zone.administrator)
    assert Crossing.objects.count() == 1


@pytest.mark.parametrize(
    "statement", ["UPDATE crossings_crossing SET outcome = 'refused'", "DELETE FROM crossings_crossing"]
)
def test_database_refuses_to_edit_or_delete_crossings(zone, kazakh, at, statement):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(statement)
    assert Crossing.objects.get().outcome == Outcome.ADMITTED


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_entries_of_one_traveller_admit_exactly_one(zone, kazakh, at):
    # Given one traveller presenting at two lanes at the same moment (real concurrent transactions)
    at(beijing(2026, 5, 12, 10, 0))
    barrier = threading.Barrier(2)
    outcomes = []

    def present(lane_code):
        try:
            barrier.wait(timeout=10)
            crossing = crossing_record_entry(
                document=kazakh, lane=zone.lane("CN", lane_code), acting_user=zone.cn_officer
            )
            outcomes.append(crossing.refusal_reason or crossing.outcome)
        finally:
            connection.close()

    threads = [threading.Thread(target=present, args=(code,)) for code in ("E-F01", "E-F02")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    # Then exactly one is admitted, the other refused as already inside, and one visit is open
    assert sorted(outcomes) == sorted([Outcome.ADMITTED, RefusalReason.ALREADY_INSIDE])
    assert Visit.objects.filter(traveller=kazakh.traveller, state=VisitState.OPEN).count() == 1
    assert Crossing.objects.count() == 2
