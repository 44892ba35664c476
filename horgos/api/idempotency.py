"""Idempotency-Key for creating POSTs (after the IETF draft and Stripe).

Put `@idempotent` on a DRF view method (e.g. `create`). A key is scoped to the user and the
endpoint (method and path). The first complete response (status below 500) is stored and replayed
for IDEMPOTENCY_KEY_TTL_HOURS; the same key with a different body gets 422; the same key while the
first request is still running gets 409; a key longer than 255 characters gets 400.

Nothing is left half-done by a fault, and a request is ONE transaction:

1. The claim row is inserted inside the request's transaction (`INSERT ... ON CONFLICT DO NOTHING`),
   under a transaction-level advisory lock on the key taken in the same statement
   (`pg_try_advisory_xact_lock`): a concurrent request with the same key fails to take the lock and
   is told at once that the first still runs (409); once the first has committed, the same key
   finds the completed row and replays it. Two identical requests at the same moment: exactly one
   takes the lock.
2. The view runs inside that transaction (the services' own atomic blocks become savepoints), and
   the response is stored on the claimed row before it commits: the claim, the view's writes and
   the stored response commit together or not at all.
3. A view that raises or answers 5xx is rolled back, its claim with it, so the client's retry runs
   again; so is a request whose process or database dies (PostgreSQL rolls the transaction back
   and frees the lock): nothing of the lost attempt, claim included, was written.
4. A view whose last write holds a hot row's lock until the commit (a sale charging the buyer's allowance ledger)
   may store its answer before that write, with `idempotency_store_now`, and must then return that very response:
   the lock is then not held while the answer is rendered and stored. Stored inside a savepoint that is rolled back
   (the write refused), it is undone with it, and the answer the view then returns is stored as usual.
5. A committed claim without a response (left by an earlier version, which committed claims on
   their own) answers 409 until IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS old, then a retry takes it over
   (a conditional UPDATE). A request whose claim was taken over cannot store its response: its
   writes roll back and it answers 409, so the key still stands for exactly one write.

Expired records are deleted by the beat task `horgos.tasks.purge_expired_idempotency_keys`, not by
requests; a request that meets one before the purge simply claims the key afresh.
"""

import functools
import hashlib
import json
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from horgos.api.exceptions import IdempotencyKeyInUse, IdempotencyKeyInvalid, IdempotencyKeyReused
from horgos.models import IdempotencyKey, User

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
KEY_INVALID = _("The Idempotency-Key header must hold 1 to 255 characters.")
KEY_IN_USE = _("A request with this Idempotency-Key is still being processed; retry in a moment.")
KEY_REUSED = _("This Idempotency-Key was already used with a different request.")


