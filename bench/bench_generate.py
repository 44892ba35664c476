"""How fast crossings_generate writes a history of about a million crossings with COPY.

Runs on a scratch database created on the server that DATABASE_URL names, migrated first and dropped at
the end, so the development database stays exactly as it was: a rolled-back transaction would still
leave its id sequences advanced. Prints the crossings created, the elapsed seconds and crossings per
second. Run by `make bench` beside the other benchmarks.
"""

import os
import sys
import time
import urllib.parse
from contextlib import closing
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")

import environ
import psycopg2

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/horgos"  # as horgos.settings.base
SCRATCH_DATABASE = f"horgos_bench_generate_{os.getpid()}"
# 100,000 travellers making about 10,000 visits a day for 50 days: about a million crossings.
ARGUMENTS = ["--travellers", "100000", "--days", "50", "--seed", "1", "--end", "2026-03-31"]


def server_connection(url: str):
    """A connection to the server's maintenance database, autocommitting (CREATE/DROP DATABASE need that)."""
    config = environ.Env.db_url_config(url)
    parameters = {"dbname": "postgres", "user": config["USER"], "password": config["PASSWORD"]}
    parameters["host"] = config.get("OPTIONS", {}).get("host") or config["HOST"] or None
    parameters["port"] = config["PORT"] or None
    connection = psycopg2.connect(**{key: value for key, value in parameters.items() if value})
    connection.autocommit = True
    return connection


def with_database_name(url: str, name: str) -> str:
    parts = urllib.parse.urlsplit(url)
    return urllib.parse.urlunsplit(parts._replace(path=f"/{name}"))


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
    print(f"{created:,} crossings in {elapsed:.1f} s   {created / elapsed:,.0f} crossings/s")
    connections.close_all()


def main() -> None:
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    with closing(server_connection(url)) as server, server.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{SCRATCH_DATABASE}"')
        try:
            os.environ["DATABASE_URL"] = with_database_name(url, SCRATCH_DATABASE)
            measure()
        finally:
            cursor.execute(f'DROP DATABASE IF EXISTS "{SCRATCH_DATABASE}" WITH (FORCE)')


if __name__ == "__main__":
    main()
