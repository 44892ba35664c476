"""Request latency of the foundation's hot paths, in-process through Django's test client.

Prints p50/p95 in milliseconds and requests per second for the health probe, an authenticated API
read, the public landing page and a signed-in home page. Run by `make bench` against the development
database (migrated first); later issues add their own benchmarks beside this one.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")

import django

django.setup()

from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from rest_framework.test import APIClient  # noqa: E402

from bench.harness import report  # noqa: E402
from horgos.choices import Role  # noqa: E402
from horgos.models import User  # noqa: E402
from horgos.services import api_token_issue_personal  # noqa: E402

ROUNDS = int(os.environ.get("BENCH_ROUNDS", "300"))


def measure(name: str, request) -> None:
    for _ in range(20):  # warm-up: connections, caches, imports
        request()
    timings = []
    started = time.perf_counter()
    for _ in range(ROUNDS):
        t0 = time.perf_counter()
        response = request()
        timings.append((time.perf_counter() - t0) * 1000)
        assert response.status_code < 400, (name, response.status_code)
    elapsed = time.perf_counter() - started
    p50, p95 = statistics.median(timings), statistics.quantiles(timings, n=20)[18]
    report(
        measure=f"foundation: {name}",
        figures=f"p50 {p50:.2f} ms, p95 {p95:.2f} ms, {ROUNDS / elapsed:,.0f} requests/s ({ROUNDS} requests)",
        ratio="",
        target="p95 < 200 ms",
        met=p95 < 200,
    )


def main() -> None:
    setup_test_environment()
    user, _ = User.objects.get_or_create(username="bench.officer", defaults={"role": Role.OFFICER})
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {api_token_issue_personal(user=user, acting_user=user).secret}")
    browser = Client()
    browser.force_login(user)
    anonymous = Client()
    print(f"foundation benchmark, {ROUNDS} requests each")
    measure("GET /healthz (database + broker)", lambda: client.get("/healthz"))
    measure("GET /api/v1/me/ (token auth)", lambda: client.get("/api/v1/me/"))
    measure("GET / (anonymous landing page)", lambda: anonymous.get("/"))
    measure("GET /home/ (signed-in officer)", lambda: browser.get("/home/"))


if __name__ == "__main__":
    main()
