import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from crossings.api.serializers import MALFORMED_NUMBER, MOMENT_OUT_OF_RANGE
from crossings.choices import VisitState, WatchlistMatch
from crossings.models import Alert, Crossing, Lane, Traveller, Visit, WatchlistEntry
from crossings.selectors import travellers_search
from crossings.services import crossings as crossing_services
from crossings.services.crossings import crossing_record_entry
from crossings.services.watchlist import watchlist_add
from horgos.api import idempotency
from horgos.models import AuditEntry, IdempotencyKey
from tests.crossings.conftest import beijing

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_user(api_client_for):
    def client(user):
        return APIClient() if user is None else api_client_for(user)

    return client


def identity(document):
    return {
        "document_type": document.document_type,
        "issuing_country": document.issuing_country.code,
        "number": document.number,
    }


def entry_body(zone, document, lane="E-F01", checkpoint="CN"):
    return {"document": identity(document), "lane": zone.lane(checkpoint, lane).pk}


# --- permission matrix: every endpoint, every kind of caller -----------------------------------

READS = [
    "/api/v1/checkpoints/",
    "/api/v1/lanes/",
    "/api/v1/crossings/",
    "/api/v1/visits/",
    "/api/v1/visits/inside/",
    "/api/v1/visits/overstays/",
    "/api/v1/alerts/",
]


@pytest.mark.parametrize("path", READS)
@pytest.mark.parametrize(
    ("caller", "status"),
    [(None, 401), ("merchant", 403), ("kz_officer", 200), ("cn_officer", 200), ("administrator", 200)],
)
def test_read_endpoints_permission_matrix(zone, as_user, path, caller, status):
    user = getattr(zone, caller) if caller else None
    assert as_user(user).get(path).status_code == status


@pytest.mark.parametrize(
    ("caller", "status"),
    [(None, 401), ("merchant", 403), ("kz_officer", 403), ("cn_officer", 201), ("administrator", 201)],
)
@pytest.mark.parametrize("action", ["entry", "exit"])
def test_recording_permission_matrix(zone, kazakh, at, as_user, caller, status, action):
    at(beijing(2026, 5, 12, 10, 0))
    user = getattr(zone, caller) if caller else None
    lane = "E-F01" if action == "entry" else "X-F01"
    response = as_user(user).post(f"/api/v1/crossings/{action}/", entry_body(zone, kazakh, lane), format="json")
    assert response.status_code == status
    assert Crossing.objects.count() == (1 if status == 201 else 0)


@pytest.mark.parametrize(
    ("caller", "status"),
    [(None, 401), ("merchant", 403), ("kz_officer", 403), ("cn_officer", 403), ("administrator", 200)],
)
def test_watchlist_is_for_administrators_only(zone, as_user, caller, status):
    user = getattr(zone, caller) if caller else None
    assert as_user(user).get("/api/v1/watchlist/").status_code == status


@pytest.mark.parametrize(
    ("caller", "status"),
    [(None, 401), ("merchant", 403), ("cn_officer", 403), ("kz_officer", 403), ("administrator", 201)],
)
def test_lane_writes_are_for_administrators(zone, as_user, caller, status):
    user = getattr(zone, caller) if caller else None
    body = {"checkpoint": "KZ", "code": "E-F09", "direction": "entry", "group": "other_nationals"}
    assert as_user(user).post("/api/v1/lanes/", body, format="json").status_code == status


@pytest.mark.parametrize(
    ("caller", "status"), [("merchant", 403), ("cn_officer", 403), ("kz_officer", 403), ("administrator", 201)]
)
def test_corrections_are_for_administrators(zone, kazakh, at, as_user, caller, status):
    at(beijing(2026, 5, 12, 10, 0))
    entry = crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    response = as_user(getattr(zone, caller)).post(
        f"/api/v1/crossings/{entry.pk}/correct/", {"reason": "Wrong passport"}, format="json"
    )
    assert response.status_code == status


