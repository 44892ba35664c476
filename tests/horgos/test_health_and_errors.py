import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError, connection
from django.test import Client, override_settings

from horgos.errors import SERVER_ERROR, SERVICE_UNAVAILABLE
from tests.horgos import urls as test_urls

pytestmark = pytest.mark.django_db


@pytest.fixture
def database_down(monkeypatch):
    """Every new cursor fails the way it does when the PostgreSQL server is gone."""

    def refuse(*args, **kwargs):
        raise OperationalError("connection to server failed: Connection refused")

    monkeypatch.setattr(connection, "create_cursor", refuse)


def test_healthz_is_200_when_database_and_broker_answer(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


@override_settings(CELERY_BROKER_URL="redis://127.0.0.1:1/0")
def test_healthz_is_503_naming_the_broker_when_it_is_unreachable(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable", "checks": {"database": "ok", "broker": "unavailable"}}


def test_healthz_is_503_naming_the_database_when_it_is_down(client, database_down):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"] == {"database": "unavailable", "broker": "ok"}


def test_pages_answer_503_with_a_plain_message_when_the_database_is_down(database_down):
    client = Client(raise_request_exception=False)
    client.cookies["sessionid"] = "some-session"
    response = client.get("/home/")
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == SERVICE_UNAVAILABLE


def test_api_answers_503_json_when_the_database_is_down(database_down):
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/me/", HTTP_AUTHORIZATION="Token abc")
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "service_unavailable"


def test_unknown_api_path_is_404_json(client):
    response = client.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


def test_unknown_page_is_404_html(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


# --- The database refusing connections, DEBUG on (make run) and off ------------------------------

BOTH_DEBUG_MODES = pytest.mark.parametrize("debug", [False, True], ids=["debug-off", "debug-on"])


def refusing_client() -> Client:
    return Client(raise_request_exception=False)


@BOTH_DEBUG_MODES
def test_a_real_page_answers_503_when_the_database_refuses_connections(database_down, debug):
    # Given the database refusing every new cursor ("too many clients") and a signed-in browser
    client = refusing_client()
    client.cookies["sessionid"] = "some-session"
    # When a page is opened
    with override_settings(DEBUG=debug):
        response = client.get("/home/")
    # Then the answer is the plain 503 page, not a traceback, with the security headers of every answer
    assert response.status_code == 503
    assert response["Content-Type"].startswith("text/plain")
    assert response.content.decode() == SERVICE_UNAVAILABLE
    assert response["X-Content-Type-Options"] == "nosniff"


@BOTH_DEBUG_MODES
def test_a_real_api_endpoint_answers_503_json_when_the_database_refuses_connections(database_down, debug):
    with override_settings(DEBUG=debug):
        response = refusing_client().get("/api/v1/me/", HTTP_AUTHORIZATION="Token abc")
    assert response.status_code == 503
    assert response.json() == {"error": {"code": "service_unavailable", "message": SERVICE_UNAVAILABLE, "fields": {}}}


@pytest.mark.urls("tests.horgos.urls")
@BOTH_DEBUG_MODES
@pytest.mark.parametrize("url", ["/refused-page/", "/api/v1/refused/"])
def test_too_many_clients_in_a_view_is_503(url, debug, caplog):
    # Given a view whose query PostgreSQL refuses with "too many clients"
    with override_settings(DEBUG=debug):
        response = refusing_client().get(url)
    # Then the answer is 503 in the shape of its path, and the refusal is logged
    assert response.status_code == 503
    if url.startswith("/api/"):
        assert response.json()["error"]["code"] == "service_unavailable"
    else:
        assert response.content.decode() == SERVICE_UNAVAILABLE
    assert test_urls.TOO_MANY_CLIENTS in caplog.text


@pytest.mark.urls("tests.horgos.urls")
@BOTH_DEBUG_MODES
def test_the_database_failing_in_a_middleware_after_the_view_is_503(monkeypatch, debug):
    # Given a page that changes the session, and the database refusing the session's save
    def refuse(*args, **kwargs):
        raise OperationalError(test_urls.TOO_MANY_CLIENTS)

    monkeypatch.setattr(SessionStore, "save", refuse)
    # When the page is opened (the session middleware saves after the view returned)
    with override_settings(DEBUG=debug):
        response = refusing_client().get("/session-page/")
    # Then the answer is still the 503 page
    assert response.status_code == 503
    assert response.content.decode() == SERVICE_UNAVAILABLE


# --- Every answer under /api/ is JSON, DEBUG on or off --------------------------------------------


@BOTH_DEBUG_MODES
def test_unknown_api_paths_are_404_json_in_both_modes(debug):
    with override_settings(DEBUG=debug):
        response = refusing_client().get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"error": {"code": "not_found", "message": "Not found.", "fields": {}}}


@pytest.mark.urls("tests.horgos.urls")
@BOTH_DEBUG_MODES
def test_an_unhandled_exception_in_an_api_view_is_500_json_in_both_modes(debug, caplog):
    with override_settings(DEBUG=debug):
        response = refusing_client().get("/api/v1/crash/")
    assert response.status_code == 500
    assert response.json() == {"error": {"code": "server_error", "message": SERVER_ERROR, "fields": {}}}
    # The traceback is not in the answer, but in the log.
    assert "simulated failure" in caplog.text


@BOTH_DEBUG_MODES
def test_unknown_pages_outside_the_api_stay_html(debug):
    with override_settings(DEBUG=debug):
        response = refusing_client().get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
