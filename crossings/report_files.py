"""The annual crossing report as tables, and as the files it is downloaded as: CSV (the tables one after the other),
XLSX (one sheet per table) and a printable PDF with the monthly chart drawn as SVG.

Everything here is written in the active language (the report's, under `translation.override`). The PDF names the
fonts the export declarations use ("Noto Sans" for Latin and Cyrillic, Kazakh letters included, and "Noto Sans CJK
SC" for Chinese), installed with the system packages (.ci/debian-packages and the Dockerfile), never at run time.
"""

import io
import math
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.dates import MONTHS, MONTHS_AP
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from crossings.choices import Direction, NationalityGroup, RefusalReason
from crossings.models import Checkpoint
from crossings.selectors.report import AnnualReportFigures
from horgos.exports import csv_rows_text, formula_safe

CSV_CONTENT_TYPE = "text/csv; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PDF_CONTENT_TYPE = "application/pdf"

# How a column's cells are shown on the page and in the PDF (the CSV and XLSX keep the plain values).
TEXT, COUNT, GROWTH, HOURS, DAY = "text", "count", "growth", "hours", "day"
# The bars' colours, as on the statistics page's Chart.js chart: the year before ochre, the year itself blue.
PREVIOUS_COLOUR, CURRENT_COLOUR = "#c9a35b", "#0b5c7a"


@dataclass(frozen=True)
class ReportTable:
    """One table of the report: `rows` hold plain values (int, Decimal, date, text, None); `kinds` say how each
    column is shown."""

    key: str
    title: str
    headers: list[str]
    rows: list[list]
    kinds: tuple[str, ...]
    footer: list | None = None

    @property
    def numeric(self) -> list[bool]:
        return [kind != TEXT for kind in self.kinds]

    def shown(self, row: list) -> list[tuple[str, bool]]:
        """A row as the page and the PDF show it: (text, whether the column holds numbers) per cell."""
        return [(shown_value(value, kind), kind != TEXT) for value, kind in zip(row, self.kinds, strict=True)]

    @property
    def headers_numeric(self) -> list[tuple[str, bool]]:
        return list(zip(self.headers, self.numeric, strict=True))

    @property
    def shown_cells(self) -> list[list[tuple[str, bool]]]:
        return [self.shown(row) for row in self.rows]

    @property
    def shown_footer_cells(self) -> list[tuple[str, bool]] | None:
        return self.shown(self.footer) if self.footer else None


def count_text(value: int) -> str:
    """A count as the report shows it: grouped the way of the active language (1,234 in English)."""
    return number_format(value, force_grouping=True)


def growth_text(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return ("+" if value > 0 else "") + number_format(value, decimal_pos=1)


def shown_value(value, kind: str) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, int) and kind in (COUNT, HOURS):
        return count_text(value)  # a count in a column of hours (the overstays) has no decimal
    if kind == GROWTH:
        return growth_text(value)
    if kind == HOURS:
        return number_format(value, decimal_pos=1)
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    return str(value)


def scope_name(checkpoint: Checkpoint | None) -> str:
    return checkpoint.name if checkpoint is not None else _("The whole zone")


def hour_text(hour: int) -> str:
    return f"{hour:02d}:00–{(hour + 1) % 24:02d}:00"


def period_text(first: date, last: date) -> str:
    return f"{date_format(first, 'DATE_FORMAT')} – {date_format(last, 'DATE_FORMAT')}"


@dataclass
class ReportDocument:
    """The report in the active language: its title, facts, headline and tables."""

    report: AnnualReportFigures
    prepared_at: datetime
    tables: list[ReportTable] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _("Annual crossing report %(year)s") % {"year": self.report.year}

    @property
    def previous_year(self) -> int:
        return self.report.year - 1

    @property
    def facts(self) -> list[tuple[str, str]]:
        report = self.report
        return [
            (_("Scope"), scope_name(report.checkpoint)),
            (_("Period"), period_text(date(report.year, 1, 1), report.as_of)),
            (_("Compared with"), period_text(date(self.previous_year, 1, 1), report.total.previous_as_of)),
            (_("Prepared on"), date_format(timezone.localtime(self.prepared_at), "DATETIME_FORMAT")),
        ]

    @property
    def headline(self) -> str:
        """The year's total in words, with its growth on the same period of the year before when there is one."""
        total = self.report.total
        text = _("%(count)s crossings in %(year)s") % {"count": count_text(total.crossings), "year": self.report.year}
        if total.crossings_growth is not None:
            text += ", " + _("%(growth)s %% on %(year)s") % {
                "growth": growth_text(total.crossings_growth),
                "year": self.previous_year,
            }
        return text + "."

    @property
    def chart(self) -> dict:
        return monthly_chart(self.report)


