"""The compose stack's web healthcheck asks gunicorn, running with production settings, as the proxy would."""

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from django.db import connection

from deploy.healthcheck import host_to_ask_for
from scripts.dev import deploy_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("allowed_hosts", "host"),
    [
        ("horgos.example.org", "horgos.example.org"),
        ("*,zone.example.org", "zone.example.org"),
        (".example.org", "example.org"),
        ("", "localhost"),
        ("*", "localhost"),
    ],
)
def test_the_healthcheck_asks_for_a_host_the_site_allows(allowed_hosts, host):
    assert host_to_ask_for(allowed_hosts) == host


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def production_gunicorn(transactional_db):
    """gunicorn serving the test database with the compose stack's settings: DEBUG off, HTTPS redirect on,
    a real host name, behind a proxy that says X-Forwarded-Proto."""
    database = connection.settings_dict
    port = free_port()
    env = deploy_env(dict(os.environ))
    env.update(
        DATABASE_URL=f"postgres://{database['USER']}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}"
        f"/{database['NAME']}",
        SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https",
    )
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "horgos.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1", "--no-control-socket"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
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
    yield port, env
    server.terminate()
    server.wait(timeout=15)


def test_the_web_healthcheck_passes_against_production_settings(production_gunicorn):
    port, env = production_gunicorn
    url = f"http://127.0.0.1:{port}/healthz"
    # A bare request, as the compose file used to make, is refused: wrong host, and plain HTTP is redirected
    with pytest.raises(urllib.error.HTTPError) as bare:
        urllib.request.urlopen(url, timeout=5)
    assert bare.value.code in (301, 400)
    # The healthcheck script asks as the proxy would, and the site answers healthy
    result = subprocess.run(
        [sys.executable, "deploy/healthcheck.py", url], cwd=ROOT, env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr


def test_the_healthcheck_fails_with_the_reason_when_nothing_answers():
    result = subprocess.run(
        [sys.executable, "deploy/healthcheck.py", f"http://127.0.0.1:{free_port()}/healthz"],
        cwd=ROOT, capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 1
    assert "unhealthy" in result.stderr
