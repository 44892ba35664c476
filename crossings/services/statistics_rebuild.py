"""Rebuilding the traffic statistics of a range of local days at once: set-based `INSERT … SELECT … GROUP BY` over
the whole range, in one transaction.

It writes the rows `statistics_fill_day` writes for each (checkpoint, local day) of the range (a test holds them
equal), but reads the range's crossings three times (the daily counts sorted, the hourly ones hashed, the travellers'
first days of the year hashed) and its visits once, instead of some thirty queries per checkpoint-day: a day-by-day
rebuild of three years took over an hour, most of it per-query overhead (bench/RESULTS.md). The nightly run and the
dirty days keep `statistics_fill_day`, which reads one day.

Days are the checkpoints' own local days: a crossing's `local_date` is its lane's checkpoint's, and the visits' and
the hours' local times are taken in the checkpoint's `time_zone` by PostgreSQL (as the day-by-day fill's hourly
counts already are).
"""

from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Min
from django.utils import timezone

from crossings.choices import CrossingKind, NationalityGroup, Outcome, VisitState
from crossings.models import (
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
from crossings.selectors.figures import public_figures_refresh, statistics_changed
from crossings.services.statistics import STATISTICS_LOCK, statistics_fill
from horgos.statistics import advance_fill_state, lock_until_commit

# `Crossing.objects.counted()` written out (records no reversal cancelled), as NOT EXISTS so that PostgreSQL plans an
# anti join, with what every table groups by: the checkpoint, its local hour and the nationality group
# (`nationality_group()`). Written in SQL because Django has no ROLLUP; a test holds the rows equal to those of the
# day-by-day fill, which reads `counted()` itself.
COUNTED_SQL = """
    FROM crossings_crossing c
    JOIN crossings_lane l ON l.id = c.lane_id
    JOIN crossings_checkpoint k ON k.id = l.checkpoint_id
    JOIN crossings_traveller t ON t.id = c.traveller_id
    WHERE c.kind = %(record)s AND NOT EXISTS (SELECT 1 FROM crossings_crossing r WHERE r.corrects_id = c.id)
        AND c.local_date BETWEEN %(first)s AND %(last)s
"""
GROUP_SQL = "CASE WHEN t.nationality IN (%(china)s, %(kazakhstan)s) THEN t.nationality ELSE %(other)s END"

# The counted crossings of the range, sorted once: the cells of a local day, checkpoint and nationality group by lane,
# direction and outcome (grouping_set 0) roll up into the checkpoint's distinct travellers (1). Then, without DISTINCT
# so by a hash aggregate, the cells by local hour, direction, outcome and refusal reason, which the hourly and refusal
# counts add up (one rollup level more with these cost more than this second pass: EXPLAIN ANALYZE, a million
# crossings). CREATE TABLE AS, unlike INSERT, may run its SELECT in parallel, as the bare GROUP BY does.
CELLS_SQL = f"""
CREATE TEMP TABLE statistics_rebuild_cells ON COMMIT DROP AS
SELECT c.local_date, l.checkpoint_id, {GROUP_SQL} AS nationality_group, c.lane_id, c.direction, c.outcome,
    GROUPING(c.lane_id) AS grouping_set, count(*) AS crossings, count(DISTINCT c.traveller_id) AS travellers
{COUNTED_SQL}
GROUP BY c.local_date, l.checkpoint_id, 3, ROLLUP((c.lane_id, c.direction, c.outcome));
CREATE TEMP TABLE statistics_rebuild_hours ON COMMIT DROP AS
SELECT c.local_date, l.checkpoint_id, EXTRACT(HOUR FROM c.occurred_at AT TIME ZONE k.time_zone)::int AS hour,
    c.direction, c.outcome, c.refusal_reason, count(*) AS crossings
{COUNTED_SQL}
GROUP BY 1, 2, 3, 4, 5, 6;
"""
# What each table holds, from the cells and the hours: (table, its columns, the SELECT giving them in that order).
FROM_CELLS = (
    (
        DailyCrossingCount,
        [
            "local_date",
            "checkpoint_id",
            "lane_id",
            "direction",
            "nationality_group",
            "outcome",
            "crossings",
            "travellers",
        ],
        "SELECT local_date, checkpoint_id, lane_id, direction, nationality_group, outcome, crossings, travellers "
        "FROM statistics_rebuild_cells WHERE grouping_set = 0",
    ),
    (
        DailyTravellerCount,
        ["local_date", "checkpoint_id", "nationality_group", "travellers"],
        "SELECT local_date, checkpoint_id, nationality_group, travellers "
        "FROM statistics_rebuild_cells WHERE grouping_set = 1",
    ),
    (
        HourlyCrossingCount,
        ["local_date", "checkpoint_id", "hour", "direction", "crossings"],
        "SELECT local_date, checkpoint_id, hour, direction, sum(crossings) "
        "FROM statistics_rebuild_hours WHERE outcome = %(admitted)s GROUP BY 1, 2, 3, 4",
    ),
    (
        DailyRefusalCount,
        ["local_date", "checkpoint_id", "reason", "refusals"],
        "SELECT local_date, checkpoint_id, refusal_reason, sum(crossings) "
        "FROM statistics_rebuild_hours WHERE outcome = %(refused)s GROUP BY 1, 2, 3",
    ),
)


def _replace(cursor, model, columns: list[str], select: str, parameters: dict, *, where: str = "") -> None:
    """Make `model`'s rows of the range (or those `where` says, a condition on its alias t) the rows `select` gives
    (in `columns` order), writing only the difference: a rebuild of days that did not change writes nothing, where
    deleting and inserting every row again cost as much as the counting (index entries, and each row's foreign keys
    checked at commit)."""
    table = model._meta.db_table
    names = ", ".join(columns)
    same = " AND ".join(f"n.{column} = t.{column}" for column in columns)
    where = where or "t.local_date BETWEEN %(first)s AND %(last)s"
    cursor.execute(f"CREATE TEMP TABLE statistics_rebuild_rows ({names}) ON COMMIT DROP AS {select}", parameters)
    cursor.execute("ANALYZE statistics_rebuild_rows")
    cursor.execute(
        f"DELETE FROM {table} t WHERE {where} AND NOT EXISTS (SELECT 1 FROM statistics_rebuild_rows n WHERE {same})",
        parameters,
    )
    cursor.execute(
        f"INSERT INTO {table} ({names}) SELECT {names} FROM statistics_rebuild_rows n "
        f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {same})"
    )
    cursor.execute("DROP TABLE statistics_rebuild_rows")


