"""Filling the traffic statistics: one (checkpoint, local day) at a time, each replaced in one transaction (a range
of days at once: crossings.services.statistics_rebuild).

The counts come from the counted crossings (`Crossing.objects.counted()`: a reversed record and its reversal count
nowhere), in the checkpoint's own zone. `statistics_fill` fills every day from the last filled one up to yesterday
(the checkpoint's yesterday) and every day marked dirty; a re-run, a crash halfway or two runs at once give the same
rows, because a day is deleted and written again under a transaction-level advisory lock of its checkpoint.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Case, CharField, Count, DurationField, ExpressionWrapper, F, Min, Q, Sum, Value, When
from django.db.models.functions import ExtractHour
from django.utils import timezone

from crossings.choices import NationalityGroup, Outcome, VisitState
from crossings.models import (
    Alert,
    Checkpoint,
    Crossing,
    DailyCrossingCount,
    DailyRefusalCount,
    DailyTravellerCount,
    DailyVisitCount,
    DailyWatchlistHitCount,
    HourlyCrossingCount,
    StatisticsDirtyDay,
    StatisticsFillState,
    Visit,
    YearlyTravellerSeen,
)
from crossings.selectors.figures import last_filled_day, public_figures_refresh, statistics_changed, statistics_overview
from crossings.selectors.report import annual_report
from horgos.statistics import advance_fill_state, days_between, days_to_fill, lock_until_commit

# The advisory lock's first key: "statistics" as a number (any constant; only these runs take it).
STATISTICS_LOCK = 0x5747  # "SW"
DAILY_TABLES = (
    DailyCrossingCount,
    DailyTravellerCount,
    HourlyCrossingCount,
    DailyVisitCount,
    DailyRefusalCount,
    DailyWatchlistHitCount,
)


def nationality_group(field: str = "traveller__nationality") -> Case:
    """China, Kazakhstan, or other (stateless persons and refugees included)."""
    return Case(
        When(**{field: NationalityGroup.CHINA.value}, then=Value(NationalityGroup.CHINA.value)),
        When(**{field: NationalityGroup.KAZAKHSTAN.value}, then=Value(NationalityGroup.KAZAKHSTAN.value)),
        default=Value(NationalityGroup.OTHER.value),
        output_field=CharField(),
    )


def _counted_of_day(checkpoint: Checkpoint, day: date):
    return Crossing.objects.counted().filter(lane__checkpoint=checkpoint, local_date=day)


def _fill_crossings(checkpoint: Checkpoint, day: date) -> None:
    counted = _counted_of_day(checkpoint, day).annotate(group=nationality_group())
    cells = counted.values("lane_id", "direction", "group", "outcome").annotate(
        crossings=Count("id"), travellers=Count("traveller_id", distinct=True)
    )
    DailyCrossingCount.objects.bulk_create(
        DailyCrossingCount(
            local_date=day,
            checkpoint=checkpoint,
            lane_id=cell["lane_id"],
            direction=cell["direction"],
            nationality_group=cell["group"],
            outcome=cell["outcome"],
            crossings=cell["crossings"],
            travellers=cell["travellers"],
        )
        for cell in cells.order_by()
    )
    people = counted.values("group").annotate(travellers=Count("traveller_id", distinct=True)).order_by()
    DailyTravellerCount.objects.bulk_create(
        DailyTravellerCount(
            local_date=day, checkpoint=checkpoint, nationality_group=row["group"], travellers=row["travellers"]
        )
        for row in people
    )
    hours = (
        counted.filter(outcome=Outcome.ADMITTED)
        .annotate(hour=ExtractHour("occurred_at", tzinfo=checkpoint.zone))
        .values("hour", "direction")
        .annotate(crossings=Count("id"))
        .order_by()
    )
    HourlyCrossingCount.objects.bulk_create(
        HourlyCrossingCount(
            local_date=day,
            checkpoint=checkpoint,
            hour=row["hour"],
            direction=row["direction"],
            crossings=row["crossings"],
        )
        for row in hours
    )
    refusals = (
        counted.filter(outcome=Outcome.REFUSED).values("refusal_reason").annotate(refusals=Count("id")).order_by()
    )
    DailyRefusalCount.objects.bulk_create(
        DailyRefusalCount(local_date=day, checkpoint=checkpoint, reason=row["refusal_reason"], refusals=row["refusals"])
        for row in refusals
    )
    hits = Alert.objects.filter(crossing__in=_counted_of_day(checkpoint, day)).count()
    if hits:
        DailyWatchlistHitCount.objects.create(local_date=day, checkpoint=checkpoint, hits=hits)


def _fill_visits(checkpoint: Checkpoint, day: date) -> None:
    """Visits closed that day (exit in the day, in the checkpoint's zone) and overstays still open at its end."""
    start, end = checkpoint.start_of_local_day(day), checkpoint.start_of_local_day(day + timedelta(days=1))
    visits = Visit.objects.filter(checkpoint=checkpoint)
    closed = visits.filter(state=VisitState.CLOSED, exited_at__gte=start, exited_at__lt=end).aggregate(
        count=Count("id"),
        time=Sum(ExpressionWrapper(F("exited_at") - F("entered_at"), output_field=DurationField())),
    )
    overstays = (
        visits.exclude(state=VisitState.CANCELLED)
        .filter(entered_at__lt=end, must_leave_by__lt=end)
        # Exited at or after the day's end, past a deadline before it: a late exit (exited_at > must_leave_by, which
        # the partial index visit_late_exit_idx holds).
        .filter(Q(exited_at__isnull=True) | Q(exited_at__gte=end, exited_at__gt=F("must_leave_by")))
        .count()
    )
    if closed["count"] or overstays:
        DailyVisitCount.objects.create(
            local_date=day,
            checkpoint=checkpoint,
            visits_closed=closed["count"],
            seconds_in_zone=int(closed["time"].total_seconds()) if closed["time"] else 0,
            overstays_open=overstays,
        )


def _fill_yearly_travellers(checkpoint: Checkpoint, day: date) -> None:
    """Keep the first day of the year each traveller crossed here right for those who crossed that day, and for
    those whose first day it was (a reversal may have moved it)."""
    year = day.year
    # Without the model's ordering, which DISTINCT would otherwise take in: every crossing of the day, not each person.
    crossed = set(_counted_of_day(checkpoint, day).order_by().values_list("traveller_id", flat=True).distinct())
    first_that_day = set(
        YearlyTravellerSeen.objects.filter(year=year, checkpoint=checkpoint, first_local_date=day).values_list(
            "traveller_id", flat=True
        )
    )
    # A traveller already seen here on an earlier day of the year keeps that first day: crossing again changes
    # nothing. Only the others are looked up in the year's crossings, so the nightly run does not grow with the
    # year's history (every frequent traveller's crossings of the year were read each night before).
    seen_before = set(
        YearlyTravellerSeen.objects.filter(
            year=year, checkpoint=checkpoint, traveller_id__in=crossed, first_local_date__lt=day
        ).values_list("traveller_id", flat=True)
    )
    affected = (crossed - seen_before) | first_that_day
    if not affected:
        return
    firsts = (
        Crossing.objects.counted()
        .filter(
            lane__checkpoint=checkpoint,
            traveller_id__in=affected,
            local_date__gte=date(year, 1, 1),
            local_date__lte=date(year, 12, 31),
        )
        .values("traveller_id")
        .annotate(first=Min("local_date"), group=Min(nationality_group()))
        .order_by()
    )
    YearlyTravellerSeen.objects.filter(year=year, checkpoint=checkpoint, traveller_id__in=affected).delete()
    YearlyTravellerSeen.objects.bulk_create(
        YearlyTravellerSeen(
            year=year,
            checkpoint=checkpoint,
            traveller_id=row["traveller_id"],
            nationality_group=row["group"],
            first_local_date=row["first"],
        )
        for row in firsts
    )


def statistics_fill_day(*, checkpoint: Checkpoint, day: date, advance: bool = False) -> None:
    """Replace every statistics row of `checkpoint`'s local `day`, in one transaction; the day is no longer dirty,
    and with `advance` the checkpoint counts as filled up to it (never moving back)."""
    with transaction.atomic():
        # One run at a time per checkpoint: a second one waits here and then writes the same rows again.
        lock_until_commit(STATISTICS_LOCK, checkpoint.pk)
        for table in DAILY_TABLES:
            table.objects.filter(checkpoint=checkpoint, local_date=day).delete()
        _fill_crossings(checkpoint, day)
        _fill_visits(checkpoint, day)
        _fill_yearly_travellers(checkpoint, day)
        StatisticsDirtyDay.objects.filter(checkpoint=checkpoint, local_date=day).delete()
        if advance:
            advance_fill_state(StatisticsFillState, day, checkpoint=checkpoint)
        transaction.on_commit(statistics_changed)


def _days_to_fill(checkpoint: Checkpoint, until: date) -> list[date]:
    state = StatisticsFillState.objects.filter(checkpoint=checkpoint).first()
    earliest = None
    if state is None:
        earliest = Crossing.objects.filter(lane__checkpoint=checkpoint).aggregate(first=Min("local_date"))["first"]
    dirty = StatisticsDirtyDay.objects.filter(checkpoint=checkpoint).values_list("local_date", flat=True)
    return days_to_fill(last_filled=state.last_filled if state else None, earliest=earliest, until=until, dirty=dirty)


def statistics_fill(*, now: datetime | None = None, progress: Callable[[Checkpoint, date], None] | None = None) -> int:
    """Fill every checkpoint from its last filled local day up to its yesterday, and its dirty days; returns how
    many days were filled."""
    now = now or timezone.now()
    filled = 0
    for checkpoint in Checkpoint.objects.order_by("code"):
        yesterday = checkpoint.local_date(now) - timedelta(days=1)
        for day in _days_to_fill(checkpoint, yesterday):
            statistics_fill_day(checkpoint=checkpoint, day=day, advance=True)
            filled += 1
            if progress is not None:
                progress(checkpoint, day)
    public_figures_refresh()
    return filled


def statistics_figures_warm() -> int:
    """After the nightly run: compute into the cache the figures of the statistics page and of this year's annual
    report, the zone's and each checkpoint's, so the first administrator of the day does not wait seconds for them.
    Returns how many were computed."""
    as_of = last_filled_day()
    if as_of is None:
        return 0
    warmed = 0
    for checkpoint in [None, *Checkpoint.objects.order_by("code")]:
        statistics_overview(as_of=as_of, checkpoint=checkpoint)
        warmed += 1
        try:
            annual_report(as_of.year, checkpoint=checkpoint)
            warmed += 1
        except ValidationError:  # a checkpoint with no crossing this year has no report to show
            pass
    return warmed


def visit_overstay_days(visit: Visit, *, until: date) -> list[date]:
    """The local days at whose end `visit` was (or would be) an open overstay, up to `until`."""
    checkpoint = visit.checkpoint
    first = checkpoint.local_date(visit.must_leave_by)
    last = min(until, checkpoint.local_date(visit.exited_at) if visit.exited_at else until)
    return days_between(first, last)


def statistics_mark_dirty(*, checkpoint_id: int, days: Iterable[date]) -> None:
    """Inside the transaction of a change: mark the local days it touched that are already filled, so the next run
    recomputes them (days not filled yet will be filled anyway)."""
    state = StatisticsFillState.objects.filter(checkpoint_id=checkpoint_id).first()
    if state is None:
        return
    StatisticsDirtyDay.objects.bulk_create(
        [
            StatisticsDirtyDay(checkpoint_id=checkpoint_id, local_date=day)
            for day in set(days)
            if day <= state.last_filled
        ],
        ignore_conflicts=True,
    )
