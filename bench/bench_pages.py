"""The pages at the zone's scale: p95 of 200 requests each, at a large history against a small one, in one run.

How: in-process, Django's test client through the whole middleware stack, with `horgos.settings.test` (DEBUG off
as in production, the same middleware, Redis cache and PostgreSQL; only password hashing, static file storage and
HTTPS redirects differ, none of which a page request touches). One child process per database, so that each has
its own settings; the parent compares.

Databases: the benchmark databases of bench/data.py (10 million crossings against 100,000, statistics filled, 50,000
listings in four languages each), built first when missing; BENCH_DATABASE_URL_LARGE and BENCH_DATABASE_URL_SMALL
name others.

Pages: the lane desk and its live panel (as an officer), inside the zone, overstays, the statistics page and the
annual report (as an administrator), the public traffic page, and the catalogue searched with words in four
languages and one- and two-character Chinese queries (anonymous). Target: p95 < 200 ms, large within 1.5x small.

The statistics page and the annual report are read from the cache while the statistics stand; the nightly run
computes them afresh into it as its last step. That step is measured first (the statistics said changed, then
`statistics_figures_warm`), so the pages then read what the night left, as in service.
"""

import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")

from bench.harness import report

REQUESTS = int(os.environ.get("BENCH_PAGE_REQUESTS", "200"))
WARM_UP = 5
TARGET_MS = 200
TARGET_RATIO = 1.5
# Words of the products both the benchmark databases (bench/trade_data.py) and bench_catalogue.py list.
CATALOGUE_QUERIES = {
    "Russian word": "сапоги",
    "Kazakh word": "етік",
    "English word": "boots",
    "Chinese word (3 characters)": "巧克力",
    "Chinese, one character": "茶",
    "Chinese, two characters": "绿茶",
}


def pages() -> list[tuple[str, str, str, dict]]:
    """(name, who, path, query) of every page measured."""
    rows = [
        ("lane desk", "officer", "/crossings/desk/", {}),
        ("live panel", "officer", "/crossings/desk/live/", {}),
        ("inside the zone", "administrator", "/crossings/inside/", {}),
        ("overstays", "administrator", "/crossings/overstays/", {}),
        ("statistics page", "administrator", "/crossings/statistics/", {}),
        ("annual report page", "administrator", "/crossings/reports/{year}/", {}),
        ("public traffic page", "anonymous", "/crossings/traffic/", {}),
    ]
    rows += [(f"catalogue: {name}", "anonymous", "/catalogue/", {"q": q}) for name, q in CATALOGUE_QUERIES.items()]
    return rows


def users():
    """An administrator and an officer assigned to a checkpoint with a lane chosen, created when missing."""
    from crossings.models import Checkpoint, Lane, OfficerAssignment
    from horgos.choices import Role
    from horgos.models import User

    administrator, _ = User.objects.get_or_create(
        username="bench.pages.administrator", defaults={"role": Role.ADMINISTRATOR}
    )
    officer, _ = User.objects.get_or_create(username="bench.pages.officer", defaults={"role": Role.OFFICER})
    checkpoint = Checkpoint.objects.order_by("code").first()
    OfficerAssignment.objects.get_or_create(officer=officer, defaults={"checkpoint": checkpoint})
    lane = Lane.objects.filter(checkpoint=checkpoint).order_by("pk").first()
    return administrator, officer, lane


