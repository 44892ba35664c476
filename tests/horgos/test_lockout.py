"""Sign-in lockout (django-axes): the sign-in page and the API token endpoint lock an account and an address after
AXES_FAILURE_LIMIT failures, answer 429 with Retry-After and a clear message, and an administrator lifts the lock."""

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from horgos.choices import AuditAction
from horgos.lockout import LOCKED_OUT, cool_off_minutes, lockouts_current
from horgos.models import AuditEntry
from tests.factories import TEST_PASSWORD, AdministratorFactory, OfficerFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
TOKEN = "/api/v1/auth/token/"


def fail_on_the_page(client, username, times, address="10.0.0.7"):
    for _ in range(times):
        client.post(LOGIN, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def fail_on_the_api(client, username, times, address="10.0.0.7"):
    for _ in range(times):
        client.post(TOKEN, {"username": username, "password": "wrong"}, REMOTE_ADDR=address)


def test_the_sign_in_page_locks_the_account_after_the_failure_limit_and_the_right_password_then_fails():
    # Given an officer, and someone trying wrong passwords for the account from one address
    officer = OfficerFactory()
    client = Client()
    fail_on_the_page(client, officer.username, settings.AXES_FAILURE_LIMIT)
    # When the right password comes next, even from another address
    response = client.post(LOGIN, {"username": officer.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.9.9.9")
    # Then the account is locked: 429 with Retry-After, a page that says so, and nobody signed in
    assert response.status_code == 429
    assert int(response["Retry-After"]) == settings.AXES_COOLOFF_TIME.total_seconds()
    assert str(LOCKED_OUT % {"minutes": cool_off_minutes()}) in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_address_is_locked_too_whatever_account_it_tries():
    # Given an address that failed with several accounts
    client = Client()
    for n in range(settings.AXES_FAILURE_LIMIT):
        fail_on_the_page(client, f"guess{n}", 1, address="10.0.0.8")
    # When it signs in with a right password for yet another account, it is refused
    officer = OfficerFactory()
    response = client.post(LOGIN, {"username": officer.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 429
    # But the same account signs in from another address
    other = Client().post(LOGIN, {"username": officer.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def test_fewer_failures_than_the_limit_still_let_the_right_password_in():
    officer = OfficerFactory()
    client = Client()
    fail_on_the_page(client, officer.username, settings.AXES_FAILURE_LIMIT - 1)
    response = client.post(LOGIN, {"username": officer.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 302


def test_the_token_endpoint_counts_failures_and_locks_with_a_json_429():
    officer = OfficerFactory()
    client = APIClient()
    fail_on_the_api(client, officer.username, settings.AXES_FAILURE_LIMIT - 1)
    # The failure that reaches the limit is answered with the lockout already
    response = client.post(TOKEN, {"username": officer.username, "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    assert response.json()["error"]["code"] == "throttled"
    assert "Retry-After" in response
    right = client.post(TOKEN, {"username": officer.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.5")
    assert right.status_code == 429
    assert "token" not in right.json()


def test_failures_on_the_api_and_the_page_add_up():
    officer = OfficerFactory()
    fail_on_the_api(APIClient(), officer.username, 2)
    fail_on_the_page(Client(), officer.username, settings.AXES_FAILURE_LIMIT - 2)
    response = Client().post(LOGIN, {"username": officer.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429


@pytest.mark.parametrize("language", ["en", "zh-hans", "kk", "ru"])
def test_the_lockout_page_speaks_the_visitors_language(language):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    fail_on_the_page(client, "someone", settings.AXES_FAILURE_LIMIT)
    response = client.post(LOGIN, {"username": "someone", "password": "x"}, REMOTE_ADDR="10.0.0.7")
    assert response.status_code == 429
    assert f'lang="{language}"' in response.content.decode()


def test_an_administrator_sees_the_lockouts_and_lifts_one_with_a_reason(signed_in):
    # Given a locked-out officer
    officer = OfficerFactory()
    fail_on_the_page(Client(), officer.username, settings.AXES_FAILURE_LIMIT, address="10.0.0.20")
    admin = AdministratorFactory()
    client = signed_in(admin)
    # The administrators' page lists the account and the address
    page = client.get(reverse("access-lockouts")).content.decode()
    assert officer.username in page and "10.0.0.20" in page
    # Lifting the account's lock asks for a reason first
    url = f"{reverse('access-lockout-release')}?kind=username&value={officer.username}"
    assert client.get(url).status_code == 200
    refused = client.post(url, {"reason": ""})
    assert refused.status_code == 200
    assert "Give the reason." in refused.content.decode()
    assert AccessAttempt.objects.filter(username=officer.username).exists()
    # With a reason, the lock is lifted and audited
    response = client.post(url, {"reason": "Called from the desk, forgot the new password"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.SIGN_IN_LOCKOUT_RELEASE)
    assert entry.actor == admin
    assert entry.reason == "Called from the desk, forgot the new password"
    assert entry.changes["username"] == officer.username
    # The account's failed attempts are forgotten, so they no longer count against their address either
    assert lockouts_current() == []
    signed = Client().post(LOGIN, {"username": officer.username, "password": TEST_PASSWORD}, REMOTE_ADDR="10.0.0.20")
    assert signed.status_code == 302


@pytest.mark.parametrize("factory", [OfficerFactory, None])
def test_only_administrators_reach_the_lockouts_pages(signed_in, factory):
    client = signed_in(factory() if factory else None)
    for url in (reverse("access-lockouts"), f"{reverse('access-lockout-release')}?kind=username&value=x"):
        response = client.get(url)
        assert response.status_code == (403 if factory else 302)


def test_wrong_old_passwords_on_the_password_page_count_towards_the_lockout(signed_in):
    # Given a signed-in officer whose session someone else uses to guess the password on the password page
    officer = OfficerFactory()
    client = signed_in(officer)
    page = "/accounts/password/"
    change = {"new_password1": "a-new-long-passphrase-9", "new_password2": "a-new-long-passphrase-9"}
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(page, {"old_password": "wrong", **change}, REMOTE_ADDR="10.0.0.8")
        assert response.status_code == 200 and "password_incorrect" not in response.content.decode()
        assert "Your old password was entered incorrectly" in response.content.decode()
    # When the guesses reach the limit
    response = client.post(page, {"old_password": "wrong", **change}, REMOTE_ADDR="10.0.0.8")
    # Then the account is locked like on the sign-in page, and the right old password changes nothing now
    assert response.status_code == 429 and "Retry-After" in response
    response = client.post(page, {"old_password": TEST_PASSWORD, **change}, REMOTE_ADDR="10.0.0.8")
    assert response.status_code == 429
    officer.refresh_from_db()
    assert officer.check_password(TEST_PASSWORD)
