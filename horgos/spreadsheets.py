"""Reading uploaded CSV and XLSX files into rows of named cells, for every import (listings, historical totals).

A file's first row names its columns, in any order and any case; each data row keeps its number as a
spreadsheet shows it (the header is row 1), so a report can point at the row to fix. What the cells mean
is the importing app's business: nothing here knows a listing from a monthly total.
"""

import csv
import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import PurePath

import openpyxl
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CSV = "csv"
XLSX = "xlsx"
FORMATS = (CSV, XLSX)
CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MAX_BYTES = 5 * 1024 * 1024

WRONG_TYPE = _("Upload a .csv or an .xlsx file.")
TOO_LARGE = _("The file is larger than %(megabytes)s MB.")
NOT_UTF8 = _("The CSV file is not UTF-8 text. Save it as “CSV UTF-8” and upload it again.")
CSV_UNREADABLE = _("The CSV file cannot be read: %(error)s.")
NOT_XLSX = _("The file is not a readable XLSX workbook.")
XLSX_TOO_LARGE_UNPACKED = _(
    "The workbook unpacks to more than %(megabytes)s MB. Save only the rows to import, without pictures or other "
    "sheets, or split it into smaller files."
)
XLSX_PACKED_TOO_TIGHTLY = _(
    "The workbook is packed far more tightly than a spreadsheet is, as a file made to exhaust memory is. Save it again "
    "from a spreadsheet program, or upload it as CSV."
)
NO_HEADER = _("The file is empty: its first row should name the columns.")
MISSING_COLUMNS = _("The first row lacks these columns: %(columns)s.")
UNKNOWN_COLUMNS = _("The first row names columns that are not in the template: %(columns)s.")
REPEATED_COLUMNS = _("These columns appear more than once: %(columns)s.")
TOO_MANY_ROWS = _("The file has more than %(limit)s rows. Split it into smaller files.")
# A row's problems that every import reports alike.
REQUIRED = _("Fill in this column.")
EXTRA_CELLS = _("This row has values outside the template's columns.")


@dataclass(frozen=True)
class Row:
    """One row of a file: its number as a spreadsheet shows it (the header is row 1) and its cells by column
    (None for a column the file leaves out)."""

    number: int
    cells: dict[str, object]
    has_extra_cells: bool = False


def file_format_of(name: str) -> str | None:
    """CSV or XLSX, by the file name's extension; None for any other file."""
    extension = PurePath(name).suffix.lower().lstrip(".")
    return extension if extension in FORMATS else None


def read_rows(
    content: bytes,
    file_format: str,
    *,
    columns: Sequence[str],
    optional_columns: Sequence[str] = (),
    max_rows: int,
    no_rows_message: str,
) -> list[Row]:
    """The data rows of a CSV (UTF-8, with or without a byte order mark) or XLSX file, blank rows left out.

    The header must name every one of `columns` once, except `optional_columns`, which it may leave out, and
    nothing else. ValidationError when the file as a whole cannot be used: unreadable, not UTF-8, a header
    that is not the template's, no rows (`no_rows_message`) or more than `max_rows`.
    """
    records = csv_records(content) if file_format == CSV else xlsx_records(content)
    names = _checked_header(records, columns, optional_columns)
    rows = []
    for number, record in enumerate(records, start=2):
        if number > max_rows + 1:
            raise ValidationError(TOO_MANY_ROWS, params={"limit": max_rows})
        if not any(cell_text(cell) for cell in record):
            continue
        cells: dict[str, object] = dict.fromkeys(columns)
        extra = False
        for position, value in enumerate(record):
            name = names[position] if position < len(names) else ""
            if name:
                cells[name] = value
            elif cell_text(value):
                extra = True
        rows.append(Row(number=number, cells=cells, has_extra_cells=extra))
    if not rows:
        raise ValidationError(no_rows_message)
    return rows


def check_header(
    content: bytes, file_format: str, *, columns: Sequence[str], optional_columns: Sequence[str] = ()
) -> None:
    """What `read_rows` checks of the file as a whole, up to its header only: ValidationError when it is unreadable
    (or an XLSX file too large unpacked), not UTF-8, or its header is not the template's. The rows are left unread,
    for a worker to read (a large import: merchants.services.imports)."""
    records = csv_records(content) if file_format == CSV else xlsx_records(content)
    try:
        _checked_header(records, columns, optional_columns)
    finally:
        records.close()


