"""Reads for the lane desk's live panel: the last minutes per lane, who is inside, today, open alerts."""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from crossings.choices import Outcome, VisitState
from crossings.models import Alert, Checkpoint, Crossing, Lane, Visit
from crossings.selectors import crossing_counts_today

RECENT_MINUTES = 15


def recent_crossings_by_lane(*, checkpoint: Checkpoint, now: datetime | None = None) -> list[dict]:
    """Every lane of the checkpoint with its admitted and refused crossings of the last 15 minutes (counted ones)."""
    since = (now or timezone.now()) - timedelta(minutes=RECENT_MINUTES)
    counts = {
        row["lane_id"]: row
        for row in Crossing.objects.counted()
        .filter(lane__checkpoint=checkpoint, occurred_at__gte=since)
        .values("lane_id")
        .annotate(
            admitted=Count("id", filter=Q(outcome=Outcome.ADMITTED)),
            refused=Count("id", filter=Q(outcome=Outcome.REFUSED)),
        )
        .order_by()
    }
    lanes = Lane.objects.filter(checkpoint=checkpoint).order_by("direction", "code")
    return [
        {
            "code": lane.code,
            "direction": lane.direction,
            "group": lane.group,
            "is_open": lane.is_open,
            "admitted": counts.get(lane.pk, {}).get("admitted", 0),
            "refused": counts.get(lane.pk, {}).get("refused", 0),
        }
        for lane in lanes
    ]


def inside_now_by_nationality() -> dict[str, list[dict]]:
    """People inside the zone now, by checkpoint of entry and nationality, most numerous first."""
    rows = (
        Visit.objects.filter(state=VisitState.OPEN)
        .values("checkpoint__code", "traveller__nationality")
        .annotate(people=Count("id"))
        .order_by("checkpoint__code", "-people", "traveller__nationality")
    )
    by_checkpoint: dict[str, list[dict]] = {}
    for row in rows:
        by_checkpoint.setdefault(row["checkpoint__code"], []).append(
            {"nationality": row["traveller__nationality"], "people": row["people"]}
        )
    return by_checkpoint


def today_by_direction(*, checkpoint: Checkpoint, now: datetime | None = None) -> dict[str, dict[str, int]]:
    """Today's (local day) admitted and refused crossings per direction, summed over the lanes."""
    totals = {direction: {Outcome.ADMITTED: 0, Outcome.REFUSED: 0} for direction in ("entry", "exit")}
    for row in crossing_counts_today(checkpoint=checkpoint, now=now):
        totals[row["direction"]][row["outcome"]] += row["count"]
    return totals


def open_alerts(*, checkpoint: Checkpoint | None = None):
    alerts = Alert.objects.filter(acknowledged_at__isnull=True).select_related(
        "watchlist_entry", "crossing__traveller", "crossing__lane__checkpoint"
    )
    if checkpoint is not None:
        alerts = alerts.filter(crossing__lane__checkpoint=checkpoint)
    return alerts.order_by("-raised_at")
