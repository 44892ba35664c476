"""Document numbers on the API: masked in every answer, revealed one at a time (audited like the page's reveal),
travellers found by a POSTed search rather than listed, and the personal-data endpoints throttled."""

import pytest
from drf_spectacular.generators import SchemaGenerator
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from crossings.api.views import SEARCH_BY_POST
from crossings.choices import WatchlistMatch
from crossings.forms import SEARCH_NEEDS_NUMBER_OR_NAME
from crossings.services.crossings import crossing_record_entry
from crossings.services.documents import WATCHLIST_ENTRY_HAS_NO_NUMBER
from crossings.services.watchlist import watchlist_add
from horgos.models import AuditEntry
from horgos.reauth import REAUTH_MACHINE_TOKEN_REFUSED, REAUTH_PASSWORD_REQUIRED, REAUTH_PASSWORD_WRONG
from horgos.services import api_token_issue_machine
from tests.crossings.conftest import beijing
from tests.crossings.factories import DocumentFactory, TravellerFactory
from tests.factories import TEST_PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db

SEARCH = "/api/v1/travellers/search/"
# A reveal needs a fresh sign-in: a caller with a personal token sends its password along (horgos.reauth).
FRESH_SIGN_IN = {"password": TEST_PASSWORD}


@pytest.fixture
def as_user(api_client_for):
    def client(user):
        return APIClient() if user is None else api_client_for(user)

    return client


def reveal_path(document) -> str:
    return f"/api/v1/travellers/{document.traveller_id}/documents/{document.pk}/reveal/"


@pytest.fixture
def crossed(zone, kazakh, chinese, at):
    """The Kazakh traveller refused on a watchlist hit by document (an alert), the Chinese one admitted (a visit)."""
    at(beijing(2026, 5, 12, 10, 0))
    entry = watchlist_add(match=WatchlistMatch.DOCUMENT, document_type=kazakh.document_type,
                          document_issuing_country="KZ", document_number=kazakh.number, reason="Stolen",
                          acting_user=zone.administrator)  # fmt: skip
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    return entry


def listings(kazakh, chinese) -> list[tuple[str, bool]]:
    """Every read that can carry a document number, and whether it shows documents (masked) at all."""
    crossing = kazakh.traveller.crossings.get()
    return [
        ("/api/v1/travellers/", True),
        (f"/api/v1/travellers/{kazakh.traveller_id}/", True),
        (f"/api/v1/travellers/{chinese.traveller_id}/crossings/", True),
        ("/api/v1/crossings/", True),
        (f"/api/v1/crossings/{crossing.pk}/", True),
        ("/api/v1/visits/", False),
        ("/api/v1/visits/inside/", False),
        ("/api/v1/alerts/", True),
        ("/api/v1/watchlist/", True),
        (f"/api/v1/watchlist/{crossed_entry_id(kazakh)}/", True),
    ]


def crossed_entry_id(kazakh) -> int:
    return kazakh.traveller.crossings.get().alert.watchlist_entry_id


def test_every_listing_masks_document_numbers(zone, kazakh, chinese, crossed, api_client_for):
    # Given an alert, a visit, crossings and a watchlist entry by document
    client = api_client_for(zone.administrator)
    for path, shows_documents in listings(kazakh, chinese):
        # When an administrator (who sees most) reads each listing
        response = client.get(path)
        # Then no full number is in it, and the masked ones are
        assert response.status_code == 200, path
        text = response.content.decode()
        assert "N1234567" not in text and "E12345678" not in text, path
        assert ("••••4567" in text or "••••5678" in text) == shows_documents, path


def test_search_answers_masked_numbers_and_is_not_audited(zone, kazakh, api_client_for):
    client = api_client_for(zone.cn_officer)  # (issuing its token is audited)
    before = AuditEntry.objects.count()
    found = client.post(SEARCH, {"document_number": "N1234567"}, format="json")
    assert found.status_code == 200
    assert found.json()["results"][0]["documents"][0]["number_masked"] == "••••4567"
    assert "N1234567" not in found.content.decode()
    assert AuditEntry.objects.count() == before


