"""API tokens: stored as a digest, shown once, expiring, revoked on a new token, a password change and a
deactivation; machine clients' named tokens managed by administrators; 401 with WWW-Authenticate when refused."""

import hashlib
from datetime import datetime, timedelta

import pytest
import time_machine
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from horgos.choices import ApiTokenKind, AuditAction
from horgos.models import ApiToken, AuditEntry
from horgos.services import api_token_issue_machine, api_token_issue_personal, user_deactivate
from horgos.tokens import TOKEN_EXPIRED, TOKEN_REVOKED
from tests.factories import TEST_PASSWORD, AdministratorFactory, OfficerFactory

pytestmark = pytest.mark.django_db

TOKEN = "/api/v1/auth/token/"
ME = "/api/v1/me/"


def with_token(secret: str) -> APIClient:
    return APIClient(HTTP_AUTHORIZATION=f"Token {secret}")


def test_the_token_endpoint_returns_a_new_token_once_with_its_expiry(api_client, settings):
    # Given an officer asking for a token with their password
    officer = OfficerFactory()
    response = api_client.post(TOKEN, {"username": officer.username, "password": TEST_PASSWORD})
    # Then they get a secret and its expiry, PERSONAL_API_TOKEN_DAYS ahead
    assert response.status_code == 200
    secret = response.json()["token"]
    token = ApiToken.objects.get(user=officer)
    assert token.kind == ApiTokenKind.PERSONAL
    expires_at = token.expires_at
    assert datetime.fromisoformat(response.json()["expires_at"]) == expires_at
    assert expires_at - timezone.now() == pytest.approx(
        timedelta(days=settings.PERSONAL_API_TOKEN_DAYS), abs=timedelta(minutes=1)
    )
    # And the database holds only its SHA-256 digest and a short prefix, never the secret
    assert token.digest == hashlib.sha256(secret.encode()).hexdigest()
    assert secret.startswith(token.prefix) and len(token.prefix) < len(secret) // 3
    with connection.cursor() as cursor:
        cursor.execute("SELECT * FROM horgos_apitoken")
        assert secret not in repr(cursor.fetchall())
    # And it works
    assert with_token(secret).get(ME).json()["username"] == officer.username


def test_an_expired_token_is_refused_with_401_and_www_authenticate():
    officer = OfficerFactory()
    secret = api_token_issue_personal(user=officer, acting_user=officer).secret
    with time_machine.travel(timezone.now() + timedelta(days=31)):
        response = with_token(secret).get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["error"]["message"] == str(TOKEN_EXPIRED)


def test_a_password_change_revokes_personal_tokens_but_not_machine_ones(signed_in):
    # Given an officer with a personal token, and a machine token bound to the same account
    officer = OfficerFactory()
    personal = api_token_issue_personal(user=officer, acting_user=officer).secret
    machine = api_token_issue_machine(user=officer, name="CN e-gate 1", acting_user=AdministratorFactory()).secret
    # When the officer changes their password on the password page
    response = signed_in(officer).post(
        reverse("password_change"),
        {"old_password": TEST_PASSWORD, "new_password1": "Border-Lane-2027!", "new_password2": "Border-Lane-2027!"},
    )
    assert response.status_code == 302
    # Then the personal token is refused as revoked, the machine token keeps working; both are audited
    refused = with_token(personal).get(ME)
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == str(TOKEN_REVOKED)
    assert with_token(machine).get(ME).status_code == 200
    assert AuditEntry.objects.filter(action=AuditAction.USER_PASSWORD_CHANGE, actor=officer).count() == 1
    assert AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKE).reason == "The account's password was changed."


def test_deactivation_revokes_every_token_of_the_account():
    officer = OfficerFactory()
    admin = AdministratorFactory()
    personal = api_token_issue_personal(user=officer, acting_user=officer)
    machine = api_token_issue_machine(user=officer, name="KZ e-gate 2", acting_user=admin)
    user_deactivate(user=officer, acting_user=admin)
    assert ApiToken.objects.usable().filter(pk__in=[personal.token.pk, machine.token.pk]).count() == 0
    assert with_token(machine.secret).get(ME).status_code == 401


def test_the_account_page_never_shows_a_secret_again(signed_in):
    # Given an officer who issued a token on their account page
    officer = OfficerFactory()
    client = signed_in(officer)
    issued = client.post(reverse("api-token-rotate"))
    secret = issued.context["issued_secret"]
    assert secret in issued.content.decode()
    assert issued["Cache-Control"].startswith("max-age=0")
    # When they come back to the page, it shows the token's prefix and expiry, not the secret
    page = client.get(reverse("account")).content.decode()
    assert secret not in page
    assert ApiToken.objects.get(user=officer).prefix in page


