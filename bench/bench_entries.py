"""Recording entries and exits through the API, side by side with the database's own limit, in one run.

A scratch database (bench/scratch.py) gets the zone's reference data (the checkpoints open round the clock, no
closures, so every entry takes the admitted path), BENCH_ENTRY_TRAVELLERS travellers with a passport and one officer
per client. gunicorn serves it with production settings (scripts/dev.py::deploy_env: DEBUG off, behind a proxy that
says X-Forwarded-Proto) and BENCH_ENTRY_WORKERS workers; BENCH_ENTRY_CLIENTS client threads post every traveller's
entry, then every exit, each with an Idempotency-Key and the officer's token, for BENCH_ENTRY_ROUNDS rounds. In the
same run the same number of clients insert single rows into a table shaped like crossings_crossing, one INSERT +
COMMIT each (psycopg2): the ratio of the two rates is the figure the target is about.

Also measured: p50/p99 of a request, the queries of one entry (in process, CaptureQueriesContext), the web workers'
CPU per crossing (utime + stime of the gunicorn workers from /proc, divided by the crossings) and their resident
memory after each round (must stay under 200 MB and not grow).

    BENCH_ENTRY_TRAVELLERS=3000 BENCH_ENTRY_ROUNDS=3 python bench/bench_entries.py
"""

import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from datetime import date
from datetime import time as clock_time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import report  # noqa: E402
from bench.scratch import scratch_database  # noqa: E402
from scripts.dev import deploy_env  # noqa: E402

TRAVELLERS = int(os.environ.get("BENCH_ENTRY_TRAVELLERS", "400"))
CLIENTS = int(os.environ.get("BENCH_ENTRY_CLIENTS", "8"))
WORKERS = int(os.environ.get("BENCH_ENTRY_WORKERS", "3"))
ROUNDS = int(os.environ.get("BENCH_ENTRY_ROUNDS", "2"))
HOST = "horgos.example.org"
TARGET_RATIO, TARGET_P99_MS, TARGET_QUERIES, TARGET_RSS_MB = 0.05, 50.0, 12, 200
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare() -> dict:
    """The zone, open round the clock, its travellers and one officer (with a token) per client."""
    from django.core.management import call_command

    from crossings.models import Checkpoint, Closure, Lane, OfficerAssignment, OpeningHours, TravelDocument
    from crossings.services.travellers import traveller_register
    from horgos.choices import Role
    from horgos.models import User
    from horgos.services import api_token_issue_personal

    call_command("migrate", verbosity=0)
    call_command("crossings_load_reference", verbosity=0)
    OpeningHours.objects.update(opens_at=clock_time(0), closes_at=clock_time(0))
    Closure.objects.all().delete()
    checkpoint = Checkpoint.objects.get(code="CN")
    registrar = User.objects.create(username="bench.registrar", role=Role.ADMINISTRATOR)
    for number in range(TRAVELLERS + 1):
        traveller_register(family_name=f"Benchova{number}", given_names="Aigul", nationality="KZ",
                           birth_date=date(1990, 1, 1), sex="F", document_type="passport",
                           document_number=f"N{number:07d}", document_issuing_country="KZ",
                           document_valid_until=date(2035, 1, 1), acting_user=registrar)  # fmt: skip
    tokens = []
    for client in range(CLIENTS):
        officer = User.objects.create(username=f"bench.officer{client}", role=Role.OFFICER)
        OfficerAssignment.objects.create(officer=officer, checkpoint=checkpoint)
        tokens.append(api_token_issue_personal(user=officer, acting_user=officer).secret)
    lanes = {lane.code: lane.pk for lane in Lane.objects.filter(checkpoint=checkpoint, code__in=["E-F01", "X-F01"])}
    documents = [f"N{number:07d}" for number in range(TRAVELLERS + 1)]
    assert TravelDocument.objects.count() == len(documents)
    return {"tokens": tokens, "entry_lane": lanes["E-F01"], "exit_lane": lanes["X-F01"], "documents": documents}


def body(number: str, lane: int) -> bytes:
    return json.dumps(
        {"document": {"document_type": "passport", "issuing_country": "KZ", "number": number}, "lane": lane}
    ).encode()


