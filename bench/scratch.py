"""A scratch database for a benchmark: created on the server DATABASE_URL names, dropped afterwards,
so the development database stays exactly as it was (a rolled-back transaction would still leave
its id sequences advanced)."""

import os
import urllib.parse
from collections.abc import Iterator
from contextlib import closing, contextmanager

import environ
import psycopg2

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/horgos"  # as horgos.settings.base


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


@contextmanager
def scratch_database(name: str) -> Iterator[None]:
    """Point DATABASE_URL at a new empty database for the duration of the block."""
    url = os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL
    with closing(server_connection(url)) as server, server.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{name}"')
        try:
            os.environ["DATABASE_URL"] = with_database_name(url, name)
            yield
        finally:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
