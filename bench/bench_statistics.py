"""The statistics at the zone's scale, each measured side by side in one run (bench/data.py's databases):

* the nightly run for one new day (crossings' and trade's statistics of yesterday, both sides), at the large
  history and at the small one: the cost must not grow with history;
* the full rebuild of the crossings' statistics over the large history, against a bare GROUP BY over the same
  rows (the floor any rebuild has to pay);
* the import of historical monthly totals (`historical_totals_import`), against COPY of the same rows.

Each database is measured in a child process of its own (`--measure <what>`, DATABASE_URL pointing at it), which
prints its figures as one JSON line; this process compares them and reports the rows (bench/harness.py).
"""

import json
import os
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")

from bench.data import bench_database
from bench.harness import report

ROUNDS = int(os.environ.get("BENCH_STATISTICS_ROUNDS", "3"))
HISTORY_YEARS = 20  # of monthly totals imported: 20 years × 12 months × 2 checkpoints × 2 directions
NIGHTLY_TARGET_SECONDS = 2.0
GROWTH_TARGET = 1.5
REBUILD_TARGET = 1.5
IMPORT_TARGET = 0.5

BARE_GROUP_BY = """
    SELECT c.local_date, l.checkpoint_id, c.lane_id, c.direction, c.outcome,
        CASE WHEN t.nationality IN ('CN', 'KZ') THEN t.nationality ELSE 'other' END,
        count(*), count(DISTINCT c.traveller_id)
    FROM crossings_crossing c JOIN crossings_lane l ON l.id = c.lane_id
    JOIN crossings_traveller t ON t.id = c.traveller_id
    WHERE c.kind = 'record' AND NOT EXISTS (SELECT 1 FROM crossings_crossing r WHERE r.corrects_id = c.id)
    GROUP BY 1, 2, 3, 4, 5, 6
"""


def _median_seconds(action, rounds: int = ROUNDS) -> float:
    timings = []
    for _ in range(rounds):
        started = time.perf_counter()
        action()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def measure_nightly() -> dict:
    """Seconds to fill yesterday's statistics at both checkpoints, crossings' and trade's (median of ROUNDS)."""
    from django.utils import timezone

    from crossings.models import Checkpoint, Crossing
    from crossings.services.statistics import statistics_fill_day
    from trade.services.statistics import trade_statistics_fill_day

    now = timezone.now()
    checkpoints = list(Checkpoint.objects.order_by("code"))
    days = {checkpoint: checkpoint.local_date(now) - timedelta(days=1) for checkpoint in checkpoints}

    def crossings_day():
        for checkpoint, day in days.items():
            statistics_fill_day(checkpoint=checkpoint, day=day)

    def trade_day():
        for checkpoint, day in days.items():
            trade_statistics_fill_day(side=checkpoint.code, day=day)

    crossings_of_day = sum(
        Crossing.objects.filter(lane__checkpoint=checkpoint, local_date=day).count() for checkpoint, day in days.items()
    )
    return {
        "crossings": _median_seconds(crossings_day),
        "trade": _median_seconds(trade_day),
        "crossings_of_day": crossings_of_day,
        "history": Crossing.objects.count(),
    }


def measure_rebuild() -> dict:
    """Seconds of the full rebuild of the crossings' statistics, and of the bare GROUP BY over the same rows."""
    from django.db import connection
    from django.db.models import Max, Min

    from crossings.models import Crossing
    from crossings.services.statistics_rebuild import statistics_rebuild

    span = Crossing.objects.aggregate(first=Min("local_date"), last=Max("local_date"))
    with connection.cursor() as cursor:
        bare = _median_seconds(lambda: cursor.execute(BARE_GROUP_BY), rounds=1)
        cells = cursor.rowcount
    started = time.perf_counter()
    days = statistics_rebuild(first=span["first"], last=span["last"])
    rebuild = time.perf_counter() - started
    return {"rebuild": rebuild, "bare": bare, "days": days, "cells": cells, "history": Crossing.objects.count()}


def measure_import() -> dict:
    """Seconds of `historical_totals_import` of a CSV file of HISTORY_YEARS years, and of COPY of the same rows into a
    table of the same shape (rolled back: the database stays as it was); and the same for the largest file there can
    be, every month since FIRST_YEAR up to last year ("all_*")."""
    from django.utils import timezone

    from crossings.services.history import FIRST_YEAR

    figures = _import_against_copy(range(2000, 2000 + HISTORY_YEARS))
    every_year = _import_against_copy(range(FIRST_YEAR, timezone.localdate().year))
    return {**figures, **{f"all_{name}": value for name, value in every_year.items()}}


