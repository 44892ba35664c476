"""Properties of the stay calculation and of document-number normalisation, over many drawn cases (hypothesis).

The stay (DESIGN.md "Days and time zones"): calendar days in the entry checkpoint's zone, the entry day is day 1,
`must_leave_by` the end of local day entry day + limit − 1; a visit overstays once that moment has passed, which is
exactly when its days left (in Python and in SQL alike) turn negative. Both zones are free of daylight saving time, so
local days are 24 hours long.

Document numbers compare without spaces, dashes or case; the database's generated column and the Python function say
the same of every number.
"""

import string
from datetime import UTC, date, datetime, time, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crossings.choices import DocumentType, StayStatus, VisitState
from crossings.models import Checkpoint, StayPolicy, TravelDocument, Visit
from crossings.models.travellers import document_number_index, normalise_document_number
from crossings.selectors import document_find
from crossings.selectors.reference import reference_data_changed
from crossings.services.crossings import crossing_record_entry, must_leave_by
from crossings.services.travellers import traveller_add_document
from tests.crossings.conftest import beijing
from tests.crossings.factories import DocumentFactory, TravellerFactory

pytestmark = pytest.mark.django_db

# The fixtures (the zone's reference data) are built once per test, not per example: the examples only read them, or
# undo what they write.
ONCE_PER_TEST = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])

# Hypothesis takes naive bounds and gives moments in the zone of `timezones`.
moments = st.datetimes(
    min_value=datetime(2020, 1, 1),  # noqa: DTZ001
    max_value=datetime(2035, 12, 31),  # noqa: DTZ001
    timezones=st.just(UTC),
)
checkpoint_codes = st.sampled_from(["CN", "KZ"])
# What a document number is made of as typed: letters, digits, and the spaces and dashes that do not count.
NUMBER_CHARACTERS = string.ascii_letters + string.digits
numbers = st.text(alphabet=NUMBER_CHARACTERS, min_size=1, max_size=9)
separators = st.text(alphabet=" -", max_size=2)  # at most 3 characters a digit: a number as typed fits in 30


def _checkpoint(code: str) -> Checkpoint:
    return Checkpoint.objects.get(code=code)


# --- the stay ---------------------------------------------------------------------------------------------------


@ONCE_PER_TEST
@given(code=checkpoint_codes, entered_at=moments, limit=st.integers(min_value=1, max_value=400))
def test_must_leave_by_ends_the_local_day_limit_minus_one_after_the_entry_day(zone, code, entered_at, limit):
    checkpoint = _checkpoint(code)
    with transaction.atomic():
        StayPolicy.objects.update(max_stay_days=limit)
        reference_data_changed()  # a queryset update sends no signal: say the cached reference data changed
        leave_by = must_leave_by(checkpoint=checkpoint, entered_at=entered_at)
        transaction.set_rollback(True)
    reference_data_changed()  # and changed back
    local_leave_by = checkpoint.local(leave_by)
    # The end of the local day entry day + limit − 1 (the entry day counts as day 1) ...
    assert local_leave_by.date() == checkpoint.local_date(entered_at) + timedelta(days=limit - 1)
    assert (local_leave_by + timedelta(microseconds=1)).time() == time(0)
    # ... so between limit − 1 and limit days after the entry, whatever the hour of the entry
    assert timedelta(days=limit - 1) <= leave_by - entered_at < timedelta(days=limit)


@ONCE_PER_TEST
@given(code=checkpoint_codes, entered_at=moments, later=st.timedeltas(min_value=timedelta(0), max_value=timedelta(1)))
def test_entries_on_the_same_local_day_must_leave_by_the_same_moment(zone, code, entered_at, later):
    checkpoint = _checkpoint(code)
    second = entered_at + later
    same_day = checkpoint.local_date(second) == checkpoint.local_date(entered_at)
    first_leave_by = must_leave_by(checkpoint=checkpoint, entered_at=entered_at)
    second_leave_by = must_leave_by(checkpoint=checkpoint, entered_at=second)
    if same_day:
        assert second_leave_by == first_leave_by
    else:  # the next local day: one whole day later (no daylight saving time in either zone)
        assert second_leave_by - first_leave_by == timedelta(days=1)


