"""Listing files: reading CSV and XLSX into rows (the reader is horgos.spreadsheets), turning a row's cells into listing
fields, and writing files.

The columns are the same both ways (import template, import, export), so an exported file can be
edited and imported again. Nothing here touches the database: whether a row may become a listing
(its shop, its HS heading, the model's rules) is decided by `merchants.services.imports`.
"""

import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

import openpyxl
from django.utils.translation import gettext_lazy as _
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from horgos import spreadsheets
from horgos.exports import csv_rows_text, formula_text_restored, xlsx_cells_as_text

# The reader is shared with every import (horgos.spreadsheets); its names stay importable from here.
from horgos.spreadsheets import CSV_TYPE as CSV_TYPE
from horgos.spreadsheets import EXTRA_CELLS, Row, cell_text
from horgos.spreadsheets import MAX_BYTES as MAX_BYTES
from horgos.spreadsheets import MISSING_COLUMNS as MISSING_COLUMNS
from horgos.spreadsheets import NOT_UTF8 as NOT_UTF8
from horgos.spreadsheets import NOT_XLSX as NOT_XLSX
from horgos.spreadsheets import REQUIRED as REQUIRED
from horgos.spreadsheets import XLSX_TYPE as XLSX_TYPE
from merchants.models import Listing
from merchants.models.catalogue import DESCRIPTION_FIELDS, EDITABLE_FIELDS, TITLE_FIELDS

# A listing file's columns: the shop's unit code, then what a merchant writes of a listing.
COLUMNS = ("shop", *EDITABLE_FIELDS)
TEXT_COLUMNS = (*TITLE_FIELDS, *DESCRIPTION_FIELDS)
DECIMAL_COLUMNS = ("price", "unit_weight_kg")
REQUIRED_COLUMNS = ("shop", "hs_code", "origin_country", "price", "unit_weight_kg")
COLUMN_HELP = {
    "shop": _("Unit code of one of your shops, e.g. B2-1-015."),
    "title_en": _("Title in English. Every listing needs a title in at least one language."),
    "title_zh_hans": _("Title in Chinese (simplified characters)."),
    "title_kk": _("Title in Kazakh."),
    "title_ru": _("Title in Russian."),
    "description_en": _("Description in English (may be empty)."),
    "description_zh_hans": _("Description in Chinese (may be empty)."),
    "description_kk": _("Description in Kazakh (may be empty)."),
    "description_ru": _("Description in Russian (may be empty)."),
    "hs_code": _("Six-digit HS 2022 code, e.g. 090210 for green tea."),
    "origin_country": _("Country of origin as a two-letter ISO code, e.g. CN, KZ, UZ."),
    "price": _("Price in yuan (CNY), e.g. 88.50."),
    "unit_weight_kg": _("Weight of one unit in kilograms, e.g. 0.25."),
    "stock_quantity": _("Units in stock, a whole number, e.g. 24; empty means 0."),
}
# The failing rows of an import come back in a file of the same columns plus this one, saying what is wrong;
# reading a file ignores it, so the fixed file can be uploaded as it is.
ERROR_COLUMN = "error"

# Enough for any shop's whole range; beyond it a file is split (and a zip bomb stops early).
MAX_ROWS = 10_000

NO_ROWS = _("The file names the columns but has no listings below them.")
NOT_A_NUMBER = _("Write a number, e.g. 88.50.")
NOT_A_COUNT = _("Write a whole number of units, 0 or more, e.g. 24.")


@dataclass
class ParsedRow:
    """A row's cells as listing fields (only those that could be read), its shop code, and what was wrong."""

    number: int
    shop_code: str
    fields: dict[str, object] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)


# --- Reading -------------------------------------------------------------------------------------------


def read_rows(content: bytes, file_format: str) -> list[Row]:
    """The data rows of a CSV or XLSX file, blank rows left out. ValidationError when the file as a whole
    cannot be used: unreadable, not UTF-8, a header that is not the template's, no rows or too many."""
    return spreadsheets.read_rows(content, file_format, **_TEMPLATE, max_rows=MAX_ROWS, no_rows_message=NO_ROWS)


def check_header(content: bytes, file_format: str) -> None:
    """The file as a whole up to its header, as `read_rows` checks it, its rows unread."""
    spreadsheets.check_header(content, file_format, **_TEMPLATE)


# The columns a file must name (an exported file of failing rows has the error column too).
_TEMPLATE = {"columns": (*COLUMNS, ERROR_COLUMN), "optional_columns": (ERROR_COLUMN,)}


# --- Cells to fields -----------------------------------------------------------------------------------


def parse_row(row: Row) -> ParsedRow:
    """Read a row's cells as listing fields: text stripped, numbers as Decimal, the stock as a whole number.
    A cell that cannot be read is reported (column, message) and left out of the fields."""
    cells = row.cells
    parsed = ParsedRow(number=row.number, shop_code=cell_text(cells["shop"]).upper())
    if row.has_extra_cells:
        parsed.errors.append(("", str(EXTRA_CELLS)))
    for name in TEXT_COLUMNS:
        parsed.fields[name] = formula_text_restored(cell_text(cells[name]))
    parsed.fields["hs_code"] = _hs_code(cells["hs_code"])
    parsed.fields["origin_country"] = cell_text(cells["origin_country"]).upper()
    for name in DECIMAL_COLUMNS:
        try:
            parsed.fields[name] = _decimal(cells[name])
        except (InvalidOperation, ValueError):
            parsed.errors.append((name, str(NOT_A_NUMBER)))
    try:
        parsed.fields["stock_quantity"] = _count(cells["stock_quantity"])
    except (InvalidOperation, ValueError):
        parsed.errors.append(("stock_quantity", str(NOT_A_COUNT)))
    if not parsed.shop_code:
        parsed.errors.append(("shop", str(REQUIRED)))
    unreadable = {column for column, _message in parsed.errors}
    for name in REQUIRED_COLUMNS[1:]:
        if name not in unreadable and parsed.fields.get(name) in ("", None):
            parsed.fields.pop(name, None)
            parsed.errors.append((name, str(REQUIRED)))
    return parsed


