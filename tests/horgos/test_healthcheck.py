"""The compose stack's web healthcheck asks gunicorn, running with production settings, as the proxy would."""

import subprocess
import sys
import urllib.error
import urllib.request

import pytest

from deploy.healthcheck import host_to_ask_for
from tests.horgos.gunicorn import ROOT, free_port, gunicorn_serving, production_env


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


@pytest.fixture
def production_gunicorn(transactional_db):
    """gunicorn serving the test database with the compose stack's settings."""
    env = production_env()
    with gunicorn_serving(env) as port:
        yield port, env


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
