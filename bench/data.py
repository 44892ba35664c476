"""The benchmark databases: a large history and a small one, built once on the local PostgreSQL and reused.

    from bench.data import bench_database
    url = bench_database("large")   # or "small": a DATABASE_URL, built first when missing or of another size

`bench_database(size)` returns the URL of the database `horgos_bench_<size>` on the server DATABASE_URL names
(default: postgres@127.0.0.1:5432). It is reused when its marker row (table `bench_data_marker`) records the same
sizes and the same GENERATOR_VERSION; otherwise it is dropped and built again:

* crossings: `crossings_generate` (COPY) with about CROSSINGS_PER_DAY crossings a day (more at weekends), as many
  days as the size asks (at most three years), ending today; their visits and travellers (encrypted as always);
* trade, at COPY speed in set-based SQL (bench/trade_data.py): merchants, shops, listings, sales with their lines
  and allowance ledgers, consistent with the rules (only approved merchants' open shops sell approved listings to
  travellers inside the zone during a visit, within the allowance of the side they leave by);
* statistics filled (crossings' history set-based, trade's nightly fill up to yesterday), then VACUUM (ANALYZE).

Sizes (environment, for developing with small data):
    BENCH_CROSSINGS_LARGE (10,000,000)   BENCH_CROSSINGS_SMALL (100,000)
    BENCH_MERCHANTS (1,200)  BENCH_SHOPS (5,000)  BENCH_LISTINGS (50,000)
    BENCH_SALES_LARGE (2,000,000)  BENCH_SALES_SMALL (sales in proportion to crossings: 20,000)
Each build prints how long each step took.
"""

import json
import os
import subprocess
import sys
import time
from contextlib import closing
from pathlib import Path

import psycopg2

from bench.scratch import DEFAULT_DATABASE_URL, server_connection, with_database_name

ROOT = Path(__file__).resolve().parent.parent
GENERATOR_VERSION = 1  # raise when the generated data changes: every benchmark database is then built again
CROSSINGS_PER_DAY = 9_000
MAX_DAYS = 3 * 365
SIZES = ("large", "small")
MARKER_TABLE = "bench_data_marker"


def _env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def bench_sizes(size: str) -> dict[str, int]:
    """What a benchmark database of `size` holds (the environment may shrink it)."""
    if size not in SIZES:
        raise ValueError(f"size is one of {SIZES}, not {size!r}")
    crossings = _env_int(f"BENCH_CROSSINGS_{size.upper()}", 10_000_000 if size == "large" else 100_000)
    default_sales = 2_000_000 if size == "large" else 20_000
    return {
        "crossings": crossings,
        "days": max(1, min(MAX_DAYS, round(crossings / CROSSINGS_PER_DAY))),
        "merchants": _env_int("BENCH_MERCHANTS", 1_200),
        "shops": _env_int("BENCH_SHOPS", 5_000),
        "listings": _env_int("BENCH_LISTINGS", 50_000),
        "sales": _env_int(f"BENCH_SALES_{size.upper()}", default_sales),
    }


def _server_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def bench_database_url(size: str) -> str:
    """The URL of the benchmark database of `size`, without building it."""
    return with_database_name(_server_url(), f"horgos_bench_{size}")


def _marker(url: str) -> dict | None:
    """The marker of the database at `url`, or None when it is missing or holds none."""
    try:
        connection = psycopg2.connect(url)
    except psycopg2.OperationalError:
        return None
    with closing(connection), connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [MARKER_TABLE])
        if cursor.fetchone()[0] is None:
            return None
        cursor.execute(f"SELECT description FROM {MARKER_TABLE}")
        row = cursor.fetchone()
        return json.loads(row[0]) if row else None


def _wanted_marker(size: str) -> dict:
    return {"version": GENERATOR_VERSION, **bench_sizes(size)}


def bench_database(size: str) -> str:
    """The URL of the benchmark database of `size` ("large" or "small"), built first unless it is there already
    with the same sizes and generator version."""
    url = bench_database_url(size)
    wanted = _wanted_marker(size)
    found = _marker(url)
    if found and {key: found.get(key) for key in wanted} == wanted:
        return url
    build(size, url, wanted)
    return url


def bench_database_description(size: str) -> dict | None:
    """What the marker of the benchmark database of `size` says (sizes, counts, build seconds), if it is built."""
    return _marker(bench_database_url(size))


def _run(step: str, *command: str, env: dict) -> float:
    started = time.perf_counter()
    print(f"  {step}...", flush=True)
    subprocess.run([sys.executable, *command], cwd=ROOT, env=env, check=True)
    elapsed = time.perf_counter() - started
    print(f"  {step}: {elapsed:.1f} s", flush=True)
    return elapsed


def _vacuum(url: str) -> float:
    """VACUUM (ANALYZE) the whole database, as a database in service has been: bulk-loaded rows otherwise have their
    hint bits set and the visibility map filled by the benchmarks' first reads, and autovacuum may start mid-run."""
    started = time.perf_counter()
    print("  vacuum...", flush=True)
    connection = psycopg2.connect(url)
    connection.autocommit = True  # VACUUM cannot run inside a transaction
    with closing(connection), connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
    elapsed = time.perf_counter() - started
    print(f"  vacuum: {elapsed:.1f} s", flush=True)
    return elapsed


def build(size: str, url: str, wanted: dict) -> None:
    """Drop and build the benchmark database of `size` at `url`, then write its marker."""
    name = url.rsplit("/", 1)[1]
    print(f"building benchmark database {name}: {wanted}", flush=True)
    with closing(server_connection(_server_url())) as server, server.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        cursor.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "horgos.settings.test"}
    days, crossings = wanted["days"], wanted["crossings"]
    # Each visit is two crossings; weekends bring 1.3 times the visits of a weekday (about 1.086 on average).
    daily_visits = max(1, round(crossings / days / 2 / 1.086))
    # Enough travellers that those still inside leave room for every day's visitors.
    travellers = max(1_000, crossings // 20, daily_visits * 8)
    timings = {"migrate": _run("migrate", "manage.py", "migrate", "--no-input", "-v", "0", env=env)}
    timings["crossings"] = _run(
        "crossings_generate",
        "manage.py",
        "crossings_generate",
        *("--travellers", str(travellers), "--days", str(days), "--daily-visits", str(daily_visits)),
        *("--seed", "14"),
        env=env,
    )
    timings["trade"] = _run("trade data", "-m", "bench.trade_data", json.dumps(wanted), env=env)
    timings["statistics"] = _run("statistics fill", "-m", "bench.fill_statistics", env=env)
    timings["vacuum"] = _vacuum(url)
    with closing(psycopg2.connect(url)) as connection, connection.cursor() as cursor:
        counts = {}
        for table in ("crossings_crossing", "crossings_visit", "trade_sale", "merchants_listing"):
            cursor.execute(f"SELECT count(*) FROM {table}")
            counts[table] = cursor.fetchone()[0]
        description = {**wanted, "counts": counts, "build_seconds": {k: round(v, 1) for k, v in timings.items()}}
        cursor.execute(f"CREATE TABLE {MARKER_TABLE} (description text NOT NULL)")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (%s)", [json.dumps(description)])
        connection.commit()
    print(f"built {name} in {sum(timings.values()):.0f} s: {description}", flush=True)


if __name__ == "__main__":
    for requested in sys.argv[1:] or SIZES:
        print(bench_database(requested))
