"""Reads for the administrators' operational pages: lanes, closures, watchlist, users, alerts."""

from datetime import datetime, timedelta
from itertools import groupby

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from crossings.choices import Direction
from crossings.models import Alert, Checkpoint, Closure, Lane, WatchlistEntry
from horgos.models import User

RECENT_CLOSURE_DAYS = 60


def lanes_by_checkpoint_and_direction() -> list[dict]:
    """Lanes by checkpoint, then by direction (entry first), in code order."""
    lanes = Lane.objects.select_related("checkpoint").order_by("checkpoint__code", "direction", "code")
    groups = []
    for checkpoint, checkpoint_lanes in groupby(lanes, key=lambda lane: lane.checkpoint):
        directions = [
            {"label": Direction(direction).label, "lanes": list(direction_lanes)}
            for direction, direction_lanes in groupby(checkpoint_lanes, key=lambda lane: lane.direction)
        ]
        groups.append({"checkpoint": checkpoint, "directions": directions})
    return groups


def closures_around(now: datetime) -> dict[str, list[Closure]]:
    """Closures in force or to come (soonest first) and those that ended lately (latest first)."""
    closures = list(
        Closure.objects.select_related("checkpoint")
        .filter(ends_at__gt=now - timedelta(days=RECENT_CLOSURE_DAYS))
        .order_by("starts_at", "checkpoint__code")
    )
    for closure in closures:
        closure.in_force = closure.starts_at <= now < closure.ends_at
    return {
        "upcoming_closures": [closure for closure in closures if closure.ends_at > now],
        "recent_closures": [closure for closure in reversed(closures) if closure.ends_at <= now],
    }


def watchlist_entries_with_hits() -> QuerySet[WatchlistEntry]:
    return WatchlistEntry.objects.select_related("added_by").annotate(
        hit_count=Count("alerts"),
        open_hit_count=Count("alerts", filter=Q(alerts__acknowledged_at__isnull=True)),
    )


def users_list(*, role: str = "", active: str = "") -> QuerySet[User]:
    users = User.objects.select_related("officer_assignment__checkpoint").order_by("role", "username")
    if role:
        users = users.filter(role=role)
    if active:
        users = users.filter(is_active=active == "yes")
    return users


def alerts_for_review(*, state: str = "", checkpoint: Checkpoint | None = None) -> QuerySet[Alert]:
    """Alerts, open ones first, then newest first."""
    alerts = (
        Alert.objects.select_related(
            "watchlist_entry",
            "crossing__lane__checkpoint",
            "crossing__traveller",
            "crossing__document",
            "acknowledged_by",
        )
        .alias(acknowledged=ExpressionWrapper(Q(acknowledged_at__isnull=False), output_field=BooleanField()))
        .order_by("acknowledged", "-raised_at", "-id")
    )
    if state == "open":
        alerts = alerts.filter(acknowledged_at__isnull=True)
    elif state == "acknowledged":
        alerts = alerts.filter(acknowledged_at__isnull=False)
    if checkpoint is not None:
        alerts = alerts.filter(crossing__lane__checkpoint=checkpoint)
    return alerts
