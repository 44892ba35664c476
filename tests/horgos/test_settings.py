"""Settings come from the environment; each case loads them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from horgos.encryption import KEYS_MISSING
from horgos.secrets import SECRET_KEY_MISSING
from scripts.dev import development_env

ROOT = Path(__file__).resolve().parents[2]
PRINT_SETTINGS = (
    "import json, django; django.setup(); from django.conf import settings as s; "
    "print(json.dumps({'debug': s.DEBUG, 'tz': s.TIME_ZONE, 'db': s.DATABASES['default']['NAME'], "
    "'host': s.DATABASES['default']['HOST'], 'broker': s.CELERY_BROKER_URL, 'hosts': s.ALLOWED_HOSTS, "
    "'ssl': s.SECURE_SSL_REDIRECT, 'hsts': s.SECURE_HSTS_SECONDS, "
    "'conn_max_age': s.DATABASES['default']['CONN_MAX_AGE']}))"
)


def load_settings(*, base_env: dict[str, str] | None = None, **variables: str) -> subprocess.CompletedProcess:
    """The base settings loaded with `variables` on top of `base_env` (by default this process's
    environment without the variables whose defaults the tests check)."""
    if base_env is None:
        ignored = {"DEBUG", "SECRET_KEY", "TIME_ZONE", "DATABASE_CONN_MAX_AGE"}
        base_env = {key: value for key, value in os.environ.items() if key not in ignored}
    env = {**base_env, "DJANGO_SETTINGS_MODULE": "horgos.settings.base", **variables}
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )


def test_settings_are_read_from_the_environment():
    result = load_settings(
        SECRET_KEY="s" * 60,
        DATABASE_URL="postgres://horgos:pw@db.internal:5432/zone",
        REDIS_URL="redis://cache.internal:6379/2",
        TIME_ZONE="Asia/Almaty",
        ALLOWED_HOSTS="horgos.example.org,www.horgos.example.org",
    )
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["db"] == "zone"
    assert loaded["host"] == "db.internal"
    assert loaded["tz"] == "Asia/Almaty"
    assert loaded["broker"] == "redis://cache.internal:6379/2"
    assert loaded["hosts"] == ["horgos.example.org", "www.horgos.example.org"]
    assert loaded["debug"] is False
    # production defaults: HTTPS on
    assert loaded["ssl"] is True
    assert loaded["hsts"] == 31536000
    assert loaded["conn_max_age"] == 60


def test_defaults_are_asia_shanghai_and_redis_socket_becomes_a_celery_url():
    result = load_settings(DEBUG="true", REDIS_URL="unix:///tmp/horgos/redis.sock?db=0")
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["tz"] == "Asia/Shanghai"
    assert loaded["broker"] == "redis+socket:///tmp/horgos/redis.sock?db=0"


@pytest.mark.parametrize("url", ["sqlite:///horgos.db", "mysql://root@127.0.0.1/horgos"])
def test_anything_but_postgresql_is_refused(url):
    result = load_settings(DEBUG="true", DATABASE_URL=url)
    assert result.returncode != 0
    assert "DATABASE_URL must name a PostgreSQL database" in result.stderr


@pytest.mark.parametrize(
    ("missing", "message", "check"),
    [
        ("SECRET_KEY", SECRET_KEY_MISSING, "horgos.E002"),
        ("FIELD_ENCRYPTION_KEYS", KEYS_MISSING, "horgos.E001"),
        ("BLIND_INDEX_KEY", KEYS_MISSING, "horgos.E001"),
    ],
)
def test_production_without_a_secret_is_refused_but_the_image_builds(missing, message, check):
    secrets = {
        "SECRET_KEY": "s" * 60,
        "FIELD_ENCRYPTION_KEYS": "aG9yZ29zLXRlc3Qtb25seS1maWVsZC1rZXktMDAwMDE=",
        "BLIND_INDEX_KEY": "k" * 40,
    }
    production = {"DEBUG": "false", **secrets, missing: ""}
    # The settings load, so that the image builds (collectstatic, compilemessages) without any secret
    assert load_settings(**production).returncode == 0
    # But the web process, a Celery worker and the system checks (migrate, runserver, check) refuse to start
    web = run_python("import horgos.wsgi", **production)
    assert web.returncode != 0 and message in web.stderr
    worker = run_python("from horgos.celery import refuse_to_work_without_the_secrets as check; check()", **production)
    assert worker.returncode != 0 and message in worker.stderr
    checks = run_python("import django; django.setup(); from django.core.management import call_command; "
                        "call_command('check')", **production)  # fmt: skip
    assert checks.returncode != 0 and check in checks.stderr
    # With DEBUG on, a developer's machine has fixed keys of its own
    assert run_python("import horgos.wsgi", **{**production, "DEBUG": "true"}).returncode == 0


def run_python(code: str, **variables: str) -> subprocess.CompletedProcess:
    """`code` in a fresh interpreter with the base settings and `variables` on top of this process's environment."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "horgos.settings.base", **variables}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, check=False)


