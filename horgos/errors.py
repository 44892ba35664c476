"""Turning a database constraint's refusal into the clear message a user should see."""

from collections.abc import Iterator, Mapping
from contextlib import contextmanager

from django.core.exceptions import ValidationError
from django.db import IntegrityError


def violated_constraint(error: IntegrityError) -> str | None:
    """The name of the PostgreSQL constraint behind an IntegrityError, when the driver tells it."""
    diagnostics = getattr(error.__cause__, "diag", None)
    return getattr(diagnostics, "constraint_name", None)


@contextmanager
def constraint_messages(messages: Mapping[str, object]) -> Iterator[None]:
    """Re-raise an IntegrityError from one of the named constraints as ValidationError(message).

    The message may be a string or a {field: message} dict. Use it around the write, inside the
    service's transaction: the race the constraint settles reaches the user as a clear error.
    """
    try:
        yield
    except IntegrityError as error:
        name = violated_constraint(error)
        if name in messages:
            raise ValidationError(messages[name]) from error
        raise