def test_a_wrong_token_is_401_and_an_unknown_scheme_is_left_to_the_next_authentication(api_client):
    assert with_token("hgs_not-a-real-token").get(ME).status_code == 401
    assert APIClient(HTTP_AUTHORIZATION="Token").get(ME).status_code == 401
    assert APIClient(HTTP_AUTHORIZATION="Bearer abc").get(ME).status_code == 401


def test_a_token_records_when_it_was_last_used():
    officer = OfficerFactory()
    issued = api_token_issue_personal(user=officer, acting_user=officer)
    assert issued.token.last_used_at is None
    with_token(issued.secret).get(ME)
    issued.token.refresh_from_db()
    assert issued.token.last_used_at is not None


def test_an_administrator_issues_a_machine_token_shown_once_and_revokes_it_with_a_reason(signed_in):
    # Given an administrator (signed in just now: a fresh password) and an e-gate's service account
    admin = AdministratorFactory()
    gate = OfficerFactory(username="egate.cn.3")
    client = signed_in(admin)
    # When they issue a named token for it
    response = client.post(reverse("access-machine-tokens"), {"name": "CN e-gate 3", "user": gate.pk})
    # Then the secret is on that answer only, and works as the service account
    assert response.status_code == 200
    secret = response.context["issued"].secret
    assert secret in response.content.decode()
    assert with_token(secret).get(ME).json()["username"] == "egate.cn.3"
    listing = client.get(reverse("access-machine-tokens")).content.decode()
    assert "CN e-gate 3" in listing and secret not in listing
    # When they revoke it, a reason is required, then it stops working, audited with the reason
    token = ApiToken.objects.get(kind=ApiTokenKind.MACHINE)
    url = reverse("access-machine-token-revoke", args=[token.pk])
    assert client.post(url, {"reason": " "}).status_code == 200
    assert with_token(secret).get(ME).status_code == 200
    assert client.post(url, {"reason": "Gate replaced"}).status_code == 302
    assert with_token(secret).get(ME).status_code == 401
    entry = AuditEntry.objects.get(action=AuditAction.API_TOKEN_REVOKE)
    assert (entry.actor, entry.reason) == (admin, "Gate replaced")


def test_a_machine_token_needs_a_name(signed_in):
    client = signed_in(AdministratorFactory())
    response = client.post(reverse("access-machine-tokens"), {"name": "", "user": OfficerFactory().pk})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("factory", [OfficerFactory, None])
def test_only_administrators_manage_machine_tokens(signed_in, factory):
    client = signed_in(factory() if factory else None)
    response = client.post(reverse("access-machine-tokens"), {"name": "x", "user": OfficerFactory().pk})
    assert response.status_code == (403 if factory else 302)
    assert not ApiToken.objects.exists()


def test_old_authtoken_keys_are_hashed_into_the_new_table_and_the_clear_table_dropped():
    # Given the table of the earlier tokens with a key in clear (as before migration 0007)
    import importlib

    from django.db import connection as conn

    migration = importlib.import_module("horgos.migrations.0008_api_tokens_from_authtoken")
    officer = OfficerFactory()
    key = "0123456789abcdef0123456789abcdef01234567"
    with conn.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE authtoken_token (key varchar(40) PRIMARY KEY, user_id bigint, created timestamptz)"
        )
        cursor.execute("INSERT INTO authtoken_token VALUES (%s, %s, now())", [key, officer.pk])
    # When the migration's step runs
    from django.apps import apps

    with conn.schema_editor() as editor:
        migration.hash_old_tokens(apps, editor)
    # Then the old key still works until its expiry, and no table holds it in clear
    assert "authtoken_token" not in conn.introspection.table_names()
    assert with_token(key).get(ME).json()["username"] == officer.username
    assert ApiToken.objects.get(user=officer).expires_at is not None


def test_issuing_a_machine_token_needs_a_recent_password(signed_in):
    # Given an administrator whose sign-in is more than REAUTH_MINUTES old
    admin = AdministratorFactory()
    client = signed_in(admin)
    session = client.session
    session["horgos_reauthenticated_at"] -= 6 * 60
    session.save()
    # When they issue a machine token, they are sent to confirm their password first, and nothing is issued
    response = client.post(reverse("access-machine-tokens"), {"name": "CN e-gate 4", "user": OfficerFactory().pk})
    assert response.url.startswith(reverse("password-confirm"))
    assert not ApiToken.objects.exists()


def test_a_deactivated_account_gets_no_token(api_client):
    officer = OfficerFactory(is_active=False)
    response = api_client.post(TOKEN, {"username": officer.username, "password": TEST_PASSWORD})
    assert response.status_code == 400
    assert not ApiToken.objects.exists()
