"""Reads that may go to a read replica (DESIGN.md section 7): reports, statistics pages and exports.

With `DATABASE_REPLICA_URL` set, the settings add a `replica` database alias and name it in `READ_REPLICA_ALIAS`.
Code that may read slightly old data marks itself with `reads_from_replica` (a decorator for views and a context
manager for tasks); only reads inside it go to the replica. Everything else reads from the primary, as do writes
always, and so does any read inside a transaction on the primary: a transaction that writes must see its own rows
and lock the real ones. Without the variable, `READ_REPLICA_ALIAS` is empty and everything uses `default`.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

_replica_reads: ContextVar[bool] = ContextVar("replica_reads", default=False)


@contextmanager
def reads_from_replica() -> Iterator[None]:
    """Within the block (or the decorated function: `@reads_from_replica()`), reads outside a transaction go to the
    read replica if one is configured. Nested uses are fine; leaving restores what was before."""
    token = _replica_reads.set(True)
    try:
        yield
    finally:
        _replica_reads.reset(token)


def replica_alias() -> str | None:
    """The alias reads would go to now, or None when they stay on the primary."""
    alias = getattr(settings, "READ_REPLICA_ALIAS", "")
    if not alias or not _replica_reads.get():
        return None
    if connections[DEFAULT_DB_ALIAS].in_atomic_block:
        return None  # inside a transaction on the primary: read what it wrote and what it locked
    return alias


class ReadReplicaRouter:
    """Reads marked with `reads_from_replica` go to the replica; the rest, writes and migrations, to the primary."""

    def db_for_read(self, model, **hints):
        return replica_alias() or DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema by replication
