"""Reads for the administrators' operational pages: lanes, closures, watchlist, users, alerts."""

from datetime import datetime, timedelta
from itertools import groupby

from django.db.models import BooleanField, Count, ExpressionWrapper, Q, QuerySet

from crossings.choices import AlertState, Direction, UserStatus, Weekday
from crossings.models import Alert, Checkpoint, Closure, WatchlistEntry
from crossings.selectors import alerts_list, lanes_list
from horgos.masking import mask_document_number
from horgos.models import User

RECENT_CLOSURE_DAYS = 60


def lanes_by_checkpoint_and_direction() -> list[dict]:
    """Lanes by checkpoint, then by direction (entry first), in code order."""
    groups = []
    for checkpoint, checkpoint_lanes in groupby(lanes_list(), key=lambda lane: lane.checkpoint):
        directions = [
            {"label": Direction(direction).label, "lanes": list(direction_lanes)}
            for direction, direction_lanes in groupby(checkpoint_lanes, key=lambda lane: lane.direction)
        ]
        groups.append({"checkpoint": checkpoint, "directions": directions})
    return groups


def weekly_hours() -> list[dict]:
    """Each checkpoint's week: a row per weekday (Monday first) with its hours, None on a day it is closed."""
    week = []
    for checkpoint in Checkpoint.objects.order_by("code").prefetch_related("opening_hours"):
        by_weekday = {hours.weekday: hours for hours in checkpoint.opening_hours.all()}
        rows = [
            {"weekday": weekday, "label": label, "hours": by_weekday.get(weekday)} for weekday, label in Weekday.choices
        ]
        week.append({"checkpoint": checkpoint, "rows": rows})
    return week


def closures_around(now: datetime) -> dict[str, list[Closure]]:
    """Closures in force or to come (soonest first) and those that ended lately (latest first)."""
    closures = list(
        Closure.objects.select_related("checkpoint")
        .filter(ends_at__gt=now - timedelta(days=RECENT_CLOSURE_DAYS))
        .order_by("starts_at", "checkpoint__code")
    )
    for closure in closures:
        closure.in_force = closure.is_in_force_at(now)
    return {
        "upcoming_closures": [closure for closure in closures if closure.ends_at > now],
        "recent_closures": [closure for closure in reversed(closures) if closure.ends_at <= now],
    }


def watchlist_entries_with_hits() -> QuerySet[WatchlistEntry]:
    return WatchlistEntry.objects.select_related("added_by").annotate(
        hit_count=Count("alerts"),
        open_hit_count=Count("alerts", filter=Q(alerts__acknowledged_at__isnull=True)),
    )


def watchlist_entry_label(entry: WatchlistEntry) -> str:
    """An entry as a message names it: type, country and masked number, or the person's names (no birth date)."""
    if entry.is_by_document:
        return f"{entry.get_document_type_display()} {entry.document_issuing_country.code} " + mask_document_number(
            entry.document_number
        )
    return f"{entry.family_name.upper()} {entry.given_names}".strip()


def watchlist_not_ended(now: datetime) -> QuerySet[WatchlistEntry]:
    """Entries in force or to come, newest first."""
    return watchlist_entries_with_hits().not_ended_at(now).order_by("-added_at", "-id")


def watchlist_ended(now: datetime) -> QuerySet[WatchlistEntry]:
    """Entries that have ended, the latest to end first."""
    return watchlist_entries_with_hits().ended_at(now).order_by("-active_until", "-id")


def watchlist_entry_hits(entry: WatchlistEntry) -> QuerySet[Alert]:
    """Every alert an entry raised, newest first."""
    return entry.alerts.select_related(
        "crossing__lane__checkpoint", "crossing__traveller", "crossing__document", "acknowledged_by"
    ).order_by("-raised_at", "-id")


def users_list(*, role: str = "", status: str = "") -> QuerySet[User]:
    """Users by role, then username; narrowed to a role and to active or deactivated ones when given."""
    users = User.objects.select_related("officer_assignment__checkpoint").order_by("role", "username")
    if role:
        users = users.filter(role=role)
    if status:
        users = users.filter(is_active=status == UserStatus.ACTIVE)
    return users


def open_alert_count(*, user) -> int:
    """The open alerts the user sees (every one for an administrator, their checkpoint's for an officer)."""
    return Alert.objects.visible_to(user).open().count()


def alerts_for_review(*, user, state: str = "", checkpoint: Checkpoint | None = None) -> QuerySet[Alert]:
    """The alerts the user sees (`Alert.objects.visible_to`), open ones first, then newest first."""
    alerts = (
        alerts_list()
        .visible_to(user)
        .alias(acknowledged=ExpressionWrapper(Q(acknowledged_at__isnull=False), output_field=BooleanField()))
        .order_by("acknowledged", "-raised_at", "-id")
    )
    if state == AlertState.OPEN:
        alerts = alerts.open()
    elif state == AlertState.ACKNOWLEDGED:
        alerts = alerts.acknowledged()
    if checkpoint is not None:
        alerts = alerts.filter(crossing__lane__checkpoint=checkpoint)
    return alerts
