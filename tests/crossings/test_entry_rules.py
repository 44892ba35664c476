"""Each entry rule of DESIGN.md section 4, admitted and refused, at its boundary."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from crossings.choices import DocumentType, Outcome, RefusalReason, VisitState, WatchlistMatch
from crossings.models import Alert, Crossing, StayPolicy, Visit
from crossings.services.crossings import OCCURRED_IN_FUTURE, crossing_record_entry
from crossings.services.watchlist import watchlist_add
from horgos.models import AuditEntry
from tests.crossings.conftest import almaty, beijing
from tests.crossings.factories import DocumentFactory, TravellerFactory

pytestmark = pytest.mark.django_db


def enter(zone, document, checkpoint="CN", lane="E-F01", officer=None):
    officer = officer or (zone.cn_officer if checkpoint == "CN" else zone.kz_officer)
    return crossing_record_entry(document=document, lane=zone.lane(checkpoint, lane), acting_user=officer)


@pytest.mark.parametrize(
    ("moment", "outcome"),
    [
        (beijing(2026, 5, 12, 8, 59, 59), RefusalReason.CHECKPOINT_CLOSED),
        (beijing(2026, 5, 12, 9, 0, 0), Outcome.ADMITTED),
        (beijing(2026, 5, 12, 23, 59, 59), Outcome.ADMITTED),
        (beijing(2026, 5, 13, 0, 0, 0), RefusalReason.CHECKPOINT_CLOSED),
    ],
)
def test_chinese_checkpoint_hours_are_kept_in_beijing_time(zone, kazakh, at, moment, outcome):
    at(moment)
    crossing = enter(zone, kazakh)
    assert (crossing.refusal_reason or crossing.outcome) == outcome


@pytest.mark.parametrize(
    ("moment", "outcome"),
    [
        (almaty(2026, 5, 12, 6, 59, 59), RefusalReason.CHECKPOINT_CLOSED),
        (almaty(2026, 5, 12, 7, 0, 0), Outcome.ADMITTED),
        (almaty(2026, 5, 12, 18, 59, 59), Outcome.ADMITTED),
        (almaty(2026, 5, 12, 19, 0, 0), RefusalReason.CHECKPOINT_CLOSED),
    ],
)
def test_kazakh_checkpoint_hours_are_kept_in_almaty_time(zone, kazakh, at, moment, outcome):
    at(moment)
    crossing = enter(zone, kazakh, checkpoint="KZ", lane="E-C01")
    assert (crossing.refusal_reason or crossing.outcome) == outcome


@pytest.mark.parametrize(
    ("moment", "outcome"),
    [
        (beijing(2026, 2, 15, 23, 59, 59), Outcome.ADMITTED),  # the eve before the Spring Festival closure
        (beijing(2026, 2, 16, 9, 0, 0), RefusalReason.CHECKPOINT_CLOSED),  # first day of the closure
        (beijing(2026, 2, 19, 23, 0, 0), RefusalReason.CHECKPOINT_CLOSED),  # last day
        (beijing(2026, 2, 20, 9, 0, 0), Outcome.ADMITTED),  # the closure has ended
    ],
)
def test_spring_festival_closure_from_start_to_end(zone, kazakh, at, moment, outcome):
    at(moment)
    assert (enter(zone, kazakh).refusal_reason or Outcome.ADMITTED) == outcome


def test_nauryz_closes_only_the_kazakh_checkpoint(zone, kazakh, chinese, at):
    at(almaty(2026, 3, 21, 12, 0))
    assert enter(zone, kazakh, checkpoint="KZ", lane="E-C01").refusal_reason == RefusalReason.CHECKPOINT_CLOSED
    assert enter(zone, chinese, checkpoint="CN", lane="E-C01").outcome == Outcome.ADMITTED


def test_closed_lane_refuses(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    lane = zone.lane("CN", "E-F01")
    lane.is_open = False
    lane.save()
    assert enter(zone, kazakh).refusal_reason == RefusalReason.LANE_CLOSED


def test_exit_lane_cannot_record_an_entry(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    assert enter(zone, kazakh, lane="X-F01").refusal_reason == RefusalReason.WRONG_LANE_DIRECTION


@pytest.mark.parametrize(
    ("traveller_fixture", "lane", "outcome"),
    [
        ("kazakh", "E-F01", Outcome.ADMITTED),  # other nationals' lane at the Chinese side
        ("kazakh", "E-C01", RefusalReason.WRONG_LANE_GROUP),  # Chinese citizens' lane
        ("kazakh", "E-G01", RefusalReason.WRONG_LANE_GROUP),  # e-gates take Chinese documents only
        ("chinese", "E-C01", Outcome.ADMITTED),
        ("chinese", "E-G01", Outcome.ADMITTED),
        ("chinese", "E-F01", RefusalReason.WRONG_LANE_GROUP),
    ],
)
def test_lane_must_serve_the_travellers_group(zone, at, request, traveller_fixture, lane, outcome):
    at(beijing(2026, 5, 12, 10, 0))
    crossing = enter(zone, request.getfixturevalue(traveller_fixture), lane=lane)
    assert (crossing.refusal_reason or crossing.outcome) == outcome


@pytest.mark.parametrize(
    ("valid_until", "outcome"),
    [(date(2026, 5, 12), Outcome.ADMITTED), (date(2026, 5, 11), RefusalReason.DOCUMENT_EXPIRED)],
)
def test_document_is_valid_through_its_last_day(zone, at, valid_until, outcome):
    at(beijing(2026, 5, 12, 23, 0))
    document = DocumentFactory(traveller__nationality="KZ", valid_until=valid_until)
    crossing = enter(zone, document)
    assert (crossing.refusal_reason or crossing.outcome) == outcome


def test_document_type_must_be_accepted_at_the_checkpoint(zone, at):
    at(almaty(2026, 5, 12, 10, 0))
    russian_id = DocumentFactory(traveller__nationality="RU", document_type=DocumentType.NATIONAL_ID)
    assert enter(zone, russian_id, checkpoint="KZ", lane="E-F01").refusal_reason == RefusalReason.DOCUMENT_NOT_ACCEPTED
    kazakh_id = DocumentFactory(traveller__nationality="KZ", document_type=DocumentType.NATIONAL_ID)
    assert enter(zone, kazakh_id, checkpoint="KZ", lane="E-C01").outcome == Outcome.ADMITTED


def test_watchlisted_document_is_refused_and_raises_an_alert(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    entry = watchlist_add(
        match=WatchlistMatch.DOCUMENT,
        document_type="passport",
        document_issuing_country="KZ",
        document_number="n 123-4567",
        reason="Reported stolen",
        acting_user=zone.administrator,
    )
    crossing = enter(zone, kazakh)
    assert crossing.refusal_reason == RefusalReason.WATCHLIST
    assert Alert.objects.get().watchlist_entry == entry
    assert crossing.alert.crossing == crossing
    assert not Visit.objects.exists()


def test_watchlisted_person_is_matched_by_names_in_any_case_and_birth_date(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    watchlist_add(
        match=WatchlistMatch.PERSON,
        family_name="ABENOVA",
        given_names="aigul",
        birth_date=kazakh.traveller.birth_date,
        reason="Court order",
        acting_user=zone.administrator,
    )
    assert enter(zone, kazakh).refusal_reason == RefusalReason.WATCHLIST


def test_expired_watchlist_entry_no_longer_refuses(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    watchlist_add(
        match=WatchlistMatch.PERSON,
        family_name="Abenova",
        birth_date=kazakh.traveller.birth_date,
        reason="Past order",
        acting_user=zone.administrator,
        active_from=beijing(2026, 1, 1, 0, 0),
        active_until=beijing(2026, 5, 1, 0, 0),
    )
    assert enter(zone, kazakh).outcome == Outcome.ADMITTED
    assert not Alert.objects.exists()


def test_watchlist_hit_raises_an_alert_even_when_another_rule_refuses_first(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    watchlist_add(
        match=WatchlistMatch.PERSON,
        family_name="Abenova",
        birth_date=kazakh.traveller.birth_date,
        reason="Court order",
        acting_user=zone.administrator,
    )
    crossing = enter(zone, kazakh, lane="E-C01")
    assert crossing.refusal_reason == RefusalReason.WRONG_LANE_GROUP
    assert Alert.objects.filter(crossing=crossing).exists()


def test_traveller_already_inside_is_refused(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    assert enter(zone, kazakh).outcome == Outcome.ADMITTED
    assert enter(zone, kazakh, lane="E-F02").refusal_reason == RefusalReason.ALREADY_INSIDE
    assert Visit.objects.filter(state=VisitState.OPEN).count() == 1


def test_child_on_birth_certificate_needs_a_guardian_inside(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    child = TravellerFactory(nationality="KZ", birth_date=date(2020, 2, 2))
    child.guardians.add(kazakh.traveller)
    certificate = DocumentFactory(traveller=child, document_type=DocumentType.BIRTH_CERTIFICATE)
    # Given the guardian is not inside, the child is refused
    assert enter(zone, certificate).refusal_reason == RefusalReason.CHILD_WITHOUT_GUARDIAN
    # When the guardian enters first (entering with the child), the child is admitted
    assert enter(zone, kazakh).outcome == Outcome.ADMITTED
    assert enter(zone, certificate).outcome == Outcome.ADMITTED


def test_stay_ends_at_the_end_of_local_day_thirty(zone, kazakh, at):
    # Entered on 1 March at 23:50 Beijing time with a 30-day limit: must leave by 30 March 23:59:59.999999
    at(beijing(2026, 3, 1, 23, 50))
    visit = enter(zone, kazakh).opened_visit
    assert visit.must_leave_by == beijing(2026, 3, 30, 23, 59, 59, 999999)
    assert not visit.is_overstay_at(beijing(2026, 3, 30, 23, 59, 59))
    assert visit.is_overstay_at(beijing(2026, 3, 31, 0, 0, 0))
    assert visit.days_left_at(beijing(2026, 3, 30, 8, 0)) == 0


def test_stay_limit_comes_from_the_policy_in_force_on_the_entry_day(zone, kazakh, chinese, at):
    StayPolicy.objects.create(effective_from=date(2026, 6, 1), max_stay_days=15, retention_years=3)
    at(beijing(2026, 5, 31, 12, 0))
    before = enter(zone, kazakh).opened_visit
    at(beijing(2026, 6, 1, 12, 0))
    after = enter(zone, chinese, lane="E-C01").opened_visit
    assert before.must_leave_by.astimezone(zone.cn.zone).date() == date(2026, 6, 29)
    assert after.must_leave_by.astimezone(zone.cn.zone).date() == date(2026, 6, 15)


def test_kazakh_checkpoint_counts_days_in_almaty_time(zone, kazakh, at):
    at(almaty(2026, 4, 1, 18, 30))  # 21:30 in Beijing: the day is the same, the end is Almaty's midnight
    visit = enter(zone, kazakh, checkpoint="KZ", lane="E-C01").opened_visit
    assert visit.must_leave_by == almaty(2026, 4, 30, 23, 59, 59, 999999)


def test_officer_of_the_other_checkpoint_may_not_record(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    with pytest.raises(PermissionDenied):
        enter(zone, kazakh, officer=zone.kz_officer)
    with pytest.raises(PermissionDenied):
        enter(zone, kazakh, officer=zone.merchant)
    assert not Crossing.objects.exists()
    assert enter(zone, kazakh, officer=zone.administrator).outcome == Outcome.ADMITTED


def test_occurred_at_in_the_future_beyond_tolerance_is_refused_and_nothing_written(zone, kazakh, at):
    now = at(beijing(2026, 5, 12, 10, 0))
    with pytest.raises(ValidationError) as error:
        crossing_record_entry(
            document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer, at=now + timedelta(minutes=10)
        )
    assert error.value.message_dict == {"occurred_at": [str(OCCURRED_IN_FUTURE)]}
    assert not Crossing.objects.exists()
    with pytest.raises(ValidationError):
        crossing_record_entry(
            document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer, at=now - timedelta(hours=25)
        )
    recent = crossing_record_entry(
        document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer, at=now + timedelta(seconds=90)
    )
    assert recent.outcome == Outcome.ADMITTED


def test_every_crossing_is_audited(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    crossing = enter(zone, kazakh)
    audit = AuditEntry.objects.get(action="crossing.entry")
    assert (audit.actor, audit.target_id) == (zone.cn_officer, str(crossing.pk))
