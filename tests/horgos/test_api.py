import pytest
from rest_framework.test import APIClient

from tests.factories import TEST_PASSWORD, AdministratorFactory, MerchantUserFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def test_api_call_without_credentials_is_401_json(api_client):
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {
        "error": {"code": "not_authenticated", "message": "Authentication credentials were not provided.", "fields": {}}
    }


def test_api_call_with_a_bad_token_is_401_json(api_client):
    api_client.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")
    response = api_client.get("/api/v1/me/")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "authentication_failed"


def test_me_returns_the_signed_in_user(api_client_for):
    officer = OfficerFactory(username="wei")
    response = api_client_for(officer).get("/api/v1/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "wei"
    assert response.json()["role"] == "officer"


@pytest.mark.parametrize(("factory", "status"), [(OfficerFactory, 403), (MerchantUserFactory, 403)])
def test_users_endpoint_refuses_other_roles_with_403_json(api_client_for, factory, status):
    response = api_client_for(factory()).get("/api/v1/users/")
    assert response.status_code == status
    assert response.json()["error"]["code"] == "permission_denied"


def test_users_endpoint_is_401_for_anonymous(api_client):
    assert api_client.get("/api/v1/users/").status_code == 401


def test_administrator_lists_users_filtered_by_role(api_client_for):
    admin = AdministratorFactory()
    OfficerFactory.create_batch(2)
    MerchantUserFactory()
    response = api_client_for(admin).get("/api/v1/users/", {"role": "officer"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert {user["role"] for user in body["results"]} == {"officer"}


def test_bad_filter_value_is_400_with_field_errors(api_client_for):
    response = api_client_for(AdministratorFactory()).get("/api/v1/users/", {"role": "pilot"})
    assert response.status_code == 400
    assert "role" in response.json()["error"]["fields"]


def test_token_is_obtained_with_username_and_password(api_client):
    officer = OfficerFactory()
    response = api_client.post("/api/v1/auth/token/", {"username": officer.username, "password": TEST_PASSWORD})
    assert response.status_code == 200
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert client.get("/api/v1/me/").json()["username"] == officer.username


def test_token_request_with_wrong_password_is_400_with_message(api_client):
    officer = OfficerFactory()
    response = api_client.post("/api/v1/auth/token/", {"username": officer.username, "password": "nope"})
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert response.json()["error"]["fields"]["non_field_errors"] == ["Unable to log in with provided credentials."]


def test_api_root_lists_the_endpoints(api_client_for):
    response = api_client_for(OfficerFactory()).get("/api/v1/")
    assert response.status_code == 200
    assert "users" in response.json()


def test_schema_renders_and_docs_use_no_cdn(client):
    schema = client.get("/api/schema/")
    assert schema.status_code == 200
    assert b"/api/v1/users/" in schema.content
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()
    assert "/static/drf_spectacular_sidecar/" in docs
