"""The one guard against formula injection (horgos.exports), for every leading character a spreadsheet reads as the
start of a formula, in CSV and XLSX exports and the failing-rows file of an import."""

import csv
import io

import openpyxl
import pytest

from horgos.exports import csv_rows_text, formula_safe, formula_text_restored, xlsx_response
from merchants.spreadsheets import write_csv, write_xlsx

# OWASP's list (=, +, -, @, tab, carriage return), a line feed, and the full-width signs some input methods type.
LEADING = ["=", "+", "-", "@", "\t", "\r", "\n", "＝", "＋", "－", "＠"]
PAYLOAD = 'cmd|"/C calc"!A0'


def as_written(text: str) -> str:
    """Text as an XLSX cell reads back: XML reads a carriage return as a line feed."""
    return text.replace("\r", "\n")


@pytest.mark.parametrize("lead", LEADING, ids=[f"U+{ord(lead):04X}" for lead in LEADING])
def test_csv_cells_starting_with_a_formula_sign_get_an_apostrophe_and_read_back(lead):
    text = lead + PAYLOAD
    assert formula_safe(text) == "'" + text
    assert formula_text_restored(formula_safe(text)) == text
    [_header, cells] = csv.reader(io.StringIO("".join(csv_rows_text([["h"], [text]])).lstrip("\ufeff"), newline=""))
    assert cells == ["'" + text]


@pytest.mark.parametrize("lead", LEADING, ids=[f"U+{ord(lead):04X}" for lead in LEADING])
def test_the_failing_rows_file_keeps_each_formula_sign_as_text_in_both_formats(lead):
    text = lead + PAYLOAD
    [_header, cells] = csv.reader(io.StringIO(write_csv([["B2-1-001", text]]).decode("utf-8-sig"), newline=""))
    assert cells[1] == "'" + text
    sheet = openpyxl.load_workbook(io.BytesIO(write_xlsx([["B2-1-001", text]]))).active
    assert (sheet["B2"].value, sheet["B2"].data_type) == (as_written(text), "s")


@pytest.mark.parametrize("lead", LEADING, ids=[f"U+{ord(lead):04X}" for lead in LEADING])
def test_xlsx_exports_keep_each_formula_sign_as_a_text_cell(lead):
    text = lead + PAYLOAD
    response = xlsx_response([["header"], [text]], "list.xlsx", sheet_title="List")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert (sheet["A2"].value, sheet["A2"].data_type) == (as_written(text), "s")


@pytest.mark.parametrize("number", ["-5", "+3.5", "-0.25", "-1e5", "+.5"])
def test_plain_numbers_keep_their_sign(number):
    assert formula_safe(number) == number


@pytest.mark.parametrize("text", ["-inf", "+nan", "-1_000", "-1+1", "\t5", "\n-5", "-5 ", "+7 700"])
def test_what_only_looks_like_a_number_is_escaped(text):
    # Python's float() reads several of these (it skips spaces and underscores); a spreadsheet may run them
    assert formula_safe(text) == "'" + text


def test_other_values_pass_through():
    assert formula_safe("Tea") == "Tea"
    assert formula_safe(" =1") == " =1"  # a space first: spreadsheets show it as text
    assert formula_safe(-5) == -5 and formula_safe(None) is None
