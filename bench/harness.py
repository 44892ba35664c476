"""What every benchmark shares: one way to report a measured row, so that `make bench` can print one table of the
whole run and write it to bench/RESULTS.md.

A benchmark script (`bench/bench_*.py`) measures side by side in one run and calls `report(...)` once per row of
the table: the measure, the figures measured (as text: rates, p50/p95/p99, query counts...), the ratio the target is
about (e.g. entries/s divided by raw INSERTs/s in the same run) and whether the target holds. Rows go to standard
output as they are measured, and as JSON lines to the file named by BENCH_RESULTS_FILE when `make bench` sets it.
"""

import json
import os
from dataclasses import asdict, dataclass

RESULTS_FILE_VARIABLE = "BENCH_RESULTS_FILE"


@dataclass(frozen=True)
class Row:
    measure: str  # what was measured, e.g. "recording entries through the API"
    figures: str  # what the run measured, e.g. "412 entries/s vs raw 5,100 rows/s; p50 14 ms, p99 38 ms; 11 queries"
    ratio: str  # the comparison the target is about, e.g. "0.081 of raw" ("" when the target is absolute only)
    target: str  # the target, e.g. "≥ 0.05 of raw; p99 < 50 ms; ≤ 12 queries"
    met: bool  # whether every part of the target held in this run


def report(*, measure: str, figures: str, ratio: str, target: str, met: bool) -> Row:
    """Print one row of the results table and keep it for bench/RESULTS.md."""
    row = Row(measure=measure, figures=figures, ratio=ratio, target=target, met=met)
    mark = "met" if met else "MISSED"
    print(f"[{mark}] {measure}: {figures}" + (f" ({ratio})" if ratio else "") + f"; target {target}", flush=True)
    path = os.environ.get(RESULTS_FILE_VARIABLE)
    if path:
        with open(path, "a", encoding="utf-8") as results:
            results.write(json.dumps(asdict(row), ensure_ascii=False) + "\n")
    return row


def read_rows(path: str) -> list[Row]:
    """The rows reported to `path` during a run, in order."""
    with open(path, encoding="utf-8") as results:
        return [Row(**json.loads(line)) for line in results if line.strip()]
