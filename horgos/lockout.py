"""Sign-in lockout with django-axes: the backend that refuses locked accounts and addresses, the answer they get
(429 with Retry-After, a page or the API's JSON error), the locked-out list and an administrator's unlock.

Axes counts failed sign-ins per username and, separately, per client address (AXES_LOCKOUT_PARAMETERS), on every
path that calls `django.contrib.auth.authenticate` with the request: the sign-in page and the API token endpoint.
"""

import logging
import math
from dataclasses import dataclass
from datetime import datetime

from axes.backends import AxesStandaloneBackend
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from axes.models import AccessAttempt
from django.conf import settings
from django.db import transaction
from django.db.models import Max, Sum
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from horgos.audit import audit_record, reason_required
from horgos.choices import AuditAction, Role
from horgos.errors import is_api
from horgos.models import User
from horgos.pages import too_many_requests
from horgos.roles import require_role

LOCKED_OUT = _(
    "Too many failed sign-ins for this account or from this address: sign-in is locked for %(minutes)s minutes. "
    "Try again later, or ask an administrator to lift the lock."
)

auth_log = logging.getLogger("horgos.auth")


def client_address(request: HttpRequest) -> str:
    """The client's address: the connecting one, or with TRUSTED_PROXY_COUNT proxies of ours in front, the one
    the outermost of them saw (X-Forwarded-For's entries before theirs are the client's say, not to be trusted).
    DRF's throttles read it the same way (NUM_PROXIES)."""
    proxies = settings.TRUSTED_PROXY_COUNT
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        addresses = [address.strip() for address in forwarded.split(",") if address.strip()]
        if addresses:
            return addresses[-min(proxies, len(addresses))]
    return request.META.get("REMOTE_ADDR", "")


class LockoutBackend(AxesStandaloneBackend):
    """Axes' lockout check, first in AUTHENTICATION_BACKENDS. A sign-in without a request (a management command,
    the test client's `login`) comes from no network client, so nothing locks it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def cool_off_minutes() -> int:
    return math.ceil(get_cool_off().total_seconds() / 60)


def lockout_response(request: HttpRequest, original_response=None, credentials=None) -> HttpResponse:
    """What a locked-out sign-in gets (AXES_LOCKOUT_CALLABLE): 429 with Retry-After, the API's JSON error under
    /api/, else a page that says why and for how long."""
    seconds = int(get_cool_off().total_seconds())
    message = LOCKED_OUT % {"minutes": cool_off_minutes()}
    return too_many_requests(request, message=message, retry_after=seconds, api=is_api(request))


@dataclass(frozen=True)
class Lockout:
    """A username or a client address that is locked out now."""

    kind: str  # "username" or "ip_address"
    value: str
    failures: int
    last_failure_at: datetime
    locked_until: datetime


def lockouts_current() -> list[Lockout]:
    """Every username and every address locked out now (AXES_FAILURE_LIMIT failures within the cool-off), the
    most recent first."""
    threshold = timezone.now() - get_cool_off()
    recent = AccessAttempt.objects.filter(attempt_time__gte=threshold)
    lockouts = []
    for kind in ("username", "ip_address"):
        attempts = recent.exclude(**{f"{kind}__isnull": True})
        if kind == "username":
            attempts = attempts.exclude(username="")
        rows = (
            attempts.order_by()  # no default ordering in the GROUP BY
            .values(kind)
            .annotate(failures=Sum("failures_since_start"), last=Max("attempt_time"))
            .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        )
        lockouts += [
            Lockout(kind, str(row[kind]), row["failures"], row["last"], row["last"] + get_cool_off()) for row in rows
        ]
    return sorted(lockouts, key=lambda lockout: lockout.last_failure_at, reverse=True)


@transaction.atomic
def lockout_release(*, kind: str, value: str, reason: str, acting_user: User) -> int:
    """Lift the lock on a username or a client address before its cool-off ends, with the reason in the audit
    row; how many failure records were cleared. Administrators only.

    Axes keeps one record per username and address: clearing an account's failures clears them from the addresses
    they came from too (and an address's, from the accounts it tried)."""
    require_role(acting_user, Role.ADMINISTRATOR)
    reason = reason_required(reason)
    if kind not in ("username", "ip_address"):
        raise ValueError(kind)
    cleared = AxesProxyHandler.reset_attempts(**{kind: value})
    # The audit row's target is the acting administrator's own account when the lock was on an address (no row
    # of ours stands for it); the username or address itself is in `changes`.
    target = User.objects.filter(username=value).first() if kind == "username" else None
    audit_record(
        actor=acting_user,
        action=AuditAction.SIGN_IN_LOCKOUT_RELEASE,
        target=target or acting_user,
        changes={kind: value, "failures_cleared": cleared},
        reason=reason,
    )
    auth_log.info("sign-in lockout lifted: %s=%s by=%s", kind, value, acting_user.get_username())
    return cleared
