"""What every app's tables share (django-tables2): the site's table style, cells for times, counts and status
words, and the rows a CSV export holds.

A time renders in the zone it belongs to (a checkpoint's, passed by the caller), dates and numbers by the
active language's formats.
"""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, tzinfo

import django_tables2 as tables
from django.utils.encoding import force_str
from django.utils.formats import date_format, number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_tables2.columns import BoundColumn
from django_tables2.rows import BoundRow

TABLE_TEMPLATE = "horgos/_table.html"
STACKED_TABLE_TEMPLATE = "horgos/_stacked_table.html"


def local_time(moment: datetime | None, zone: tzinfo, shown_as: str = "SHORT_DATETIME_FORMAT") -> str:
    """A moment as HTML in `zone`: `<time datetime="ISO">short local date and time</time>` (or another of the
    active language's formats, e.g. TIME_FORMAT for a moment of today); a dash for none.

    Templates reach it through the `local_datetime` and `local_time` filters (horgos/templatetags/local_times.py).
    """
    if moment is None:
        return "—"
    local = moment.astimezone(zone)
    return format_html(
        '<time datetime="{}">{}</time>',
        local.isoformat(timespec="minutes"),
        date_format(local, shown_as),
    )


def local_time_value(moment: datetime | None, zone: tzinfo) -> str:
    """A moment for exports: ISO 8601 with the zone's UTC offset."""
    return moment.astimezone(zone).isoformat(timespec="minutes") if moment else ""


def grouped(number: int) -> str:
    """A count with the active language's digit grouping (e.g. 25,000 or 25 000)."""
    return number_format(number, force_grouping=True)


def badge(text, kind: str) -> str:
    """A short status word; the colour (ok, warn, bad, ...) only repeats what the word says."""
    return format_html('<span class="badge badge-{}">{}</span>', kind, text)


def table_csv_rows(table: tables.Table, *, chunk_size: int = 2000) -> Iterator[list[str]]:
    """The header row, then every row of the table's (filtered, ordered, unpaginated) queryset, as exported values.

    Rows are read in chunks with `iterator()`, so an export of the whole zone never holds it all in memory; the
    CSV writer (horgos.exports) makes each cell formula-safe.
    """
    columns = [column for column in table.columns.iterall() if not column.column.exclude_from_export]
    yield [force_str(column.header) for column in columns]
    for record in table.data.data.iterator(chunk_size=chunk_size):
        row = BoundRow(record, table=table)
        yield [force_str(row.get_cell_value(column.name) or "") for column in columns]


class ListTable(tables.Table):
    """What every table of the site shares: its style, sideways scrolling and accessible sort links.

    django-tables2 does not inherit Meta by itself: every subclass declares `class Meta(<parent>.Meta)`.
    """

    class Meta:
        attrs = {"class": "table"}
        template_name = TABLE_TEMPLATE

    def __init__(self, *args, caption: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.caption = caption

    def page_rows(self) -> list["PageRow"]:
        """The rows of the page as the templates write them: each row's attributes and its cells.

        django-tables2 works out a column's cell attributes again for every cell, reading the table's and the
        column's attrs and its sort state: a tenth of a 50-row page (the inside-the-zone list). Attributes that
        depend on nothing of the row are the same on every row, so they are worked out once a page here; a column
        whose cell attributes are callables still gets them per cell, as django-tables2 would give them."""
        columns = list(self.columns)
        same_on_every_row = {
            column.name: column.attrs["td"].as_html() for column in columns if not self._cell_attrs_per_row(column)
        }
        rows = []
        for row in self.paginated_rows:
            cells = []
            for column, content in row.items():
                attrs = same_on_every_row.get(column.name)
                cells.append(PageCell(column, column.attrs["td"].as_html() if attrs is None else attrs, content))
            rows.append(PageRow(attrs=row.attrs.as_html(), cells=cells))
        return rows

    def _cell_attrs_per_row(self, column: BoundColumn) -> bool:
        """Whether a column's cell attributes depend on the row: some are callables (of the record and value)."""
        attrs = {**self.attrs, **column.column.attrs}
        cell = attrs.get("td", attrs.get("cell", {}))
        return any(callable(value) for value in cell.values())


@dataclass(frozen=True)
class PageCell:
    column: BoundColumn
    attrs: str  # the <td>'s attributes, as HTML
    content: str


@dataclass(frozen=True)
class PageRow:
    attrs: str  # the <tr>'s attributes, as HTML
    cells: list[PageCell]


class StackedListTable(ListTable):
    """A table whose rows read on their own: the first column heads each row (`<th scope="row">`), every other cell
    carries its column's name in `data-label`, so the subclass's classes (in `Meta.attrs`, e.g. `reg-table-stack`)
    can stack the rows as cards on a phone. Without rows it is its `empty_text` in a paragraph."""

    class Meta(ListTable.Meta):
        template_name = STACKED_TABLE_TEMPLATE


class ActionColumn(tables.TemplateColumn):
    """The row's buttons, from a template: the header says "Action" to screen readers only (each button names its
    row), and the column is neither sorted nor exported."""

    def __init__(self, **kwargs):
        kwargs.setdefault("verbose_name", _("Action"))
        super().__init__(orderable=False, exclude_from_export=True, **kwargs)

    @property
    def header(self) -> str:
        return format_html('<span class="visually-hidden">{}</span>', self.verbose_name)
