import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone
from rest_framework.test import APIClient

from horgos.api.idempotency import KEY_IN_USE, KEY_INVALID, KEY_REUSED, REPLAYED_HEADER, idempotency_purge_expired
from horgos.models import IdempotencyKey, User
from tests.factories import OfficerFactory
from tests.horgos import urls as test_urls

pytestmark = pytest.mark.urls("tests.horgos.urls")
ENDPOINT = "/api/v1/test-users/"


def post(client, body, key):
    return client.post(ENDPOINT, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


@pytest.fixture
def client_of_officer(db, api_client_for):
    return api_client_for(OfficerFactory())


def test_retry_with_same_key_returns_first_response_without_writing_again(client_of_officer):
    # Given a first request that created a user
    first = post(client_of_officer, {"username": "amina", "role": "officer"}, "key-1")
    assert first.status_code == 201
    # When the client retries with the same key and body
    retry = post(client_of_officer, {"role": "officer", "username": "amina"}, "key-1")
    # Then the first response comes back, marked as a replay, and nothing more is written
    assert retry.status_code == 201
    assert retry.json() == first.json()
    assert retry.headers[REPLAYED_HEADER] == "true"
    assert User.objects.filter(username="amina").count() == 1


def test_same_key_with_different_body_is_422_and_writes_nothing(client_of_officer):
    post(client_of_officer, {"username": "amina", "role": "officer"}, "key-1")
    response = post(client_of_officer, {"username": "other", "role": "officer"}, "key-1")
    assert response.status_code == 422
    assert response.json()["error"] == {"code": "idempotency_key_reused", "message": str(KEY_REUSED), "fields": {}}
    assert not User.objects.filter(username="other").exists()


def test_requests_without_key_are_not_deduplicated(client_of_officer):
    assert client_of_officer.post(ENDPOINT, {"username": "a1", "role": "officer"}, format="json").status_code == 201
    assert client_of_officer.post(ENDPOINT, {"username": "a2", "role": "officer"}, format="json").status_code == 201
    assert not IdempotencyKey.objects.exists()


@pytest.mark.parametrize("key", ["k" * 256, "   "])
def test_key_too_long_or_blank_is_400_and_writes_nothing(client_of_officer, key):
    response = post(client_of_officer, {"username": "amina", "role": "officer"}, key)
    assert response.status_code == 400
    assert response.json()["error"]["message"] == str(KEY_INVALID)
    assert not User.objects.filter(username="amina").exists()


def test_key_of_255_characters_is_accepted(client_of_officer):
    assert post(client_of_officer, {"username": "amina", "role": "officer"}, "k" * 255).status_code == 201


def test_keys_are_scoped_to_the_user(db, api_client_for):
    first = post(api_client_for(OfficerFactory()), {"username": "u1", "role": "officer"}, "shared")
    second = post(api_client_for(OfficerFactory()), {"username": "u2", "role": "officer"}, "shared")
    assert (first.status_code, second.status_code) == (201, 201)
    assert User.objects.filter(username__in=["u1", "u2"]).count() == 2


def test_key_expires_after_24_hours(client_of_officer):
    # Given a key used 25 hours ago
    post(client_of_officer, {"username": "amina", "role": "officer"}, "key-1")
    IdempotencyKey.objects.update(created_at=timezone.now() - timedelta(hours=25))
    # When the same key comes with another body, it is a new request, not a conflict
    response = post(client_of_officer, {"username": "bolat", "role": "officer"}, "key-1")
    assert response.status_code == 201
    assert REPLAYED_HEADER not in response.headers


def test_validation_error_releases_key_so_corrected_request_goes_through(client_of_officer):
    bad = post(client_of_officer, {"username": "amina", "role": "pilot"}, "key-1")
    assert bad.status_code == 400
    assert "role" in bad.json()["error"]["fields"]
    good = post(client_of_officer, {"username": "amina", "role": "officer"}, "key-1")
    assert good.status_code == 201


def test_server_error_releases_key(db):
    officer = OfficerFactory()
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(officer)
    crashed = client.post(ENDPOINT, {"username": "amina", "role": "officer", "crash": True}, format="json",
                          HTTP_IDEMPOTENCY_KEY="key-1")  # fmt: skip
    assert crashed.status_code == 500
    assert crashed.json()["error"]["code"] == "server_error"
    assert not IdempotencyKey.objects.exists()


def test_purge_removes_only_expired_keys(client_of_officer):
    post(client_of_officer, {"username": "a1", "role": "officer"}, "old")
    post(client_of_officer, {"username": "a2", "role": "officer"}, "new")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    assert idempotency_purge_expired() == 1
    assert idempotency_purge_expired() == 0
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["new"]


@pytest.mark.django_db(transaction=True)
def test_two_identical_concurrent_requests_write_once(api_client_for):
    # Given one officer sending the same request twice at the same moment (a double tap on a flaky link)
    token_client = api_client_for(OfficerFactory())
    test_urls.view_entered.clear()
    test_urls.view_may_finish.clear()
    responses = {}

    def send(name):
        responses[name] = post(token_client, {"username": "amina", "role": "officer", "wait": True}, "double-tap")
        connection.close()

    first = threading.Thread(target=send, args=("first",))
    first.start()
    # When the second arrives while the first is still inside the view
    assert test_urls.view_entered.wait(timeout=10)
    second = threading.Thread(target=send, args=("second",))
    second.start()
    second.join(timeout=10)
    test_urls.view_may_finish.set()
    first.join(timeout=10)
    # Then exactly one user is written, and the second request is told to retry later
    assert User.objects.filter(username="amina").count() == 1
    assert responses["first"].status_code == 201
    assert responses["second"].status_code == 409
    assert responses["second"].json()["error"]["message"] == str(KEY_IN_USE)
    # And a retry after the first finished gets the first response
    retry = post(token_client, {"username": "amina", "role": "officer", "wait": True}, "double-tap")
    assert retry.json() == responses["first"].json()


@pytest.mark.django_db(transaction=True)
def test_identical_requests_released_at_the_same_instant_write_once(api_client_for):
    # Given two threads that start the same request at the same instant
    token_client = api_client_for(OfficerFactory())
    barrier = threading.Barrier(2)
    statuses = []

    def send():
        barrier.wait(timeout=10)
        statuses.append(post(token_client, {"username": "amina", "role": "officer"}, "same-instant").status_code)
        connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=15)
    # Then the unique constraint lets exactly one through: one 201, the other a replay (201) or 409
    assert User.objects.filter(username="amina").count() == 1
    assert sorted(statuses) in ([201, 201], [201, 409])
    assert IdempotencyKey.objects.count() == 1
