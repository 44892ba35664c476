"""Sign-ins, sign-outs, failed sign-ins and lockouts, logged by `horgos.auth` with who, when (the log line's time)
and the client address; never a password or a token. Token issue and revocation, password changes and lifted
lockouts are logged by their services (horgos/services.py, horgos/lockout.py), which also write audit rows.

A sign-in also starts the session's clocks (horgos/sessions.py) and counts as a fresh password (horgos/reauth.py).
"""

import logging

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from horgos.lockout import client_address
from horgos.reauth import mark_reauthenticated
from horgos.sessions import session_started

auth_log = logging.getLogger("horgos.auth")
LOGGED_USERNAME_LENGTH = 150  # the longest username there is


def _address(request) -> str:
    return client_address(request) if request is not None else "-"


@receiver(user_logged_in, dispatch_uid="horgos.auth.signed_in")
def signed_in(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        session_started(request)
        mark_reauthenticated(request)
    auth_log.info("sign-in: user=%s ip=%s", user.get_username(), _address(request))


@receiver(user_logged_out, dispatch_uid="horgos.auth.signed_out")
def signed_out(sender, request, user, **kwargs) -> None:
    auth_log.info("sign-out: user=%s ip=%s", user.get_username() if user else "-", _address(request))


@receiver(user_login_failed, dispatch_uid="horgos.auth.sign_in_failed")
def sign_in_failed(sender, credentials, request=None, **kwargs) -> None:
    # Django passes the credentials with the password already masked; only the username is taken from them.
    username = str(credentials.get("username", ""))[:LOGGED_USERNAME_LENGTH]
    auth_log.warning("sign-in failed: username=%s ip=%s", username, _address(request))


@receiver(user_locked_out, dispatch_uid="horgos.auth.locked_out")
def locked_out(sender, request, username, ip_address, **kwargs) -> None:
    auth_log.warning("sign-in locked out: username=%s ip=%s", username or "-", ip_address or _address(request))
