"""Writes of the horgos package: users and their API tokens."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from horgos.audit import audit_record, changes_between, reason_required
from horgos.choices import ApiTokenKind, AuditAction, Role
from horgos.models import ApiToken, User
from horgos.roles import require_role
from horgos.tokens import IssuedToken, new_secret, secret_digest, secret_prefix

CANNOT_DEACTIVATE_YOURSELF = _("You cannot deactivate your own account; ask another administrator.")
API_TOKEN_ONLY_YOUR_OWN = _("You can issue a personal API token for your own account only.")
API_TOKEN_NAME_REQUIRED = _("Name the machine client, e.g. the e-gate's lane.")
API_TOKEN_ACCOUNT_INACTIVE = _("This account is deactivated: it cannot have a token.")
API_TOKEN_REPLACED = _("Replaced by a new token.")
API_TOKEN_PASSWORD_CHANGED = _("The account's password was changed.")
API_TOKEN_ACCOUNT_DEACTIVATED = _("The account was deactivated.")

auth_log = logging.getLogger("horgos.auth")


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str,
    role: Role,
    acting_user: User | None = None,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a user with `role`; administrators also get the Django admin (is_staff)."""
    user = User(
        username=username,
        role=role,
        is_staff=role == Role.ADMINISTRATOR,
        first_name=first_name,
        last_name=last_name,
        email=email,
    )
    user.set_password(password)
    user.full_clean()
    user.save()
    audit_record(actor=acting_user, action="user.create", target=user, changes={"role": role})
    return user


def _api_token_create(*, user: User, kind: ApiTokenKind, lifetime_days: int, acting_user: User | None, name: str = ""):
    secret = new_secret()
    token = ApiToken(
        kind=kind,
        user=user,
        name=name,
        prefix=secret_prefix(secret),
        digest=secret_digest(secret),
        created_by=acting_user,
        expires_at=timezone.now() + timedelta(days=lifetime_days) if lifetime_days else None,
    )
    token.full_clean()
    token.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.API_TOKEN_ISSUE,
        target=token,
        changes={"user": user.get_username(), "kind": kind, "name": name, "expires_at": token.expires_at},
    )
    auth_log.info(
        "api token issued: token=%s kind=%s user=%s by=%s",
        token.prefix,
        kind,
        user.get_username(),
        acting_user.get_username() if acting_user else "-",
    )
    return IssuedToken(token=token, secret=secret)


@transaction.atomic
def api_token_issue_personal(*, user: User, acting_user: User) -> IssuedToken:
    """A new personal API token for `user`, valid for PERSONAL_API_TOKEN_DAYS; their previous one stops working at
    once. The secret is in the result, and nowhere else ever again. People issue their own tokens only."""
    if acting_user.pk != user.pk or not user.is_active:
        raise PermissionDenied(API_TOKEN_ONLY_YOUR_OWN)
    _api_tokens_revoke(
        tokens=ApiToken.objects.filter(user=user, kind=ApiTokenKind.PERSONAL),
        reason=str(API_TOKEN_REPLACED),
        acting_user=acting_user,
    )
    return _api_token_create(
        user=user,
        kind=ApiTokenKind.PERSONAL,
        lifetime_days=settings.PERSONAL_API_TOKEN_DAYS,
        acting_user=acting_user,
    )


@transaction.atomic
def api_token_issue_machine(*, user: User, name: str, acting_user: User) -> IssuedToken:
    """A named token for a machine client (an e-gate) that acts as `user`, its service account; valid for
    MACHINE_API_TOKEN_DAYS (0: until revoked). Administrators only."""
    require_role(acting_user, Role.ADMINISTRATOR)
    name = name.strip()
    if not name:
        raise ValidationError({"name": API_TOKEN_NAME_REQUIRED})
    if not user.is_active:
        raise ValidationError({"user": API_TOKEN_ACCOUNT_INACTIVE})
    return _api_token_create(
        user=user,
        kind=ApiTokenKind.MACHINE,
        lifetime_days=settings.MACHINE_API_TOKEN_DAYS,
        acting_user=acting_user,
        name=name,
    )


