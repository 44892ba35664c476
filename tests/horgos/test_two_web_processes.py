"""Web processes share nothing but PostgreSQL and Redis (DESIGN.md section 7): two gunicorn processes serve one
database, record crossings through either, replay an Idempotency-Key first used on the other, and show the same live
counts, the one recorded on the other included, at once."""

import json
import re
import threading
import urllib.error
import urllib.request
import uuid
from datetime import date

import pytest
from django.conf import settings
from django.test import Client

from crossings.models import Crossing
from horgos.services import api_token_issue_personal
from tests.crossings.conftest import zone_of_reference
from tests.crossings.factories import DocumentFactory, TravellerFactory
from tests.horgos.gunicorn import gunicorn_serving, production_env

HOST = "horgos.example.org"
TODAY_ENTRY = re.compile(r'<th scope="row">Entry</th><td class="num">(\d+)</td><td class="num">(\d+)</td>')


@pytest.fixture
def two_processes(transactional_db):
    """Two gunicorn processes, A and B, with the test's keys (a session or a document the test writes reads the same
    in both) and its Redis."""
    env = production_env(
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        BLIND_INDEX_KEY=settings.BLIND_INDEX_KEY,
        ALLOWED_HOSTS=HOST,
    )
    with gunicorn_serving(env) as a, gunicorn_serving(env) as b:
        yield a, b


def ask(port: int, path: str, *, body: dict | None = None, headers: dict | None = None) -> tuple[int, dict, str]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}{path}",
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Host": HOST, "X-Forwarded-Proto": "https", "Accept-Language": "en", **(headers or {})},
        method="POST" if body is not None else "GET",
    )
    if body is not None:
        request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def entry_body(lane, document) -> dict:
    return {
        "document": {
            "document_type": document.document_type,
            "issuing_country": document.issuing_country.code,
            "number": document.number,
        },
        "lane": lane.pk,
    }


def todays_entries(port: int, cookie: str) -> tuple[int, int]:
    status, _, html = ask(port, "/crossings/desk/live/", headers={"Cookie": cookie})
    assert status == 200, html[:500]
    admitted, refused = TODAY_ENTRY.search(html).groups()
    return int(admitted), int(refused)


def test_two_processes_record_replay_and_show_the_same_counts(two_processes):
    a, b = two_processes
    zone = zone_of_reference()
    lane = zone.lane("CN", "E-F01")
    documents = [
        DocumentFactory(
            traveller=TravellerFactory(nationality="KZ"), issuing_country="KZ", valid_until=date(2030, 1, 1)
        )
        for _ in range(4)
    ]
    token = api_token_issue_personal(user=zone.cn_officer, acting_user=zone.cn_officer).secret
    api = {"Authorization": f"Token {token}"}
    page = Client()
    page.force_login(zone.cn_officer)
    cookie = f"{settings.SESSION_COOKIE_NAME}={page.cookies[settings.SESSION_COOKIE_NAME].value}"
    # Both panels agree before anything happens, and B's counts are now in the shared cache
    before = todays_entries(b, cookie)
    assert todays_entries(a, cookie) == before

    # Given an entry recorded through A, when B's panel is asked at once, then it counts it (A cleared the cache)
    status, _, answer = ask(a, "/api/v1/crossings/entry/", body=entry_body(lane, documents[0]), headers=api)
    assert status == 201, answer
    outcome = json.loads(answer)["outcome"]
    after = todays_entries(b, cookie)
    assert sum(after) == sum(before) + 1
    assert after[0 if outcome == "admitted" else 1] == before[0 if outcome == "admitted" else 1] + 1
    assert todays_entries(a, cookie) == after

    # An entry recorded through B succeeds too
    status, _, answer = ask(b, "/api/v1/crossings/entry/", body=entry_body(lane, documents[1]), headers=api)
    assert status == 201, answer

    # A key first used on A is replayed by B, not recorded again
    key = {"Idempotency-Key": str(uuid.uuid4())}
    first = ask(a, "/api/v1/crossings/entry/", body=entry_body(lane, documents[2]), headers={**api, **key})
    again = ask(b, "/api/v1/crossings/entry/", body=entry_body(lane, documents[2]), headers={**api, **key})
    assert first[0] == again[0] == 201
    assert json.loads(again[2]) == json.loads(first[2])
    assert again[1].get("Idempotent-Replayed") == "true" and "Idempotent-Replayed" not in first[1]
    assert Crossing.objects.filter(traveller=documents[2].traveller).count() == 1

    # The same key sent to both at the same moment records one crossing: the other request waits its turn (409)
    # or replays it
    key = {"Idempotency-Key": str(uuid.uuid4())}
    answers = []
    senders = [
        threading.Thread(
            target=lambda port: answers.append(
                ask(port, "/api/v1/crossings/entry/", body=entry_body(lane, documents[3]), headers={**api, **key})
            ),
            args=(port,),
        )
        for port in (a, b)
    ]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=60)
    assert sorted(status for status, _, _ in answers) in ([201, 201], [201, 409])
    assert Crossing.objects.filter(traveller=documents[3].traveller).count() == 1
    assert sum(todays_entries(a, cookie)) == sum(todays_entries(b, cookie)) == sum(before) + 4
