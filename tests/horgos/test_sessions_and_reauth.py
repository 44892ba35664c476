"""Session limits (idle per role, absolute) and the fresh password before revealing a number or issuing a token."""

from datetime import timedelta

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIRequestFactory

from horgos.models import ApiToken
from horgos.reauth import REAUTH_MACHINE_TOKEN_REFUSED, REAUTH_PASSWORD_REQUIRED, ReauthenticationRequired
from horgos.reauth import api_reauth_check as reauth_check
from horgos.services import api_token_issue_machine, api_token_issue_personal
from horgos.sessions import SESSION_IDLE_ENDED, SESSION_LIFETIME_ENDED
from tests.factories import TEST_PASSWORD, AdministratorFactory, MerchantUserFactory, OfficerFactory

pytestmark = pytest.mark.django_db


def signed_in_at(user, moment) -> Client:
    client = Client()
    with time_machine.travel(moment, tick=False):
        client.post(reverse("login"), {"username": user.username, "password": TEST_PASSWORD})
    return client


@pytest.mark.parametrize("factory", [OfficerFactory, AdministratorFactory, MerchantUserFactory])
def test_a_session_ends_after_30_idle_minutes_with_a_message_and_next(factory):
    start = timezone.now()
    client = signed_in_at(factory(), start)
    # Active 29 minutes later: still signed in
    with time_machine.travel(start + timedelta(minutes=29), tick=False):
        assert client.get(reverse("account")).status_code == 200
    # 31 idle minutes after that: signed out, to the sign-in page with `next` back, and told why
    with time_machine.travel(start + timedelta(minutes=29 + 31), tick=False):
        response = client.get(reverse("account"))
        assert response.status_code == 302
        assert response.url == f"{reverse('login')}?next={reverse('account')}"
        page = client.get(response.url).content.decode()
    assert str(SESSION_IDLE_ENDED % {"minutes": 30}) in page
    assert "_auth_user_id" not in client.session


def test_a_session_ends_12_hours_after_sign_in_however_active():
    start = timezone.now()
    client = signed_in_at(OfficerFactory(), start)
    for minutes in range(20, 12 * 60, 20):
        with time_machine.travel(start + timedelta(minutes=minutes), tick=False):
            assert client.get(reverse("account")).status_code == 200
    with time_machine.travel(start + timedelta(hours=12, minutes=1), tick=False):
        response = client.get(reverse("account"))
        assert response.status_code == 302
        page = client.get(response.url).content.decode()
    assert str(SESSION_LIFETIME_ENDED % {"hours": 12}) in page


def test_an_htmx_request_of_an_ended_session_is_redirected_to_sign_in_back_to_its_page():
    start = timezone.now()
    client = signed_in_at(OfficerFactory(), start)
    with time_machine.travel(start + timedelta(hours=1), tick=False):
        response = client.get(
            reverse("account"), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/crossings/desk/"
        )
    assert response["HX-Redirect"] == f"{reverse('login')}?next=http%3A//testserver/crossings/desk/"


def reveal_url(document) -> str:
    return reverse("crossings:document-reveal", args=[document.traveller_id, document.pk])


@pytest.fixture
def document(db):
    from tests.crossings.factories import DocumentFactory

    return DocumentFactory()


def test_revealing_a_number_asks_for_the_password_again_after_five_minutes(document):
    # Given an administrator who signed in six minutes ago
    start = timezone.now()
    client = signed_in_at(AdministratorFactory(), start)
    traveller_page = reverse("crossings:traveller", args=[document.traveller_id])
    with time_machine.travel(start + timedelta(minutes=6), tick=False):
        # When they ask for a document number
        response = client.post(reveal_url(document), HTTP_REFERER=f"http://testserver{traveller_page}")
        # Then they are asked to confirm their password, and come back to the traveller's page
        assert response.status_code == 302
        assert response.url.startswith(reverse("password-confirm"))
        wrong = client.post(response.url, {"password": "nope", "next": traveller_page})
        assert wrong.status_code == 200
        assert "The password is not correct." in wrong.content.decode()
        right = client.post(response.url, {"password": TEST_PASSWORD, "next": traveller_page})
        assert right.url == traveller_page
        # Then the number is revealed
        revealed = client.post(reveal_url(document))
    assert revealed.status_code == 200
    assert document.number in revealed.content.decode()


def test_revealing_right_after_signing_in_needs_no_confirmation(document):
    client = signed_in_at(AdministratorFactory(), timezone.now())
    assert client.post(reveal_url(document)).status_code == 200


def test_an_htmx_reveal_without_a_recent_password_is_sent_to_the_confirmation(document):
    start = timezone.now()
    client = signed_in_at(AdministratorFactory(), start)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        response = client.post(reveal_url(document), HTTP_HX_REQUEST="true", HTTP_HX_CURRENT_URL="http://testserver/x/")
    assert response["HX-Redirect"].startswith(reverse("password-confirm") + "?next=")


def test_issuing_a_token_on_the_account_page_needs_a_recent_password():
    start = timezone.now()
    officer = OfficerFactory()
    client = signed_in_at(officer, start)
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        response = client.post(reverse("api-token-rotate"))
    assert response.url.startswith(reverse("password-confirm"))
    assert not ApiToken.objects.filter(user=officer).exists()


def api_request(user, token, data=None):
    from rest_framework.request import Request

    request = Request(APIRequestFactory().post("/api/v1/x/", data or {}, format="json"))
    request._request.session = {}
    request.user, request.auth = user, token
    request._full_data = data or {}
    return request


def test_the_api_check_wants_the_password_with_a_personal_token_and_refuses_machine_tokens():
    officer = OfficerFactory()
    personal = api_token_issue_personal(user=officer, acting_user=officer).token
    with pytest.raises(ReauthenticationRequired, match=str(REAUTH_PASSWORD_REQUIRED)):
        reauth_check(api_request(officer, personal))
    with pytest.raises(ReauthenticationRequired):
        reauth_check(api_request(officer, personal, {"password": "wrong"}))
    reauth_check(api_request(officer, personal, {"password": TEST_PASSWORD}))
    machine = api_token_issue_machine(user=officer, name="gate", acting_user=AdministratorFactory()).token
    with pytest.raises(ReauthenticationRequired, match=str(REAUTH_MACHINE_TOKEN_REFUSED)):
        reauth_check(api_request(officer, machine, {"password": TEST_PASSWORD}))


def test_the_api_check_wants_a_recent_confirmation_in_a_session():
    officer = OfficerFactory()
    with pytest.raises(ReauthenticationRequired):
        reauth_check(api_request(officer, None))