def _import_against_copy(years: range) -> dict:
    import io

    from django.db import connection, transaction

    from crossings.services.history import historical_totals_import

    rows = [
        (year, month, checkpoint, direction, 9_000 + year + month, 4_000 + month)
        for year in years
        for month in range(1, 13)
        for checkpoint in ("CN", "KZ")
        for direction in ("entry", "exit")
    ]
    csv = "year,month,checkpoint,direction,crossings,travellers\n" + "".join(
        ",".join(map(str, row)) + "\n" for row in rows
    )
    tsv = "".join("\t".join(map(str, row)) + "\tnow\n" for row in rows)

    class Rollback(Exception):
        pass

    def imported():
        try:
            with transaction.atomic():
                result = historical_totals_import(content=csv.encode(), filename="history.csv", acting_user=None)
                assert result.ok, result.problems
                raise Rollback
        except Rollback:
            pass

    def copied():
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "CREATE TEMP TABLE bench_history (LIKE crossings_historicalmonthlytotal INCLUDING ALL) "
                    "ON COMMIT DROP"
                )
                cursor.copy_expert(
                    "COPY bench_history (year, month, checkpoint, direction, crossings, travellers, imported_at) "
                    "FROM STDIN",
                    io.StringIO(tsv),
                )
                raise Rollback
        except Rollback:
            pass

    return {"import": _median_seconds(imported), "copy": _median_seconds(copied), "rows": len(rows)}


MEASURES = {"nightly": measure_nightly, "rebuild": measure_rebuild, "import": measure_import}


def measure_in(url: str, what: str) -> dict:
    """Run one measure in a child process against the database at `url`; its figures."""
    result = subprocess.run(
        [sys.executable, __file__, "--measure", what],
        env={**os.environ, "DATABASE_URL": url},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        raise RuntimeError(f"measuring {what} failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> None:
    large, small = bench_database("large"), bench_database("small")
    at_large, at_small = measure_in(large, "nightly"), measure_in(small, "nightly")
    for part in ("crossings", "trade"):
        growth = at_large[part] / at_small[part]
        report(
            measure=f"nightly statistics ({part}), one new day, both sides",
            figures=f"{at_large[part]:.2f} s at {at_large['history']:,} crossings of history vs "
            f"{at_small[part]:.2f} s at {at_small['history']:,} ({at_large['crossings_of_day']:,} vs "
            f"{at_small['crossings_of_day']:,} crossings that day)",
            ratio=f"{growth:.2f}× of small",
            target=f"< {NIGHTLY_TARGET_SECONDS:g} s; large within {GROWTH_TARGET}× of small",
            met=at_large[part] < NIGHTLY_TARGET_SECONDS and growth <= GROWTH_TARGET,
        )
    rebuild = measure_in(large, "rebuild")
    ratio = rebuild["rebuild"] / rebuild["bare"]
    report(
        measure="full statistics rebuild (crossings)",
        figures=f"{rebuild['rebuild']:.1f} s for {rebuild['days']:,} checkpoint-days over {rebuild['history']:,} "
        f"crossings vs bare GROUP BY {rebuild['bare']:.1f} s ({rebuild['cells']:,} cells)",
        ratio=f"{ratio:.1f}× the bare query",
        target=f"≤ {REBUILD_TARGET}× the bare query",
        met=ratio <= REBUILD_TARGET,
    )
    history = measure_in(small, "import")
    ratio = history["copy"] / history["import"]
    every_ratio = history["all_copy"] / history["all_import"]
    report(
        measure="historical import (statistics_import_history)",
        figures=f"{history['rows']:,} monthly totals: import {history['import'] * 1000:.0f} ms vs COPY "
        f"{history['copy'] * 1000:.0f} ms; every month since 1990 ({history['all_rows']:,}): import "
        f"{history['all_import'] * 1000:.0f} ms vs COPY {history['all_copy'] * 1000:.0f} ms ({every_ratio:.2f}×)",
        ratio=f"{ratio:.2f}× COPY speed",
        target=f"≥ {IMPORT_TARGET}× COPY",
        met=ratio >= IMPORT_TARGET and every_ratio >= IMPORT_TARGET,
    )


if __name__ == "__main__":
    if sys.argv[1:2] == ["--measure"]:
        import django

        django.setup()
        print(json.dumps(MEASURES[sys.argv[2]]()))
    else:
        main()
