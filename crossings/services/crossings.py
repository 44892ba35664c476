"""Recording crossings: entries, exits, corrections, and the nightly overstay flags."""

from datetime import datetime, timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from crossings import rules
from crossings.choices import CrossingKind, Direction, Outcome, RefusalReason, VisitState
from crossings.models import Alert, Checkpoint, Crossing, Lane, TravelDocument, Traveller, Visit, lane_group_name
from crossings.selectors import stay_policy_on, traveller_open_visit, user_may_act_on_lane
from crossings.selectors.dashboard import forget_live_counts
from crossings.services.statistics import statistics_mark_dirty, visit_overstay_days
from horgos.audit import audit_record
from horgos.choices import AuditAction, Role
from horgos.errors import constraint_messages
from horgos.models import User
from horgos.roles import require_role

NOT_YOUR_LANE = _("You may record crossings only on the lanes of your own checkpoint.")
OCCURRED_IN_FUTURE = _("The time of the crossing lies in the future.")
OCCURRED_TOO_LONG_AGO = _("A crossing can be recorded at most %(hours)s hours after it happened.")
ALREADY_REVERSED = _("This crossing has already been reversed.")
CANNOT_REVERSE_REVERSAL = _("A reversal cannot itself be reversed; record the crossing again instead.")
REVERSE_EXIT_FIRST = _("The visit this entry opened has ended; reverse its exit first.")
LATER_VISIT_OPEN = _("The traveller has entered again since; reverse that entry first.")
REASON_REQUIRED = _("Give the reason for the correction.")
EXIT_BEFORE_ENTRY = _(
    "The traveller entered the zone at %(time)s (%(checkpoint)s); an exit cannot be recorded before that time."
)
ENTRY_BEFORE_LAST_EXIT = _(
    "The traveller left the zone at %(time)s (%(checkpoint)s); an entry cannot be recorded before that time."
)
# Refusals that send the traveller elsewhere say where: the lane group that serves them, or the checkpoint and the
# (local) time they entered the zone by.
WRONG_LANE_GROUP_GO_TO = _("This lane does not serve this traveller; send them to a lane for %(group)s.")
WRONG_LANE_GROUP_GO_TO_LANES = _(
    "This lane does not serve this traveller; send them to a lane for %(group)s (open now: %(lanes)s)."
)
ALREADY_INSIDE_SINCE = _(
    "The traveller is already inside the zone: they entered at %(checkpoint)s on %(time)s (local time there)."
)
WRONG_CHECKPOINT_SINCE = _(
    "The traveller must leave through the checkpoint they entered: %(checkpoint)s, on %(time)s (local time there)."
)
VISITS_OVERLAP = _("The traveller's visits to the zone cannot overlap.")
EXIT_NOT_BEFORE_ENTRY = _("An exit cannot be earlier than the entry of its visit.")
# The database constraints that keep a traveller's history in order, and the message each one means.
HISTORY_ORDER_CONSTRAINTS = {
    "visit_never_overlaps": {"occurred_at": VISITS_OVERLAP},
    "visit_exit_not_before_entry": {"occurred_at": EXIT_NOT_BEFORE_ENTRY},
}


def _occurred_at(at: datetime | None) -> datetime:
    """The crossing's time: now, or a moment within the allowed clock skew ahead and backdating window behind."""
    now = timezone.now()
    if at is None:
        return now
    if at > now + timedelta(seconds=settings.CROSSING_CLOCK_TOLERANCE_SECONDS):
        raise ValidationError({"occurred_at": OCCURRED_IN_FUTURE})
    if at < now - timedelta(hours=settings.CROSSING_BACKDATE_LIMIT_HOURS):
        raise ValidationError(
            {
                "occurred_at": ValidationError(
                    OCCURRED_TOO_LONG_AGO, params={"hours": settings.CROSSING_BACKDATE_LIMIT_HOURS}
                )
            }
        )
    return at