@ONCE_PER_TEST
@given(entered_at=moments)
def test_the_same_instant_gives_each_checkpoint_its_own_local_day(zone, entered_at):
    # Beijing is ahead of Almaty (3 hours since Kazakhstan moved to UTC+5 in 2024, 2 before): entering at the same
    # instant, the stays end on the same local date or, in Beijing's first hours of a day, one local day apart.
    cn, kz = _checkpoint("CN"), _checkpoint("KZ")
    cn_day = cn.local(must_leave_by(checkpoint=cn, entered_at=entered_at)).date()
    kz_day = kz.local(must_leave_by(checkpoint=kz, entered_at=entered_at)).date()
    assert (cn_day - kz_day).days == (cn.local_date(entered_at) - kz.local_date(entered_at)).days
    gap = cn.local(entered_at).utcoffset() - kz.local(entered_at).utcoffset()
    assert gap in (timedelta(hours=2), timedelta(hours=3))
    assert (cn_day - kz_day).days == (1 if cn.local(entered_at).time() < time(gap.seconds // 3600) else 0)


def _open_visit(checkpoint: Checkpoint, entered_at: datetime, limit_days: int = 30) -> Visit:
    """A visit in memory, as an entry opens it."""
    leave_by = checkpoint.start_of_local_day(checkpoint.local_date(entered_at) + timedelta(days=limit_days))
    return Visit(
        checkpoint=checkpoint,
        entered_at=entered_at,
        must_leave_by=leave_by - timedelta(microseconds=1),
        state=VisitState.OPEN,
    )


@ONCE_PER_TEST
@given(code=checkpoint_codes, entered_at=moments, after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(90)))
def test_a_visit_overstays_exactly_when_its_days_left_turn_negative(zone, code, entered_at, after):
    visit = _open_visit(_checkpoint(code), entered_at)
    moment = entered_at + after
    days_left = visit.days_left_at(moment)
    assert visit.is_overstay_at(moment) == (days_left < 0)
    assert visit.stay_status_at(moment) == (StayStatus.OVERSTAYING if days_left < 0 else StayStatus.INSIDE)
    # 29 days left on the entry day of a 30-day stay, one fewer each local day after
    assert days_left == 29 - (visit.checkpoint.local_date(moment) - visit.checkpoint.local_date(entered_at)).days


@ONCE_PER_TEST
@given(code=checkpoint_codes, entered_at=moments, after=st.timedeltas(min_value=timedelta(0), max_value=timedelta(90)))
def test_a_closed_or_cancelled_visit_never_overstays(zone, code, entered_at, after):
    visit = _open_visit(_checkpoint(code), entered_at)
    for state, status in ((VisitState.CLOSED, StayStatus.LEFT), (VisitState.CANCELLED, StayStatus.CANCELLED)):
        visit.state = state
        assert not visit.is_overstay_at(entered_at + after)
        assert visit.stay_status_at(entered_at + after) == status


@pytest.fixture
def visits(zone, at):
    """One open visit at each checkpoint, of a Kazakh citizen entered through the services."""
    at(beijing(2026, 5, 12, 12, 0))  # both checkpoints open
    entries = {}
    for code, lane, officer in (("CN", "E-F01", zone.cn_officer), ("KZ", "E-C01", zone.kz_officer)):
        document = DocumentFactory(traveller=TravellerFactory(nationality="KZ"))
        entry = crossing_record_entry(document=document, lane=zone.lane(code, lane), acting_user=officer)
        entries[code] = entry.opened_visit
    return entries


@ONCE_PER_TEST
@given(code=checkpoint_codes, moment=moments)
def test_the_database_counts_the_days_left_as_python_does(visits, code, moment):
    visit = visits[code]
    in_sql = Visit.objects.with_days_left(moment).get(pk=visit.pk).days_left
    assert in_sql == visit.days_left_at(moment)
    assert Visit.objects.overstaying_at(moment).filter(pk=visit.pk).exists() == visit.is_overstay_at(moment)


# --- document numbers -------------------------------------------------------------------------------------------


@given(number=st.text(max_size=40))
def test_normalising_twice_changes_nothing(number):
    once = normalise_document_number(number)
    assert normalise_document_number(once) == once
    assert " " not in once and "-" not in once


@given(number=numbers, data=st.data())
def test_spaces_dashes_and_case_do_not_count(number, data):
    # Given the number as typed with spaces and dashes anywhere and in any case
    pieces = [data.draw(separators) + (char.lower() if data.draw(st.booleans()) else char.upper()) for char in number]
    typed = "".join(pieces) + data.draw(separators)
    # Then it is the same number
    assert normalise_document_number(typed) == normalise_document_number(number) == number.upper()


# Any letters and digits, of any script: the desk's form takes what the officer types.
any_script_numbers = st.text(alphabet=st.characters(categories=("L", "N")), min_size=1, max_size=9)


@ONCE_PER_TEST
@given(number=st.one_of(numbers, any_script_numbers), data=st.data())
def test_the_database_normalises_as_python_does(zone, number, data):
    # Given a document registered through the service, its number typed with spaces and dashes
    typed = "".join(data.draw(separators) + char for char in number)
    with transaction.atomic():
        document = traveller_add_document(
            traveller=TravellerFactory(),
            document_type=DocumentType.PASSPORT,
            number=typed,
            issuing_country="KZ",
            valid_until=date(2032, 1, 1),
            acting_user=zone.administrator,
        )
        stored = TravelDocument.objects.values_list("number_index", flat=True).get(pk=document.pk)
        # When it is looked up by the number without them
        found = list(document_find(number=number).values_list("pk", flat=True))
        transaction.set_rollback(True)
    # Then the stored blind index is the keyed hash of what the Python function gives, and the lookup finds the
    # document
    assert stored == document_number_index(normalise_document_number(typed)) == document_number_index(number)
    assert found == [document.pk], (number, typed, stored)