def measure() -> dict:
    """p50 and p95 in ms of every page, and the seconds the nightly run spends computing the figures of the
    statistics page and the annual report, against the database DATABASE_URL names."""
    import django

    django.setup()
    from django.test import Client
    from django.test.utils import setup_test_environment

    from crossings.selectors.figures import last_filled_day, statistics_changed
    from crossings.services.statistics import statistics_figures_warm

    setup_test_environment()
    statistics_changed()
    started = time.perf_counter()
    warmed = statistics_figures_warm()
    figures = {"seconds": time.perf_counter() - started, "warmed": warmed}
    print(f"  figures computed afresh: {warmed} in {figures['seconds']:.1f} s", file=sys.stderr, flush=True)
    administrator, officer, lane = users()
    clients = {"anonymous": Client(), "administrator": Client(), "officer": Client()}
    clients["administrator"].force_login(administrator)
    clients["officer"].force_login(officer)
    if lane is not None:
        clients["officer"].post("/crossings/desk/lane/", {"lane": lane.pk})
    last = last_filled_day()
    year = last.year if last else time.gmtime().tm_year
    results = {}
    for name, who, path, query in pages():
        client, url = clients[who], path.format(year=year)
        for _ in range(WARM_UP):
            client.get(url, query)
        timings = []
        for _ in range(REQUESTS):
            started = time.perf_counter()
            response = client.get(url, query)
            timings.append((time.perf_counter() - started) * 1000)
            assert response.status_code < 400, (name, response.status_code)
        results[name] = {
            "p50": statistics.median(timings),
            "p95": statistics.quantiles(timings, n=20)[18],
            "status": response.status_code,
            "rows": rows_shown(response),
        }
        print(f"  {name:<40} p95 {results[name]['p95']:7.1f} ms", file=sys.stderr, flush=True)
    return {"pages": results, "figures": figures}


def rows_shown(response) -> int | None:
    """The rows of the page's table (a list page's), None for a page without one: a list's cost is its rows."""
    table = (response.context or {}).get("table")
    page = getattr(table, "page", None)
    return len(page.object_list) if page is not None else None


def measured_in_child(url: str) -> dict:
    environment = {**os.environ, "DATABASE_URL": url}
    print(f"pages: measuring {REQUESTS} requests each against {url.rsplit('/', 1)[-1]}", flush=True)
    output = subprocess.run(
        [sys.executable, __file__, "--measure"], env=environment, check=True, stdout=subprocess.PIPE, text=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def compare(large: dict, small: dict, label: str) -> None:
    big, little = large["figures"], small["figures"]
    report(
        measure="statistics page and annual report figures, computed afresh (the nightly run's last step)",
        figures=f"{big['warmed']} pages' figures (the zone's and each checkpoint's) in {big['seconds']:.1f} s at "
        f"{label} vs {little['seconds']:.1f} s small",
        ratio=f"{big['seconds'] / little['seconds']:.1f}x small" if little["seconds"] else "",
        target="(figures only: once a night, not per request)",
        met=True,
    )
    for name in large["pages"]:
        big, little = large["pages"][name], small["pages"][name]
        ratio = big["p95"] / little["p95"] if little["p95"] else float("inf")
        report(
            measure=f"page: {name}",
            figures=f"p95 {big['p95']:.0f} ms at {label} (p50 {big['p50']:.0f}) vs {little['p95']:.0f} ms small "
            f"(p50 {little['p50']:.0f}){rows_compared(big, little)}; {REQUESTS} requests each, in-process test client",
            ratio=f"{ratio:.2f}x small",
            target=f"p95 < {TARGET_MS} ms; large within {TARGET_RATIO}x small",
            met=big["p95"] < TARGET_MS and ratio <= TARGET_RATIO,
        )


def rows_compared(big: dict, little: dict) -> str:
    """ ", 50 rows shown vs 3" for a list page, "" for another: a list short of a page at the small history (no
    overstays in its 11 days) is cheaper for that alone."""
    if big.get("rows") is None:
        return ""
    return f", {big['rows']} rows shown vs {little['rows']}"


def main() -> None:
    if "--measure" in sys.argv:
        print(json.dumps(measure()))
        return
    from bench.data import bench_database, bench_database_description

    large_url = os.environ.get("BENCH_DATABASE_URL_LARGE") or bench_database("large")
    small_url = os.environ.get("BENCH_DATABASE_URL_SMALL") or bench_database("small")
    described = bench_database_description("large") if "BENCH_DATABASE_URL_LARGE" not in os.environ else None
    label = f"{described['counts']['crossings_crossing']:,} crossings" if described else "large"
    compare(measured_in_child(large_url), measured_in_child(small_url), label)


if __name__ == "__main__":
    main()