def _out_of_order(message, *, moment: datetime, checkpoint: Checkpoint) -> ValidationError:
    """A crossing typed in late would come before a moment of the traveller's history: say which, in the local time of
    the checkpoint where it happened."""
    local_time = date_format(checkpoint.local(moment), "SHORT_DATETIME_FORMAT")
    return ValidationError(
        {"occurred_at": ValidationError(message, params={"time": local_time, "checkpoint": checkpoint.name})}
    )


def _local_time(checkpoint: Checkpoint, moment: datetime) -> str:
    return date_format(checkpoint.local(moment), "SHORT_DATETIME_FORMAT")


def _inside_since(message, visit: Visit) -> str:
    return message % {"checkpoint": visit.checkpoint.name, "time": _local_time(visit.checkpoint, visit.entered_at)}


def refusal_message(reason: RefusalReason, *, lane: Lane, traveller: Traveller, open_visit: Visit | None) -> str:
    """The refusal as the officer hears it, with what they need to send the traveller on: the lane group (and its
    open lanes) that serves them, or where and since when (that checkpoint's local time) they are inside."""
    if reason == RefusalReason.WRONG_LANE_GROUP:
        group = rules.traveller_group_at(lane.checkpoint, traveller)
        codes = lane.checkpoint.lanes.filter(direction=lane.direction, group=group, is_open=True).values_list(
            "code", flat=True
        )
        params = {"group": lane_group_name(group, lane.checkpoint), "lanes": ", ".join(codes)}
        return (WRONG_LANE_GROUP_GO_TO_LANES if codes else WRONG_LANE_GROUP_GO_TO) % params
    if reason == RefusalReason.ALREADY_INSIDE and open_visit is not None:
        return _inside_since(ALREADY_INSIDE_SINCE, open_visit)
    if reason == RefusalReason.WRONG_CHECKPOINT and open_visit is not None:
        return _inside_since(WRONG_CHECKPOINT_SINCE, open_visit)
    return str(reason.label)


def _already_inside(traveller: Traveller):
    """The message of the one-open-visit constraint, built once it fired: the visit that won the race is committed."""

    def message() -> str:
        visit = traveller_open_visit(traveller)
        return _inside_since(ALREADY_INSIDE_SINCE, visit) if visit else str(RefusalReason.ALREADY_INSIDE.label)

    return message


def must_leave_by(*, checkpoint: Checkpoint, entered_at: datetime) -> datetime:
    """The end of local day (entry day + stay limit - 1) in the entry checkpoint's zone; the entry day is day 1."""
    entry_day = checkpoint.local_date(entered_at)
    limit = stay_policy_on(entry_day).max_stay_days
    return checkpoint.start_of_local_day(entry_day + timedelta(days=limit)) - timedelta(microseconds=1)


def _record(
    *, kind=CrossingKind.RECORD, traveller, document, lane, officer, direction, at, outcome, reason="", **extra
):
    local_date = lane.checkpoint.local_date(at)
    if local_date < lane.checkpoint.local_date(timezone.now()):
        # Recorded late for a day whose statistics may be filled already: the next run recomputes it.
        statistics_mark_dirty(checkpoint_id=lane.checkpoint_id, days=[local_date])
    # The desks' live counts at this checkpoint are out of date once this crossing is committed.
    transaction.on_commit(partial(forget_live_counts, lane.checkpoint_id))
    return Crossing.objects.create(
        kind=kind,
        traveller=traveller,
        document=document,
        lane=lane,
        officer=officer,
        direction=direction,
        occurred_at=at,
        local_date=local_date,
        outcome=outcome,
        refusal_reason=reason or "",
        **extra,
    )


def _audit_crossing(crossing: Crossing, acting_user: User, action: AuditAction) -> None:
    audit_record(
        actor=acting_user,
        action=action,
        target=crossing,
        changes={"outcome": crossing.outcome, "refusal_reason": crossing.refusal_reason, "lane": str(crossing.lane)},
    )