def request_fingerprint(data) -> str:
    """A digest of the parsed request body that ignores key order and formatting."""
    if isinstance(data, QueryDict):
        data = dict(data.lists())
    canonical = json.dumps(data, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


# One statement claims a key: a transaction-level advisory lock on the key (so a concurrent request with the same
# key is told at once that the first still runs, instead of waiting for it), and, when the lock is ours, the claim
# row inserted unless one is already there.
CLAIM_SQL = """
WITH key_lock AS MATERIALIZED (SELECT pg_try_advisory_xact_lock(%s) AS locked),
claim AS (
    INSERT INTO horgos_idempotencykey (user_id, endpoint, key, request_fingerprint, created_at)
    SELECT %s, %s, %s, %s, %s FROM key_lock WHERE locked
    ON CONFLICT (user_id, endpoint, key) DO NOTHING
    RETURNING id
)
SELECT key_lock.locked, claim.id FROM key_lock LEFT JOIN claim ON TRUE
"""


def _lock_key(user_id: int, endpoint: str, key: str) -> int:
    """The advisory lock's key (a signed 64-bit number) of one user's key at one endpoint."""
    digest = hashlib.blake2b(f"{user_id}\0{endpoint}\0{key}".encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big", signed=True)


def idempotency_claim(*, user: User, endpoint: str, key: str, fingerprint: str) -> IdempotencyKey:
    """Claim `key` for a new request, or return the completed record whose response is to be replayed.

    Call it inside the request's transaction (`idempotent` does): the claim is a row that only commits with the
    view's writes and its stored response, and the key's advisory lock, held until then, tells a concurrent request
    with the same key that this one still runs. A claimed record comes back incomplete, its `created_at` the moment
    of this claim (the token that `idempotency_complete` checks). Raises IdempotencyKeyReused (another body) or
    IdempotencyKeyInUse (the first request is still running, or an incomplete claim it left is not yet abandoned).
    """
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(CLAIM_SQL, [_lock_key(user.pk, endpoint, key), user.pk, endpoint, key, fingerprint, now])
        locked, claimed_id = cursor.fetchone()
    if not locked:
        # Another request with this key holds its lock: it is running now.
        raise IdempotencyKeyInUse(KEY_IN_USE)
    if claimed_id is not None:
        return IdempotencyKey(
            pk=claimed_id, user=user, endpoint=endpoint, key=key, request_fingerprint=fingerprint, created_at=now
        )
    existing = IdempotencyKey.objects.filter(user=user, endpoint=endpoint, key=key).first()
    if existing is None:
        # The record went (purged) between the insert and this read: the retry claims it afresh.
        raise IdempotencyKeyInUse(KEY_IN_USE)
    expired_before = now - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    if existing.created_at < expired_before:
        # Past its replay window and not purged yet: the key is free again, whatever the body.
        return _take_over(existing, now, fingerprint, created_at__lt=expired_before)
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(KEY_REUSED)
    if existing.is_complete:
        return existing
    abandoned_before = now - timedelta(seconds=settings.IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS)
    if existing.created_at < abandoned_before:
        # A committed claim without a response (left by an earlier version that committed claims on their own, or
        # written by hand): after the timeout this retry may run the view.
        return _take_over(existing, now, fingerprint, created_at__lt=abandoned_before, response_status__isnull=True)
    raise IdempotencyKeyInUse(KEY_IN_USE)


def _take_over(record: IdempotencyKey, now: datetime, fingerprint: str, **still) -> IdempotencyKey:
    """Claim an existing record if it still matches the lookups `still`: the condition sits in the UPDATE,
    so of two retries arriving together exactly one takes it (the other is told to retry in a moment)."""
    taken = IdempotencyKey.objects.filter(pk=record.pk, **still).update(
        request_fingerprint=fingerprint, created_at=now, response_status=None, response_body=None
    )
    if not taken:
        raise IdempotencyKeyInUse(KEY_IN_USE)
    record.request_fingerprint, record.created_at, record.response_status, record.response_body = (
        fingerprint,
        now,
        None,
        None,
    )
    return record


def idempotency_complete(*, record: IdempotencyKey, response: Response) -> None:
    """Store the response on the claimed record. Call it inside the view's transaction.

    Raises IdempotencyKeyInUse if the claim is no longer this request's (it ran past the claim timeout
    and a retry took the key over): the caller's transaction must then roll back.
    """
    body = json.loads(JSONRenderer().render(response.data) or b"null")
    stored = IdempotencyKey.objects.filter(
        pk=record.pk, created_at=record.created_at, response_status__isnull=True
    ).update(response_status=response.status_code, response_body=body)
    if not stored:
        raise IdempotencyKeyInUse(KEY_IN_USE)


def idempotency_store_now(request, response: Response) -> Response:
    """Store `response` now as the answer to the request's Idempotency-Key (see point 4 of the module docstring), and
    return it; the view must return this very response. Without a key, does nothing."""
    record = getattr(request, "idempotency_record", None)
    if record is not None:
        idempotency_complete(record=record, response=response)
        request.idempotency_stored = response
    return response


def idempotent(view_method):
    """Make a DRF view method honour the Idempotency-Key header (see the module docstring)."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise IdempotencyKeyInvalid(KEY_INVALID)
        fingerprint = request_fingerprint(request.data)
        # One transaction: the claim, the view's writes and the stored response commit together or not at all (a
        # view that raises or answers 5xx leaves no claim behind, so the client's retry runs again).
        with transaction.atomic():
            record = idempotency_claim(
                user=request.user, endpoint=f"{request.method} {request.path}"[:255], key=key, fingerprint=fingerprint
            )
            if record.is_complete:
                return Response(record.response_body, status=record.response_status, headers={REPLAYED_HEADER: "true"})
            request.idempotency_record = record
            response = view_method(self, request, *args, **kwargs)
            if response.status_code >= 500:
                # An error answer is not replayed: undo what the view wrote, the claim with it.
                transaction.set_rollback(True)
            elif response is not getattr(request, "idempotency_stored", None):
                idempotency_complete(record=record, response=response)
        return response

    return wrapper


def idempotency_purge_expired() -> int:
    """Delete records past their replay window (claims abandoned that long ago too); returns how many went."""
    expired_before = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=expired_before).delete()
    return deleted
