"""Overstays are flagged within an hour of must_leave_by, in each checkpoint's own zone."""

from datetime import timedelta

import pytest
from django.conf import settings

from crossings.models import Visit
from crossings.services.crossings import crossing_record_entry
from crossings.tasks import mark_overstays
from horgos.celery import app
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from tests.crossings.conftest import almaty, beijing

pytestmark = pytest.mark.django_db


def next_run_after(moment):
    """When beat next runs the overstay task after `moment` (its crontab, in the Celery app's time zone)."""
    schedule = settings.CELERY_BEAT_SCHEDULE["mark-overstays"]["schedule"]
    schedule.app = app
    start, delta, _ = schedule.remaining_delta(moment)
    return start + delta


@pytest.mark.parametrize(
    ("checkpoint", "lane", "entered"),
    [("CN", "E-F01", beijing(2026, 3, 1, 10, 0)), ("KZ", "E-C01", almaty(2026, 3, 2, 10, 0))],
)
def test_each_visit_is_flagged_within_an_hour_of_its_must_leave_by(zone, kazakh, at, checkpoint, lane, entered):
    # Given a visit that must end at the end of its 30th local day in the entry checkpoint's zone
    at(entered)
    officer = zone.cn_officer if checkpoint == "CN" else zone.kz_officer
    visit = crossing_record_entry(document=kazakh, lane=zone.lane(checkpoint, lane), acting_user=officer).opened_visit
    # When beat next runs the task after that moment
    run_at = next_run_after(visit.must_leave_by)
    # Then that is within the hour
    assert timedelta(0) < run_at - visit.must_leave_by <= timedelta(hours=1)
    # And that run flags the visit
    at(run_at)
    assert mark_overstays.delay().get() == 1
    assert Visit.objects.get(pk=visit.pk).overstay_flagged_at is not None


def test_the_audit_log_names_a_flagged_visit_by_type_and_id_never_by_the_travellers_name(zone, kazakh, at):
    # Given an entry at the Kazakh checkpoint, overstayed
    at(almaty(2026, 3, 1, 9, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("KZ", "E-C01"), acting_user=zone.kz_officer)
    at(almaty(2026, 4, 2, 9, 0))
    mark_overstays.delay()
    # Then the audit entry names the visit by type and id: the traveller's name stays out of the append-only log
    entry = AuditEntry.objects.get(action=AuditAction.VISIT_OVERSTAY)
    visit = Visit.objects.get()
    assert (entry.target_type, entry.target_id) == ("crossings.visit", str(visit.pk))
    assert entry.target_repr == f"Visit #{visit.pk}"
    assert "ABENOVA" not in f"{entry.target_repr} {entry.changes}"
