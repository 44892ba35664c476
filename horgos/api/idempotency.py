"""Idempotency-Key for creating POSTs (after the IETF draft and Stripe).

Put `@idempotent` on a DRF view method (e.g. `create`). A key is scoped to the user and the
endpoint (method and path). The first complete response (status below 500) is stored and replayed
for IDEMPOTENCY_KEY_TTL_HOURS; the same key with a different body gets 422; the same key while the
first request is still running gets 409; a key longer than 255 characters gets 400.

Nothing is left half-done by a fault:

1. The key is claimed in a short transaction of its own, committed before the view runs, so a
   concurrent request with the same key finds it (409) and two identical requests at the same moment
   race on the unique constraint of `IdempotencyKey`, where exactly one wins.
2. The view runs inside `transaction.atomic()` (the services' own atomic blocks become savepoints),
   and the response is stored on the claimed row inside that same block: the view's writes and the
   stored response commit together or not at all.
3. A view that raises or answers 5xx is rolled back and releases its key, so the client's retry runs
   again. If the process or the database dies first, the claim stays incomplete: a retry gets 409
   until the claim is IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS old, then takes it over (a conditional
   UPDATE, so only one retry does) and runs the view; nothing of the lost attempt was written.
4. A request that outlived its claim (another took it over) cannot store its response: its writes
   roll back and it answers 409, so the key still stands for exactly one write.

Expired records are deleted by the beat task `horgos.tasks.purge_expired_idempotency_keys`, not by
requests; a request that meets one before the purge simply claims the key afresh.
"""

import functools
import hashlib
import json
import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from horgos.api.exceptions import IdempotencyKeyInUse, IdempotencyKeyInvalid, IdempotencyKeyReused
from horgos.models import IdempotencyKey, User

logger = logging.getLogger(__name__)

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


def idempotency_claim(*, user: User, endpoint: str, key: str, fingerprint: str) -> IdempotencyKey:
    """Claim `key` for a new request, or return the completed record whose response is to be replayed.

    A claimed record comes back incomplete, its `created_at` the moment of this claim (the token that
    `idempotency_complete` and `idempotency_release` check). Raises IdempotencyKeyReused (another body)
    or IdempotencyKeyInUse (the first request is still running, or its claim is not yet abandoned).
    """
    now = timezone.now()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, endpoint=endpoint, key=key, request_fingerprint=fingerprint)
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user=user, endpoint=endpoint, key=key).first()
    if existing is None:
        # The first request failed and released the key between our insert and this read.
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
        # The claiming request died (process or database lost) before it finished; its writes were
        # rolled back with it, so this retry may run the view.
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
    return IdempotencyKey.objects.get(pk=record.pk)


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


def idempotency_release(*, record: IdempotencyKey) -> None:
    """Free the key of a request that wrote nothing, unless another request has taken it over since."""
    IdempotencyKey.objects.filter(pk=record.pk, created_at=record.created_at, response_status__isnull=True).delete()


def _release_after_failure(record: IdempotencyKey) -> None:
    try:
        idempotency_release(record=record)
    except DatabaseError:
        # The database is gone: the claim stays incomplete and a retry takes it over after the claim
        # timeout. The original error is the one to report, so this one is only logged.
        logger.warning("Idempotency-Key claim %s could not be released", record.pk, exc_info=True)


def idempotent(view_method):
    """Make a DRF view method honour the Idempotency-Key header (see the module docstring)."""

    @functools.wraps(view_method)
    def wrapper(self, request, *args, **kwargs):
        key = request.headers.get(HEADER)
        if key is None or not request.user.is_authenticated:
            return view_method(self, request, *args, **kwargs)
        if not key.strip() or len(key) > MAX_KEY_LENGTH:
            raise IdempotencyKeyInvalid(KEY_INVALID)
        record = idempotency_claim(
            user=request.user,
            endpoint=f"{request.method} {request.path}"[:255],
            key=key,
            fingerprint=request_fingerprint(request.data),
        )
        if record.is_complete:
            return Response(record.response_body, status=record.response_status, headers={REPLAYED_HEADER: "true"})
        try:
            with transaction.atomic():
                response = view_method(self, request, *args, **kwargs)
                if response.status_code >= 500:
                    # An error answer is not replayed: undo what the view wrote, so the retry starts clean.
                    transaction.set_rollback(True)
                else:
                    idempotency_complete(record=record, response=response)
        except BaseException:
            _release_after_failure(record)
            raise
        if response.status_code >= 500:
            _release_after_failure(record)
        return response

    return wrapper


def idempotency_purge_expired() -> int:
    """Delete records past their replay window (claims abandoned that long ago too); returns how many went."""
    expired_before = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=expired_before).delete()
    return deleted
