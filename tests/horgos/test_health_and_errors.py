import pytest
from django.db import OperationalError, connection
from django.test import Client, override_settings

from horgos.views import SERVICE_UNAVAILABLE

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
