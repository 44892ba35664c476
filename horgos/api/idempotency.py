"""Idempotency-Key for creating POSTs (after the IETF draft and Stripe).

Put `@idempotent` on a DRF view method (e.g. `create`). A key is scoped to the user and the
endpoint (method and path). The first complete response (status below 500) is stored and replayed
for IDEMPOTENCY_KEY_TTL_HOURS; the same key with a different body gets 422; the same key while the
first request is still running gets 409; a key longer than 255 characters gets 400. A request that
raises or answers 5xx releases its key, so the client's retry runs again.

Two identical requests at the same moment race on the unique constraint of `IdempotencyKey`:
the claim is committed before the view runs, so exactly one of them proceeds.
"""

import functools
import hashlib
import json
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
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


def idempotency_claim(*, user: User, endpoint: str, key: str, fingerprint: str) -> IdempotencyKey:
    """Claim `key` for a new request, or return the completed record whose response is to be replayed.

    Raises IdempotencyKeyReused (another body) or IdempotencyKeyInUse (first request still running).
    """
    expired_before = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    IdempotencyKey.objects.filter(user=user, endpoint=endpoint, key=key, created_at__lt=expired_before).delete()
    try:
        with transaction.atomic():
            return IdempotencyKey.objects.create(user=user, endpoint=endpoint, key=key, request_fingerprint=fingerprint)
    except IntegrityError:
        existing = IdempotencyKey.objects.filter(user=user, endpoint=endpoint, key=key).first()
    if existing is None:
        # The first request failed and released the key between our insert and this read.
        raise IdempotencyKeyInUse(KEY_IN_USE)
    if existing.request_fingerprint != fingerprint:
        raise IdempotencyKeyReused(KEY_REUSED)
    if not existing.is_complete:
        raise IdempotencyKeyInUse(KEY_IN_USE)
    return existing


def idempotency_complete(*, record: IdempotencyKey, response: Response) -> None:
    body = json.loads(JSONRenderer().render(response.data) or b"null")
    IdempotencyKey.objects.filter(pk=record.pk).update(response_status=response.status_code, response_body=body)


def idempotency_release(*, record: IdempotencyKey) -> None:
    IdempotencyKey.objects.filter(pk=record.pk, response_status__isnull=True).delete()


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
            response = view_method(self, request, *args, **kwargs)
        except BaseException:
            idempotency_release(record=record)
            raise
        if response.status_code >= 500:
            idempotency_release(record=record)
        else:
            idempotency_complete(record=record, response=response)
        return response

    return wrapper


def idempotency_purge_expired() -> int:
    """Delete records past their replay window; returns how many went."""
    expired_before = timezone.now() - timedelta(hours=settings.IDEMPOTENCY_KEY_TTL_HOURS)
    deleted, _ = IdempotencyKey.objects.filter(created_at__lt=expired_before).delete()
    return deleted