@pytest.mark.parametrize(
    ("caller", "status"),
    # Another checkpoint's alert is not found (404), as on the pages: an officer sees only their own checkpoint's.
    [(None, 401), ("merchant", 403), ("kz_officer", 404), ("cn_officer", 200), ("administrator", 200)],
)
def test_alert_acknowledgement_is_for_the_alerts_checkpoint(zone, kazakh, at, as_user, caller, status):
    at(beijing(2026, 5, 12, 10, 0))
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order", acting_user=zone.administrator)  # fmt: skip
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    alert = Alert.objects.get()
    user = getattr(zone, caller) if caller else None
    response = as_user(user).post(f"/api/v1/alerts/{alert.pk}/acknowledge/")
    assert response.status_code == status
    alert.refresh_from_db()
    assert alert.is_acknowledged == (status == 200)


# --- behaviour ----------------------------------------------------------------------------------


def test_entry_returns_201_with_the_outcome_and_the_visit(zone, kazakh, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    response = api_client_for(zone.cn_officer).post("/api/v1/crossings/entry/", entry_body(zone, kazakh), format="json")
    assert response.status_code == 201
    body = response.json()
    assert (body["outcome"], body["refusal_reason"], body["checkpoint"], body["lane_code"]) == (
        "admitted",
        "",
        "CN",
        "E-F01",
    )
    assert body["visit"]["state"] == "open"
    assert body["visit"]["days_left"] == 29
    assert body["traveller"]["family_name"] == "Abenova"


def test_refusal_is_201_with_reason_and_translated_message(zone, kazakh, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    client = api_client_for(zone.cn_officer)
    response = client.post("/api/v1/crossings/entry/", entry_body(zone, kazakh, lane="E-C01"), format="json",
                           HTTP_ACCEPT_LANGUAGE="ru")  # fmt: skip
    assert response.status_code == 201
    body = response.json()
    assert (body["outcome"], body["refusal_reason"], body["visit"]) == ("refused", "wrong_lane_group", None)
    assert body["refusal_message"] != "This lane does not serve this traveller; use another lane."
    assert Crossing.objects.get().outcome == "refused"


def test_document_number_is_matched_without_spaces_dashes_or_case(zone, kazakh, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    body = entry_body(zone, kazakh)
    body["document"]["number"] = "n 123-4567"
    response = api_client_for(zone.cn_officer).post("/api/v1/crossings/entry/", body, format="json")
    assert response.status_code == 201


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda body: body.update(lane=999999), "lane"),
        (lambda body: body["document"].update(number="N12/45"), "document"),
        (lambda body: body["document"].update(number="ZZ0000000"), "document"),
        (lambda body: body.update(occurred_at="2026-05-12T12:00:00+08:00"), "occurred_at"),
        (lambda body: body.pop("lane"), "lane"),
        (lambda body: body.pop("document"), "document"),
        (lambda body: body["document"].update(issuing_country="XX"), "document"),
    ],
)
def test_bad_input_is_400_with_field_errors_and_nothing_written(zone, kazakh, at, api_client_for, change, field):
    at(beijing(2026, 5, 12, 10, 0))
    body = entry_body(zone, kazakh)
    change(body)
    response = api_client_for(zone.cn_officer).post("/api/v1/crossings/entry/", body, format="json")
    assert response.status_code == 400
    assert field in response.json()["error"]["fields"]
    assert not Crossing.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="crossing").exists()


