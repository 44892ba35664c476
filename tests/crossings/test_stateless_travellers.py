"""Stateless persons and refugees (DESIGN.md section 4): the ICAO codes XXA, XXB, XXC and XXX are registered,
admitted, listed and counted like any other nationality ("other nationals"), from the MRZ, the forms and the API.

They are stored as the ISO 3166 user-assigned codes XA, XB, XC and XX (the API's two-letter form), and they are
nationalities only: never the issuing state of a document, nor a country of origin or registration.
"""

from datetime import date

import pytest
from django.utils.choices import flatten_choices
from django_countries import countries
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator

from crossings.choices import LaneGroup, Outcome
from crossings.forms import RegisterForm
from crossings.models import Crossing, TravelDocument, Traveller, Visit
from crossings.mrz import NOT_AN_ISSUING_STATE, MrzError, parse_mrz
from crossings.rules import traveller_group_at
from crossings.services.crossings import crossing_record_entry
from merchants.forms import ListingForm
from tests.crossings.conftest import beijing
from tests.crossings.factories import DocumentFactory, TravellerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 5, 12)
ICAO_TO_STORED = {"XXA": "XA", "XXB": "XB", "XXC": "XC", "XXX": "XX"}


def passport_mrz(*, nationality="XXA", issuing="KAZ", number="S0012345", surname="ALIEV", given="RUSTAM"):
    """A TD3 zone with every check digit right. Neither the issuing state nor the nationality is covered by a check
    digit, so they are written in after generating (the generator knows no XXC)."""
    zone = TD3CodeGenerator("P", "KAZ", surname, given, number, "XXA", "900402", "M", "310101", "")
    first, second = str(zone).split("\n")
    return f"{first[:2]}{issuing:<3}{first[5:]}\n{second[:10]}{nationality:<3}{second[13:]}".replace(" ", "<")


def stateless(nationality="XA", issuing_country="KZ", number="S0012345", family_name="Aliev"):
    traveller = TravellerFactory(nationality=nationality, family_name=family_name, given_names="Rustam")
    return DocumentFactory(traveller=traveller, issuing_country=issuing_country, number=number)


# --- the machine readable zone ------------------------------------------------------------------------


@pytest.mark.parametrize(("icao", "stored"), ICAO_TO_STORED.items())
def test_mrz_nationality_codes_of_stateless_persons_and_refugees_are_read(icao, stored):
    zone = parse_mrz(passport_mrz(nationality=icao), today=TODAY)
    assert (zone.nationality, zone.issuing_country) == (stored, "KZ")
    assert (zone.family_name, zone.number) == ("Aliev", "S0012345")


def test_mrz_td1_card_of_a_refugee_is_read():
    card = str(TD1CodeGenerator("I", "KAZ", "R12345678", "880101", "F", "320101", "XXB", "ALIEVA", "MADINA"))
    assert parse_mrz(card, today=TODAY).nationality == "XB"


def test_mrz_british_nationality_classes_are_british():
    assert parse_mrz(passport_mrz(nationality="GBD", issuing="GBR"), today=TODAY).nationality == "GB"


@pytest.mark.parametrize("issuing", ["XXA", "XXB", "XXC", "XXX"])
def test_mrz_with_a_stateless_code_as_issuing_state_is_refused(issuing):
    # Doc 9303-3 gives these codes to holders without a nationality; a document is still issued by a state.
    with pytest.raises(MrzError) as error:
        parse_mrz(passport_mrz(issuing=issuing), today=TODAY)
    assert str(error.value) == str(NOT_AN_ISSUING_STATE % {"code": issuing})


# --- rules: another national ---------------------------------------------------------------------------


@pytest.mark.parametrize("code", ICAO_TO_STORED.values())
def test_stateless_persons_and_refugees_are_other_nationals_at_both_checkpoints(zone, code):
    traveller = TravellerFactory(nationality=code)
    assert traveller_group_at(zone.cn, traveller) == LaneGroup.OTHER_NATIONALS
    assert traveller_group_at(zone.kz, traveller) == LaneGroup.OTHER_NATIONALS


@pytest.mark.parametrize(
    ("lane", "outcome", "reason"),
    [("E-F01", Outcome.ADMITTED, ""), ("E-C01", Outcome.REFUSED, "wrong_lane_group"),
     ("E-G01", Outcome.REFUSED, "wrong_lane_group")],
)  # fmt: skip
def test_stateless_person_uses_the_lanes_of_other_nationals(zone, at, lane, outcome, reason):
    at(beijing(2026, 5, 12, 10, 0))
    crossing = crossing_record_entry(document=stateless(), lane=zone.lane("CN", lane), acting_user=zone.cn_officer)
    assert (crossing.outcome, crossing.refusal_reason) == (outcome, reason)


# --- the lane desk --------------------------------------------------------------------------------------