def _hs_code(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        # A spreadsheet that took the code for a number dropped its leading zero (090210 → 90210).
        return str(int(value)).zfill(6)
    return re.sub(r"[\s.]", "", cell_text(value))  # 0902.10 and 0902 10 are common spellings


def _decimal(value: object) -> Decimal | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(value)
    if isinstance(value, float):
        # Binary floats from spreadsheet arithmetic (0.8999999999999999) mean the decimal they show.
        return Decimal(str(round(value, 9)))
    if isinstance(value, int):
        return Decimal(value)
    text = cell_text(value).replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")  # a decimal comma, as written in Russian and Kazakh
    number = Decimal(text)
    if not number.is_finite():
        raise ValueError(text)
    return number


def _count(value: object) -> int:
    """A whole number of units, 0 or more (an empty cell is 0; 12.0 from a spreadsheet is 12)."""
    number = _decimal(value)
    if number is None:
        return 0
    if number < 0 or number != number.to_integral_value():
        raise ValueError(number)
    return int(number)


def in_file_order(problems: Iterable[dict]) -> list[dict]:
    """A check's problems ({"row", "column", "message"}) as the file has them: by row, then by column."""

    def position(problem: dict) -> tuple[int, int]:
        column = problem["column"]
        return problem["row"], COLUMNS.index(column) if column in COLUMNS else -1

    return sorted(problems, key=position)


# --- Writing -------------------------------------------------------------------------------------------


def listing_cells(listing: Listing) -> list[object]:
    """A listing in the file's columns (the listing's shop loaded with it)."""
    return [
        listing.shop.unit_code,
        *(getattr(listing, name) for name in TEXT_COLUMNS),
        listing.hs_code,
        listing.origin_country.code,
        listing.price,
        listing.unit_weight_kg,
        listing.stock_quantity,
    ]


def write_csv(rows: Iterable[Sequence[object]], *, columns: Sequence[str] = COLUMNS) -> bytes:
    """UTF-8 with a byte order mark, so spreadsheets show Chinese, Kazakh and Russian text as written; text that a
    spreadsheet would run as a formula is kept as text (horgos.exports)."""
    return "".join(csv_rows_text([columns, *rows])).encode("utf-8")


def write_xlsx(
    rows: Iterable[Sequence[object]],
    *,
    columns: Sequence[str] = COLUMNS,
    shop_codes: Sequence[str] = (),
    with_help: bool = False,
) -> bytes:
    """A workbook whose first sheet holds the rows under the header; the HS code column is text (its
    leading zero stays). The template (`with_help`) offers the shop codes and yes/no in drop-down lists
    and explains each column on a second sheet."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "listings"
    sheet.append(list(columns))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    hs_column = COLUMNS.index("hs_code") + 1
    for row in rows:
        sheet.append(list(row))
        xlsx_cells_as_text(sheet[sheet.max_row])
        sheet.cell(row=sheet.max_row, column=hs_column).number_format = "@"
    for position, name in enumerate(columns, start=1):
        letter = get_column_letter(position)
        wide = name.startswith("description") or name == ERROR_COLUMN
        sheet.column_dimensions[letter].width = 34 if wide else max(12, len(name) + 4)
    if with_help:
        _add_template_helps(workbook, sheet, shop_codes)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _add_template_helps(workbook: openpyxl.Workbook, sheet, shop_codes: Sequence[str]) -> None:
    last_row = MAX_ROWS + 1
    # Text format on the whole column: a code typed in later keeps its leading zero too.
    sheet.column_dimensions[_letter("hs_code")].number_format = "@"
    units = DataValidation(type="whole", operator="greaterThanOrEqual", formula1="0", allow_blank=True)
    units.add(f"{_letter('stock_quantity')}2:{_letter('stock_quantity')}{last_row}")
    sheet.add_data_validation(units)
    codes = ",".join(shop_codes)
    if codes and len(codes) <= 250:  # a list written into the rule itself holds at most 255 characters
        shops = DataValidation(type="list", formula1=f'"{codes}"', allow_blank=True)
        shops.add(f"{_letter('shop')}2:{_letter('shop')}{last_row}")
        sheet.add_data_validation(shops)
    columns = workbook.create_sheet("columns")
    columns.append([str(_("column")), str(_("what to write"))])
    for cell in columns[1]:
        cell.font = Font(bold=True)
    for name in COLUMNS:
        columns.append([name, str(COLUMN_HELP[name])])
    columns.column_dimensions["A"].width = 22
    columns.column_dimensions["B"].width = 80


def _letter(column: str) -> str:
    return get_column_letter(COLUMNS.index(column) + 1)
