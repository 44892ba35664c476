"""Rebuilding the traffic statistics of a range of local days at once: one `INSERT … SELECT … GROUP BY` per table
over the whole range, in one transaction.

It writes the rows `statistics_fill_day` writes for each (checkpoint, local day) of the range (a test holds them
equal), but reads the range once per table instead of some thirty queries per checkpoint-day: a day-by-day rebuild
of three years took over an hour, most of it per-query overhead (bench/RESULTS.md). The nightly run and the dirty
days keep `statistics_fill_day`, which reads one day.

Days are the checkpoints' own local days: a crossing's `local_date` is its lane's checkpoint's, and the visits' and
the hours' local times are taken in the checkpoint's `time_zone` by PostgreSQL (as the day-by-day fill's hourly
counts already are).
"""

from collections.abc import Callable
from datetime import date

from django.db import connection, transaction
from django.db.models import Count, F, Func, IntegerField, Min, Q, QuerySet
from django.db.models.functions import ExtractYear

from crossings.choices import Outcome, VisitState
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
    YearlyTravellerSeen,
)
from crossings.selectors.figures import public_figures_refresh
from crossings.services.statistics import DAILY_TABLES, STATISTICS_LOCK, nationality_group
from horgos.statistics import advance_fill_state, lock_until_commit


class LocalHour(Func):
    """The hour of a moment on the clock of a time zone named by a column: (moment AT TIME ZONE zone)."""

    template = "EXTRACT(HOUR FROM (%(expressions)s))::int"
    arg_joiner = " AT TIME ZONE "
    output_field = IntegerField()


def _counted(first: date, last: date) -> QuerySet:
    """The counted crossings of the range, with their checkpoint and nationality group."""
    return (
        Crossing.objects.counted()
        .filter(local_date__range=(first, last))
        .annotate(checkpoint_id=F("lane__checkpoint_id"), group=nationality_group())
    )


def _insert(model, columns: list[str], rows: QuerySet) -> None:
    """INSERT INTO `model`'s table the rows of `rows`, whose values_list gives `columns` in that order."""
    sql, params = rows.query.sql_with_params()
    table = model._meta.db_table
    names = ", ".join(model._meta.get_field(column).column for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)


def _rebuild_crossings(first: date, last: date) -> None:
    counted = _counted(first, last)
    _insert(
        DailyCrossingCount,
        ["local_date", "checkpoint", "lane", "direction", "nationality_group", "outcome", "crossings", "travellers"],
        counted.values("local_date", "checkpoint_id", "lane_id", "direction", "group", "outcome")
        .annotate(crossings=Count("id"), travellers=Count("traveller_id", distinct=True))
        .values_list(
            "local_date", "checkpoint_id", "lane_id", "direction", "group", "outcome", "crossings", "travellers"
        )
        .order_by(),
    )


def _rebuild_travellers(first: date, last: date) -> None:
    _insert(
        DailyTravellerCount,
        ["local_date", "checkpoint", "nationality_group", "travellers"],
        _counted(first, last)
        .values("local_date", "checkpoint_id", "group")
        .annotate(travellers=Count("traveller_id", distinct=True))
        .values_list("local_date", "checkpoint_id", "group", "travellers")
        .order_by(),
    )


def _rebuild_hours(first: date, last: date) -> None:
    _insert(
        HourlyCrossingCount,
        ["local_date", "checkpoint", "hour", "direction", "crossings"],
        _counted(first, last)
        .filter(outcome=Outcome.ADMITTED)
        .annotate(hour=LocalHour(F("occurred_at"), F("lane__checkpoint__time_zone")))
        .values("local_date", "checkpoint_id", "hour", "direction")
        .annotate(crossings=Count("id"))
        .values_list("local_date", "checkpoint_id", "hour", "direction", "crossings")
        .order_by(),
    )


