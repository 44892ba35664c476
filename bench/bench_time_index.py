"""B-tree against BRIN on crossings' time column, measured side by side on the large benchmark database.

The queries that read crossings by time alone: everything of the last 15 minutes (the live panel's window), one
local day's worth by `occurred_at` (an export, a report), and a month. Each runs ROUNDS times with a
B-tree and then with a BRIN index on `occurred_at`, each alone (created, measured and dropped in a transaction
that is rolled back: the database stays as it was). The rows report the p50 of each,
the sizes of both indexes, and a ratio BRIN/B-tree; bench/RESULTS.md's notes say which one the schema keeps.

The alternative, crossings partitioned by month, is measured on a copy: a table partitioned by range of
`occurred_at` with a partition a month (unlogged, to copy faster; logging does not change a read), each with a
B-tree on `occurred_at`, filled with every crossing; the same three queries then read only the partitions the window
touches (partition pruning). The copy is made and dropped in the same rolled-back transaction.
"""

import os
import statistics
import sys
import time
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import psycopg2

from bench.data import bench_database
from bench.harness import report

ROUNDS = int(os.environ.get("BENCH_INDEX_ROUNDS", "15"))
WINDOWS = {  # name: (interval before the last crossing, query)
    "last 15 minutes": "15 minutes",
    "one day": "1 day",
    "one month": "30 days",
}
QUERY = "SELECT count(*), count(DISTINCT lane_id) FROM {table} WHERE occurred_at >= %s AND occurred_at < %s"
PARTITIONED = "bench_crossing_by_month"


def timed(cursor, start, end, table: str = "crossings_crossing") -> float:
    timings = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        cursor.execute(QUERY.format(table=table), [start, end])
        cursor.fetchall()
        timings.append((time.perf_counter() - started) * 1000)
    return statistics.median(timings)


def index_size(cursor, name: str) -> int:
    cursor.execute("SELECT pg_relation_size(%s::regclass)", [name])
    return cursor.fetchone()[0]


def measured(cursor, bounds: dict, method: str) -> tuple[dict[str, float], int, float]:
    """The p50 of each window with only a `method` index on occurred_at, the index's size and build seconds."""
    started = time.perf_counter()
    cursor.execute(f"CREATE INDEX bench_crossing_time ON crossings_crossing USING {method} (occurred_at)")
    build = time.perf_counter() - started
    cursor.execute("ANALYZE crossings_crossing")
    timings = {name: timed(cursor, *bound) for name, bound in bounds.items()}
    size = index_size(cursor, "bench_crossing_time")
    cursor.execute("DROP INDEX bench_crossing_time")
    return timings, size, build


def partitioned_copy(cursor) -> tuple[int, float]:
    """A copy of crossings partitioned by month of occurred_at with a B-tree on it in each partition; returns the
    number of partitions and the seconds the copy and its indexes took."""
    started = time.perf_counter()
    cursor.execute(
        f"CREATE TABLE {PARTITIONED} (LIKE crossings_crossing INCLUDING DEFAULTS) PARTITION BY RANGE (occurred_at)"
    )
    cursor.execute(
        "SELECT month, month + interval '1 month' FROM generate_series("
        "date_trunc('month', (SELECT min(occurred_at) FROM crossings_crossing)), "
        "(SELECT max(occurred_at) FROM crossings_crossing), interval '1 month') AS month"
    )
    months = cursor.fetchall()
    for number, (start, end) in enumerate(months):
        cursor.execute(
            f"CREATE UNLOGGED TABLE {PARTITIONED}_{number} PARTITION OF {PARTITIONED} FOR VALUES FROM (%s) TO (%s)",
            [start, end],
        )
    cursor.execute(f"INSERT INTO {PARTITIONED} SELECT * FROM crossings_crossing")
    cursor.execute(f"CREATE INDEX {PARTITIONED}_time ON {PARTITIONED} (occurred_at)")
    cursor.execute(f"ANALYZE {PARTITIONED}")
    return len(months), time.perf_counter() - started


def main() -> None:
    url = bench_database("large")
    with closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        cursor.execute("SELECT max(occurred_at), count(*) FROM crossings_crossing")
        last, history = cursor.fetchone()
        bounds = {}
        for name, interval in WINDOWS.items():
            cursor.execute("SELECT %s::timestamptz - %s::interval", [last, interval])
            bounds[name] = (cursor.fetchone()[0], last)
        # Whichever time index the schema has goes first; each kind is then built in its turn and measured alone.
        cursor.execute("DROP INDEX IF EXISTS crossing_time_idx")
        cursor.execute("DROP INDEX IF EXISTS crossing_time_brin")
        btree, btree_size, _ = measured(cursor, bounds, "btree")
        brin, brin_size, brin_build = measured(cursor, bounds, "brin")
        partitions, copy_seconds = partitioned_copy(cursor)
        partitioned = {name: timed(cursor, *bound, table=PARTITIONED) for name, bound in bounds.items()}
        connection.rollback()
    for name in WINDOWS:
        ratio = brin[name] / btree[name]
        report(
            measure=f"crossings by time, {name}: BRIN vs B-tree on occurred_at",
            figures=f"B-tree p50 {btree[name]:.1f} ms, BRIN p50 {brin[name]:.1f} ms at {history:,} crossings "
            f"(index sizes: B-tree {btree_size / 2**20:.1f} MB, BRIN {brin_size / 2**10:.0f} kB, built in "
            f"{brin_build:.1f} s)",
            ratio=f"BRIN {ratio:.2f}× B-tree",
            target="(a choice: see the notes)",
            met=True,
        )
    for name in WINDOWS:
        report(
            measure=f"crossings by time, {name}: partitioned by month vs BRIN",
            figures=f"{partitions} monthly partitions with a B-tree each p50 {partitioned[name]:.1f} ms, BRIN on one "
            f"table p50 {brin[name]:.1f} ms (copy partitioned and indexed in {copy_seconds:.0f} s)",
            ratio=f"partitioned {partitioned[name] / brin[name]:.2f}× BRIN",
            target="(a choice: see the notes)",
            met=True,
        )


if __name__ == "__main__":
    main()
