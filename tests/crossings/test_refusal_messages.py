"""Refusals that send the traveller elsewhere say where: the lane group (and its open lanes) that serves them, or
the checkpoint and the local time they entered by. The service builds the message; the desk and the API show it."""

import pytest
from django.core.exceptions import ValidationError
from django.utils.formats import date_format

from crossings.choices import RefusalReason
from crossings.models import Crossing, Visit
from crossings.services import crossings as crossing_services
from crossings.services.crossings import crossing_record_entry, crossing_record_exit
from tests.crossings.conftest import almaty, beijing

pytestmark = pytest.mark.django_db


def enter(zone, document, checkpoint="CN", lane="E-F01"):
    officer = zone.cn_officer if checkpoint == "CN" else zone.kz_officer
    return crossing_record_entry(document=document, lane=zone.lane(checkpoint, lane), acting_user=officer)


def local(checkpoint, moment) -> str:
    return date_format(checkpoint.local(moment), "SHORT_DATETIME_FORMAT")


def test_wrong_lane_group_names_the_group_and_its_open_lanes(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    # Given one of the two lanes for other nationals is closed
    zone.cn.lanes.filter(code="E-F02").update(is_open=False)
    # When a Kazakh citizen queues at the lane for Chinese citizens
    crossing = enter(zone, kazakh, lane="E-C01")
    assert crossing.refusal_reason == RefusalReason.WRONG_LANE_GROUP
    assert crossing.refusal_message == (
        "This lane does not serve this traveller; send them to a lane for Other nationals (not citizens of China) "
        "(open now: E-F01)."
    )


def test_wrong_lane_group_without_an_open_lane_names_the_group_alone(zone, chinese, at):
    at(beijing(2026, 5, 12, 10, 0))
    zone.cn.lanes.filter(direction="entry", group="own_citizens").update(is_open=False)
    crossing = enter(zone, chinese, lane="E-F01")
    assert crossing.refusal_message == (
        "This lane does not serve this traveller; send them to a lane for Citizens of China."
    )


def test_already_inside_says_where_and_since_when_in_that_checkpoints_time(zone, kazakh, at):
    # Given the traveller entered at the Kazakh checkpoint at 09:30 Almaty time
    entered = at(almaty(2026, 5, 12, 9, 30))
    enter(zone, kazakh, checkpoint="KZ", lane="E-C01")
    # When they are scanned again at the Chinese checkpoint (Beijing time is three hours ahead)
    at(beijing(2026, 5, 12, 14, 0))
    crossing = enter(zone, kazakh)
    assert crossing.refusal_reason == RefusalReason.ALREADY_INSIDE
    assert local(zone.kz, entered) == "2026-05-12 09:30"
    assert crossing.refusal_message == (
        f"The traveller is already inside the zone: they entered at {zone.kz.name_en} on 2026-05-12 09:30 "
        "(local time there)."
    )


def test_wrong_checkpoint_says_where_and_since_when(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    at(beijing(2026, 5, 12, 18, 0))
    crossing = crossing_record_exit(document=kazakh, lane=zone.lane("KZ", "X-F01"), acting_user=zone.kz_officer)
    assert crossing.refusal_reason == RefusalReason.WRONG_CHECKPOINT
    assert crossing.refusal_message == (
        f"The traveller must leave through the checkpoint they entered: {zone.cn.name_en}, on 2026-05-12 10:00 "
        "(local time there)."
    )


def test_a_refusal_read_back_says_the_reason(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh, lane="E-C01")
    assert Crossing.objects.get().refusal_message == str(RefusalReason.WRONG_LANE_GROUP.label)


def test_entry_losing_the_race_for_the_one_open_visit_says_where_and_since_when(zone, kazakh, at, monkeypatch):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    # Given the rules did not see the open visit (another lane admitted the traveller at the same moment)
    monkeypatch.setattr(crossing_services.rules, "entry_refusal", lambda **kwargs: None)
    at(beijing(2026, 5, 12, 10, 5))
    # When the entry is admitted, the database's one-open-visit constraint refuses it
    with pytest.raises(ValidationError) as refused:
        enter(zone, kazakh, lane="E-F02")
    assert refused.value.messages == [
        f"The traveller is already inside the zone: they entered at {zone.cn.name_en} on 2026-05-12 10:00 "
        "(local time there)."
    ]
    assert Visit.objects.count() == 1
