"""Session lifetime: a signed-in session ends SESSION_ABSOLUTE_HOURS after sign-in, and after SESSION_IDLE_MINUTES
(per role) without a request; the person then signs in again and comes back to the page they were on.

The session keeps the sign-in time and the last request's time (seconds since the epoch). Every request of the
signed-in person counts as activity, htmx requests included: the lane desk's live panel refreshes itself while an
officer works at the desk, and an officer watching it is at work; the absolute lifetime still ends that session
after a shift. The last request's time is written at most once a minute, so most requests leave the session alone.
"""

import logging
import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse
from django.shortcuts import resolve_url
from django.utils.translation import gettext_lazy as _

from horgos.pages import is_htmx, page_to_come_back_to

SIGNED_IN_AT = "horgos_signed_in_at"
LAST_SEEN_AT = "horgos_last_seen_at"
LAST_SEEN_RESOLUTION_SECONDS = 60

auth_log = logging.getLogger("horgos.auth")

SESSION_IDLE_ENDED = _("You were signed out after %(minutes)s minutes without activity. Please sign in again.")
SESSION_LIFETIME_ENDED = _("You were signed out: a sign-in lasts at most %(hours)s hours. Please sign in again.")


def session_started(request: HttpRequest) -> None:
    """Note a sign-in's time in its session (horgos.auth_events, on every sign-in)."""
    now = time.time()
    request.session[SIGNED_IN_AT] = now
    request.session[LAST_SEEN_AT] = now


def idle_minutes(user) -> int:
    return settings.SESSION_IDLE_MINUTES.get(user.role, min(settings.SESSION_IDLE_MINUTES.values()))


def session_end_reason(session, user, now: float) -> str | None:
    """Why this session is over at `now` (a message), or None while it lasts. A clock that went back (a test
    travelling in time) ends nothing."""
    signed_in_at, last_seen_at = session.get(SIGNED_IN_AT), session.get(LAST_SEEN_AT)
    if signed_in_at is not None and now - signed_in_at > settings.SESSION_ABSOLUTE_HOURS * 3600:
        return SESSION_LIFETIME_ENDED % {"hours": settings.SESSION_ABSOLUTE_HOURS}
    minutes = idle_minutes(user)
    if last_seen_at is not None and now - last_seen_at > minutes * 60:
        return SESSION_IDLE_ENDED % {"minutes": minutes}
    return None


class SessionTimeoutMiddleware:
    """Ends an idle or too old session (after AuthenticationMiddleware and MessageMiddleware): the sign-in page with
    a message and `next` back to the page; for htmx, the same through HX-Redirect; the API answers as to anyone
    not signed in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            reason = session_end_reason(request.session, user, now)
            if reason:
                return self._end(request, reason) or self.get_response(request)
            if SIGNED_IN_AT not in request.session:  # a session from before these keys
                request.session[SIGNED_IN_AT] = now
            last_seen_at = request.session.get(LAST_SEEN_AT)
            if last_seen_at is None or now - last_seen_at >= LAST_SEEN_RESOLUTION_SECONDS:
                request.session[LAST_SEEN_AT] = now
        return self.get_response(request)

    @staticmethod
    def _end(request: HttpRequest, reason: str) -> HttpResponse | None:
        next_page = page_to_come_back_to(request, resolve_url(settings.LOGIN_REDIRECT_URL))
        auth_log.info("session ended: user=%s reason=%s", request.user.get_username(), reason)
        logout(request)
        if request.path.startswith("/api/"):
            return None
        messages.info(request, reason)
        response = redirect_to_login(next_page)
        if is_htmx(request):
            location = response["Location"]
            response = HttpResponse(status=204)
            response["HX-Redirect"] = location
        return response