# --- reveal ------------------------------------------------------------------------------------------------


def test_reveal_returns_the_number_and_writes_the_pages_audit_row(zone, kazakh, api_client_for, signed_in):
    # When an officer reveals the number through the API
    response = api_client_for(zone.cn_officer).post(reveal_path(kazakh), FRESH_SIGN_IN)
    # Then the answer is the full number, kept out of caches
    assert response.status_code == 200
    assert response.json() == {"number": "N1234567"}
    assert "no-store" in response["Cache-Control"]
    # And the audit row is the one the page's reveal writes
    signed_in(zone.cn_officer).post(f"/crossings/travellers/{kazakh.traveller_id}/documents/{kazakh.pk}/reveal/")
    by_api, by_page = AuditEntry.objects.filter(action="document.reveal").order_by("id")
    fields = ("actor", "target_type", "target_id", "target_repr", "changes")
    assert [getattr(by_api, name) for name in fields] == [getattr(by_page, name) for name in fields]
    assert (by_api.actor, by_api.target_id, by_api.changes["document"]) == (
        zone.cn_officer,
        str(kazakh.traveller_id),
        kazakh.pk,
    )
    assert "N1234567" not in f"{by_api.target_repr} {by_api.changes}"


@pytest.mark.parametrize(("caller", "status"), [(None, 401), ("merchant", 403), ("kz_officer", 200)])
def test_reveal_is_for_officers_and_administrators(zone, kazakh, as_user, caller, status):
    user = getattr(zone, caller) if caller else None
    response = as_user(user).post(reveal_path(kazakh), FRESH_SIGN_IN)
    assert response.status_code == status
    assert "N1234567" not in response.content.decode() or status == 200
    assert AuditEntry.objects.filter(action="document.reveal").count() == (1 if status == 200 else 0)


def test_reveal_of_another_travellers_document_is_404_and_not_audited(zone, kazakh, chinese, api_client_for):
    path = f"/api/v1/travellers/{kazakh.traveller_id}/documents/{chinese.pk}/reveal/"
    response = api_client_for(zone.cn_officer).post(path, FRESH_SIGN_IN)
    assert response.status_code == 404
    assert not AuditEntry.objects.filter(action="document.reveal").exists()


def test_reveal_needs_a_fresh_sign_in_and_no_machine_may_reveal(zone, kazakh, api_client_for, signed_in):
    officer_token = api_client_for(zone.cn_officer)
    gate = api_token_issue_machine(user=zone.cn_officer, name="E-gate 1", acting_user=zone.administrator).secret
    machine = APIClient()
    machine.credentials(HTTP_AUTHORIZATION=f"Token {gate}")
    session = APIClient()
    session.force_login(zone.cn_officer)
    session.get("/api/v1/me/")  # an API session that did not confirm a password lately
    for client, body, message in (
        (officer_token, {}, REAUTH_PASSWORD_REQUIRED),
        (officer_token, {"password": "not-the-password"}, REAUTH_PASSWORD_WRONG),
        (machine, FRESH_SIGN_IN, REAUTH_MACHINE_TOKEN_REFUSED),
    ):
        # When the number is asked for without a fresh sign-in, it is refused with the reason, and nothing audited
        response = client.post(reveal_path(kazakh), body, format="json")
        assert (response.status_code, response.json()["error"]["code"]) == (403, "reauthentication_required")
        assert str(message) in response.content.decode()
        assert "N1234567" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="document.reveal").exists()


def test_reveal_is_a_post(zone, kazakh, api_client_for):
    assert api_client_for(zone.cn_officer).get(reveal_path(kazakh)).status_code == 405