def _parameters(first: date, last: date) -> dict:
    return {
        "first": first,
        "last": last,
        "record": CrossingKind.RECORD.value,
        "admitted": Outcome.ADMITTED.value,
        "refused": Outcome.REFUSED.value,
        "china": NationalityGroup.CHINA.value,
        "kazakhstan": NationalityGroup.KAZAKHSTAN.value,
        "other": NationalityGroup.OTHER.value,
        "closed": VisitState.CLOSED.value,
        "cancelled": VisitState.CANCELLED.value,
    }


def _rebuild_crossings(first: date, last: date) -> None:
    """The crossing, traveller, hourly and refusal counts, from two passes over the range's crossings."""
    with connection.cursor() as cursor:
        cursor.execute(CELLS_SQL, _parameters(first, last))
        for model, columns, select in FROM_CELLS:
            _replace(cursor, model, columns, select, _parameters(first, last))
        cursor.execute("DROP TABLE statistics_rebuild_cells, statistics_rebuild_hours")


# Watchlist hits: from the alerts (few) to their crossings, of which only counted ones count, on their local day.
HITS_SQL = """
SELECT c.local_date, l.checkpoint_id, count(*)
FROM crossings_alert a JOIN crossings_crossing c ON c.id = a.crossing_id JOIN crossings_lane l ON l.id = c.lane_id
WHERE c.kind = %(record)s AND NOT EXISTS (SELECT 1 FROM crossings_crossing r WHERE r.corrects_id = c.id)
    AND c.local_date BETWEEN %(first)s AND %(last)s
GROUP BY 1, 2
"""