def test_idempotent_retry_records_once(zone, kazakh, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    client = api_client_for(zone.cn_officer)
    first = client.post(
        "/api/v1/crossings/entry/", entry_body(zone, kazakh), format="json", HTTP_IDEMPOTENCY_KEY="scan-1"
    )
    retry = client.post(
        "/api/v1/crossings/entry/", entry_body(zone, kazakh), format="json", HTTP_IDEMPOTENCY_KEY="scan-1"
    )
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert Crossing.objects.count() == 1


def test_idempotent_refusal_is_stored_and_replayed(zone, kazakh, at, api_client_for):
    # Given an entry refused by a rule (the refusal is a record, written with its stored response)
    at(beijing(2026, 5, 12, 10, 0))
    client = api_client_for(zone.cn_officer)
    body = entry_body(zone, kazakh, lane="E-C01")
    first = client.post("/api/v1/crossings/entry/", body, format="json", HTTP_IDEMPOTENCY_KEY="scan-1")
    assert (first.status_code, first.json()["outcome"]) == (201, "refused")
    # When the lane device retries with the same key
    retry = client.post("/api/v1/crossings/entry/", body, format="json", HTTP_IDEMPOTENCY_KEY="scan-1")
    # Then the refusal is replayed, and recorded once
    assert (retry.status_code, retry.json()) == (201, first.json())
    assert Crossing.objects.filter(outcome="refused").count() == 1
    assert AuditEntry.objects.filter(action__startswith="crossing").count() == 1


def test_database_lost_before_the_response_is_stored_records_nothing_and_the_retry_records_once(
    zone, kazakh, at, api_client_for, monkeypatch, settings
):
    # Given the database goes away after the entry was recorded, before its response is stored
    at(beijing(2026, 5, 12, 10, 0))
    client = api_client_for(zone.cn_officer)

    def database_lost(**kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(idempotency, "idempotency_complete", database_lost)
    # When the lane device sends the scan
    with pytest.raises(OperationalError):
        client.post("/api/v1/crossings/entry/", entry_body(zone, kazakh), format="json", HTTP_IDEMPOTENCY_KEY="scan-1")
    # Then nothing of it was committed: no crossing, no visit, no audit entry, and no claim of the key either (it
    # lived in the same transaction)
    assert not Crossing.objects.exists()
    assert not Visit.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="crossing").exists()
    assert not IdempotencyKey.objects.exists()
    # When the device retries at once (without the key it would now be a second scan)
    monkeypatch.undo()
    retry = client.post(
        "/api/v1/crossings/entry/", entry_body(zone, kazakh), format="json", HTTP_IDEMPOTENCY_KEY="scan-1"
    )
    # Then the entry is admitted and recorded exactly once
    assert (retry.status_code, retry.json()["outcome"]) == (201, "admitted")
    assert Crossing.objects.count() == 1
    assert Visit.objects.count() == 1


def test_register_a_traveller_then_record_their_entry(zone, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    client = api_client_for(zone.cn_officer)
    body = {
        "family_name": "Nurlanov",
        "given_names": "Daniyar",
        "family_name_native": "Нұрланов",
        "given_names_native": "Данияр",
        "nationality": "KZ",
        "birth_date": "1990-04-02",
        "sex": "M",
        "document": {
            "document_type": "passport",
            "number": "N7654321",
            "issuing_country": "KZ",
            "valid_until": "2031-01-01",
        },
    }
    created = client.post("/api/v1/travellers/", body, format="json")
    assert created.status_code == 201
    assert created.json()["documents"][0]["number_masked"] == "••••4321"
    found = client.post("/api/v1/travellers/search/", {"document_number": "n765-4321"}, format="json").json()
    assert [t["id"] for t in found["results"]] == [created.json()["id"]]
    by_name = client.post(
        "/api/v1/travellers/search/", {"family_name": "Нұрланов", "birth_date": "1990-04-02"}, format="json"
    ).json()
    assert [t["id"] for t in by_name["results"]] == [created.json()["id"]]
    traveller = Traveller.objects.get()
    entry = client.post(
        "/api/v1/crossings/entry/",
        {
            "document": {"document_type": "passport", "issuing_country": "KZ", "number": "N7654321"},
            "lane": zone.lane("CN", "E-F01").pk,
        },
        format="json",
    )
    assert entry.json()["outcome"] == "admitted"
    assert Visit.objects.get().traveller == traveller


def test_registering_a_document_twice_is_400(zone, kazakh, api_client_for):
    response = api_client_for(zone.cn_officer).post(
        f"/api/v1/travellers/{kazakh.traveller.pk}/documents/",
        {"document_type": "passport", "number": "n1234567", "issuing_country": "KZ", "valid_until": "2031-01-01"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"number": ["This document is already registered."]}


def test_child_on_birth_certificate_needs_a_guardian_when_registered(zone, kazakh, api_client_for):
    body = {
        "family_name": "Abenova",
        "given_names": "Dana",
        "nationality": "KZ",
        "birth_date": "2021-01-01",
        "sex": "F",
        "document": {
            "document_type": "birth_certificate",
            "number": "I-AB 123456",
            "issuing_country": "KZ",
            "valid_until": "2039-01-01",
        },
    }
    client = api_client_for(zone.cn_officer)
    refused = client.post("/api/v1/travellers/", body, format="json")
    assert refused.status_code == 400
    assert "guardians" in refused.json()["error"]["fields"]
    assert not travellers_search(given_names="Dana").exists()
    created = client.post("/api/v1/travellers/", {**body, "guardians": [kazakh.traveller.pk]}, format="json")
    assert created.status_code == 201
    assert created.json()["guardians"] == [kazakh.traveller.pk]


def test_inside_lists_open_visits_with_filters(zone, kazakh, chinese, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-C01"), acting_user=zone.cn_officer)
    client = api_client_for(zone.kz_officer)
    assert client.get("/api/v1/visits/inside/").json()["count"] == 2
    assert client.get("/api/v1/visits/inside/", {"nationality": "kz"}).json()["count"] == 1
    assert client.get("/api/v1/visits/inside/", {"checkpoint": "KZ"}).json()["count"] == 0
    assert client.get("/api/v1/visits/inside/", {"days_left_at_most": 28}).json()["count"] == 0
    assert client.get("/api/v1/visits/inside/", {"days_left_at_most": 29}).json()["count"] == 2
    assert client.get("/api/v1/visits/inside/", {"days_left_at_most": -1}).status_code == 400


def test_overstays_lists_visits_past_their_deadline(zone, kazakh, chinese, at, api_client_for):
    at(beijing(2026, 4, 1, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    at(beijing(2026, 5, 12, 10, 0))
    crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-C01"), acting_user=zone.cn_officer)
    body = api_client_for(zone.cn_officer).get("/api/v1/visits/overstays/").json()
    assert [visit["traveller"]["family_name"] for visit in body["results"]] == ["Abenova"]
    assert body["results"][0]["overstay"] is True


def test_crossings_list_filters(zone, kazakh, chinese, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    client = api_client_for(zone.administrator)
    assert client.get("/api/v1/crossings/", {"outcome": "refused"}).json()["count"] == 1
    assert client.get("/api/v1/crossings/", {"checkpoint": "CN", "local_date_from": "2026-05-12"}).json()["count"] == 2
    assert client.get("/api/v1/crossings/", {"checkpoint": "KZ"}).json()["count"] == 0
    assert client.get("/api/v1/crossings/", {"outcome": "maybe"}).status_code == 400


def test_administrator_closes_a_lane_at_once_and_it_is_audited(zone, kazakh, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    lane = zone.lane("CN", "E-F01")
    client = api_client_for(zone.administrator)
    # Closing needs a reason
    response = client.patch(f"/api/v1/lanes/{lane.pk}/", {"is_open": False}, format="json")
    assert response.status_code == 400 and "reason" in response.json()["error"]["fields"]
    assert Lane.objects.get(pk=lane.pk).is_open is True
    response = client.patch(f"/api/v1/lanes/{lane.pk}/", {"is_open": False, "reason": "Scanner broken"}, format="json")
    assert response.status_code == 200
    assert Lane.objects.get(pk=lane.pk).is_open is False
    audit = AuditEntry.objects.get(action="lane.update")
    assert audit.changes == {"is_open": {"before": True, "after": False}}
    assert audit.reason == "Scanner broken"
    refused = api_client_for(zone.cn_officer).post("/api/v1/crossings/entry/", entry_body(zone, kazakh), format="json")
    assert refused.json()["refusal_reason"] == "lane_closed"


def test_watchlist_add_and_deactivate_through_the_api(zone, kazakh, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    client = api_client_for(zone.administrator)
    created = client.post(
        "/api/v1/watchlist/",
        {
            "match": "document",
            "document_type": "passport",
            "document_issuing_country": "KZ",
            "document_number": "N1234567",
            "reason": "Stolen",
        },
        format="json",
    )
    assert created.status_code == 201
    assert (created.json()["document_number_masked"], "document_number" in created.json()) == ("••••4567", False)
    incomplete = client.post("/api/v1/watchlist/", {"match": "person", "reason": "No name"}, format="json")
    assert incomplete.status_code == 400
    deactivated = client.post(f"/api/v1/watchlist/{created.json()['id']}/deactivate/")
    assert deactivated.status_code == 200
    at(beijing(2026, 5, 12, 10, 5))
    entry = crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    assert entry.outcome == "admitted"


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("document_number", "1\u00b9QK\u00df", MALFORMED_NUMBER),
        ("active_from", "0234-06-13T04:24:53-09:07", MOMENT_OUT_OF_RANGE % {"first": 2000, "last": 2999}),
    ],
)
def test_a_watchlist_entry_takes_a_document_number_and_moments_as_the_rest_of_the_api(
    zone, api_client_for, field, value, message
):
    # Found by the schema fuzz (tests/horgos/test_api_schema_fuzz.py): any characters were taken as a number, and a
    # moment of the year 234 came back with a local mean time offset (+08:05:43) that is no RFC 3339 date-time.
    body = {"match": "document", "document_type": "passport", "document_issuing_country": "KZ", "reason": "Stolen"}
    body |= {"document_number": "N1234567", field: value}
    response = api_client_for(zone.administrator).post("/api/v1/watchlist/", body, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["fields"][field] == [str(message)]
    assert not WatchlistEntry.objects.exists()


def test_correction_through_the_api_reopens_nothing_twice(zone, kazakh, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    entry = crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    client = api_client_for(zone.administrator)
    first = client.post(f"/api/v1/crossings/{entry.pk}/correct/", {"reason": "Wrong person"}, format="json")
    assert first.status_code == 201
    assert first.json()["kind"] == "reversal"
    assert Visit.objects.get().state == VisitState.CANCELLED
    again = client.post(f"/api/v1/crossings/{entry.pk}/correct/", {"reason": "Again"}, format="json")
    assert again.status_code == 400
    missing = client.post(f"/api/v1/crossings/{entry.pk}/correct/", {}, format="json")
    assert "reason" in missing.json()["error"]["fields"]


def test_crossings_list_costs_the_same_queries_for_many_rows(zone, kazakh, chinese, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    client = api_client_for(zone.administrator)
    client.get("/api/v1/me/")  # the token's first use is written down (at most once a minute), outside the counts
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    with CaptureQueriesContext(connection) as one_row:
        client.get("/api/v1/crossings/")
    for _ in range(5):
        crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    with CaptureQueriesContext(connection) as many_rows:
        assert client.get("/api/v1/crossings/").json()["count"] == 6
    assert len(many_rows) == len(one_row)


@pytest.mark.parametrize(("caller", "status"), [("cn_officer", 403), ("administrator", 200)])
def test_checkpoint_names_are_changed_by_administrators_and_audited(zone, api_client_for, caller, status):
    response = api_client_for(getattr(zone, caller)).patch(
        f"/api/v1/checkpoints/{zone.kz.pk}/", {"name_en": "Khorgos (Kazakh side)"}, format="json"
    )
    assert response.status_code == status
    zone.kz.refresh_from_db()
    changed = status == 200
    assert (zone.kz.name_en == "Khorgos (Kazakh side)") is changed
    assert AuditEntry.objects.filter(action="checkpoint.update").exists() is changed


def test_checkpoint_time_zone_must_be_a_real_one(zone, api_client_for):
    response = api_client_for(zone.administrator).patch(
        f"/api/v1/checkpoints/{zone.kz.pk}/", {"time_zone": "Asia/Nowhere"}, format="json"
    )
    assert response.status_code == 400
    assert "time_zone" in response.json()["error"]["fields"]
    zone.kz.refresh_from_db()
    assert zone.kz.time_zone == "Asia/Almaty"


def test_audit_log_never_keeps_a_document_number(zone, api_client_for):
    body = {
        "family_name": "Nurlanov",
        "nationality": "KZ",
        "birth_date": "1990-04-02",
        "sex": "M",
        "document": {
            "document_type": "passport",
            "number": "N7654321",
            "issuing_country": "KZ",
            "valid_until": "2031-01-01",
        },
    }
    assert api_client_for(zone.cn_officer).post("/api/v1/travellers/", body, format="json").status_code == 201
    for entry in AuditEntry.objects.all():
        assert "7654321" not in f"{entry.target_repr} {entry.changes}"


@pytest.mark.parametrize("value", ["3000000", "3661", "-1", "soon"])
def test_days_left_beyond_the_cap_is_400_on_the_api_and_a_form_error_on_the_page(zone, value, api_client_for, client):
    # Given the one filter definition of the inside list, whose cap keeps "today + N days" a valid date
    response = api_client_for(zone.cn_officer).get("/api/v1/visits/inside/", {"days_left_at_most": value})
    # Then the API answers 400 naming the field, never a 500
    assert response.status_code == 400
    assert "days_left_at_most" in response.json()["error"]["fields"]
    # And the page shows the same error in its form
    client.force_login(zone.cn_officer)
    page = client.get("/crossings/inside/", {"days_left_at_most": value})
    assert page.status_code == 200
    assert "days_left_at_most" in page.context["filter"].errors


def test_inside_and_overstays_use_the_pages_filtersets():
    from crossings.api.views import VisitViewSet
    from crossings.filtersets import InsideFilterSet, OverstayFilterSet
    from crossings.views.officer.lists import InsideView, OverstaysView

    assert VisitViewSet.inside.kwargs["filterset_class"] is InsideView.filterset_class is InsideFilterSet
    assert VisitViewSet.overstays.kwargs["filterset_class"] is OverstaysView.filterset_class is OverstayFilterSet


def test_overstays_filter_by_checkpoint_and_nationality(zone, kazakh, chinese, at, api_client_for):
    at(beijing(2026, 4, 1, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    crossing_record_entry(document=chinese, lane=zone.lane("CN", "E-C01"), acting_user=zone.cn_officer)
    at(beijing(2026, 5, 12, 10, 0))
    client = api_client_for(zone.cn_officer)
    assert client.get("/api/v1/visits/overstays/").json()["count"] == 2
    assert client.get("/api/v1/visits/overstays/", {"nationality": "CN"}).json()["count"] == 1
    assert client.get("/api/v1/visits/overstays/", {"checkpoint": "KZ"}).json()["count"] == 0
    assert client.get("/api/v1/visits/overstays/", {"nationality": "ZZ"}).status_code == 400


# --- refusals that say where to go, in the API's answers as at the desk -------------------------


def test_api_refusal_carries_the_message_with_the_right_lane_group(zone, kazakh, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    response = api_client_for(zone.cn_officer).post(
        "/api/v1/crossings/entry/", entry_body(zone, kazakh, lane="E-C01"), format="json"
    )
    assert response.status_code == 201
    assert response.json()["refusal_message"] == (
        "This lane does not serve this traveller; send them to a lane for Other nationals (not citizens of China) "
        "(open now: E-F01, E-F02)."
    )


def test_api_entry_losing_the_race_is_a_400_saying_where_and_since_when(zone, kazakh, at, api_client_for, monkeypatch):
    at(beijing(2026, 5, 12, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    monkeypatch.setattr(crossing_services.rules, "entry_refusal", lambda **kwargs: None)
    response = api_client_for(zone.cn_officer).post(
        "/api/v1/crossings/entry/", entry_body(zone, kazakh, lane="E-F02"), format="json"
    )
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["non_field_errors"] == [
        f"The traveller is already inside the zone: they entered at {zone.cn.name_en} on 2026-05-12 10:00 "
        "(local time there)."
    ]
    assert Crossing.objects.count() == 1