def report_document(report: AnnualReportFigures, *, prepared_at: datetime | None = None) -> ReportDocument:
    document = ReportDocument(report=report, prepared_at=prepared_at or timezone.now())
    document.tables = report_tables(report)
    return document


def report_tables(report: AnnualReportFigures) -> list[ReportTable]:
    """The report's tables, in the order the files hold them; the first is the year's total."""
    year, previous = str(report.year), str(report.year - 1)
    total = report.total
    tables = [
        ReportTable(
            key="summary",
            title=_("Summary"),
            headers=[_("Figure"), year, previous, _("Growth (%)")],
            rows=[
                [_("Crossings"), total.crossings, total.previous_crossings, total.crossings_growth],
                [_("People"), total.people, total.previous_people, total.people_growth],
            ],
            kinds=(TEXT, COUNT, COUNT, GROWTH),
        ),
        ReportTable(
            key="months",
            title=_("Crossings by month"),
            headers=[_("Month"), previous, year],
            rows=[[str(MONTHS[month]), last, this] for month, last, this in report.months],
            kinds=(TEXT, COUNT, COUNT),
            footer=[
                _("Total"),
                sum(last for _month, last, _this in report.months),
                sum(this or 0 for _month, _last, this in report.months),
            ],
        ),
    ]
    if report.by_checkpoint:
        tables.append(
            ReportTable(
                key="checkpoints",
                title=_("By checkpoint"),
                headers=[_("Checkpoint"), year, previous, _("Growth (%)"), _("People in %(year)s") % {"year": year}],
                rows=[
                    [checkpoint.name, ytd.crossings, ytd.previous_crossings, ytd.crossings_growth, ytd.people]
                    for checkpoint, ytd in report.by_checkpoint
                ],
                kinds=(TEXT, COUNT, COUNT, GROWTH, COUNT),
            )
        )
    tables += [
        ReportTable(
            key="directions",
            title=_("By direction"),
            headers=[_("Direction"), year, previous, _("Growth (%)")],
            rows=[
                [str(Direction(row.direction).label), row.crossings, row.previous_crossings, row.growth]
                for row in report.by_direction
            ],
            kinds=(TEXT, COUNT, COUNT, GROWTH),
        ),
        ReportTable(
            key="nationalities",
            title=_("By nationality"),
            headers=[_("Nationality"), year, previous, _("Growth (%)"), _("People in %(year)s") % {"year": year}],
            rows=[
                [
                    str(NationalityGroup(group).label),
                    ytd.crossings,
                    ytd.previous_crossings,
                    ytd.crossings_growth,
                    ytd.people,
                ]
                for group, ytd in report.by_group
            ],
            kinds=(TEXT, COUNT, COUNT, GROWTH, COUNT),
        ),
        ReportTable(
            key="refusals",
            title=_("Refusals by reason"),
            headers=[_("Reason"), _("Refusals")],
            rows=[[str(RefusalReason(row["reason"]).label), row["refusals"]] for row in report.refusals],
            kinds=(TEXT, COUNT),
            footer=[_("Total"), report.refusals_total],
        ),
        ReportTable(
            key="time_in_zone",
            title=_("Time in the zone"),
            headers=[_("Figure"), year, previous],
            rows=[
                [_("Average time in the zone (hours)"), report.hours_in_zone, report.previous_hours_in_zone],
                [
                    _("Overstays open on %(day)s") % {"day": date_format(report.as_of, "DATE_FORMAT")},
                    report.overstays,
                    None,
                ],
            ],
            kinds=(TEXT, HOURS, HOURS),
        ),
        ReportTable(
            key="peaks",
            title=_("Busiest day and hour"),
            headers=[_("Figure"), _("When"), _("Crossings")],
            rows=[
                [_("Busiest day"), *(report.peak_day or (None, None))],
                [
                    _("Busiest hour of the day"),
                    hour_text(report.peak_hour[0]) if report.peak_hour else None,
                    report.peak_hour[1] if report.peak_hour else None,
                ],
            ],
            kinds=(TEXT, DAY, COUNT),
        ),
    ]
    return tables


# --- The monthly chart, as SVG (no JavaScript: the PDF and the page draw the same picture) --------------------


def _nice_step(largest: int, steps: int = 4) -> int:
    """A round step (1, 2 or 5 times a power of ten) so that `steps` of them reach at least `largest`."""
    if largest <= 0:
        return 1
    rough = largest / steps
    power = 10 ** math.floor(math.log10(rough))
    for multiple in (1, 2, 5, 10):
        if multiple * power >= rough:
            return max(1, int(multiple * power))
    return int(10 * power)