def _rebuild_watchlist_hits(first: date, last: date) -> None:
    with connection.cursor() as cursor:
        _replace(
            cursor, DailyWatchlistHitCount, ["local_date", "checkpoint_id", "hits"], HITS_SQL, _parameters(first, last)
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
SELECT local_date, checkpoint_id, coalesce(closed.visits, 0), coalesce(closed.seconds, 0),
    coalesce(overstays.overstays, 0)
FROM closed FULL JOIN overstays USING (local_date, checkpoint_id)
"""


def _rebuild_visits(first: date, last: date) -> None:
    with connection.cursor() as cursor:
        _replace(
            cursor,
            DailyVisitCount,
            ["local_date", "checkpoint_id", "visits_closed", "seconds_in_zone", "overstays_open"],
            VISITS_SQL,
            _parameters(first, last),
        )


# The first local day of the year (and nationality group) of every traveller at a checkpoint who crossed there in the
# range, or whose first day lay in the range (a reversal may have moved it out, or taken their only crossing of the
# year: then they get no row), from the crossings of the whole years the range touches.
FIRSTS_SQL = f"""
SELECT f.year, f.checkpoint_id, f.traveller_id, f.nationality_group, f.first_local_date
FROM (
    SELECT EXTRACT(YEAR FROM c.local_date)::int AS year, l.checkpoint_id, c.traveller_id,
        min({GROUP_SQL}) AS nationality_group, min(c.local_date) AS first_local_date,
        count(*) FILTER (WHERE c.local_date BETWEEN %(range_first)s AND %(range_last)s) AS in_range
    {COUNTED_SQL}
    GROUP BY 1, 2, 3
) f
WHERE f.in_range > 0 OR (f.year, f.checkpoint_id, f.traveller_id) IN (
    SELECT year, checkpoint_id, traveller_id FROM crossings_yearlytravellerseen
    WHERE first_local_date BETWEEN %(range_first)s AND %(range_last)s
)
"""
# The rows replaced: those whose first day lay in the range, and those of the travellers recomputed.
FIRSTS_REPLACED = """
    t.year BETWEEN %(first_year)s AND %(last_year)s AND (
        t.first_local_date BETWEEN %(range_first)s AND %(range_last)s
        OR (t.year, t.checkpoint_id, t.traveller_id) IN (
            SELECT year, checkpoint_id, traveller_id FROM statistics_rebuild_rows
        )
    )
"""


def _rebuild_yearly_travellers(first: date, last: date) -> None:
    """What the day-by-day fill keeps right in `YearlyTravellerSeen` for the days of the range."""
    parameters = {
        **_parameters(date(first.year, 1, 1), date(last.year, 12, 31)),
        "range_first": first,
        "range_last": last,
        "first_year": first.year,
        "last_year": last.year,
    }
    with connection.cursor() as cursor:
        _replace(
            cursor,
            YearlyTravellerSeen,
            ["year", "checkpoint_id", "traveller_id", "nationality_group", "first_local_date"],
            FIRSTS_SQL,
            parameters,
            where=FIRSTS_REPLACED,
        )


STEPS = (
    # The first step writes the crossing, traveller, hourly and refusal counts.
    (DailyCrossingCount, _rebuild_crossings),
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
        with connection.cursor() as cursor:
            # These few large statements gain nothing from JIT compilation: the planner's row estimates for a whole
            # history (and for the overstay days' generate_series) ask for optimised code, which took seconds to
            # compile (EXPLAIN ANALYZE at a million crossings). More memory keeps the sorts of the grouping off disk.
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '64MB'")
        for table, rebuild in STEPS:
            rebuild(first, last)
            if progress is not None:
                progress(str(table._meta.verbose_name_plural), last)
        StatisticsDirtyDay.objects.filter(local_date__range=(first, last)).delete()
        if advance:
            for checkpoint in checkpoints:
                advance_fill_state(StatisticsFillState, last, checkpoint=checkpoint)
        transaction.on_commit(statistics_changed)
    public_figures_refresh()
    return max(0, (last - first).days + 1) * len(checkpoints)


def statistics_fill_history(*, now: datetime | None = None) -> int:
    """Fill the statistics of a database never filled (or refilled whole) with its history: set-based from the first
    crossing up to the last local day every checkpoint has finished, each checkpoint then counting as filled up to
    it, and the nightly `statistics_fill` from there (the day a checkpoint further east has finished as well).
    Returns how many checkpoint-days were filled."""
    now = now or timezone.now()
    first = Crossing.objects.aggregate(first=Min("local_date"))["first"]
    checkpoints = Checkpoint.objects.all()
    filled = 0
    if first is not None and checkpoints:
        last = min(checkpoint.local_date(now) for checkpoint in checkpoints) - timedelta(days=1)
        if first <= last:
            filled = statistics_rebuild(first=first, last=last, advance=True)
    return filled + statistics_fill(now=now)
