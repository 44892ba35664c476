"""Historical monthly totals from before go-live: imported from a CSV or XLSX file, every row checked first.

A file has the columns year, month, checkpoint, direction, crossings and travellers (travellers may be left
out or blank). Every row is checked and each problem reported with its row number as a spreadsheet shows it;
a file with any problem imports nothing. A good file is imported whole in one transaction: a month already
imported (same year, month, checkpoint and direction) is replaced, and each month written is audited with its
values before and after. Where recorded statistics exist for a month, they win over its imported total
(`crossings.selectors.statistics.monthly_crossings`).
"""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crossings.choices import CheckpointCode, Direction
from crossings.models import HistoricalMonthlyTotal
from crossings.selectors.figures import public_figures_refresh, statistics_changed
from horgos.audit import audit_record_many, changes_between
from horgos.choices import AuditAction, Role
from horgos.models import User
from horgos.roles import require_role
from horgos.spreadsheets import (
    EXTRA_CELLS,
    MAX_BYTES,
    REQUIRED,
    TOO_LARGE,
    WRONG_TYPE,
    Row,
    cell_text,
    file_format_of,
    read_rows,
)

COLUMNS = ("year", "month", "checkpoint", "direction", "crossings", "travellers")
OPTIONAL_COLUMNS = ("travellers",)
FIRST_YEAR = 1990
# Every month since FIRST_YEAR at both checkpoints in both directions is under 2,000 rows.
MAX_ROWS = 5_000
# What the database column holds (PositiveIntegerField).
MAX_COUNT = 2_147_483_647
# The advisory lock of imports: two at once would audit values the other is replacing.
HISTORY_LOCK = 0x4849  # "HI"

NO_ROWS = _("The file names the columns but has no months below them.")
YEAR_OUT_OF_RANGE = _("Write a year from %(first)s to %(last)s.")
MONTH_OUT_OF_RANGE = _("Write a month from 1 to 12.")
MONTH_TO_COME = _("This month is still to come.")
CHECKPOINT_UNKNOWN = _("Write the checkpoint as CN or KZ.")
DIRECTION_UNKNOWN = _("Write the direction as entry or exit.")
NOT_A_COUNT = _("Write a whole number, 0 or more.")
COUNT_TOO_LARGE = _("Write a number up to %(limit)s.")
TRAVELLERS_ABOVE_CROSSINGS = _("Travellers (people) cannot be more than crossings (person-times).")
REPEATED_MONTH = _("Row %(row)s already gives this month, checkpoint and direction.")

# Looked up once per row of a file: Django's `.values` builds its list anew at each call.
CHECKPOINT_CODES = frozenset(CheckpointCode.values)
DIRECTIONS = frozenset(Direction.values)


@dataclass(frozen=True)
class HistoryProblem:
    """What is wrong with a row (its number as a spreadsheet shows it) and which column; row None and column ""
    for the file as a whole."""

    row: int | None
    column: str
    message: str


@dataclass
class HistoryImportReport:
    """What an import did: the months it created and replaced, or, when any row is wrong, every problem (and then
    nothing is written)."""

    filename: str
    rows: int = 0
    created: int = 0
    replaced: int = 0
    problems: list[HistoryProblem] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created + self.replaced

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def file_problems(self) -> list[HistoryProblem]:
        return [problem for problem in self.problems if problem.row is None]

    @property
    def row_problems(self) -> list[HistoryProblem]:
        return [problem for problem in self.problems if problem.row is not None]


Key = tuple[int, int, str, str]


@dataclass
class _Month:
    """A row read as a monthly total (only what could be read)."""

    number: int
    values: dict[str, object] = field(default_factory=dict)
    problems: list[HistoryProblem] = field(default_factory=list)

    def refuse(self, column: str, message, **params) -> None:
        self.problems.append(HistoryProblem(self.number, column, str(message) % params if params else str(message)))

    @property
    def key(self) -> Key:
        values = self.values
        return values["year"], values["month"], values["checkpoint"], values["direction"]