def test_private_uploads_inside_the_public_media_root_are_refused(tmp_path):
    result = load_settings(
        DEBUG="true", MEDIA_ROOT=str(tmp_path / "media"), PRIVATE_MEDIA_ROOT=str(tmp_path / "media" / "private")
    )
    assert result.returncode != 0
    assert "PRIVATE_MEDIA_ROOT must lie outside MEDIA_ROOT" in result.stderr


SERVE_MEDIA = (
    "import django; django.setup(); from django.test.utils import setup_test_environment; setup_test_environment(); "
    "from django.test import Client; client = Client(); "
    "print(client.get('/media/listings/tea.jpg').status_code, client.get('/media/a.csv').status_code)"
)


def test_development_server_serves_public_uploads_and_never_private_ones(tmp_path):
    # Given DEBUG on (make run), a photo under MEDIA_ROOT and an import file under PRIVATE_MEDIA_ROOT
    (tmp_path / "media" / "listings").mkdir(parents=True)
    (tmp_path / "media" / "listings" / "tea.jpg").write_bytes(b"\xff\xd8\xff\xe0 a photo")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "a.csv").write_text("shop,title_en\n")
    env = {key: value for key, value in os.environ.items() if key not in {"DEBUG", "SECRET_KEY"}}
    env.update(
        DJANGO_SETTINGS_MODULE="horgos.settings.base",
        DEBUG="true",
        MEDIA_ROOT=str(tmp_path / "media"),
        PRIVATE_MEDIA_ROOT=str(tmp_path / "private"),
    )
    # When both are asked for under /media/
    result = subprocess.run(
        [sys.executable, "-c", SERVE_MEDIA], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    # Then the photo is served and the import file is not
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["200", "404"]


def test_the_development_server_keeps_no_database_connection_between_requests(monkeypatch):
    # Given the environment `make run` gives runserver, even with a .env asking for persistent connections
    monkeypatch.setenv("DATABASE_CONN_MAX_AGE", "600")
    monkeypatch.delenv("DEBUG", raising=False)
    env = development_env({"DATABASE_URL": "postgres://postgres@127.0.0.1:5432/horgos"})
    assert env["DEBUG"] == "true"
    # When the settings load in it, then every request closes the connection it opened
    result = load_settings(base_env=env)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["conn_max_age"] == 0


def test_debug_on_defaults_to_no_persistent_connections():
    result = load_settings(DEBUG="true")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["conn_max_age"] == 0


@pytest.mark.parametrize(
    ("redis_url", "worker", "expected"),
    [
        ("redis://127.0.0.1:6379/1", "gw0", "redis://127.0.0.1:6379/2"),
        ("redis://127.0.0.1:6379/1", "gw1", "redis://127.0.0.1:6379/3"),
        ("redis://127.0.0.1:6379", "gw0", "redis://127.0.0.1:6379/1"),
        ("unix:///work/var/redis/redis.sock?db=0", "gw1", "unix:///work/var/redis/redis.sock?db=2"),
    ],
)
def test_each_parallel_test_worker_gets_a_redis_database_of_its_own(redis_url, worker, expected):
    # Each test empties the cache (FLUSHDB): two workers sharing a database would empty each other's
    from horgos.settings.test import redis_url_of_worker

    assert redis_url_of_worker(redis_url, worker) == expected
