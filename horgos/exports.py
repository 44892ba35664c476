"""Spreadsheet-safe exports: CSV (streamed, with a byte order mark), XLSX, and the one rule against formula injection.

A spreadsheet runs a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return as a formula (CSV
injection). Exported text that starts so gets a leading apostrophe, which spreadsheets show as text; numbers
keep their sign. An import of our own export takes the apostrophe off again (`formula_text_restored`).
"""

import csv
import io
from collections.abc import Iterable, Iterator

import openpyxl
from django.http import HttpResponse, StreamingHttpResponse
from django.utils import translation
from openpyxl.styles import Font

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def formula_safe(value: object) -> object:
    """`value` as an export cell: text a spreadsheet would run as a formula gets a leading apostrophe."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return value
    try:
        float(value)
    except ValueError:
        return "'" + value
    return value


def formula_text_restored(text: str) -> str:
    """Text read back from one of our exports: the apostrophe that `formula_safe` added comes off."""
    return text[1:] if text.startswith("'") and text[1:].startswith(FORMULA_PREFIXES) else text


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
        for cell in sheet[sheet.max_row]:
            if number == 0:
                cell.font = Font(bold=True)
            if isinstance(cell.value, str) and cell.data_type == "f":
                cell.data_type = "s"  # text that starts with "=" stays text
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
