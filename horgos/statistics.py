"""What every app's statistics fill shares: one run at a time per key, which local days to fill, and the fill state
that only moves forward. Each app keeps its own tables, counting rules and dirty-day rows."""

from collections.abc import Iterable
from datetime import date, timedelta

from django.db import connection, models


def lock_until_commit(first_key: int, second_key: int) -> None:
    """A transaction-level advisory lock: a second run for the same keys waits here until the first commits."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [first_key, second_key])


def days_between(first: date, last: date) -> list[date]:
    """Every day from `first` to `last`, both included (none when `last` comes first)."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def days_to_fill(*, last_filled: date | None, earliest: date | None, until: date, dirty: Iterable[date]) -> list[date]:
    """The days a run fills: from the day after the last filled one (or the earliest day with data, the first time)
    up to `until`, and every dirty day up to `until`, in order."""
    first = last_filled + timedelta(days=1) if last_filled else earliest
    days = set(days_between(first, until)) if first else set()
    return sorted(days | {day for day in dirty if day <= until})


def advance_fill_state(model: type[models.Model], day: date, **key) -> None:
    """Record that the statistics of `key` are filled up to `day`, never moving the state back (a dirty day
    recomputed later leaves it where it is)."""
    state, created = model.objects.get_or_create(**key, defaults={"last_filled": day})
    if not created and state.last_filled < day:
        state.last_filled = day
        state.save(update_fields=["last_filled", "filled_at"])
