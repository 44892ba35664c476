"""Writing many rows at COPY speed, for bulk imports: Django's `bulk_create` spends more time preparing each row's
fields in Python than PostgreSQL spends storing the row (bench/bench_imports.py measured it).

The rows go into the caller's transaction, checked by the database as INSERTs are: its constraints, foreign keys
and column types are the last word, and one refused row writes none of them (Django's IntegrityError or DataError).
"""

import io
from collections.abc import Iterable, Sequence

from django.db import connection

# COPY's text format: a backslash, a tab or a line break inside a value is written escaped; NULL is \N.
_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def take_ids(table: str, count: int) -> list[int]:
    """`count` new ids from the id sequence of `table`, ascending: the rows are written with them, so the caller
    knows each row's id without reading the rows back. One nextval per row keeps them safe from other writers."""
    if count == 0:
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count])
        return sorted(row[0] for row in cursor.fetchall())


def copy_text(value: object) -> str:
    """A value as COPY's text format reads it: None is NULL; anything else its `str`, escaped (a Decimal, an int,
    a timezone-aware datetime and a country's code read back as what they are)."""
    if value is None:
        return "\\N"
    return str(value).translate(_ESCAPES)


def copy_rows(table: str, columns: Sequence[str], rows: Iterable[Sequence[object]]) -> None:
    """COPY `rows` (values in the order of `columns`) into `table`, then check the constraints Django defers to the
    commit (foreign keys), so a refusal is raised here, where the caller can undo its savepoint and say why."""
    data = io.StringIO("".join("\t".join(map(copy_text, row)) + "\n" for row in rows))
    with connection.cursor() as cursor, connection.wrap_database_errors:
        # The names are the caller's own constants, never input.
        cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", data)
    connection.check_constraints()
