"""Reads of the lane desk: the lanes a user may work at, what a recorded crossing shows, and the live panel (the
last minutes per lane, who is inside, today, open alerts)."""

from collections.abc import Callable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from crossings.choices import CrossingKind, Direction, Outcome
from crossings.models import Alert, Checkpoint, Crossing, Lane, Traveller, Visit
from crossings.selectors import crossing_totals_today, lanes_list, officer_checkpoint, user_may_act_on_lane
from crossings.selectors.reference import cached_checkpoints, cached_lane, cached_lanes_of
from horgos.choices import Role
from horgos.extensions import Panel, exit_panels

RECENT_MINUTES = 15
PANEL_ALERTS = 10
# Every desk refreshes its live panel every few seconds: the counts are computed at most once per this many seconds
# per checkpoint, and forgotten as soon as a crossing there is recorded or reversed (`forget_live_counts`).
LIVE_COUNTS_SECONDS = 5


def desk_lanes(user) -> QuerySet[Lane]:
    """The lanes a user may work at: their checkpoint's, or every lane for an administrator."""
    lanes = lanes_list()
    if user.role == Role.ADMINISTRATOR:
        return lanes
    checkpoint = officer_checkpoint(user)
    return lanes.filter(checkpoint=checkpoint) if checkpoint else lanes.none()


def desk_lane(user, lane_id: int | None) -> Lane | None:
    """The lane the user chose for their session, while they may still act on it (from the cached reference data)."""
    lane = cached_lane(lane_id) if isinstance(lane_id, int) else None
    return lane if lane and user_may_act_on_lane(user, lane) else None


def desk_crossing(crossing: Crossing, *, now: datetime | None = None) -> dict:
    """What the desk shows with a recorded crossing: the visit it opened or closed, the days left, the traveller's
    age and whether the document is valid, on the checkpoint's day."""
    now = now or timezone.now()
    today = crossing.lane.checkpoint.local_date(now)
    visit = getattr(crossing, "opened_visit", None) or getattr(crossing, "closed_visit", None)
    return {
        "crossing": crossing,
        "traveller": crossing.traveller,
        "document": crossing.document,
        "visit": visit,
        "days_left": visit.days_left_at(now) if visit and visit.is_open else None,
        "age": crossing.traveller.age_on(today),
        "document_valid": crossing.document.is_valid_on(today),
        "alert": getattr(crossing, "alert", None),
        "exit_panels": crossing_exit_panels(crossing),
    }


def crossing_exit_panels(crossing: Crossing) -> list[Panel]:
    """What other apps show of a traveller who has just left (trade: the duty-free allowance of the side they leave
    into, a shuttle-trader flag): see horgos.extensions. Nothing for entries and refused exits."""
    if crossing.direction != Direction.EXIT or not crossing.is_admitted:
        return []
    return exit_panels(traveller=crossing.traveller, side=crossing.lane.checkpoint.code, at=crossing.occurred_at)


def live_panel(user, lane: Lane | None) -> dict:
    """The live panel of the lane's checkpoint (else the officer's own, else the first): counts and open alerts.
    The counts come through a short cache; the lanes' state and the open alerts are read each time."""
    checkpoint = lane.checkpoint if lane else officer_checkpoint(user) or next(iter(cached_checkpoints()), None)
    if checkpoint is None:
        return {"panel_checkpoint": None}
    counts = live_counts(checkpoint)
    return {
        "panel_checkpoint": checkpoint,
        "recent_lanes": [
            {
                "code": lane.code,
                "direction": lane.direction,
                "group": lane.group,
                "is_open": lane.is_open,
                **counts["recent_by_lane"].get(lane.pk, {"admitted": 0, "refused": 0}),
            }
            for lane in cached_lanes_of(checkpoint.pk)
        ],
        "recent_minutes": RECENT_MINUTES,
        "inside": counts["inside"],
        "today": counts["today"],
        "alerts": open_alerts(checkpoint=checkpoint)[:PANEL_ALERTS],
    }


def _live_counts_key(checkpoint_id: int) -> str:
    return f"crossings:live-counts:{checkpoint_id}"


INSIDE_NOW_KEY = "crossings:live-counts:inside"