def test_administrator_reveals_a_watchlist_entry_audited(zone, kazakh, crossed, as_user):
    response = as_user(zone.administrator).post(f"/api/v1/watchlist/{crossed.pk}/reveal/", FRESH_SIGN_IN)
    assert (response.status_code, response.json()) == (200, {"number": "N1234567"})
    audit = AuditEntry.objects.get(action="watchlist.reveal")
    assert (audit.actor, audit.target_id) == (zone.administrator, str(crossed.pk))
    assert "N1234567" not in f"{audit.target_repr} {audit.changes}"
    for caller in (zone.cn_officer, zone.merchant, None):
        assert as_user(caller).post(f"/api/v1/watchlist/{crossed.pk}/reveal/", FRESH_SIGN_IN).status_code in (401, 403)
    assert AuditEntry.objects.filter(action="watchlist.reveal").count() == 1


def test_a_watchlist_entry_by_person_has_no_number_to_reveal(zone, api_client_for):
    entry = watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=beijing(1985, 6, 15).date(),
                          reason="Court order", acting_user=zone.administrator)  # fmt: skip
    response = api_client_for(zone.administrator).post(f"/api/v1/watchlist/{entry.pk}/reveal/", FRESH_SIGN_IN)
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"] == [str(WATCHLIST_ENTRY_HAS_NO_NUMBER)]
    assert not AuditEntry.objects.filter(action="watchlist.reveal").exists()


# --- search instead of listing -----------------------------------------------------------------------------


def test_search_finds_by_the_normalised_number(zone, api_client_for):
    document = DocumentFactory(number="E1234567", issuing_country="KZ")
    DocumentFactory(number="E7654321", issuing_country="KZ")
    found = api_client_for(zone.cn_officer).post(SEARCH, {"document_number": "e 1234-567"}, format="json").json()
    assert [traveller["id"] for traveller in found["results"]] == [document.traveller_id]
    assert found["more"] is False


def test_search_narrows_by_the_same_documents_type_and_country(zone, api_client_for):
    # Given one traveller with a Kazakh passport E1234567 and a Chinese ID card of another number
    traveller = TravellerFactory()
    DocumentFactory(traveller=traveller, number="E1234567", issuing_country="KZ")
    DocumentFactory(traveller=traveller, number="P0000001", issuing_country="CN", document_type="national_id")
    client = api_client_for(zone.cn_officer)

    def ids(**criteria):
        return [t["id"] for t in client.post(SEARCH, criteria, format="json").json()["results"]]

    assert ids(document_number="E1234567", document_type="passport", issuing_country="KZ") == [traveller.pk]
    # Then the type and country must be those of the document that carries the number
    assert ids(document_number="E1234567", issuing_country="CN") == []
    assert ids(document_number="E1234567", document_type="national_id") == []


def test_search_by_names_and_birth_date(zone, kazakh, api_client_for):
    traveller = kazakh.traveller
    body = {"family_name": traveller.family_name.lower(), "birth_date": traveller.birth_date.isoformat()}
    found = api_client_for(zone.kz_officer).post(SEARCH, body, format="json").json()
    assert [t["id"] for t in found["results"]] == [traveller.pk]