def _rebuild_refusals(first: date, last: date) -> None:
    _insert(
        DailyRefusalCount,
        ["local_date", "checkpoint", "reason", "refusals"],
        _counted(first, last)
        .filter(outcome=Outcome.REFUSED)
        .values("local_date", "checkpoint_id", "refusal_reason")
        .annotate(refusals=Count("id"))
        .values_list("local_date", "checkpoint_id", "refusal_reason", "refusals")
        .order_by(),
    )


def _rebuild_watchlist_hits(first: date, last: date) -> None:
    # From the alerts (few) to their crossings: only counted ones count, on the crossing's local day.
    _insert(
        DailyWatchlistHitCount,
        ["local_date", "checkpoint", "hits"],
        Alert.objects.filter(crossing__in=Crossing.objects.counted().filter(local_date__range=(first, last)))
        .values("crossing__local_date", "crossing__lane__checkpoint_id")
        .annotate(hits=Count("id"))
        .values_list("crossing__local_date", "crossing__lane__checkpoint_id", "hits")
        .order_by(),
    )


# Visits closed on each local day (the exit's, on the clock of the visit's checkpoint), and overstays open at the end
# of each day: a visit not cancelled, past its deadline before the day's end (`must_leave_by` on that local day or
# before) and not exited by then (exit on a later local day; a late exit, `exited_at > must_leave_by`, which the
# partial index visit_late_exit_idx holds, as the visits never exited do visit_not_exited_idx). Only days with
# either get a row, as with the day-by-day fill.
VISITS_SQL = """
WITH closed AS (
    SELECT (v.exited_at AT TIME ZONE k.time_zone)::date AS local_date, v.checkpoint_id,
        count(*) AS visits, floor(extract(epoch FROM sum(v.exited_at - v.entered_at)))::bigint AS seconds
    FROM crossings_visit v JOIN crossings_checkpoint k ON k.id = v.checkpoint_id
    WHERE v.state = %(closed)s
        AND (v.exited_at AT TIME ZONE k.time_zone)::date BETWEEN %(first)s AND %(last)s
    GROUP BY 1, 2
), overstays AS (
    SELECT day::date AS local_date, o.checkpoint_id, count(*) AS overstays
    FROM (
        SELECT v.checkpoint_id,
            greatest((v.must_leave_by AT TIME ZONE k.time_zone)::date, %(first)s) AS since,
            least((v.exited_at AT TIME ZONE k.time_zone)::date - 1, %(last)s) AS until
        FROM crossings_visit v JOIN crossings_checkpoint k ON k.id = v.checkpoint_id
        WHERE v.state <> %(cancelled)s AND (v.exited_at IS NULL OR v.exited_at > v.must_leave_by)
    ) o, generate_series(o.since, coalesce(o.until, %(last)s), interval '1 day') AS day
    GROUP BY 1, 2
)
INSERT INTO crossings_dailyvisitcount (local_date, checkpoint_id, visits_closed, seconds_in_zone, overstays_open)
SELECT local_date, checkpoint_id, coalesce(closed.visits, 0), coalesce(closed.seconds, 0),
    coalesce(overstays.overstays, 0)
FROM closed FULL JOIN overstays USING (local_date, checkpoint_id)
"""


def _rebuild_visits(first: date, last: date) -> None:
    with connection.cursor() as cursor:
        cursor.execute(
            VISITS_SQL,
            {"first": first, "last": last, "closed": VisitState.CLOSED.value, "cancelled": VisitState.CANCELLED.value},
        )


