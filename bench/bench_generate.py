"""How fast crossings_generate writes a history of about a million crossings with COPY.

Runs on a scratch database created on the server that DATABASE_URL names, migrated first and dropped at
the end, so the development database stays exactly as it was: a rolled-back transaction would still
leave its id sequences advanced. Prints the crossings created, the elapsed seconds and crossings per
second. Run by `make bench` beside the other benchmarks.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")

from bench.harness import report
from bench.scratch import scratch_database

SCRATCH_DATABASE = f"horgos_bench_generate_{os.getpid()}"
# 100,000 travellers making about 10,000 visits a day for 50 days: about a million crossings.
ARGUMENTS = ["--travellers", "100000", "--days", "50", "--seed", "1", "--end", "2026-03-31"]


def measure() -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from crossings.models import Crossing

    call_command("migrate", verbosity=0)
    print(f"crossings_generate benchmark: {' '.join(ARGUMENTS)}")
    started = time.perf_counter()
    call_command("crossings_generate", *ARGUMENTS)
    elapsed = time.perf_counter() - started
    created = Crossing.objects.count()
    report(
        measure="crossings_generate (COPY), about a million crossings",
        figures=f"{created:,} crossings in {elapsed:.1f} s: {created / elapsed:,.0f} crossings/s",
        ratio="",
        target="(figures only: the time to build benchmark data)",
        met=True,
    )
    connections.close_all()


def main() -> None:
    with scratch_database(SCRATCH_DATABASE):
        measure()


if __name__ == "__main__":
    main()
