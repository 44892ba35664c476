"""Spreadsheet-safe exports: CSV (streamed, with a byte order mark), XLSX, and the one rule against formula injection.

A spreadsheet opening a CSV file runs a cell that starts with `=`, `+`, `-` or `@` as a formula (CSV injection), and
so it does when a tab, a carriage return or a line feed comes first (it skips them), or the full-width forms of
those signs that some input methods type (＝ ＋ － ＠). Exported text that starts so gets a leading apostrophe,
which spreadsheets show as text; numbers keep their sign. An import of our own export takes the apostrophe off again
(`formula_text_restored`). In an XLSX file each cell says its type: text cells stay text (`xlsx_cells_as_text`), so
they need no apostrophe.
"""

import csv
import io
import re
from collections.abc import Iterable, Iterator

import openpyxl
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A plain number, which keeps its sign: digits with an optional fraction and exponent, nothing else (not "-inf",
# "+1_000" or "-1+1", which Python's float() or a spreadsheet would read otherwise).
PLAIN_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")


def formula_safe(value: object) -> object:
    """`value` as a CSV cell: text a spreadsheet would run as a formula gets a leading apostrophe."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES) or PLAIN_NUMBER.fullmatch(value):
        return value
    return "'" + value


def formula_text_restored(text: str) -> str:
    """Text read back from one of our exports: the apostrophe that `formula_safe` added comes off."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


def xlsx_cells_as_text(cells: Iterable) -> None:
    """The cells of a row just appended to an openpyxl sheet: text openpyxl took for a formula (it starts with "=")
    stays text. Every other text is a text cell already, which no spreadsheet runs."""
    for cell in cells:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


class _Echo:
    """A file-like object whose write() hands back what it got, so csv.writer can feed a streaming response."""

    def write(self, value: str) -> str:
        return value


def _in_language(rows: Iterable, language: str) -> Iterator:
    """Rows produced under `language`: a streamed body is read after the view returns, outside its language."""
    iterator = iter(rows)
    while True:
        with translation.override(language):
            try:
                row = next(iterator)
            except StopIteration:
                return
        yield row


def csv_rows_text(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """CSV lines of formula-safe cells, after a byte order mark so spreadsheets read Chinese and Cyrillic text."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for row in rows:
        yield writer.writerow([formula_safe(cell) for cell in row])


def csv_response(rows: Iterable[Iterable[object]], filename: str) -> StreamingHttpResponse:
    """A streamed UTF-8 CSV download of `rows` (the header first), in the language of the request."""
    lines = csv_rows_text(_in_language(rows, translation.get_language()))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def xlsx_response(rows: Iterable[Iterable[object]], filename: str, *, sheet_title: str) -> HttpResponse:
    """An XLSX download of `rows` (the header first, in bold and frozen): text cells stay text, never formulas."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = sheet_title[:31]
    for number, row in enumerate(_in_language(rows, translation.get_language())):
        sheet.append(list(row))
        xlsx_cells_as_text(sheet[sheet.max_row])
        if number == 0:
            for cell in sheet[sheet.max_row]:
                cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