def monthly_chart(report: AnnualReportFigures) -> dict:
    """The geometry of a bar chart of the months, the year before (left bars) against the year (right bars)."""
    width, height = 640, 280
    left, right, top, bottom = 64, 8, 40, 28
    plot_width, plot_height = width - left - right, height - top - bottom
    step = _nice_step(max(max(last, this or 0) for _month, last, this in report.months))
    top_value = step * 4
    group = plot_width / 12
    bar = group * 0.36

    def y_of(value: int) -> float:
        return round(top + plot_height - plot_height * value / top_value, 1)

    def bar_of(x: float, value: int | None, colour: str, year: int) -> dict:
        height = value or 0
        return {"x": round(x, 1), "y": y_of(height), "height": round(y_of(0) - y_of(height), 1), "colour": colour,
                "value": shown_value(value, COUNT), "year": year}  # fmt: skip

    months = []
    for month, last, this in report.months:
        x = left + group * (month - 1) + group * 0.14
        months.append(
            {
                "label": str(MONTHS_AP[month]),
                "label_x": round(left + group * (month - 0.5), 1),
                "bars": [
                    bar_of(x, last, PREVIOUS_COLOUR, report.year - 1),
                    bar_of(x + bar, this, CURRENT_COLOUR, report.year),
                ],
            }
        )
    return {
        "width": width,
        "height": height,
        "left": left,
        "right": width - right,
        "bottom": y_of(0),
        "bar_width": round(bar, 1),
        "month_label_y": round(y_of(0) + 18, 1),
        "tick_label_x": left - 6,
        "ticks": [
            {"y": y_of(step * index), "label_y": y_of(step * index) + 4, "label": count_text(step * index)}
            for index in range(5)
        ],
        "months": months,
        "legend": [
            {
                "x": left,
                "text_x": left + 18,
                "colour": PREVIOUS_COLOUR,
                "label": _("%(year)s (left bars)") % {"year": report.year - 1},
            },
            {
                "x": left + 240,
                "text_x": left + 258,
                "colour": CURRENT_COLOUR,
                "label": _("%(year)s (right bars)") % {"year": report.year},
            },
        ],
        "description": _("Crossings by month, %(year)s against %(previous)s")
        % {"year": report.year, "previous": report.year - 1},
    }


# --- Files ------------------------------------------------------------------------------------------------------


def _plain(value):
    """A cell of the CSV: dates as ISO days, numbers as they are, nothing as an empty cell."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return value


def report_csv(document: ReportDocument) -> bytes:
    """One CSV file: the title and facts, then each table under its title, a blank line between them."""
    rows: list[list] = [[document.title], *[[label, value] for label, value in document.facts]]
    for table in document.tables:
        rows += [[], [table.title], table.headers, *table.rows]
        if table.footer:
            rows.append(table.footer)
    return "".join(csv_rows_text([[_plain(cell) for cell in row] for row in rows])).encode("utf-8")


def _sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts: at most 31 characters, none of []:*?/\\, and unique in the workbook."""
    name = "".join(" " if character in "[]:*?/\\" else character for character in title)[:31].strip() or "Sheet"
    candidate, number = name, 2
    while candidate.lower() in used:
        candidate = f"{name[:28]} {number}"
        number += 1
    used.add(candidate.lower())
    return candidate


def _bold_row(sheet) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)


def report_xlsx(document: ReportDocument) -> bytes:
    """A workbook of one sheet per table; the first sheet starts with the title and facts, then the year's total."""
    workbook = Workbook()
    used: set[str] = set()
    for index, table in enumerate(document.tables):
        sheet = workbook.active if index == 0 else workbook.create_sheet()
        sheet.title = _sheet_title(table.title, used)
        if index == 0:
            sheet.append([formula_safe(document.title)])
            sheet["A1"].font = Font(bold=True, size=14)
            for label, value in document.facts:
                sheet.append([label, formula_safe(value)])
            sheet.append([])
        sheet.append([formula_safe(header) for header in table.headers])
        _bold_row(sheet)
        header_row = sheet.max_row
        for row in table.rows:
            sheet.append([formula_safe(cell) for cell in row])
        if table.footer:
            sheet.append([formula_safe(cell) for cell in table.footer])
            _bold_row(sheet)
        for row in sheet.iter_rows(min_row=header_row + 1):
            for cell, kind in zip(row, table.kinds, strict=False):
                if kind == COUNT and isinstance(cell.value, int):
                    cell.number_format = "#,##0"
                elif kind in (GROWTH, HOURS) and isinstance(cell.value, Decimal):
                    cell.number_format = "0.0"
                elif kind == DAY and isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        sheet.column_dimensions["A"].width = 44
        for column in "BCDE":
            sheet.column_dimensions[column].width = 18
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


def report_pdf(document: ReportDocument) -> bytes:
    """A printable A4 PDF of the report, rendered from templates/crossings/reports/annual_report_pdf.html."""
    # Imported here: WeasyPrint loads Pango when imported, which only this file needs.
    from weasyprint import HTML

    context = {"document": document, "language": translation.get_language()}
    return HTML(string=render_to_string("crossings/reports/annual_report_pdf.html", context)).write_pdf()
