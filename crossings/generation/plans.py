"""Reference data: what the database says about checkpoints, lanes, hours, closures, documents and stays."""

from bisect import bisect_right
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

from crossings.choices import Direction
from crossings.generation.clock import epoch
from crossings.models import AcceptedDocument, Checkpoint, Closure, Lane, OfficerAssignment, OpeningHours, StayPolicy
from horgos.choices import Role
from horgos.models import User

GENERATED_OFFICERS = 2  # per checkpoint that has no officer


class NoStayPolicyError(Exception):
    """A generated day has no stay policy in force, so its visits have no limit; an administrator must add one."""


@dataclass
class CheckpointPlan:
    """One checkpoint as the simulation sees it, times as epoch seconds.

    Per day index: `window` is the weekly opening hours [opens, closes) or None, `open_intervals` the same less
    any closures, `must_leave_by` the limit of a visit entered that day (epoch second, text for COPY) and
    `max_stay_days` the stay policy's limit.
    """

    id: int
    code: str
    country: str
    zone: ZoneInfo
    horizon: int  # nothing happens at or after this moment: now, or the end of the last day
    officers: list[int]
    lanes: dict[tuple[str, str], list[int]]  # open lanes by (direction, group)
    closed_entry_lanes: list[int]
    accepted: list[tuple[str, tuple[str, ...], bool]]  # AcceptedDocument: (type, issuing countries, e-gate)
    window: list[tuple[int, int] | None] = field(default_factory=list)
    open_intervals: list[list[tuple[int, int]]] = field(default_factory=list)
    must_leave_by: list[tuple[int, str]] = field(default_factory=list)
    max_stay_days: list[int] = field(default_factory=list)

    def acceptance(self, document_type: str, issuing_country: str) -> tuple[bool, bool]:
        """(accepted here, may use the e-gates) from the AcceptedDocument rows that match the document."""
        e_gates = [
            e_gate
            for kind, countries, e_gate in self.accepted
            if kind == document_type and (not countries or issuing_country in countries)
        ]
        return bool(e_gates), any(e_gates)

    def is_open_at(self, day_index: int, moment: int) -> bool:
        return any(start <= moment < end for start, end in self.open_intervals[day_index])


def load_checkpoint_plans(days: list[date], *, now: int) -> list[CheckpointPlan]:
    policies = list(StayPolicy.objects.order_by("effective_from").values_list("effective_from", "max_stay_days"))
    plans = []
    for checkpoint in Checkpoint.objects.order_by("code"):
        lanes: dict[tuple[str, str], list[int]] = {}
        closed_entry_lanes = []
        for lane in Lane.objects.filter(checkpoint=checkpoint).order_by("id"):
            if lane.is_open:
                lanes.setdefault((lane.direction, lane.group), []).append(lane.id)
            elif lane.direction == Direction.ENTRY:
                closed_entry_lanes.append(lane.id)
        accepted = AcceptedDocument.objects.filter(checkpoint=checkpoint).order_by("id")
        plan = CheckpointPlan(
            id=checkpoint.id,
            code=checkpoint.code,
            country=checkpoint.country.code,
            zone=checkpoint.zone,
            horizon=min(now, epoch(days[-1] + timedelta(days=1), clock_time.min, checkpoint.zone)),
            officers=ensure_officers(checkpoint),
            lanes=lanes,
            closed_entry_lanes=closed_entry_lanes,
            accepted=[
                (kind, tuple(countries), e_gate)
                for kind, countries, e_gate in accepted.values_list("document_type", "issuing_countries", "e_gate")
            ],
        )
        add_daily_hours(plan, checkpoint, days)
        add_stay_limits(plan, policies, days)
        plans.append(plan)
    return plans


def ensure_officers(checkpoint: Checkpoint) -> list[int]:
    """The ids of the officers assigned to the checkpoint; two generated ones are assigned when it has none."""
    assigned = OfficerAssignment.objects.filter(checkpoint=checkpoint).order_by("officer_id")
    officers = list(assigned.values_list("officer_id", flat=True))
    if officers:
        return officers
    number = 0
    while len(officers) < GENERATED_OFFICERS:
        number += 1
        user, created = User.objects.get_or_create(
            username=f"gen.officer.{checkpoint.code.lower()}.{number}", defaults={"role": Role.OFFICER}
        )
        if created:
            user.set_unusable_password()
            user.save(update_fields=["password"])
        if user.role != Role.OFFICER or OfficerAssignment.objects.filter(officer=user).exists():
            continue  # the name is taken by someone else: try the next one
        OfficerAssignment.objects.create(officer=user, checkpoint=checkpoint)
        officers.append(user.id)
    return officers


def add_daily_hours(plan: CheckpointPlan, checkpoint: Checkpoint, days: list[date]) -> None:
    hours = {row.weekday: row for row in OpeningHours.objects.filter(checkpoint=checkpoint)}
    first = datetime.combine(days[0], clock_time.min, tzinfo=plan.zone)
    last = datetime.combine(days[-1] + timedelta(days=2), clock_time.min, tzinfo=plan.zone)
    closures = [
        (int(starts_at.timestamp()), int(ends_at.timestamp()))
        for starts_at, ends_at in Closure.objects.filter(checkpoint=checkpoint, starts_at__lt=last, ends_at__gt=first)
        .order_by("starts_at")
        .values_list("starts_at", "ends_at")
    ]
    for day in days:
        row = hours.get(day.weekday())
        if row is None:  # no row: closed all day
            plan.window.append(None)
            plan.open_intervals.append([])
            continue
        opens = epoch(day, row.opens_at, plan.zone)
        # 00:00 as closing time means midnight at the end of the day.
        closing_day = day + timedelta(days=1) if row.closes_at == clock_time(0, 0) else day
        closes = epoch(closing_day, row.closes_at, plan.zone)
        plan.window.append((opens, closes))
        plan.open_intervals.append(subtract_closures([(opens, closes)], closures))


def subtract_closures(intervals: list[tuple[int, int]], closures: list[tuple[int, int]]) -> list[tuple[int, int]]:
    for closure_start, closure_end in closures:
        remaining = []
        for start, end in intervals:
            if closure_end <= start or closure_start >= end:
                remaining.append((start, end))
                continue
            if start < closure_start:
                remaining.append((start, closure_start))
            if closure_end < end:
                remaining.append((closure_end, end))
        intervals = remaining
    return intervals


def add_stay_limits(plan: CheckpointPlan, policies: list[tuple[date, int]], days: list[date]) -> None:
    """The policy in force on the entry day counts the entry day as day 1; the last day ends at local midnight."""
    starts = [effective_from for effective_from, _ in policies]
    for day in days:
        position = bisect_right(starts, day)
        if position == 0:
            raise NoStayPolicyError(f"No stay policy is in force on {day}; an administrator must add one.")
        max_stay_days = policies[position - 1][1]
        leave_by = datetime.combine(day + timedelta(days=max_stay_days), clock_time.min, tzinfo=plan.zone)
        leave_by -= timedelta(microseconds=1)
        text = leave_by.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f+00")
        plan.must_leave_by.append((int(leave_by.timestamp()), text))
        plan.max_stay_days.append(max_stay_days)
