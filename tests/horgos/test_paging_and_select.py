"""Paging that counts only up to a cap, and the select of many options written without a template per option."""

import pytest
from django import forms
from django.utils.safestring import mark_safe
from django_countries import countries

from horgos.choices import Role
from horgos.forms import ManyOptionsSelect
from horgos.models import User
from horgos.pages import CappedPaginator

# --- CappedPaginator ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("rows", "count", "more", "pages"), [(5, 5, False, 3), (6, 6, False, 3), (7, 6, True, 3)])
def test_a_capped_paginator_counts_up_to_the_cap(rows, count, more, pages):
    # Given rows, pages of 2, a cap of 6
    paginator = CappedPaginator(list(range(rows)), 2, cap=6)
    # Then it counts at most 6 rows, says whether there are more, and pages through the first 6 only
    assert (paginator.count, paginator.more_than_cap, paginator.num_pages) == (count, more, pages)
    assert list(paginator.get_page(99).object_list) == list(range(rows))[4:6]


@pytest.mark.django_db
def test_a_capped_paginator_counts_a_queryset_in_the_database_up_to_one_more_than_the_cap(
    django_assert_num_queries,
):
    # Given 8 users and a cap of 5
    User.objects.bulk_create(User(username=f"paged{number}", role=Role.OFFICER) for number in range(8))
    paginator = CappedPaginator(User.objects.order_by("username"), 2, cap=5)
    # When it counts: one query, of at most 6 rows
    with django_assert_num_queries(1) as queries:
        assert paginator.count == 5
    assert "LIMIT 6" in queries.captured_queries[0]["sql"]
    # Then the last page ends at the fifth row
    assert paginator.more_than_cap
    assert [user.username for user in paginator.page(3)] == ["paged4"]


# --- ManyOptionsSelect -------------------------------------------------------------------------------

CHOICES = [
    ("", "---------"),
    ("a&b", "A & <b>"),
    ("KZ", "Казахстан"),
    ("Group", [("x", "X"), ("y", mark_safe("<i>Y</i>"))]),
    ("Group", [("KZ", "Kazakhstan again")]),  # the same group twice, and a value again: only its first is selected
    (1, "one"),
    (None, "none"),
]


@pytest.mark.parametrize("value", [None, "", "KZ", "x", 1, "1", "missing"])
def test_many_options_select_writes_what_select_writes(value):
    attrs = {"id": "id_field", "required": True, "data-x": '1"2', "hidden": False}
    # Given the same choices, attributes and value
    expected = forms.Select(choices=CHOICES, attrs=attrs).render("field", value)
    # Then the select written in Python is the template's, character for character (escaping, the empty choice
    # in words, the selected option, groups)
    assert ManyOptionsSelect(choices=CHOICES, attrs=attrs).render("field", value) == expected
    assert "Choose…" in expected


def test_many_options_select_writes_every_country_as_select_does():
    assert ManyOptionsSelect(choices=list(countries)).render("origin", "KZ") == forms.Select(
        choices=list(countries)
    ).render("origin", "KZ")
