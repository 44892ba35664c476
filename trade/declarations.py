"""The draft of a shipment's customs export declaration, as a spreadsheet (XLSX) and as a printable PDF.

Both hold what an export declaration needs: the exporter, the consignee and the destination country, the corridor
and transport, and per line the HS code, description, origin, quantity, net weight and value, with the totals.
Labels are in the active language; the lines' text is as the merchant wrote it (Chinese, Kazakh, Russian...). The
PDF names fonts that cover all of it ("Noto Sans" for Latin and Cyrillic, Kazakh letters included, and "Noto Sans
CJK SC" for Chinese), installed with the system packages (.ci/debian-packages and the Dockerfile), never at run time.
"""

import io
from decimal import Decimal

from django.http import FileResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from horgos.exports import formula_safe
from trade.models import Shipment

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"
MONEY_FORMAT = "#,##0.00"
WEIGHT_FORMAT = "#,##0.000"


def declaration_of(shipment: Shipment) -> dict:
    """What the declaration shows, in the active language: the shipment, its lines and their totals."""
    shipment = Shipment.objects.select_related("merchant").get(pk=shipment.pk)
    lines = list(shipment.lines.order_by("id"))
    return {
        "shipment": shipment,
        "exporter": shipment.merchant,
        "lines": lines,
        "total_quantity": sum(line.quantity for line in lines),
        "total_value_cny": sum((line.value_cny for line in lines), Decimal("0")),
        "total_net_weight_kg": sum((line.net_weight_kg for line in lines), Decimal("0")),
        "prepared_at": timezone.localtime(),
    }


def _facts(declaration: dict) -> list[tuple[str, str]]:
    shipment, exporter = declaration["shipment"], declaration["exporter"]
    return [
        (_("Exporter"), exporter.legal_name),
        (_("Registration number"), exporter.registration_number),
        (_("Address"), exporter.address),
        (_("Country of the exporter"), exporter.country.name),
        (_("Consignee"), shipment.consignee_name),
        (_("Destination country"), shipment.consignee_country.name),
        (_("Corridor"), shipment.get_corridor_display()),
        (_("Transport mode"), shipment.get_transport_mode_display()),
        (_("Reference"), shipment.reference),
        (_("Currency of the values"), shipment.currency),
    ]


def line_headers() -> list[str]:
    return [
        _("No."),
        _("HS code"),
        _("Description of the goods"),
        _("Country of origin"),
        _("Quantity"),
        _("Net weight (kg)"),
        _("Value (CNY)"),
    ]


def declaration_xlsx(shipment: Shipment) -> bytes:
    """The declaration as a workbook of one sheet: the facts, then one row a line, then the totals."""
    declaration = declaration_of(shipment)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Declaration")[:31]
    sheet.append([formula_safe(_("Export declaration (draft)"))])
    sheet["A1"].font = Font(bold=True, size=14)
    for label, value in _facts(declaration):
        sheet.append([label, formula_safe(value)])
    sheet.append([])
    sheet.append(line_headers())
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for number, line in enumerate(declaration["lines"], start=1):
        sheet.append(
            [
                number,
                formula_safe(line.hs_code),
                formula_safe(line.description),
                formula_safe(line.origin_country.name),
                line.quantity,
                line.net_weight_kg,
                line.value_cny,
            ]
        )
        _number_formats(sheet)
    sheet.append(
        [
            _("Total"),
            "",
            "",
            "",
            declaration["total_quantity"],
            declaration["total_net_weight_kg"],
            declaration["total_value_cny"],
        ]
    )
    _number_formats(sheet)
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFG", (24, 12, 44, 20, 10, 16, 16), strict=True):
        sheet.column_dimensions[column].width = width
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def _number_formats(sheet) -> None:
    row = sheet.max_row
    sheet.cell(row=row, column=6).number_format = WEIGHT_FORMAT
    sheet.cell(row=row, column=7).number_format = MONEY_FORMAT


def declaration_pdf(shipment: Shipment) -> bytes:
    """The declaration as a printable A4 PDF, rendered from templates/trade/declaration.html."""
    # Imported here: WeasyPrint loads Pango when imported, which only this download needs.
    from weasyprint import HTML

    declaration = declaration_of(shipment)
    context = {
        **declaration,
        "facts": _facts(declaration),
        "headers": line_headers(),
        "language": translation.get_language(),
    }
    return HTML(string=render_to_string("trade/declaration.html", context)).write_pdf()


def declaration_response(shipment: Shipment, file_format: str) -> FileResponse:
    """The declaration as a download: `file_format` is "xlsx" or "pdf"."""
    if file_format == "pdf":
        content, content_type = declaration_pdf(shipment), PDF_CONTENT_TYPE
    else:
        content, content_type = declaration_xlsx(shipment), XLSX_CONTENT_TYPE
    return FileResponse(
        io.BytesIO(content),
        as_attachment=True,
        filename=f"declaration-{shipment.reference}.{file_format}",
        content_type=content_type,
    )