def _whole_number(value: object) -> int:
    """A count as a spreadsheet or a CSV file writes it: 12, 12.0, "12" or "12 345" (a space between thousands, as
    Russian and Kazakh write it). ValueError for anything else: a negative or broken number, a decimal, a word."""
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, int):
        number = value
    elif isinstance(value, float):
        if not value.is_integer():
            raise ValueError(value)
        number = int(value)
    else:
        text = re.sub(r"[\s\u00a0\u202f]", "", cell_text(value))
        if not text.isascii() or not text.isdigit():
            raise ValueError(text)
        number = int(text)
    if number < 0:
        raise ValueError(number)
    return number


def _read_month(row: Row, today) -> _Month:
    cells, month = row.cells, _Month(number=row.number)
    if row.has_extra_cells:
        month.refuse("", EXTRA_CELLS)
    for name in ("year", "month"):
        if not cell_text(cells[name]):
            month.refuse(name, REQUIRED)
            continue
        try:
            number = _whole_number(cells[name])
        except ValueError:
            number = None
        if name == "year" and (number is None or not FIRST_YEAR <= number <= today.year):
            month.refuse(name, YEAR_OUT_OF_RANGE, first=FIRST_YEAR, last=today.year)
        elif name == "month" and (number is None or not 1 <= number <= 12):
            month.refuse(name, MONTH_OUT_OF_RANGE)
        else:
            month.values[name] = number
    if "year" in month.values and "month" in month.values:
        # The current month may be imported (a partial month before go-live); a month to come may not.
        if (month.values["year"], month.values["month"]) > (today.year, today.month):
            month.refuse("month", MONTH_TO_COME)
    checkpoint = cell_text(cells["checkpoint"]).upper()
    if not checkpoint:
        month.refuse("checkpoint", REQUIRED)
    elif checkpoint not in CHECKPOINT_CODES:
        month.refuse("checkpoint", CHECKPOINT_UNKNOWN)
    else:
        month.values["checkpoint"] = checkpoint
    direction = cell_text(cells["direction"]).lower()
    if not direction:
        month.refuse("direction", REQUIRED)
    elif direction not in DIRECTIONS:
        month.refuse("direction", DIRECTION_UNKNOWN)
    else:
        month.values["direction"] = direction
    for name in ("crossings", "travellers"):
        if not cell_text(cells[name]):
            if name in OPTIONAL_COLUMNS:
                month.values[name] = None
            else:
                month.refuse(name, REQUIRED)
            continue
        try:
            number = _whole_number(cells[name])
        except ValueError:
            month.refuse(name, NOT_A_COUNT)
            continue
        if number > MAX_COUNT:
            month.refuse(name, COUNT_TOO_LARGE, limit=MAX_COUNT)
            continue
        month.values[name] = number
    crossings, travellers = month.values.get("crossings"), month.values.get("travellers")
    if crossings is not None and travellers is not None and travellers > crossings:
        month.refuse("travellers", TRAVELLERS_ABOVE_CROSSINGS)
    return month


def _file_problem(message, **params) -> HistoryProblem:
    return HistoryProblem(None, "", str(message) % params if params else str(message))


