"""A fresh sign-in before a sensitive action (revealing a document number, issuing an API token): the password
typed within the last REAUTH_MINUTES, a sign-in counting as such.

Pages: `@reauth_required` sends whoever has not confirmed recently to the "confirm your password" page
(`horgos.views.password_confirm`), which brings them back to `next`.

API: `api_reauth_check(request)` (or the permission class `RecentAuthentication`). A session-authenticated call
(the browsable API, a page's script) needs the same recent confirmation in its session. A call with a personal API
token must carry the account's password in its body (`password`), checked like a sign-in (a wrong one counts
towards the lockout); a token is a long-lived credential a program keeps, so holding one does not prove that its
person is there now. A machine client's token (an e-gate) is refused: no machine reveals a person's data.
"""

import time
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth import authenticate
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.permissions import BasePermission

from horgos.choices import ApiTokenKind
from horgos.models import ApiToken
from horgos.pages import is_htmx, page_to_come_back_to

REAUTHENTICATED_AT = "horgos_reauthenticated_at"

REAUTH_REQUIRED = _("Confirm your password to continue: this action needs a recent sign-in.")
REAUTH_PASSWORD_REQUIRED = _("Send your password in the 'password' field: this action needs a recent sign-in.")
REAUTH_PASSWORD_WRONG = _("The password is not correct.")
REAUTH_MACHINE_TOKEN_REFUSED = _("A machine client's token cannot be used for this action.")


class ReauthenticationRequired(exceptions.PermissionDenied):
    default_code = "reauthentication_required"
    default_detail = REAUTH_REQUIRED


def mark_reauthenticated(request: HttpRequest) -> None:
    """The person just typed their password (signed in, or confirmed it)."""
    request.session[REAUTHENTICATED_AT] = time.time()


def recently_reauthenticated(request: HttpRequest) -> bool:
    confirmed_at = getattr(request, "session", {}).get(REAUTHENTICATED_AT)
    return confirmed_at is not None and 0 <= time.time() - confirmed_at <= settings.REAUTH_MINUTES * 60


def confirm_url(next_page: str) -> str:
    return f"{reverse('password-confirm')}?{urlencode({'next': next_page})}"


def reauth_required(view: Callable) -> Callable:
    """Page decorator (under the role check): without a password confirmed in the last REAUTH_MINUTES, go to the
    confirmation page and come back (htmx follows an HX-Redirect)."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if recently_reauthenticated(request):
            return view(request, *args, **kwargs)
        target = confirm_url(page_to_come_back_to(request, reverse("home")))
        if is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = target
            return response
        return redirect(target)

    return wrapped


def api_reauth_check(request) -> None:
    """For an API view before a sensitive action (see the module's docstring); raises PermissionDenied (403 with
    code `reauthentication_required`) or AuthenticationFailed when the caller has not signed in recently."""
    token = request.auth
    if isinstance(token, ApiToken):
        if token.kind == ApiTokenKind.MACHINE:
            raise ReauthenticationRequired(REAUTH_MACHINE_TOKEN_REFUSED)
        password = request.data.get("password") if hasattr(request.data, "get") else None
        if not password:
            raise ReauthenticationRequired(REAUTH_PASSWORD_REQUIRED)
        # Through authenticate(), with the request, so that a wrong password counts towards the lockout.
        user = authenticate(request._request, username=request.user.get_username(), password=password)
        if user is None or user.pk != request.user.pk:
            raise ReauthenticationRequired(REAUTH_PASSWORD_WRONG)
        return
    if not recently_reauthenticated(request):
        raise ReauthenticationRequired()


class RecentAuthentication(BasePermission):
    """DRF permission: `api_reauth_check` on every request to the view; list it after the role's permission."""

    def has_permission(self, request, view) -> bool:
        if request.method not in view.allowed_methods:
            return True  # the view answers 405; nothing sensitive happens, so no password is asked for
        api_reauth_check(request)
        return True
