"""Throttles (429 with Retry-After) on the token endpoint, the merchant apply page and signed-in API users; and the
horgos.auth log of sign-ins, failures, lockouts, password changes and tokens, which never holds a secret."""

import logging

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient
from rest_framework.throttling import UserRateThrottle

from horgos.throttling import TOO_MANY_SUBMISSIONS
from tests.factories import TEST_PASSWORD, AdministratorFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def rate_count(scope: str) -> int:
    return int(settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"][scope].split("/")[0])


def test_the_token_endpoint_is_throttled_per_address_with_retry_after():
    client = APIClient()
    for n in range(rate_count("auth_token")):
        # Right passwords, so that the lockout (failures only) is not what stops them
        officer = OfficerFactory()
        response = client.post("/api/v1/auth/token/", {"username": officer.username, "password": TEST_PASSWORD})
        assert response.status_code == 200, n
    response = client.post("/api/v1/auth/token/", {"username": "x", "password": "y"})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    # Another address is not held back
    other = APIClient(REMOTE_ADDR="10.3.3.3").post("/api/v1/auth/token/", {"username": "x", "password": "y"})
    assert other.status_code == 400


def test_the_apply_page_takes_a_few_applications_per_address_then_answers_429_with_a_page():
    client = Client()
    for _ in range(rate_count("merchant_apply")):
        assert client.post("/apply/", {"legal_name": ""}).status_code == 400
    response = client.post("/apply/", {"legal_name": ""})
    assert response.status_code == 429
    seconds = int(response["Retry-After"])
    assert 0 < seconds <= 3600
    assert str(TOO_MANY_SUBMISSIONS % {"minutes": -(-seconds // 60)}) in response.content.decode()
    assert "<html" in response.content.decode()
    # Looking at the form is not counted
    assert client.get("/apply/").status_code == 200


def test_signed_in_api_users_are_throttled_at_the_user_rate(api_client_for, monkeypatch):
    monkeypatch.setattr(UserRateThrottle, "THROTTLE_RATES", {"user": "3/minute"})
    client = api_client_for(OfficerFactory())
    assert [client.get("/api/v1/me/").status_code for _ in range(4)] == [200, 200, 200, 429]
    assert "Retry-After" in client.get("/api/v1/me/")
    # Counted per user: another officer still gets through
    assert api_client_for(OfficerFactory()).get("/api/v1/me/").status_code == 200


def test_the_user_rate_comes_from_the_environment():
    assert "API_USER_THROTTLE" in (settings.BASE_DIR / ".env.example").read_text()
    assert settings.REST_FRAMEWORK["DEFAULT_THROTTLE_CLASSES"] == ["rest_framework.throttling.UserRateThrottle"]


def test_sign_in_events_are_logged_with_who_and_where_and_never_a_secret(caplog, signed_in):
    caplog.set_level(logging.INFO, logger="horgos.auth")
    officer = OfficerFactory()
    client = Client(REMOTE_ADDR="10.4.4.4")
    # A failure, a sign-in, a token issued, a password change, a sign-out, then a lockout
    client.post(reverse("login"), {"username": officer.username, "password": "Wrong-Secret-1"})
    client.post(reverse("login"), {"username": officer.username, "password": TEST_PASSWORD})
    secret = client.post(reverse("api-token-rotate")).context["issued_secret"]
    client.post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Border-Lane-2027!", "new_password2": "Border-Lane-2027!"},
    )
    client.post(reverse("logout"))
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": officer.username, "password": "Wrong-Secret-2"})
    api_secret = APIClient(REMOTE_ADDR="10.5.5.5").post(
        "/api/v1/auth/token/", {"username": "nobody", "password": "Wrong-Secret-3"}
    )
    assert api_secret.status_code == 400
    lines = [record.getMessage() for record in caplog.records if record.name == "horgos.auth"]
    text = "\n".join(lines)
    for event in ("sign-in failed", "sign-in:", "api token issued", "api token revoked", "password changed",
                  "sign-out", "sign-in locked out"):  # fmt: skip
        assert event in text, event
    assert f"sign-in: user={officer.username} ip=10.4.4.4" in text
    assert "sign-in failed: username=nobody ip=10.5.5.5" in text
    everything = "\n".join(record.getMessage() for record in caplog.records)
    for secret_value in (
        TEST_PASSWORD,
        "Border-Lane-2027!",
        "Wrong-Secret-1",
        "Wrong-Secret-2",
        "Wrong-Secret-3",
        secret,
    ):
        assert secret_value not in everything


def test_an_administrators_lockout_release_is_logged(caplog, signed_in):
    caplog.set_level(logging.INFO, logger="horgos.auth")
    client = signed_in(AdministratorFactory())
    client.post(f"{reverse('access-lockout-release')}?kind=ip_address&value=10.0.0.1", {"reason": "Known"})
    assert any("sign-in lockout lifted: ip_address=10.0.0.1" in record.getMessage() for record in caplog.records)
