"""Crossings typed in late and out of order: history stays in order (DESIGN "Late and corrected records")."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from crossings.choices import Outcome, VisitState
from crossings.models import Crossing, Visit
from crossings.services.crossings import (
    LATER_VISIT_OPEN,
    crossing_correct,
    crossing_record_entry,
    crossing_record_exit,
)
from horgos.models import AuditEntry
from tests.crossings.conftest import almaty, beijing
from tests.crossings.test_api import entry_body

pytestmark = pytest.mark.django_db


def enter(zone, document, at=None, checkpoint="CN"):
    lane, officer = ("E-F01", zone.cn_officer) if checkpoint == "CN" else ("E-C01", zone.kz_officer)
    return crossing_record_entry(document=document, lane=zone.lane(checkpoint, lane), acting_user=officer, at=at)


def leave(zone, document, at=None, checkpoint="CN"):
    lane, officer = ("X-F01", zone.cn_officer) if checkpoint == "CN" else ("X-C01", zone.kz_officer)
    return crossing_record_exit(document=document, lane=zone.lane(checkpoint, lane), acting_user=officer, at=at)


def test_an_exit_typed_in_late_cannot_precede_its_entry(zone, kazakh, at):
    # Given a traveller who entered at 14:00
    at(beijing(2026, 5, 12, 14, 0))
    visit = enter(zone, kazakh).opened_visit
    # When an officer types in an exit that happened at 11:00 the same day
    with pytest.raises(ValidationError) as refused:
        leave(zone, kazakh, at=beijing(2026, 5, 12, 11, 0))
    # Then it is refused with the entry's local time, and nothing is written
    message = refused.value.message_dict["occurred_at"][0]
    assert "2026-05-12 14:00" in message, message
    assert "an exit cannot be recorded before that time" in message
    visit.refresh_from_db()
    assert visit.state == VisitState.OPEN
    assert Crossing.objects.count() == 1
    assert not AuditEntry.objects.filter(action="crossing.exit").exists()


def test_an_entry_typed_in_late_cannot_precede_the_last_exit(zone, kazakh, at):
    # Given a traveller who entered at 10:00 and left at 16:00
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    at(beijing(2026, 5, 12, 16, 0))
    leave(zone, kazakh)
    # When an entry is typed in for 15:00, inside the visit that has ended
    with pytest.raises(ValidationError) as refused:
        enter(zone, kazakh, at=beijing(2026, 5, 12, 15, 0))
    # Then it is refused naming the exit time, and no second visit overlaps the first
    message = refused.value.message_dict["occurred_at"][0]
    assert "an entry cannot be recorded before that time" in message
    assert "16:00" in message, message
    assert Visit.objects.count() == 1
    assert Crossing.objects.count() == 2


def test_entries_and_exits_typed_in_late_but_in_order_are_recorded(zone, kazakh, at):
    # Given the desk was down; at 18:00 the officer types in the day's crossings in order
    at(beijing(2026, 5, 12, 18, 0))
    entry = enter(zone, kazakh, at=beijing(2026, 5, 12, 9, 30))
    exit_crossing = leave(zone, kazakh, at=beijing(2026, 5, 12, 12, 0))
    again = enter(zone, kazakh, at=beijing(2026, 5, 12, 12, 0))
    # Then each is admitted at its own time, and the visits follow each other without overlapping
    assert [entry.outcome, exit_crossing.outcome, again.outcome] == [Outcome.ADMITTED] * 3
    first, second = Visit.objects.order_by("entered_at")
    assert (first.entered_at, first.exited_at) == (beijing(2026, 5, 12, 9, 30), beijing(2026, 5, 12, 12, 0))
    assert (second.entered_at, second.state) == (beijing(2026, 5, 12, 12, 0), VisitState.OPEN)


def test_a_later_visit_blocks_an_earlier_entry_typed_in_after_it(zone, kazakh, at):
    # Given a whole visit from 10:00 to 11:00 at the Kazakh checkpoint (Almaty time)
    at(almaty(2026, 5, 12, 10, 0))
    enter(zone, kazakh, checkpoint="KZ")
    at(almaty(2026, 5, 12, 11, 0))
    leave(zone, kazakh, checkpoint="KZ")
    # When an entry at 09:00 is typed in afterwards
    with pytest.raises(ValidationError) as refused:
        enter(zone, kazakh, at=almaty(2026, 5, 12, 9, 0), checkpoint="KZ")
    # Then the message gives the exit in Almaty time (11:00), not Beijing time (14:00)
    message = refused.value.message_dict["occurred_at"][0]
    assert "11:00" in message, message


def test_the_api_answers_400_with_the_field_message_and_writes_nothing(zone, kazakh, at, api_client_for):
    at(beijing(2026, 5, 12, 14, 0))
    enter(zone, kazakh)
    body = {**entry_body(zone, kazakh, lane="X-F01"), "occurred_at": "2026-05-12T11:00:00+08:00"}
    response = api_client_for(zone.cn_officer).post("/api/v1/crossings/exit/", body, format="json")
    assert response.status_code == 400
    assert "exit cannot be recorded before" in response.json()["error"]["fields"]["occurred_at"][0]
    assert Crossing.objects.count() == 1


def test_database_refuses_an_exit_before_the_entry(zone, kazakh, at):
    at(beijing(2026, 5, 12, 14, 0))
    visit = enter(zone, kazakh).opened_visit
    exit_crossing = leave(zone, kazakh)
    with pytest.raises(IntegrityError, match="visit_exit_not_before_entry"), transaction.atomic():
        Visit.objects.filter(pk=visit.pk).update(exited_at=beijing(2026, 5, 12, 13, 0), exit_crossing=exit_crossing)


def test_database_refuses_overlapping_visits_of_one_traveller(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    at(beijing(2026, 5, 12, 16, 0))
    visit = Visit.objects.get()
    leave(zone, kazakh)
    second_entry = enter(zone, kazakh)
    with pytest.raises(IntegrityError, match="visit_never_overlaps"), transaction.atomic():
        Visit.objects.filter(pk=second_entry.opened_visit.pk).update(entered_at=beijing(2026, 5, 12, 15, 0))
    # a cancelled visit never happened: it overlaps nothing
    Visit.objects.filter(pk=visit.pk).update(state=VisitState.CANCELLED, exited_at=None, exit_crossing=None)
    Visit.objects.filter(pk=second_entry.opened_visit.pk).update(entered_at=beijing(2026, 5, 12, 11, 0))


def test_reopening_a_visit_the_traveller_has_since_left_again_is_refused(zone, kazakh, at):
    # Given two visits one after the other
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    first_exit = leave(zone, kazakh)
    at(beijing(2026, 5, 12, 12, 0))
    enter(zone, kazakh)
    leave(zone, kazakh)
    # When the first exit is reversed, which would reopen the first visit over the second
    with pytest.raises(ValidationError, match=str(LATER_VISIT_OPEN)):
        crossing_correct(crossing=first_exit, reason="Wrong passport", acting_user=zone.administrator)
    # Then nothing changed
    assert list(Visit.objects.values_list("state", flat=True)) == [VisitState.CLOSED, VisitState.CLOSED]
    assert Crossing.objects.count() == 4