@transaction.atomic
def crossing_record_entry(
    *, document: TravelDocument, lane: Lane, at: datetime | None = None, acting_user: User
) -> Crossing:
    """Record an entry: admitted with a new open visit, or refused with the first failing rule's reason.

    A watchlist hit always raises an alert, whatever else refused the entry. The traveller's row is
    locked, so two lanes admitting one person at the same moment admit them once.
    """
    if not user_may_act_on_lane(acting_user, lane):
        raise PermissionDenied(NOT_YOUR_LANE)
    at = _occurred_at(at)
    traveller = Traveller.objects.select_for_update(of=("self",)).get(pk=document.traveller_id)
    # One read for both: the visit that ended after `at` (an entry cannot come before it) and the open one.
    visits = list(
        traveller.visits.filter(Q(state=VisitState.OPEN) | Q(state=VisitState.CLOSED, exited_at__gt=at))
        .select_related("checkpoint")
        .order_by("-exited_at")
    )
    later_exit = next((visit for visit in visits if visit.state == VisitState.CLOSED), None)
    if later_exit is not None:
        raise _out_of_order(ENTRY_BEFORE_LAST_EXIT, moment=later_exit.exited_at, checkpoint=later_exit.checkpoint)
    open_visit = next((visit for visit in visits if visit.state == VisitState.OPEN), None)
    hit = rules.watchlist_match(traveller, document, at)
    reason = rules.entry_refusal(
        lane=lane, traveller=traveller, document=document, at=at, open_visit=open_visit, watchlist_entry=hit
    )
    outcome = Outcome.REFUSED if reason else Outcome.ADMITTED
    crossing = _record(
        traveller=traveller,
        document=document,
        lane=lane,
        officer=acting_user,
        direction=Direction.ENTRY,
        at=at,
        outcome=outcome,
        reason=reason,
    )
    if hit is not None:
        Alert.objects.create(watchlist_entry=hit, crossing=crossing)
    else:
        Crossing.alert.related.set_cached_value(crossing, None)  # known: no alert (the answer shows none, unread)
    if outcome == Outcome.ADMITTED:
        already_inside = {"visit_one_open_per_traveller": _already_inside(traveller)}
        with constraint_messages({**already_inside, **HISTORY_ORDER_CONSTRAINTS}), transaction.atomic():
            Visit.objects.create(
                traveller=traveller,
                checkpoint=lane.checkpoint,
                entry_crossing=crossing,
                entered_at=at,
                must_leave_by=must_leave_by(checkpoint=lane.checkpoint, entered_at=at),
            )
    else:
        crossing.refusal_details = refusal_message(reason, lane=lane, traveller=traveller, open_visit=open_visit)
    _audit_crossing(crossing, acting_user, AuditAction.CROSSING_ENTRY)
    return crossing


@transaction.atomic
def crossing_record_exit(
    *, document: TravelDocument, lane: Lane, at: datetime | None = None, acting_user: User
) -> Crossing:
    """Record an exit: the open visit closes, or the exit is refused with the first failing rule's reason."""
    if not user_may_act_on_lane(acting_user, lane):
        raise PermissionDenied(NOT_YOUR_LANE)
    at = _occurred_at(at)
    traveller = Traveller.objects.select_for_update(of=("self",)).get(pk=document.traveller_id)
    open_visit = traveller_open_visit(traveller)
    if open_visit is not None and at < open_visit.entered_at:
        raise _out_of_order(EXIT_BEFORE_ENTRY, moment=open_visit.entered_at, checkpoint=open_visit.checkpoint)
    reason = rules.exit_refusal(lane=lane, traveller=traveller, document=document, at=at, open_visit=open_visit)
    crossing = _record(
        traveller=traveller,
        document=document,
        lane=lane,
        officer=acting_user,
        direction=Direction.EXIT,
        at=at,
        outcome=Outcome.REFUSED if reason else Outcome.ADMITTED,
        reason=reason,
    )
    Crossing.alert.related.set_cached_value(crossing, None)  # an exit raises no alert
    if reason:
        crossing.refusal_details = refusal_message(reason, lane=lane, traveller=traveller, open_visit=open_visit)
    else:
        open_visit.exit_crossing = crossing
        open_visit.exited_at = at
        open_visit.state = VisitState.CLOSED
        with constraint_messages(HISTORY_ORDER_CONSTRAINTS):
            open_visit.save(update_fields=["exit_crossing", "exited_at", "state"])
    _audit_crossing(crossing, acting_user, AuditAction.CROSSING_EXIT)
    return crossing


