"""Figures kept in the shared cache (Redis) until what they are computed from changes.

Whatever a figure is computed from has a version named in the shared cache. Its writers rename that version when
their change commits (`version_rename`, from `transaction.on_commit`), and readers keep a figure under the versions
current when they read it (`kept_under_versions`): after a change, readers compute afresh, and what was kept before
is never read again (it expires). A version is renamed only after the commit, so nobody keeps a figure computed from
data older than the version it is kept under. When the shared cache is out of reach, figures are computed each time.
"""

import uuid
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


def version_rename(name: str) -> None:
    """What the version `name` stands for has changed (and committed): figures kept under it are no longer read."""
    cache.set(name, uuid.uuid4().hex, None)


def current_version(name: str) -> str | None:
    """The version `name` stands at (the first reader names one when none is named); None when the shared cache is
    out of reach, and then nothing kept under it may be trusted."""
    version = cache.get(name)
    if version is None:
        cache.add(name, uuid.uuid4().hex, None)
        version = cache.get(name)
    return version


def _current_versions(names: Sequence[str]) -> list[str] | None:
    found = cache.get_many(names)  # one round trip for all of them, as a rule
    versions = [found.get(name) or current_version(name) for name in names]
    return None if None in versions else versions


def kept_under_versions(names: Sequence[str], key: str, compute: Callable[[], T], *, seconds: int) -> T:
    """What `compute()` returns (never None), kept in the shared cache for `seconds` under `key` and the current
    versions `names`; computed each time when the shared cache is out of reach."""
    versions = _current_versions(names)
    if versions is None:
        return compute()
    versioned_key = ":".join([key, *versions])
    value = cache.get(versioned_key)
    if value is None:
        value = compute()
        cache.set(versioned_key, value, seconds)
    return value