def _checked_header(records: Iterator, columns: Sequence[str], optional_columns: Sequence[str]) -> list[str]:
    header = next(records, None)
    if header is None or not any(cell_text(cell) for cell in header):
        raise ValidationError(NO_HEADER)
    return _column_names(header, columns, optional_columns)


def _column_names(header: Sequence[object], columns: Sequence[str], optional_columns: Sequence[str]) -> list[str]:
    """The column of each position of the header ("" for a position without a name)."""
    names = [cell_text(cell).lower() for cell in header]
    named = [name for name in names if name]
    repeated = sorted({name for name in named if named.count(name) > 1})
    if repeated:
        raise ValidationError(REPEATED_COLUMNS, params={"columns": ", ".join(repeated)})
    unknown = [name for name in named if name not in columns]
    if unknown:
        raise ValidationError(UNKNOWN_COLUMNS, params={"columns": ", ".join(unknown)})
    missing = [name for name in columns if name not in named and name not in optional_columns]
    if missing:
        raise ValidationError(MISSING_COLUMNS, params={"columns": ", ".join(missing)})
    return names


def csv_records(content: bytes) -> Iterator[list[str]]:
    """The records of a UTF-8 CSV file (a byte order mark is dropped), separated by commas, semicolons or tabs."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ValidationError(NOT_UTF8) from error
    first_line = text.split("\n", 1)[0]
    # Spreadsheets in many locales (Russian and Kazakh among them) save CSV with semicolons.
    delimiter = max((",", ";", "\t"), key=first_line.count)
    try:
        yield from csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    except csv.Error as error:
        raise ValidationError(CSV_UNREADABLE, params={"error": error}) from error


def xlsx_check_unpacked_size(content: bytes) -> None:
    """Refuse a workbook that would unpack into more than SPREADSHEET_MAX_UNPACKED_BYTES, or one of whose parts is
    packed more tightly than SPREADSHEET_MAX_COMPRESSION_RATIO, before any part of it is unpacked.

    An XLSX file is a zip archive of XML parts, and a 300 KB file can hold a 300 MB string, which openpyxl would
    read whole into memory. The zip's directory states each part's unpacked size, and Python's zipfile never
    unpacks a part beyond the size stated, so the sum of those sizes bounds what reading the file can unpack.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ValidationError(NOT_XLSX) from error
    limit = settings.SPREADSHEET_MAX_UNPACKED_BYTES
    too_large = ValidationError(XLSX_TOO_LARGE_UNPACKED, params={"megabytes": limit // (1024 * 1024)})
    if len(members) > settings.SPREADSHEET_MAX_PARTS or sum(member.file_size for member in members) > limit:
        raise too_large
    for member in members:
        # Small parts may pack tightly (a sheet of empty cells); a large one packed tightly is a bomb.
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 1024 * 1024 and ratio > settings.SPREADSHEET_MAX_COMPRESSION_RATIO:
            raise ValidationError(XLSX_PACKED_TOO_TIGHTLY)


def xlsx_records(content: bytes) -> Iterator[tuple]:
    """The first worksheet's rows, read with openpyxl in read-only mode (cached values, not formulas), once its
    unpacked size has been checked (`xlsx_check_unpacked_size`)."""
    xlsx_check_unpacked_size(content)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (zip, XML, key, value errors) for a bad file
        raise ValidationError(NOT_XLSX) from error
    try:
        if not workbook.worksheets:
            raise ValidationError(NOT_XLSX)
        yield from workbook.worksheets[0].iter_rows(values_only=True)
    except ValidationError:
        raise
    except Exception as error:  # a part of the file that only breaks when it is read
        raise ValidationError(NOT_XLSX) from error
    finally:
        workbook.close()


def cell_text(value: object) -> str:
    """A cell as text, stripped: a whole float as an integer (spreadsheets store 12 as 12.0), a date as ISO."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value).strip()