@transaction.atomic
def crossing_correct(*, crossing: Crossing, reason: str, acting_user: User) -> Crossing:
    """Reverse a mistaken record with a reason: an entry's visit is cancelled, an exit's visit reopens."""
    require_role(acting_user, Role.ADMINISTRATOR)
    if not reason.strip():
        raise ValidationError({"reason": REASON_REQUIRED})
    Traveller.objects.select_for_update(of=("self",)).get(pk=crossing.traveller_id)
    crossing = Crossing.objects.select_related("lane__checkpoint").get(pk=crossing.pk)
    if crossing.kind == CrossingKind.REVERSAL:
        raise ValidationError(CANNOT_REVERSE_REVERSAL)
    if Crossing.objects.filter(corrects=crossing).exists():
        raise ValidationError(ALREADY_REVERSED)
    if crossing.outcome == Outcome.ADMITTED:
        if crossing.direction == Direction.ENTRY:
            visit = Visit.objects.get(entry_crossing=crossing)
            if visit.is_closed:
                raise ValidationError(REVERSE_EXIT_FIRST)
            visit.state = VisitState.CANCELLED
            visit.save(update_fields=["state"])
        else:
            visit = Visit.objects.get(exit_crossing=crossing)
            visit.state, visit.exit_crossing, visit.exited_at = VisitState.OPEN, None, None
            later_visit = {"visit_one_open_per_traveller": LATER_VISIT_OPEN, "visit_never_overlaps": LATER_VISIT_OPEN}
            with constraint_messages(later_visit):
                visit.save(update_fields=["state", "exit_crossing", "exited_at"])
        # The record's day counts differently now, and so do the days the visit was (or now is) an overstay.
        yesterday = crossing.lane.checkpoint.local_date(timezone.now()) - timedelta(days=1)
        changed_days = [crossing.local_date, *visit_overstay_days(visit, until=yesterday)]
    else:
        changed_days = [crossing.local_date]
    statistics_mark_dirty(checkpoint_id=crossing.lane.checkpoint_id, days=changed_days)
    with constraint_messages({"crossings_crossing_corrects_id_key": ALREADY_REVERSED}):
        reversal = _record(
            kind=CrossingKind.REVERSAL,
            traveller=crossing.traveller,
            document=crossing.document,
            lane=crossing.lane,
            officer=acting_user,
            direction=crossing.direction,
            at=timezone.now(),
            outcome=crossing.outcome,
            reason=crossing.refusal_reason,
            corrects=crossing,
            correction_reason=reason.strip(),
        )
    audit_record(
        actor=acting_user, action=AuditAction.CROSSING_CORRECT, target=crossing, changes={"reason": reason.strip()}
    )
    return reversal


@transaction.atomic
def visit_mark_overstays(*, now: datetime | None = None) -> int:
    """Flag open visits past their must_leave_by; already flagged ones stay as they are (idempotent)."""
    now = now or timezone.now()
    overdue = list(
        Visit.objects.select_for_update(of=("self",))
        .overstaying_at(now)
        .filter(overstay_flagged_at__isnull=True)
        .select_related("traveller", "checkpoint")
    )
    for visit in overdue:
        visit.overstay_flagged_at = now
        audit_record(
            actor=None, action=AuditAction.VISIT_OVERSTAY, target=visit, changes={"must_leave_by": visit.must_leave_by}
        )
    Visit.objects.bulk_update(overdue, ["overstay_flagged_at"])
    return len(overdue)