def _rebuild_yearly_travellers(first: date, last: date) -> None:
    """The first local day of the year of every traveller who crossed at a checkpoint in the range, and of those
    whose first day lay in the range (a reversal may have moved it out): what the day-by-day fill keeps right, from
    the whole year's crossings."""
    years = (first.year, last.year)
    with connection.cursor() as cursor:
        # Those whose first day was in the range, remembered: they are looked up again even if they no longer
        # crossed in it.
        cursor.execute(
            "CREATE TEMP TABLE statistics_rebuild_gone (year smallint, checkpoint_id bigint, traveller_id bigint) "
            "ON COMMIT DROP"
        )
        cursor.execute(
            "WITH gone AS (DELETE FROM crossings_yearlytravellerseen WHERE year BETWEEN %s AND %s "
            "AND first_local_date BETWEEN %s AND %s RETURNING year, checkpoint_id, traveller_id) "
            "INSERT INTO statistics_rebuild_gone SELECT * FROM gone",
            [*years, first, last],
        )
        cursor.execute("ANALYZE statistics_rebuild_gone")
    firsts = (
        _counted(date(years[0], 1, 1), date(years[1], 12, 31))
        .annotate(year=ExtractYear("local_date"))
        .values("year", "checkpoint_id", "traveller_id")
        .annotate(
            first=Min("local_date"),
            nationality=Min("group"),
            in_range=Count("id", filter=Q(local_date__range=(first, last))),
        )
        .values_list("year", "checkpoint_id", "traveller_id", "nationality", "first", "in_range")
        .order_by()
    )
    sql, params = firsts.query.sql_with_params()
    with connection.cursor() as cursor:
        # A traveller seen before the range keeps a row the delete above left: recomputed, it is replaced.
        cursor.execute(
            "INSERT INTO crossings_yearlytravellerseen "
            "(year, checkpoint_id, traveller_id, nationality_group, first_local_date) "
            "SELECT f.year, f.checkpoint_id, f.traveller_id, f.nationality, f.first "
            f"FROM ({sql}) AS f (year, checkpoint_id, traveller_id, nationality, first, in_range) "
            "LEFT JOIN statistics_rebuild_gone g "
            "ON g.year = f.year AND g.checkpoint_id = f.checkpoint_id AND g.traveller_id = f.traveller_id "
            "WHERE f.in_range > 0 OR g.traveller_id IS NOT NULL "
            "ON CONFLICT (year, checkpoint_id, traveller_id) DO UPDATE "
            "SET nationality_group = EXCLUDED.nationality_group, first_local_date = EXCLUDED.first_local_date",
            params,
        )
        cursor.execute("DROP TABLE statistics_rebuild_gone")


STEPS = (
    (DailyCrossingCount, _rebuild_crossings),
    (DailyTravellerCount, _rebuild_travellers),
    (HourlyCrossingCount, _rebuild_hours),
    (DailyRefusalCount, _rebuild_refusals),
    (DailyWatchlistHitCount, _rebuild_watchlist_hits),
    (DailyVisitCount, _rebuild_visits),
    (YearlyTravellerSeen, _rebuild_yearly_travellers),
)


def statistics_rebuild(
    *, first: date, last: date, advance: bool = False, progress: Callable[[str, date], None] | None = None
) -> int:
    """Recompute every statistics row of the local days from `first` to `last` at every checkpoint, in one
    transaction; returns how many checkpoint-days that is. The range's days are no longer dirty, and with `advance`
    every checkpoint counts as filled up to `last` (never moving back). `progress` is called after each table with
    its name and `last`."""
    checkpoints = list(Checkpoint.objects.order_by("code"))
    with transaction.atomic():
        # The nightly run waits until the rebuild commits (it takes the same locks, one checkpoint at a time).
        for checkpoint in checkpoints:
            lock_until_commit(STATISTICS_LOCK, checkpoint.pk)
        for table in DAILY_TABLES:
            table.objects.filter(local_date__range=(first, last)).delete()
        for table, rebuild in STEPS:
            rebuild(first, last)
            if progress is not None:
                progress(str(table._meta.verbose_name_plural), last)
        StatisticsDirtyDay.objects.filter(local_date__range=(first, last)).delete()
        if advance:
            for checkpoint in checkpoints:
                advance_fill_state(StatisticsFillState, last, checkpoint=checkpoint)
    public_figures_refresh()
    return max(0, (last - first).days + 1) * len(checkpoints)