def _checked_months(*, content: bytes, filename: str) -> tuple[list[_Month], HistoryImportReport]:
    """Read and check every row of a file; the report holds every problem, in the file's order."""
    report = HistoryImportReport(filename=filename)
    file_format = file_format_of(filename)
    if file_format is None:
        report.problems.append(_file_problem(WRONG_TYPE))
        return [], report
    if len(content) > MAX_BYTES:
        report.problems.append(_file_problem(TOO_LARGE, megabytes=MAX_BYTES // (1024 * 1024)))
        return [], report
    try:
        rows = read_rows(
            content,
            file_format,
            columns=COLUMNS,
            optional_columns=OPTIONAL_COLUMNS,
            max_rows=MAX_ROWS,
            no_rows_message=NO_ROWS,
        )
    except ValidationError as error:
        report.problems.extend(_file_problem(message) for message in error.messages)
        return [], report
    today = timezone.localdate()
    months = [_read_month(row, today) for row in rows]
    first_row_of: dict[Key, int] = {}
    for month in months:
        if not all(name in month.values for name in ("year", "month", "checkpoint", "direction")):
            continue
        if month.key in first_row_of:
            month.refuse("", REPEATED_MONTH, row=first_row_of[month.key])
        else:
            first_row_of[month.key] = month.number
    report.rows = len(months)
    report.problems = [problem for month in months for problem in month.problems]
    return months, report


# Every month of a file in one statement: Django's bulk_create(update_conflicts=True) spent three times as long
# preparing the rows in Python as PostgreSQL spent writing them (bench/bench_statistics.py). The CHECK and unique
# constraints of the table are the last word, as ever.
UPSERT = """
    INSERT INTO crossings_historicalmonthlytotal
        (year, month, checkpoint, direction, crossings, travellers, imported_by_id, imported_at)
    SELECT year, month, checkpoint, direction, crossings, travellers, %s, %s
    FROM unnest(%s::smallint[], %s::smallint[], %s::varchar[], %s::varchar[], %s::integer[], %s::integer[])
        AS incoming (year, month, checkpoint, direction, crossings, travellers)
    ON CONFLICT (year, month, checkpoint, direction) DO UPDATE SET crossings = EXCLUDED.crossings,
        travellers = EXCLUDED.travellers, imported_by_id = EXCLUDED.imported_by_id, imported_at = EXCLUDED.imported_at
    RETURNING year, month, checkpoint, direction, id
"""


def _upsert(months: list[_Month], acting_user: User | None) -> dict[Key, int]:
    """Write every month (a month already there is replaced); the id of each, by its key."""
    columns = [[month.values[name] for month in months] for name in COLUMNS]
    with connection.cursor() as cursor:
        cursor.execute(UPSERT, [acting_user.pk if acting_user else None, timezone.now(), *columns])
        return {(year, month, checkpoint, direction): pk for year, month, checkpoint, direction, pk in cursor}


def historical_totals_import(*, content: bytes, filename: str, acting_user: User | None) -> HistoryImportReport:
    """Import the monthly totals of a CSV or XLSX file: all of its months, or, when any row is wrong, none (the
    report then lists each problem with its row). A month imported again replaces the earlier total; each month
    written is audited. Administrators only; `acting_user` None is the system itself (the management command)."""
    if acting_user is not None:
        require_role(acting_user, Role.ADMINISTRATOR)
    months, report = _checked_months(content=content, filename=filename)
    if report.problems:
        return report
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [HISTORY_LOCK])
        years = {month.values["year"] for month in months}
        before = {
            (year, month, checkpoint, direction): {"crossings": crossings, "travellers": travellers}
            for year, month, checkpoint, direction, crossings, travellers in HistoricalMonthlyTotal.objects.filter(
                year__in=years
            ).values_list("year", "month", "checkpoint", "direction", "crossings", "travellers")
        }
        ids = _upsert(months, acting_user)
        audited = []
        for month in months:
            earlier = before.get(month.key)
            if earlier is None:
                report.created += 1
            else:
                report.replaced += 1
            total = HistoricalMonthlyTotal(pk=ids[month.key], imported_by=acting_user, **month.values)
            counts = {"crossings": total.crossings, "travellers": total.travellers}
            changes = {"file": filename, "replaced": earlier is not None, **changes_between(earlier or {}, counts)}
            audited.append((total, changes))
        audit_record_many(actor=acting_user, action=AuditAction.HISTORICAL_TOTALS_IMPORT, targets=audited)
        # Months before go-live count in this year's and last year's public figures.
        transaction.on_commit(statistics_changed)
        transaction.on_commit(public_figures_refresh)
    return report