def queries_of_one_entry(setup: dict) -> int:
    """The statements one entry sends (transaction control aside), recorded in process with the reference data
    cached: the test client, the same code gunicorn runs."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client(HTTP_AUTHORIZATION=f"Token {setup['tokens'][0]}", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    last = setup["documents"][-1]

    def post(path, lane, key):
        return client.post(path, body(last, lane), content_type="application/json", HTTP_IDEMPOTENCY_KEY=key)

    post("/api/v1/crossings/entry/", setup["entry_lane"], "queries-warm")  # reference data cached from here on
    post("/api/v1/crossings/exit/", setup["exit_lane"], "queries-warm")
    with CaptureQueriesContext(connection) as captured:
        response = post("/api/v1/crossings/entry/", setup["entry_lane"], "queries-count")
    assert response.status_code == 201 and response.json()["outcome"] == "admitted", response.content
    control = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")
    return sum(1 for query in captured.captured_queries if not query["sql"].startswith(control))


def profile_in_process(setup: dict) -> None:
    """BENCH_ENTRY_PROFILE=1: where an entry and an exit spend the web process's time (cProfile, in process)."""
    import cProfile
    import pstats

    from django.test import Client

    client = Client(HTTP_AUTHORIZATION=f"Token {setup['tokens'][0]}", HTTP_HOST=HOST, HTTP_X_FORWARDED_PROTO="https")
    profiler = cProfile.Profile()
    profiler.enable()
    for number in setup["documents"][:100]:
        for path, lane in (("entry", setup["entry_lane"]), ("exit", setup["exit_lane"])):
            client.post(f"/api/v1/crossings/{path}/", body(number, lane), content_type="application/json",
                        HTTP_IDEMPOTENCY_KEY=f"profile-{path}-{number}")  # fmt: skip
    profiler.disable()
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)


def start_gunicorn(env: dict, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "horgos.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(WORKERS), "--no-control-socket"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    deadline = time.monotonic() + 90
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/healthz", headers={"Host": HOST, "X-Forwarded-Proto": "https"}
    )
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(request, timeout=10)
            if len(worker_pids(server.pid)) == WORKERS:
                return server
        except urllib.error.HTTPError:
            return server
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("gunicorn did not answer")


def worker_pids(master: int) -> list[int]:
    children = Path(f"/proc/{master}/task/{master}/children")
    return [int(pid) for pid in children.read_text().split()] if children.exists() else []


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return total / CLOCK_TICKS


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def post_all(port: int, setup: dict, path: str, lane: int, round_number: int) -> tuple[float, list[float]]:
    """Every traveller's crossing through `path`, from CLIENTS threads: (seconds, latencies in ms)."""
    documents = setup["documents"][:TRAVELLERS]
    latencies: list[float] = []
    failures: list[str] = []
    lock = threading.Lock()

    def client(index: int) -> None:
        mine = []
        headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Content-Type": "application/json",
                   "Authorization": f"Token {setup['tokens'][index]}"}  # fmt: skip
        for number in documents[index::CLIENTS]:
            request = urllib.request.Request(
                f"http://127.0.0.1:{port}{path}",
                data=body(number, lane),
                headers={**headers, "Idempotency-Key": f"{path}-{round_number}-{number}"},
                method="POST",
            )
            started = time.perf_counter()
            try:
                with urllib.request.urlopen(request, timeout=30) as response:
                    answer = json.loads(response.read())
                if answer.get("outcome") != "admitted":
                    failures.append(f"{number}: {answer.get('refusal_reason')}")
            except urllib.error.HTTPError as error:
                failures.append(f"{number}: HTTP {error.code} {error.read()[:200]!r}")
            mine.append((time.perf_counter() - started) * 1000)
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client, args=(index,)) for index in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"{len(failures)} crossings not admitted, e.g. {failures[:3]}")
    return elapsed, latencies


