"""Reads for the lane desk's live panel: the last minutes per lane, who is inside, today, open alerts."""

from datetime import datetime, timedelta

from django.db.models import Count, Q
from django.utils import timezone

from crossings.choices import CrossingKind, Outcome, VisitState
from crossings.models import Alert, Checkpoint, Lane, Visit
from crossings.selectors import crossing_counts_today

RECENT_MINUTES = 15


def recent_crossings_by_lane(*, checkpoint: Checkpoint, now: datetime | None = None) -> list[dict]:
    """Every lane of the checkpoint with its admitted and refused crossings of the last 15 minutes."""
    since = (now or timezone.now()) - timedelta(minutes=RECENT_MINUTES)
    recent = Q(crossings__occurred_at__gte=since, crossings__kind=CrossingKind.RECORD)
    return list(
        Lane.objects.filter(checkpoint=checkpoint)
        .annotate(
            admitted=Count("crossings", filter=recent & Q(crossings__outcome=Outcome.ADMITTED)),
            refused=Count("crossings", filter=recent & Q(crossings__outcome=Outcome.REFUSED)),
        )
        .order_by("direction", "code")
        .values("code", "direction", "group", "is_open", "admitted", "refused")
    )


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
