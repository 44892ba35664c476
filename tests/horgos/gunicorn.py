"""gunicorn serving the test database with production settings, for tests that ask the site as a client would."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.db import connection

from scripts.dev import deploy_env

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_env(**overrides: str) -> dict[str, str]:
    """The compose stack's settings (DEBUG off, HTTPS redirect on, a real host name, behind a proxy that says
    X-Forwarded-Proto) against the test database and the test's Redis."""
    database = connection.settings_dict
    env = deploy_env(dict(os.environ))
    env.update(
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
        **overrides,
    )
    return env


@contextmanager
def gunicorn_serving(env: dict[str, str], *, workers: int = 1) -> Iterator[int]:
    """A gunicorn process serving horgos with `env`; yields its port once it answers HTTP."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "horgos.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", str(workers), "--no-control-socket"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        # Ready once it answers HTTP: the port opens before the worker has loaded the application, and on a busy
        # machine that loading takes several seconds.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10)
                break
            except urllib.error.HTTPError:
                break
            except OSError:
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=15)