def raw_inserts(database_url: str, rows: int) -> float:
    """Rows per second of single-row INSERT + COMMIT into a table shaped like crossings_crossing, CLIENTS at once."""
    import environ
    import psycopg2

    config = environ.Env.db_url_config(database_url)
    parameters = {"dbname": config["NAME"], "user": config["USER"], "password": config["PASSWORD"] or None,
                  "host": config["HOST"] or None, "port": config["PORT"] or None}  # fmt: skip
    parameters = {key: value for key, value in parameters.items() if value}
    with psycopg2.connect(**parameters) as setup, setup.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_raw_crossing")
        cursor.execute("CREATE TABLE bench_raw_crossing (LIKE crossings_crossing INCLUDING ALL)")
        cursor.execute("SELECT traveller_id, document_id, lane_id, officer_id FROM crossings_crossing LIMIT 1")
        traveller, document, lane, officer = cursor.fetchone()
    statement = (
        "INSERT INTO bench_raw_crossing (kind, traveller_id, document_id, lane_id, officer_id, direction, occurred_at,"
        " local_date, recorded_at, outcome, refusal_reason, correction_reason)"
        " VALUES ('record', %s, %s, %s, %s, 'entry', now(), current_date, now(), 'admitted', '', '')"
    )

    def client(count: int) -> None:
        connection = psycopg2.connect(**parameters)
        with connection.cursor() as cursor:
            for _ in range(count):
                cursor.execute(statement, [traveller, document, lane, officer])
                connection.commit()
        connection.close()

    threads = [threading.Thread(target=client, args=(rows // CLIENTS,)) for _ in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return (rows // CLIENTS * CLIENTS) / (time.perf_counter() - started)


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    os.environ.update(deploy_env(dict(os.environ)))
    os.environ.update(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https", ALLOWED_HOSTS=f"{HOST},testserver")
    # Per-user throttling (600 a minute) guards against a runaway client; each client here posts as fast as the
    # server answers, a lane's whole day compressed, and would meet it long before the database's limits.
    os.environ.update(API_USER_THROTTLE="1000000/minute")
    with scratch_database(f"horgos_bench_entries_{os.getpid()}"):
        import django

        django.setup()
        from django.db import connection

        print(f"entries benchmark: {TRAVELLERS} travellers, {CLIENTS} clients, {WORKERS} gunicorn workers, "
              f"{ROUNDS} rounds of an entry and an exit each", flush=True)  # fmt: skip
        setup = prepare()
        queries = queries_of_one_entry(setup)
        if os.environ.get("BENCH_ENTRY_PROFILE"):
            profile_in_process(setup)
        connection.close()
        port = free_port()
        server = start_gunicorn(dict(os.environ), port)
        try:
            workers = worker_pids(server.pid)
            latencies, seconds, crossings, rss = [], 0.0, 0, []
            cpu_before = cpu_seconds(workers)
            for round_number in range(1, ROUNDS + 1):
                for path, lane in (("/api/v1/crossings/entry/", setup["entry_lane"]),
                                   ("/api/v1/crossings/exit/", setup["exit_lane"])):  # fmt: skip
                    elapsed, measured = post_all(port, setup, path, lane, round_number)
                    seconds += elapsed
                    crossings += len(measured)
                    latencies.extend(measured)
                rss.append(max(rss_mb(pid) for pid in workers))
                print(f"  round {round_number}: worker RSS (largest) {rss[-1]:.0f} MB", flush=True)
            cpu_ms = (cpu_seconds(workers) - cpu_before) * 1000 / crossings
        finally:
            server.terminate()
            server.wait(timeout=30)
        raw_rate = raw_inserts(os.environ["DATABASE_URL"], crossings)
    rate = crossings / seconds
    ratio = rate / raw_rate
    p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
    report(
        measure="recording entries and exits through the API",
        figures=f"{rate:,.0f} crossings/s vs raw INSERT+COMMIT {raw_rate:,.0f} rows/s ({CLIENTS} clients each); "
        f"p50 {p50:.1f} ms, p99 {p99:.1f} ms; {queries} queries per entry; web CPU {cpu_ms:.1f} ms per crossing",
        ratio=f"{ratio:.3f} of raw",
        target=f"≥ {TARGET_RATIO} of raw; p99 < {TARGET_P99_MS:.0f} ms; ≤ {TARGET_QUERIES} queries",
        met=ratio >= TARGET_RATIO and p99 < TARGET_P99_MS and queries <= TARGET_QUERIES,
    )
    growth = rss[-1] - rss[0]
    report(
        measure="web worker memory after the API run",
        figures=", ".join(f"round {number}: {value:.0f} MB" for number, value in enumerate(rss, 1)),
        ratio=f"{growth:+.1f} MB from the first round to the last",
        target=f"< {TARGET_RSS_MB} MB, not growing between rounds",
        met=max(rss) < TARGET_RSS_MB and growth < 5,
    )


if __name__ == "__main__":
    main()