@transaction.atomic
def api_token_revoke(*, token: ApiToken, reason: str, acting_user: User) -> ApiToken:
    """Stop one token working, saying why. Administrators revoke any token; people their own."""
    if token.user_id != acting_user.pk:
        require_role(acting_user, Role.ADMINISTRATOR)
    reason = reason_required(reason)
    _api_tokens_revoke(tokens=ApiToken.objects.filter(pk=token.pk), reason=reason, acting_user=acting_user)
    token.refresh_from_db()
    return token


@transaction.atomic
def api_tokens_revoke_on_password_change(*, user: User) -> int:
    """A new password ends the account's personal tokens (machine tokens are no copy of anyone's password and
    stay, until an administrator revokes them or the account is deactivated). Called by User.save."""
    return _api_tokens_revoke(
        tokens=ApiToken.objects.filter(user=user, kind=ApiTokenKind.PERSONAL),
        reason=str(API_TOKEN_PASSWORD_CHANGED),
        acting_user=None,
    )


def _api_tokens_revoke(*, tokens, reason: str, acting_user: User | None) -> int:
    """Revoke those of `tokens` that are not revoked yet, each with its audit row; how many were."""
    now = timezone.now()
    revoked = 0
    for token in (
        tokens.select_for_update(of=("self",)).select_related("user").filter(revoked_at__isnull=True).order_by("pk")
    ):
        token.revoked_at = now
        token.revoked_reason = reason[:300]
        token.save(update_fields=["revoked_at", "revoked_reason"])
        audit_record(
            actor=acting_user,
            action=AuditAction.API_TOKEN_REVOKE,
            target=token,
            changes={"user": token.user.get_username(), "kind": token.kind, "name": token.name},
            reason=reason,
        )
        auth_log.info(
            "api token revoked: token=%s user=%s by=%s",
            token.prefix,
            token.user.get_username(),
            acting_user.get_username() if acting_user else "-",
        )
        revoked += 1
    return revoked


@transaction.atomic
def user_change_password(*, user: User, password: str, acting_user: User) -> User:
    """Give `user` a new password (already checked by the password validators): their personal API tokens stop
    working (User.save) and other sessions end (Django's session hash). People change their own."""
    if acting_user.pk != user.pk:
        require_role(acting_user, Role.ADMINISTRATOR)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=acting_user, action=AuditAction.USER_PASSWORD_CHANGE, target=user)
    return user


@transaction.atomic
def user_deactivate(*, user: User, acting_user: User) -> User:
    """Stop a user from signing in (pages and API tokens alike); their records stay.

    Administrators only, and never on their own account, so the zone always keeps someone who can
    reactivate others. Deactivating an inactive user changes nothing and records nothing.
    """
    require_role(acting_user, Role.ADMINISTRATOR)
    if user.pk == acting_user.pk:
        raise ValidationError(CANNOT_DEACTIVATE_YOURSELF)
    return _user_set_active(user=user, is_active=False, acting_user=acting_user, action="user.deactivate")


@transaction.atomic
def user_reactivate(*, user: User, acting_user: User) -> User:
    """Let a deactivated user sign in again. Administrators only."""
    require_role(acting_user, Role.ADMINISTRATOR)
    return _user_set_active(user=user, is_active=True, acting_user=acting_user, action="user.reactivate")


def _user_set_active(*, user: User, is_active: bool, acting_user: User, action: str) -> User:
    user = User.objects.select_for_update(of=("self",)).get(pk=user.pk)
    if user.is_active == is_active:
        return user
    before = user.is_active
    user.is_active = is_active
    user.save(update_fields=["is_active"])
    if not is_active:
        _api_tokens_revoke(
            tokens=ApiToken.objects.filter(user=user),
            reason=str(API_TOKEN_ACCOUNT_DEACTIVATED),
            acting_user=acting_user,
        )
    audit_record(
        actor=acting_user,
        action=action,
        target=user,
        changes=changes_between({"is_active": before}, {"is_active": is_active}),
    )
    return user
