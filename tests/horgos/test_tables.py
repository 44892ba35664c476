"""The shared stacked table (horgos/_stacked_table.html): a row header, cells named for the phone's cards, the site's
sort links and pages, and the empty text in a paragraph."""

import re

import django_tables2 as tables
from django.contrib.auth.models import AnonymousUser
from django.template import RequestContext, Template
from django.test import RequestFactory

from horgos import pages
from horgos.tables import ActionColumn, ListTable, StackedListTable


class UnitTable(StackedListTable):
    unit = tables.Column(verbose_name="Unit")
    name = tables.Column(verbose_name="Shop name", attrs={"td": {"class": "shop-name"}})
    area = tables.Column(verbose_name="Area", orderable=True, attrs={"cell": {"class": "num"}})
    action = ActionColumn(template_code='<button type="button">Close {{ record.unit }}</button>')

    class Meta(StackedListTable.Meta):
        attrs = {"class": "table reg-table reg-table-stack"}
        orderable = False
        empty_text = "No units match."


UNITS = [{"unit": f"B2-1-00{number}", "name": f"Shop {number}", "area": 10 * number} for number in range(1, 4)]


def rendered(table: tables.Table, query: dict | None = None, *, size: int = 50) -> str:
    request = RequestFactory().get("/units/", query or {})
    request.user = AnonymousUser()
    pages.paged_table(request, table, size=size)
    template = Template("{% load django_tables2 %}{% render_table table %}")
    return template.render(RequestContext(request, {"table": table}))


def test_stacked_table_heads_each_row_with_its_first_cell_and_names_every_other_cell():
    # Given units in a stacked table, when it is rendered
    html = rendered(UnitTable(UNITS, caption="Units"))
    # Then the table keeps its classes and caption, and each row is headed by its unit
    assert '<table class="table reg-table reg-table-stack">' in html
    assert '<caption class="visually-hidden">Units</caption>' in html
    assert re.findall(r'<th scope="row">([^<]+)</th>', html) == ["B2-1-001", "B2-1-002", "B2-1-003"]
    # and every other cell says its column's name, with the column's own classes
    assert '<td data-label="Shop name" class="shop-name">Shop 1</td>' in html
    assert '<td data-label="Area" class="num">10</td>' in html
    # and the buttons' column reads "Action" only to screen readers, its cell named in plain words
    assert '<span class="visually-hidden">Action</span>' in html
    assert '<td data-label="Action"><button type="button">Close B2-1-001</button></td>' in html


def test_stacked_table_sorts_by_a_column_that_allows_it_and_says_how_in_words():
    # When the units are sorted by area, largest first
    html = rendered(UnitTable(UNITS), {"sort": "-area"})
    # Then the rows follow, and the header says which way it sorts to screen readers too
    assert re.findall(r'<th scope="row">([^<]+)</th>', html) == ["B2-1-003", "B2-1-002", "B2-1-001"]
    assert 'aria-sort="descending"' in html
    assert '<a class="sort-link" href="?sort=area">Area<span class="visually-hidden"> (sorted descending)' in html
    # and a column that does not sort has no link
    assert 'href="?sort=unit"' not in html


def test_stacked_table_pages_like_every_table_of_the_site():
    # When two units make a page
    first = rendered(UnitTable(UNITS), size=2)
    last = rendered(UnitTable(UNITS), {"page": 2}, size=2)
    # Then the pages are in a labelled nav, as in horgos/_table.html
    assert '<nav class="pagination" aria-label="Pages">' in first and "Page 1 of 2" in first
    assert 'rel="next" href="?page=2"' in first
    assert re.findall(r'<th scope="row">([^<]+)</th>', last) == ["B2-1-003"]
    # and a page out of range shows the last one
    assert "B2-1-003" in rendered(UnitTable(UNITS), {"page": 9}, size=2)


def test_paged_table_uses_the_sites_page_size_unless_told(monkeypatch):
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    request = RequestFactory().get("/units/")
    assert len(pages.paged_table(request, UnitTable(UNITS)).page.object_list) == 2
    assert not hasattr(pages.paged_table(request, UnitTable(UNITS), paginate=False), "page")


def test_stacked_table_without_rows_is_its_empty_text():
    html = rendered(UnitTable([]))
    assert "<table" not in html
    assert "<p>No units match.</p>" in html


class LevelTable(ListTable):
    """A plain table whose cells carry attributes worked out once a page (fixed) and per row (callables)."""

    unit = tables.Column(verbose_name="Unit", attrs={"td": {"class": "unit"}})
    area = tables.Column(
        verbose_name="Area",
        attrs={"td": {"class": "num", "data-size": lambda value: "large" if value >= 20 else "small"}},
    )

    class Meta(ListTable.Meta):
        orderable = True
        row_attrs = {"id": lambda record: f"unit-{record['unit']}"}


def test_cell_attributes_fixed_for_a_page_and_those_of_each_row_both_reach_the_cells():
    # Given a table sorted by area, one of its columns with a cell attribute computed from each cell's value
    html = rendered(LevelTable(UNITS), {"sort": "-area"})
    # Then each row has its own attributes, and every cell its column's, with those computed from its own value
    rows = re.findall(r'<tr id="unit-([^"]+)"[^>]*>\s*<td class="unit">([^<]+)</td><td ([^>]+)>(\d+)</td>', html)
    assert rows == [
        ("B2-1-003", "B2-1-003", 'class="num" data-size="large"', "30"),
        ("B2-1-002", "B2-1-002", 'class="num" data-size="large"', "20"),
        ("B2-1-001", "B2-1-001", 'class="num" data-size="small"', "10"),
    ]