def test_desk_scan_of_a_stateless_persons_passport_registers_and_admits(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    response = desk_client(zone.cn_officer).post(
        "/crossings/desk/scan/", {"scan": passport_mrz()}, HTTP_HX_REQUEST="true"
    )
    page = response.content.decode()
    assert "decision-admitted" in page
    assert "Stateless person" in page
    traveller = Traveller.objects.get()
    assert (traveller.family_name, traveller.nationality, traveller.nationality.name) == (
        "Aliev",
        "XA",
        "Stateless person",
    )
    assert TravelDocument.objects.get().issuing_country == "KZ"
    assert Visit.objects.get().traveller == traveller


def test_register_form_offers_the_icao_categories_as_nationalities_only(zone):
    form = RegisterForm(checkpoint=zone.cn)
    nationalities = dict(flatten_choices(form.fields["nationality"].choices))
    assert nationalities["XA"] == "Stateless person"
    assert nationalities["XB"] == "Refugee (1951 Convention)"
    assert nationalities["XC"] == "Refugee (other)"
    assert nationalities["XX"] == "Unspecified nationality"
    assert nationalities["KZ"] == "Kazakhstan"
    issuing = dict(flatten_choices(form.fields["document_issuing_country"].choices))
    assert "KZ" in issuing and not {"XA", "XB", "XC", "XX"} & set(issuing)


def test_desk_inline_registration_of_a_refugee_admits(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    client = desk_client(zone.cn_officer)
    response = client.post(
        "/crossings/desk/register/",
        {"document_number": "R7777777", "document_type": "passport", "document_issuing_country": "DE",
         "document_valid_until": "2031-05-01", "family_name": "Haddad", "given_names": "Omar", "nationality": "XB",
         "birth_date": "1993-07-07", "sex": "M"},
    )  # fmt: skip
    assert "decision-admitted" in response.content.decode()
    assert Traveller.objects.get().nationality == "XB"
    assert Crossing.objects.get().outcome == Outcome.ADMITTED


def test_desk_inline_registration_refuses_a_stateless_code_as_issuing_country(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    client = desk_client(zone.cn_officer)
    response = client.post(
        "/crossings/desk/register/",
        {"document_number": "R7777777", "document_type": "passport", "document_issuing_country": "XA",
         "document_valid_until": "2031-05-01", "family_name": "Haddad", "nationality": "XA",
         "birth_date": "1993-07-07", "sex": "M"},
    )  # fmt: skip
    assert response.status_code == 400
    assert "document_issuing_country" in response.context["register_form"].errors
    assert not Traveller.objects.exists()


# --- the API --------------------------------------------------------------------------------------------


def register_body(nationality, issuing_country="KZ"):
    return {
        "family_name": "Aliev",
        "given_names": "Rustam",
        "nationality": nationality,
        "birth_date": "1990-04-02",
        "sex": "M",
        "document": {
            "document_type": "passport",
            "number": "S0012345",
            "issuing_country": issuing_country,
            "valid_until": "2031-01-01",
        },
    }


@pytest.mark.parametrize("given", ["XA", "XXA", "Stateless person"])
def test_api_registers_a_stateless_person_and_admits_them(zone, at, api_client_for, given):
    at(beijing(2026, 5, 12, 10, 0))
    client = api_client_for(zone.cn_officer)
    created = client.post("/api/v1/travellers/", register_body(given), format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["nationality"] == "XA"
    entry = client.post(
        "/api/v1/crossings/entry/",
        {"document": {"document_type": "passport", "issuing_country": "KZ", "number": "S0012345"},
         "lane": zone.lane("CN", "E-F01").pk},
        format="json",
    )  # fmt: skip
    assert entry.status_code == 201
    assert (entry.json()["outcome"], entry.json()["traveller"]["nationality"]) == ("admitted", "XA")
    inside = client.get("/api/v1/visits/inside/", {"nationality": "xa"}).json()
    assert [visit["traveller"]["family_name"] for visit in inside["results"]] == ["Aliev"]
    found = client.post(
        "/api/v1/travellers/search/",
        {"family_name": "Aliev", "birth_date": "1990-04-02", "nationality": "xa"},
        format="json",
    ).json()
    assert [traveller["nationality"] for traveller in found["results"]] == ["XA"]


def test_api_refuses_a_stateless_code_as_issuing_country(zone, api_client_for):
    response = api_client_for(zone.cn_officer).post("/api/v1/travellers/", register_body("XA", "XA"), format="json")
    assert response.status_code == 400
    assert "document" in response.json()["error"]["fields"]
    assert not Traveller.objects.exists()


# --- lists -----------------------------------------------------------------------------------------------


def test_inside_list_names_stateless_persons_and_filters_by_their_code(client, zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    crossing_record_entry(document=stateless(), lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    client.force_login(zone.cn_officer)
    page = client.get("/crossings/inside/")
    html = page.content.decode()
    assert "Stateless person" in html
    assert '<option value="XA">Stateless person</option>' in html
    filtered = client.get("/crossings/inside/", {"nationality": "XA"})
    assert [row.record.traveller.family_name for row in filtered.context["table"].paginated_rows] == ["Aliev"]
    export = client.get("/crossings/inside/", {"nationality": "XA", "export": "csv"})
    assert ",XA," in b"".join(export.streaming_content).decode()


def test_traveller_page_names_the_nationality(client, zone):
    document = stateless(nationality="XC")
    client.force_login(zone.cn_officer)
    html = client.get(f"/crossings/travellers/{document.traveller.pk}/").content.decode()
    assert "Refugee (other)" in html


# --- the codes stay out of the countries of goods and merchants ---------------------------------------------


def test_stateless_codes_are_no_country_of_origin_or_of_registration():
    assert not {"XA", "XB", "XC", "XX"} & {code for code, _ in countries}
    assert "XA" not in dict(ListingForm.base_fields["origin_country"].choices)
