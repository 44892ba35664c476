import threading
from datetime import timedelta

import pytest
from django.db import OperationalError, connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from horgos.api import idempotency
from horgos.api.idempotency import (
    KEY_IN_USE,
    KEY_INVALID,
    KEY_REUSED,
    REPLAYED_HEADER,
    idempotency_purge_expired,
    request_fingerprint,
)
from horgos.models import IdempotencyKey, User
from horgos.tasks import purge_expired_idempotency_keys
from tests.factories import OfficerFactory
from tests.horgos import urls as test_urls

pytestmark = pytest.mark.urls("tests.horgos.urls")
ENDPOINT = "/api/v1/test-users/"


def post(client, body, key):
    return client.post(ENDPOINT, body, format="json", HTTP_IDEMPOTENCY_KEY=key)


def claimed_ago(key, seconds):
    """Move the claim of `key` back in time, as if its request had started `seconds` ago."""
    IdempotencyKey.objects.filter(key=key).update(created_at=timezone.now() - timedelta(seconds=seconds))


def database_lost(**kwargs):
    raise OperationalError("server closed the connection unexpectedly")


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


def test_purge_task_removes_expired_keys_and_claims_abandoned_as_long_ago(db, settings):
    # Given a completed key and an abandoned claim, both past the replay window, and a recent key
    officer = OfficerFactory()
    for key, hours_ago, status in (("old", 25, 201), ("abandoned", 25, None), ("recent", 23, 201)):
        IdempotencyKey.objects.create(user=officer, endpoint=f"POST {ENDPOINT}", key=key, request_fingerprint="x",
                                      response_status=status)  # fmt: skip
        IdempotencyKey.objects.filter(key=key).update(created_at=timezone.now() - timedelta(hours=hours_ago))
    # When beat's task runs (twice: the second run finds nothing more)
    assert purge_expired_idempotency_keys.delay().get() == 2
    assert purge_expired_idempotency_keys.delay().get() == 0
    # Then only the recent key is left, and the task is on the beat schedule
    assert list(IdempotencyKey.objects.values_list("key", flat=True)) == ["recent"]
    scheduled = settings.CELERY_BEAT_SCHEDULE["purge-expired-idempotency-keys"]
    assert scheduled["task"] == purge_expired_idempotency_keys.name


def test_a_request_runs_no_purge_query(client_of_officer):
    # Given an expired key of the same user (the purge is the beat task's job, not the request's)
    post(client_of_officer, {"username": "a1", "role": "officer"}, "old")
    IdempotencyKey.objects.filter(key="old").update(created_at=timezone.now() - timedelta(hours=25))
    # When a request with a new key comes
    with CaptureQueriesContext(connection) as queries:
        assert post(client_of_officer, {"username": "a2", "role": "officer"}, "new").status_code == 201
    # Then it deleted nothing, and the expired key is still there for the purge
    assert not [query["sql"] for query in queries.captured_queries if query["sql"].upper().startswith("DELETE")]
    assert IdempotencyKey.objects.filter(key="old").exists()


# --- Faults: nothing half-done ----------------------------------------------------------------------


def test_database_lost_before_the_response_is_stored_writes_nothing_and_the_retry_writes_once(db, monkeypatch):
    officer = OfficerFactory()
    client = APIClient(raise_request_exception=False)
    client.force_authenticate(officer)
    body = {"username": "amina", "role": "officer"}
    # Given the database goes away after the view ran, before its response is stored
    monkeypatch.setattr(idempotency, "idempotency_complete", database_lost)
    # When the request is sent
    crashed = post(client, body, "key-1")
    # Then the client is told the service is unavailable, and neither the view's write nor the claim committed (they
    # share one transaction)
    assert crashed.status_code == 503
    assert not User.objects.filter(username="amina").exists()
    assert not IdempotencyKey.objects.filter(key="key-1").exists()
    monkeypatch.undo()
    # When the client retries at once, the retry writes once
    retry = post(client, body, "key-1")
    assert retry.status_code == 201
    assert User.objects.filter(username="amina").count() == 1
    # And from then on the key replays that response
    replay = post(client, body, "key-1")
    assert (replay.status_code, replay.json(), replay.headers[REPLAYED_HEADER]) == (201, retry.json(), "true")
    assert User.objects.filter(username="amina").count() == 1


def test_abandoned_claim_is_taken_over_after_the_timeout_and_a_fresh_one_is_409(db, settings, api_client_for):
    # Given two incomplete claims of this user and body: one left by a request that died long ago, one just made
    officer = OfficerFactory()
    client = api_client_for(officer)
    body = {"username": "amina", "role": "officer"}
    for key in ("abandoned", "fresh"):
        IdempotencyKey.objects.create(user=officer, endpoint=f"POST {ENDPOINT}", key=key,
                                      request_fingerprint=request_fingerprint(body))  # fmt: skip
    claimed_ago("abandoned", settings.IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS + 1)
    # When the client sends the request with the fresh key, it is told the first one still runs
    fresh = post(client, body, "fresh")
    assert fresh.status_code == 409
    assert fresh.json()["error"]["message"] == str(KEY_IN_USE)
    assert not User.objects.filter(username="amina").exists()
    # When it sends it with the abandoned key, the request runs and its response is stored
    taken = post(client, body, "abandoned")
    assert taken.status_code == 201
    assert User.objects.filter(username="amina").count() == 1
    assert IdempotencyKey.objects.get(key="abandoned").response_status == 201


def test_abandoned_claim_with_another_body_is_still_422(db, settings, api_client_for):
    # Given a claim abandoned long ago by a request with another body
    officer = OfficerFactory()
    fingerprint = request_fingerprint({"username": "amina", "role": "officer"})
    IdempotencyKey.objects.create(user=officer, endpoint=f"POST {ENDPOINT}", key="abandoned",
                                  request_fingerprint=fingerprint)  # fmt: skip
    claimed_ago("abandoned", settings.IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS + 1)
    # When the key comes with this body, it is not taken over: the key belongs to the other request
    response = post(api_client_for(officer), {"username": "other", "role": "officer"}, "abandoned")
    assert response.status_code == 422
    assert not User.objects.filter(username="other").exists()


def test_request_that_outlived_its_claim_writes_nothing_and_is_409(client_of_officer, monkeypatch):
    # Given a request so slow that, while its view runs, a retry takes its key over
    create_user = test_urls.user_create

    def create_user_while_a_retry_takes_the_key(**kwargs):
        user = create_user(**kwargs)
        IdempotencyKey.objects.filter(key="slow").update(created_at=timezone.now() + timedelta(seconds=1))
        return user

    monkeypatch.setattr(test_urls, "user_create", create_user_while_a_retry_takes_the_key)
    # When the slow request finishes
    response = post(client_of_officer, {"username": "amina", "role": "officer"}, "slow")
    # Then it cannot store its response: it answers 409 and its write is undone (the retry's is the one)
    assert response.status_code == 409
    assert not User.objects.filter(username="amina").exists()


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