def live_counts(checkpoint: Checkpoint) -> dict:
    """The live panel's counts of `checkpoint` (the last minutes by lane, today's totals) and who is inside the zone,
    from the cache when fresh. A cache out of reach means they are computed, never an error."""

    def checkpoint_counts() -> dict:
        return {
            "recent_by_lane": recent_crossings_by_lane(checkpoint=checkpoint),
            "today": crossing_totals_today(checkpoint=checkpoint),
        }

    counts = _fresh(_live_counts_key(checkpoint.pk), checkpoint_counts)
    return {**counts, "inside": _fresh(INSIDE_NOW_KEY, inside_now_by_nationality)}


def _fresh(key: str, compute: Callable[[], dict]) -> dict:
    """`compute()`, or its cached result while at most LIVE_COUNTS_SECONDS old by the application's clock (counts
    of "the last 15 minutes" and "today" depend on it)."""
    now = timezone.now()
    cached = cache.get(key)
    if cached is not None and timedelta(0) <= now - cached["at"] <= timedelta(seconds=LIVE_COUNTS_SECONDS):
        return cached["counts"]
    counts = compute()
    cache.set(key, {"at": now, "counts": counts}, LIVE_COUNTS_SECONDS)
    return counts


def forget_live_counts(checkpoint_id: int) -> None:
    """Drop the cached live counts a crossing at the checkpoint changes: the next refresh counts anew."""
    cache.delete_many([_live_counts_key(checkpoint_id), INSIDE_NOW_KEY])


def recent_crossings_by_lane(*, checkpoint: Checkpoint, now: datetime | None = None) -> dict[int, dict[str, int]]:
    """The admitted and refused crossings of the last 15 minutes (counted ones) by lane id, for the lanes with any."""
    since = (now or timezone.now()) - timedelta(minutes=RECENT_MINUTES)
    # By the checkpoint's lane ids (no join to lanes) and with the reversal looked up per recent row (NOT EXISTS): the
    # plan reads the last minutes by the (lane, occurred_at) index, however long the history is.
    lane_ids = [lane.pk for lane in cached_lanes_of(checkpoint.pk)]
    reversed_ = Crossing.objects.filter(corrects=OuterRef("pk"))
    rows = (
        Crossing.objects.filter(kind=CrossingKind.RECORD, lane_id__in=lane_ids, occurred_at__gte=since)
        .exclude(Exists(reversed_))
        .values("lane_id")
        .annotate(
            admitted=Count("id", filter=Q(outcome=Outcome.ADMITTED)),
            refused=Count("id", filter=Q(outcome=Outcome.REFUSED)),
        )
        .order_by()
    )
    return {row["lane_id"]: {"admitted": row["admitted"], "refused": row["refused"]} for row in rows}


def inside_now_by_nationality() -> dict[str, list[dict]]:
    """People inside the zone now, by checkpoint of entry and nationality, most numerous first."""
    # Each open visit's nationality by its traveller's primary key (a correlated subquery): the plan reads the people
    # inside, never the whole (ever-growing) table of travellers, as a join hashing every traveller would.
    nationality = Traveller.objects.filter(pk=OuterRef("traveller_id")).values("nationality")[:1]
    rows = (
        Visit.objects.open()
        .annotate(nationality=Subquery(nationality))
        .values("checkpoint_id", "nationality")
        .annotate(people=Count("id"))
        .order_by()
    )
    codes = {checkpoint.pk: checkpoint.code for checkpoint in cached_checkpoints()}
    ordered = sorted(rows, key=lambda row: (codes.get(row["checkpoint_id"], ""), -row["people"], row["nationality"]))
    by_checkpoint: dict[str, list[dict]] = {}
    for row in ordered:
        by_checkpoint.setdefault(codes.get(row["checkpoint_id"], ""), []).append(
            {"nationality": row["nationality"], "people": row["people"]}
        )
    return by_checkpoint


def open_alerts(*, checkpoint: Checkpoint | None = None):
    alerts = Alert.objects.open().select_related("watchlist_entry", "crossing__traveller", "crossing__lane__checkpoint")
    if checkpoint is not None:
        alerts = alerts.filter(crossing__lane__checkpoint=checkpoint)
    return alerts.order_by("-raised_at")