@pytest.mark.parametrize("body", [{}, {"family_name": "Abenova"}, {"birth_date": "1985-06-15"}])
def test_search_without_a_number_or_a_name_and_birth_date_is_400(zone, kazakh, api_client_for, body):
    response = api_client_for(zone.cn_officer).post(SEARCH, body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"] == [str(SEARCH_NEEDS_NUMBER_OR_NAME)]


@pytest.mark.parametrize(("caller", "status"), [(None, 401), ("merchant", 403), ("cn_officer", 200)])
def test_search_is_for_officers_and_administrators(zone, kazakh, as_user, caller, status):
    user = getattr(zone, caller) if caller else None
    assert as_user(user).post(SEARCH, {"document_number": "N1234567"}, format="json").status_code == status


def test_search_by_get_query_is_not_offered(zone, kazakh, api_client_for):
    assert api_client_for(zone.cn_officer).get(SEARCH, {"document_number": "N1234567"}).status_code == 405
    # And the listing's former query-string search answers where the search went, listing nobody
    response = api_client_for(zone.administrator).get("/api/v1/travellers/", {"document_number": "N1234567"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"document_number": [str(SEARCH_BY_POST)]}


@pytest.mark.parametrize(
    ("caller", "status"),
    [(None, 401), ("merchant", 403), ("kz_officer", 403), ("cn_officer", 403), ("administrator", 200)],
)
def test_listing_every_traveller_is_for_administrators(zone, kazakh, as_user, caller, status):
    user = getattr(zone, caller) if caller else None
    assert as_user(user).get("/api/v1/travellers/").status_code == status


def test_administrators_list_travellers_a_small_page_at_a_time(zone, api_client_for, settings):
    DocumentFactory.create_batch(settings.API_TRAVELLERS_PAGE_SIZE + 1)
    page = api_client_for(zone.administrator).get("/api/v1/travellers/").json()
    assert (page["count"], len(page["results"])) == (settings.API_TRAVELLERS_PAGE_SIZE + 1, 20)


# --- throttling --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("scope", "caller", "request_of"),
    [
        ("document_reveal", "cn_officer", lambda client, kazakh: client.post(reveal_path(kazakh), FRESH_SIGN_IN)),
        ("travellers_search", "cn_officer",
         lambda client, kazakh: client.post(SEARCH, {"document_number": "N1"}, format="json")),
        ("travellers_list", "administrator", lambda client, kazakh: client.get("/api/v1/travellers/")),
    ],
)  # fmt: skip
def test_personal_data_endpoints_answer_429_with_retry_after(
    zone, kazakh, api_client_for, monkeypatch, scope, caller, request_of
):
    # Given a rate of 2 a minute
    monkeypatch.setitem(ScopedRateThrottle.THROTTLE_RATES, scope, "2/minute")
    client = api_client_for(getattr(zone, caller))
    assert [request_of(client, kazakh).status_code for _ in range(2)] == [200, 200]
    # When a third request comes within the minute
    throttled = request_of(client, kazakh)
    # Then it is 429, in the API's error shape, saying when to come back
    assert throttled.status_code == 429
    assert throttled.json()["error"]["code"] == "throttled"
    assert 0 < int(throttled["Retry-After"]) <= 60
    # And another user is counted apart
    other = AdministratorFactory() if caller == "administrator" else zone.kz_officer
    assert request_of(api_client_for(other), kazakh).status_code == 200


def test_throttle_rates_come_from_the_environment():
    from horgos.settings import base

    rates = base.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]
    assert {"travellers_list", "travellers_search", "document_reveal"} <= rates.keys()


# --- the schema --------------------------------------------------------------------------------------------


def test_schema_describes_masked_numbers_and_the_new_endpoints():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    paths, components = schema["paths"], schema["components"]["schemas"]
    assert "post" in paths["/api/v1/travellers/search/"]
    assert "get" not in paths["/api/v1/travellers/search/"]
    assert "post" in paths["/api/v1/travellers/{id}/documents/{document_id}/reveal/"]
    assert "post" in paths["/api/v1/watchlist/{id}/reveal/"]
    listing_parameters = {p["name"] for p in paths["/api/v1/travellers/"]["get"].get("parameters", [])}
    assert not listing_parameters & {"document_number", "family_name", "birth_date"}
    document = components["TravelDocument"]["properties"]
    assert "number" not in document
    assert document["number_masked"]["readOnly"] is True
    watchlist = components["WatchlistEntry"]["properties"]
    assert watchlist["document_number"]["writeOnly"] is True
    assert watchlist["document_number_masked"]["readOnly"] is True
    assert components["RevealedNumber"]["properties"]["number"]["type"] == "string"
