"""crossings_generate: a synthetic history that keeps every rule of the zone, written with COPY."""

import hashlib
import itertools
import re
from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from crossings.choices import DocumentType, LaneGroup, Outcome, RefusalReason, VisitState
from crossings.generation.traffic import TrafficSimulator
from crossings.models import (
    AcceptedDocument,
    Checkpoint,
    Closure,
    Crossing,
    Lane,
    OfficerAssignment,
    OpeningHours,
    StayPolicy,
    TravelDocument,
    Traveller,
    Visit,
)
from horgos.choices import Role
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

END = date(2026, 3, 31)
DAYS = 40
ARGUMENTS = ["--travellers", "300", "--days", str(DAYS), "--seed", "7", "--end", END.isoformat()]
SUMMARY = re.compile(
    r"(?P<travellers>\d+) travellers, (?P<documents>\d+) documents, (?P<visits>\d+) visits "
    r"\((?P<open>\d+) open, (?P<closed>\d+) closed\), (?P<crossings>\d+) crossings "
    r"\((?P<admitted>\d+) admitted, (?P<refused>\d+) refused\), (?P<overstays>\d+) overstays in [\d.]+ s"
)
# An incident that closes the Chinese checkpoint for an afternoon inside the generated days.
INCIDENT = (datetime(2026, 3, 10, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")), timedelta(hours=3))
SENSIBLE_REFUSALS = {
    RefusalReason.DOCUMENT_EXPIRED,
    RefusalReason.WRONG_LANE_GROUP,
    RefusalReason.LANE_CLOSED,
    RefusalReason.ALREADY_INSIDE,
    RefusalReason.DOCUMENT_NOT_ACCEPTED,
}


def generate(*arguments: str) -> dict[str, int]:
    output = StringIO()
    call_command("crossings_generate", *arguments, stdout=output)
    # The test's transaction never commits: check the deferred foreign keys now.
    connection.check_constraints()
    match = SUMMARY.search(output.getvalue())
    assert match, output.getvalue()
    return {name: int(value) for name, value in match.groupdict().items()}


@pytest.fixture
def history():
    """300 travellers over the 40 days to 2026-03-31, with the reference data, a three-hour incident and a
    closed lane."""
    call_command("crossings_load_reference", verbosity=0)
    Lane.objects.filter(checkpoint__code="KZ", code="E-C03").update(is_open=False)
    starts_at, length = INCIDENT
    Closure.objects.create(
        checkpoint=Checkpoint.objects.get(code="CN"), starts_at=starts_at, ends_at=starts_at + length, reason="drill"
    )
    return generate(*ARGUMENTS)


def crossings():
    return Crossing.objects.select_related("lane__checkpoint", "traveller", "document", "officer__officer_assignment")


def end_of_last_day(checkpoint: Checkpoint) -> datetime:
    return checkpoint.start_of_local_day(END + timedelta(days=1))


def test_the_summary_counts_what_is_in_the_database(history):
    visits = Visit.objects.all()
    assert history["travellers"] == Traveller.objects.count() == 300
    assert history["documents"] == TravelDocument.objects.count()
    assert history["open"] == visits.filter(state=VisitState.OPEN).count()
    assert history["closed"] == visits.filter(state=VisitState.CLOSED).count()
    assert history["visits"] == visits.count() == history["open"] + history["closed"]
    assert history["admitted"] == Crossing.objects.filter(outcome=Outcome.ADMITTED).count()
    assert history["refused"] == Crossing.objects.filter(outcome=Outcome.REFUSED).count()
    assert history["crossings"] == Crossing.objects.count()
    overstays = [visit for visit in visits.filter(state=VisitState.OPEN).select_related("checkpoint")]
    overstays = [visit for visit in overstays if visit.must_leave_by < end_of_last_day(visit.checkpoint)]
    assert history["overstays"] == len(overstays) >= 1
    # About V = travellers / 10 visits a day over 40 days, more at weekends, none on closed days.
    assert 800 <= history["visits"] <= 1600


def test_a_traveller_has_one_visit_at_a_time_and_travels_no_more_after_an_open_one(history):
    by_traveller: dict[int, list[Visit]] = {}
    for visit in Visit.objects.order_by("traveller_id", "entered_at"):
        by_traveller.setdefault(visit.traveller_id, []).append(visit)
    for visits in by_traveller.values():
        assert [visit.state for visit in visits[:-1]] == [VisitState.CLOSED] * (len(visits) - 1)
        for earlier, later in itertools.pairwise(visits):
            assert earlier.exited_at < later.entered_at


def test_a_closed_visit_leaves_through_its_entry_checkpoint_after_entering(history):
    closed = Visit.objects.filter(state=VisitState.CLOSED).select_related("entry_crossing__lane", "exit_crossing__lane")
    assert closed.exists()
    for visit in closed:
        entry, exit_ = visit.entry_crossing, visit.exit_crossing
        assert (entry.direction, exit_.direction) == ("entry", "exit")
        assert entry.lane.checkpoint_id == exit_.lane.checkpoint_id == visit.checkpoint_id
        assert entry.traveller_id == exit_.traveller_id == visit.traveller_id
        assert entry.document_id == exit_.document_id
        assert (visit.entered_at, visit.exited_at) == (entry.occurred_at, exit_.occurred_at)
        assert entry.occurred_at < exit_.occurred_at
        assert entry.outcome == exit_.outcome == Outcome.ADMITTED


def test_admitted_crossings_use_an_open_lane_that_serves_the_traveller(history):
    e_gate_rules = {
        (rule.checkpoint_id, rule.document_type, country)
        for rule in AcceptedDocument.objects.filter(e_gate=True)
        for country in rule.issuing_countries
    }
    accepted = list(AcceptedDocument.objects.all())
    groups_seen = set()
    for crossing in crossings().filter(outcome=Outcome.ADMITTED):
        lane, checkpoint, document = crossing.lane, crossing.lane.checkpoint, crossing.document
        own_citizen = crossing.traveller.nationality == checkpoint.country
        assert lane.is_open and lane.direction == crossing.direction
        assert crossing.refusal_reason == "" and crossing.kind == "record" and crossing.corrects_id is None
        assert crossing.officer.role == Role.OFFICER
        assert crossing.officer.officer_assignment.checkpoint_id == checkpoint.id
        assert document.traveller_id == crossing.traveller_id
        assert document.is_valid_on(crossing.local_date)
        assert any(rule.checkpoint_id == checkpoint.id and rule.matches(document) for rule in accepted)
        if lane.group == LaneGroup.E_GATE:
            assert own_citizen
            assert (checkpoint.id, document.document_type, document.issuing_country.code) in e_gate_rules
        else:
            assert lane.group == (LaneGroup.OWN_CITIZENS if own_citizen else LaneGroup.OTHER_NATIONALS)
        groups_seen.add(lane.group)
    assert groups_seen == set(LaneGroup.values)


def test_crossings_happen_only_while_their_checkpoint_is_open_and_name_its_local_day(history):
    hours = {(row.checkpoint_id, row.weekday): row for row in OpeningHours.objects.all()}
    closures = list(Closure.objects.all())
    for crossing in crossings():
        checkpoint = crossing.lane.checkpoint
        local = checkpoint.local(crossing.occurred_at)
        assert crossing.local_date == local.date()
        assert crossing.recorded_at == crossing.occurred_at
        assert hours[(checkpoint.id, local.weekday())].is_open_at(local.time())
        assert not any(
            closure.checkpoint_id == checkpoint.id and closure.starts_at <= crossing.occurred_at < closure.ends_at
            for closure in closures
        )
        assert END - timedelta(days=DAYS - 1) <= crossing.local_date <= END
    # Nauryz closes the Kazakh checkpoint on 21–23 March; the incident only an afternoon in China.
    kazakh_days = set(Crossing.objects.filter(lane__checkpoint__code="KZ").values_list("local_date", flat=True))
    assert kazakh_days.isdisjoint({date(2026, 3, 21), date(2026, 3, 22), date(2026, 3, 23)})
    assert Crossing.objects.filter(lane__checkpoint__code="CN", local_date=INCIDENT[0].date()).exists()


def test_entries_crowd_into_the_hours_after_opening(history):
    entries = Crossing.objects.filter(direction="entry", lane__checkpoint__code="KZ").select_related("lane__checkpoint")
    hours_after_opening = [(entry.lane.checkpoint.local(entry.occurred_at).hour - 7) for entry in entries]
    first_two_hours = sum(hour < 2 for hour in hours_after_opening)
    last_two_hours = sum(hour >= 10 for hour in hours_after_opening)
    assert first_two_hours > 2 * last_two_hours


def test_must_leave_by_ends_the_last_allowed_local_day(history):
    policies = list(StayPolicy.objects.order_by("-effective_from"))
    for visit in Visit.objects.select_related("checkpoint"):
        entry_day = visit.checkpoint.local_date(visit.entered_at)
        limit = next(policy for policy in policies if policy.effective_from <= entry_day).max_stay_days
        last_moment = visit.checkpoint.start_of_local_day(entry_day + timedelta(days=limit)) - timedelta(microseconds=1)
        assert visit.must_leave_by == last_moment
        assert visit.overstay_flagged_at is None


def test_refusals_are_of_sensible_kinds_and_open_no_visit(history):
    refused = list(crossings().filter(outcome=Outcome.REFUSED))
    assert refused
    assert {crossing.refusal_reason for crossing in refused} <= SENSIBLE_REFUSALS
    assert not Visit.objects.filter(entry_crossing__outcome=Outcome.REFUSED).exists()
    for crossing in refused:
        assert crossing.direction == "entry"
        assert crossing.lane.is_open == (crossing.refusal_reason != RefusalReason.LANE_CLOSED)
        if crossing.refusal_reason == RefusalReason.DOCUMENT_EXPIRED:
            assert not crossing.document.is_valid_on(crossing.local_date)
        if crossing.refusal_reason == RefusalReason.ALREADY_INSIDE:
            inside = Visit.objects.filter(traveller=crossing.traveller, entered_at__lte=crossing.occurred_at)
            assert inside.exclude(exited_at__lt=crossing.occurred_at).exists()
    # Every admitted entry opened a visit; every admitted exit closed one.
    admitted = Crossing.objects.filter(outcome=Outcome.ADMITTED)
    assert admitted.filter(direction="entry").count() == Visit.objects.count()
    assert admitted.filter(direction="exit").count() == Visit.objects.filter(state=VisitState.CLOSED).count()


def test_the_travellers_look_like_the_border_crowd(history):
    travellers = list(Traveller.objects.prefetch_related("documents", "guardians"))
    nationalities = [traveller.nationality.code for traveller in travellers]
    assert 0.45 <= nationalities.count("CN") / 300 <= 0.65
    assert 0.30 <= nationalities.count("KZ") / 300 <= 0.50
    for traveller in travellers:
        native = traveller.family_name_native + traveller.given_names_native
        assert traveller.family_name.isascii() and traveller.given_names.isascii()
        if traveller.nationality == "CN":
            assert re.fullmatch(r"[\u4e00-\u9fff]+", native)  # Han characters
        if traveller.nationality == "KZ":
            assert re.fullmatch(r"[\u0400-\u04ff]+", native)  # Cyrillic
    children = [traveller for traveller in travellers if traveller.guardians.all()]
    assert children
    for child in children:
        assert [document.document_type for document in child.documents.all()] == [DocumentType.BIRTH_CERTIFICATE]
        assert child.age_on(END) < 14
        assert all(guardian.age_on(END) >= 18 for guardian in child.guardians.all())
    for traveller in travellers:
        if traveller not in children:
            assert 18 <= traveller.age_on(END) <= 80
            assert any(doc.document_type == DocumentType.PASSPORT for doc in traveller.documents.all())
    assert TravelDocument.objects.filter(valid_until__lt=END - timedelta(days=DAYS)).exists()  # a few expired


def test_officers_are_created_only_where_none_is_assigned():
    call_command("crossings_load_reference", verbosity=0)
    officer = OfficerFactory(username="officer.cn")
    OfficerAssignment.objects.create(officer=officer, checkpoint=Checkpoint.objects.get(code="CN"))
    generate(*ARGUMENTS)
    assert set(Crossing.objects.filter(lane__checkpoint__code="CN").values_list("officer_id", flat=True)) == {
        officer.id
    }
    kazakh_officers = OfficerAssignment.objects.filter(checkpoint__code="KZ").select_related("officer")
    assert sorted(assignment.officer.username for assignment in kazakh_officers) == [
        "gen.officer.kz.1",
        "gen.officer.kz.2",
    ]
    assert not any(assignment.officer.has_usable_password() for assignment in kazakh_officers)


def history_digest() -> str:
    rows = Crossing.objects.order_by("occurred_at", "id").values_list(
        "traveller__family_name", "traveller__given_names", "occurred_at", "lane__code", "outcome", "refusal_reason"
    )
    visits = Visit.objects.order_by("entered_at", "id").values_list("entered_at", "exited_at", "must_leave_by")
    return hashlib.sha256(repr((list(rows), list(visits))).encode()).hexdigest()


def forget_generated_history() -> None:
    """Back to the starting point; TRUNCATE, because crossings refuse DELETE (CASCADE: later apps' rows that point
    at them, such as sales, go too)."""
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # TRUNCATE refuses to run over pending foreign-key checks
        cursor.execute(
            "TRUNCATE crossings_alert, crossings_visit, crossings_crossing, crossings_traveller_guardians, "
            "crossings_traveldocument, crossings_traveller CASCADE"
        )
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def test_the_same_seed_gives_the_same_history_and_another_seed_another():
    first = generate(*ARGUMENTS)
    first_digest = history_digest()
    forget_generated_history()
    assert generate(*ARGUMENTS) == first
    assert history_digest() == first_digest
    forget_generated_history()
    generate(*ARGUMENTS[:-3], "8", *ARGUMENTS[-2:])
    assert history_digest() != first_digest


@time_machine.travel(datetime(2026, 3, 31, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai")), tick=False)
def test_todays_traffic_stops_at_the_present_moment():
    summary = generate("--travellers", "200", "--days", "5", "--seed", "3")
    now = datetime(2026, 3, 31, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
    assert Crossing.objects.filter(local_date=date(2026, 3, 31)).exists()  # --end is today in Beijing
    assert not Crossing.objects.filter(occurred_at__gte=now).exists()
    # Those who came in this morning and have not left yet are inside: open visits, not overstays.
    assert Visit.objects.filter(state=VisitState.OPEN, entered_at__date=date(2026, 3, 31)).exists()
    assert summary["overstays"] == 0


def test_a_second_run_adds_a_second_history_beside_the_first():
    first = generate(*ARGUMENTS)
    second = generate(*ARGUMENTS)  # the same seed draws the same numbers: they must be drawn again
    assert Traveller.objects.count() == first["travellers"] + second["travellers"]
    assert TravelDocument.objects.count() == first["documents"] + second["documents"]
    assert Crossing.objects.count() == first["crossings"] + second["crossings"]


def test_a_failure_half_way_leaves_nothing_written(monkeypatch):
    def break_down(simulator, visits):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(TrafficSimulator, "write_visits", break_down)
    with pytest.raises(RuntimeError, match="the disk is full"):
        call_command("crossings_generate", *ARGUMENTS)
    assert not Checkpoint.objects.exists()
    assert not Traveller.objects.exists()
    assert not Crossing.objects.exists()


def test_days_without_a_stay_policy_are_refused():
    with pytest.raises(CommandError, match="No stay policy is in force on 2019-12-29"):
        call_command("crossings_generate", "--travellers", "10", "--days", "3", "--seed", "1", "--end", "2019-12-31")
    assert not Checkpoint.objects.exists()


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["--travellers", "0", "--days", "5", "--seed", "1"], "--travellers must be at least 1 (got 0)."),
        (["--travellers", "10", "--days", "0", "--seed", "1"], "--days must be at least 1 (got 0)."),
        (["--travellers", "10", "--days", "5", "--seed", "1", "--daily-visits", "0"], "--daily-visits must be"),
        (["--travellers", "10", "--days", "5", "--seed", "1", "--end", "31.03.2026"], "is not a date YYYY-MM-DD"),
    ],
)
def test_bad_arguments_are_refused_and_nothing_is_written(arguments, message):
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("crossings_generate", *arguments)
    assert not Checkpoint.objects.exists()
    assert not Lane.objects.exists()
    assert not Traveller.objects.exists()
    assert not Crossing.objects.exists()


@pytest.mark.django_db
def test_generator_runs_with_debug_on_as_make_run_does(settings):
    # Django wraps cursors in a debug wrapper when DEBUG is on; COPY must go through it too.
    settings.DEBUG = True
    call_command(
        "crossings_generate",
        "--travellers",
        "20",
        "--days",
        "3",
        "--seed",
        "1",
        "--end",
        "2026-03-31",
        stdout=StringIO(),
    )
    assert Crossing.objects.exists()
