"""Finding a traveller without recording anything: by document number or by name and birth date, in Latin or native
script; the number travels only in a POST body, results mask it and lead to the person card."""

from datetime import date

import pytest
from django.urls import reverse

from crossings.forms import SEARCH_NEEDS_NUMBER_OR_NAME
from crossings.models import Crossing, Visit
from crossings.selectors import document_get
from crossings.services.crossings import crossing_record_entry
from horgos.models import AuditEntry
from tests.crossings.conftest import beijing
from tests.crossings.factories import DocumentFactory, TravellerFactory

pytestmark = pytest.mark.django_db

SEARCH = reverse("crossings:traveller-search")


def names(response) -> list[str]:
    return [str(row["traveller"]) for row in response.context["results"]["rows"]]


@pytest.fixture
def nurlanov(db):
    """A Kazakh with his name in Cyrillic too, and two documents."""
    traveller = TravellerFactory(
        nationality="KZ",
        family_name="Nurlanov",
        given_names="Daniyar",
        family_name_native="Нұрланов",
        given_names_native="Данияр",
        birth_date=date(1990, 4, 2),
    )
    DocumentFactory(traveller=traveller, issuing_country="KZ", number="N7654321", valid_until=date(2031, 1, 1))
    DocumentFactory(traveller=traveller, document_type="national_id", issuing_country="KZ", number="041234567")
    return traveller


@pytest.mark.parametrize(("caller", "status"), [(None, 302), ("merchant", 403), ("kz_officer", 200)])
def test_the_search_page_is_for_officers_and_administrators(signed_in, zone, caller, status):
    client = signed_in(getattr(zone, caller) if caller else None)
    assert client.get(SEARCH).status_code == status
    assert client.post(SEARCH, {"document_number": "N7654321"}).status_code == status


def test_search_by_document_number_shows_the_traveller_masked_and_records_nothing(signed_in, zone, nurlanov):
    audited_before = AuditEntry.objects.count()
    response = signed_in(zone.kz_officer).post(SEARCH, {"document_number": "n 7654-321"})
    assert response.status_code == 200
    assert names(response) == ["NURLANOV Daniyar"]
    page = response.content.decode()
    assert f'href="{reverse("crossings:traveller", args=[nurlanov.pk])}"' in page
    assert "••••4321" in page and "••••4567" in page
    assert "N7654321" not in page and "041234567" not in page
    assert "Нұрланов Данияр" in page
    # Nothing recorded, nothing audited, nothing kept
    assert not Crossing.objects.exists()
    assert AuditEntry.objects.count() == audited_before
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_the_form_posts_so_the_number_never_stands_in_a_url(signed_in, zone, nurlanov):
    client = signed_in(zone.cn_officer)
    page = client.get(SEARCH).content.decode()
    assert f'<form method="post" action="{SEARCH}"' in page
    # A number in the query string searches nothing
    response = client.get(SEARCH, {"document_number": "N7654321"})
    assert response.context["results"] is None
    assert "NURLANOV" not in response.content.decode()


@pytest.mark.parametrize(
    "criteria",
    [
        {"family_name": "nurlanov", "birth_date": "1990-04-02"},
        {"family_name": " NURLANOV ", "given_names": "daniyar", "birth_date": "1990-04-02"},
        {"family_name": "Нұрланов", "birth_date": "1990-04-02"},
        {"family_name": "Нұрланов", "given_names": "Данияр", "birth_date": "1990-04-02"},
    ],
)
def test_search_by_name_and_birth_date_in_latin_or_native_script(signed_in, zone, nurlanov, criteria):
    TravellerFactory(family_name="Nurlanov", given_names="Arman", birth_date=date(1985, 1, 1))  # another birth date
    response = signed_in(zone.kz_officer).post(SEARCH, criteria)
    assert names(response) == ["NURLANOV Daniyar"]


def test_a_name_without_a_birth_date_or_nothing_at_all_asks_for_more(signed_in, zone, nurlanov):
    client = signed_in(zone.kz_officer)
    for body in ({}, {"family_name": "Nurlanov"}, {"birth_date": "1990-04-02"}):
        response = client.post(SEARCH, body)
        assert response.status_code == 200
        assert response.context["results"] is None
        assert str(SEARCH_NEEDS_NUMBER_OR_NAME) in response.content.decode()


def test_a_bad_birth_date_is_a_field_error(signed_in, zone):
    response = signed_in(zone.kz_officer).post(SEARCH, {"family_name": "Nurlanov", "birth_date": "02.04.1990x"})
    assert response.context["results"] is None
    assert response.context["form"].errors["birth_date"]


def test_nobody_found_says_so(signed_in, zone, nurlanov):
    response = signed_in(zone.kz_officer).post(SEARCH, {"document_number": "X0000000"})
    assert response.context["results"] == {"rows": [], "more": False, "similar": False}
    assert "0 travellers found." in response.content.decode()


def test_results_show_where_the_traveller_stands_now(signed_in, zone, nurlanov, at):
    at(beijing(2026, 5, 12, 10, 0))
    passport = document_get(document_type="passport", issuing_country="KZ", number="N7654321")
    crossing_record_entry(document=passport, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    response = signed_in(zone.cn_officer).post(SEARCH, {"document_number": "N7654321"})
    assert '<span class="badge badge-ok">Inside the zone</span>' in response.content.decode()
    assert Visit.objects.count() == 1 and Crossing.objects.count() == 1  # the search added nothing


def test_officers_find_the_search_in_their_navigation(signed_in, zone):
    page = signed_in(zone.kz_officer).get(reverse("crossings:inside")).content.decode()
    assert f'href="{SEARCH}"' in page
