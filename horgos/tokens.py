"""API token secrets and their DRF authentication: `Authorization: Token <secret>`, checked against a stored digest.

A secret is "hgs_" and 43 URL-safe characters (256 random bits). The database keeps its SHA-256 digest, never the
secret, and its first `PREFIX_LENGTH` characters to find the row; a fast hash is enough because the secret is
random and long, unlike a password (there is nothing to guess from a dictionary). Keys of the earlier tokens (40
hexadecimal characters, migration 0007) are found and checked the same way until they expire.
"""

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from horgos.models import ApiToken

SECRET_PREFIX = "hgs_"
PREFIX_LENGTH = 12
# last_used_at is written at most this often per token, not on every request.
LAST_USED_RESOLUTION = timedelta(minutes=1)

TOKEN_INVALID = _("Invalid token.")
TOKEN_EXPIRED = _("This token has expired: ask for a new one.")
TOKEN_REVOKED = _("This token was revoked: ask for a new one.")
TOKEN_HEADER_MALFORMED = _("Invalid token header: send 'Authorization: Token <token>'.")


@dataclass(frozen=True)
class IssuedToken:
    """A token just issued, with its secret: the only moment anyone sees it."""

    token: ApiToken
    secret: str


def new_secret() -> str:
    return SECRET_PREFIX + secrets.token_urlsafe(32)


def secret_digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def secret_prefix(secret: str) -> str:
    return secret[:PREFIX_LENGTH]


def token_for_secret(secret: str) -> ApiToken | None:
    """The token whose secret this is (revoked and expired ones too), compared in constant time; else None."""
    token = ApiToken.objects.select_related("user").filter(prefix=secret_prefix(secret)).first()
    if token is None or not hmac.compare_digest(token.digest, secret_digest(secret)):
        return None
    return token


class ApiTokenAuthentication(BaseAuthentication):
    """DRF authentication by `horgos.models.ApiToken`: 401 with `WWW-Authenticate: Token` for a token that is
    unknown, expired, revoked or whose account is deactivated."""

    keyword = "Token"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword.lower().encode():
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(TOKEN_HEADER_MALFORMED)
        try:
            secret = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(TOKEN_HEADER_MALFORMED) from None
        token = token_for_secret(secret)
        now = timezone.now()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(TOKEN_INVALID)
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(TOKEN_REVOKED)
        if token.expires_at is not None and token.expires_at <= now:
            raise exceptions.AuthenticationFailed(TOKEN_EXPIRED)
        if token.last_used_at is None or now - token.last_used_at >= LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return self.keyword


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """The OpenAPI schema's description of `ApiTokenAuthentication` (the same header as DRF's TokenAuthentication)."""

    target_class = "horgos.tokens.ApiTokenAuthentication"
    name = "tokenAuth"

    def get_security_definition(self, auto_schema):
        return build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token")
