"""The export declaration drafts: the XLSX and the PDF open and hold the lines, in any of the four languages."""

import io
from decimal import Decimal

import pytest
from django.utils import translation
from openpyxl import load_workbook
from pypdf import PdfReader

from tests.trade.conftest import SHIPMENT_LINES, ship
from trade.declarations import declaration_pdf, declaration_xlsx

pytestmark = pytest.mark.django_db


def sheet_rows(content: bytes) -> list[list]:
    sheet = load_workbook(io.BytesIO(content)).active
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_xlsx_holds_the_exporter_consignee_lines_and_totals(shipping):
    # Given a shipment of three lines (Chinese, Russian and Kazakh descriptions)
    shipment = ship(shipping, consignee_name="=HYPERLINK(1)", consignee_country="UZ")
    # When its declaration is downloaded as a spreadsheet
    rows = sheet_rows(declaration_xlsx(shipment))
    # Then it names the exporter and the consignee (a formula written as text stays text) and the destination
    facts = {row[0]: row[1] for row in rows[1:11]}
    assert facts["Exporter"] == shipping.merchants[0].legal_name
    assert facts["Consignee"] == "'=HYPERLINK(1)"
    assert facts["Destination country"] == "Uzbekistan"
    # And one row per line, with numbers as numbers, then the totals
    header = rows.index(["No.", "HS code", "Description of the goods", "Country of origin", "Quantity",
                         "Net weight (kg)", "Value (CNY)"])  # fmt: skip
    lines = rows[header + 1 : header + 4]
    assert [(row[1], row[2], row[4], row[6]) for row in lines] == [
        (code, description, quantity, Decimal(value))
        for code, description, _origin, quantity, value, _weight in SHIPMENT_LINES
    ]
    assert lines[0][3] == "China"
    assert rows[header + 4] == ["Total", None, None, None, 430, Decimal("108"), Decimal("20440.5")]


def test_the_xlsx_labels_follow_the_active_language(shipping):
    shipment = ship(shipping)
    with translation.override("ru"):
        rows = sheet_rows(declaration_xlsx(shipment))
    cells = {cell for row in rows for cell in row}
    assert {"Адрес", "код ТН ВЭД", "Казахстан", "Футболки хлопковые"} <= cells


def test_the_pdf_opens_and_its_text_holds_the_codes_and_chinese_russian_and_kazakh_descriptions(shipping):
    shipment = ship(shipping)
    content = declaration_pdf(shipment)
    assert content.startswith(b"%PDF")
    text = pdf_text(content)
    for code in ("090210", "610910"):
        assert code in text
    for description in ("绿茶 (龙井)", "Футболки хлопковые", "Көк шай, қағаз қорапта"):
        assert description in text
    assert "20,440.50" in text and "Uzbekistan" in text


def test_the_pdf_embeds_fonts_that_have_the_glyphs(shipping):
    # A missing glyph would come out as a box (and extract as nothing): the fonts named must be there
    reader = PdfReader(io.BytesIO(declaration_pdf(ship(shipping))))
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in reader.pages
        for font in page["/Resources"]["/Font"].values()
    }
    assert any("CJK" in name for name in fonts), fonts
    assert any(name.startswith("Noto-Sans") and "CJK" not in name for name in fonts), fonts
