"""Writes of the horgos package: users and their API tokens."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework.authtoken.models import Token

from horgos.audit import audit_record, changes_between
from horgos.choices import Role
from horgos.models import User
from horgos.roles import require_role

CANNOT_DEACTIVATE_YOURSELF = _("You cannot deactivate your own account; ask another administrator.")


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


@transaction.atomic
def user_rotate_api_token(*, user: User) -> Token:
    """Replace the user's API token with a new one; the old one stops working at once."""
    replaced = Token.objects.filter(user=user).delete()[0] > 0
    token = Token.objects.create(user=user)
    audit_record(actor=user, action="user.api_token_rotate", target=user, changes={"replaced": replaced})
    return token


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
    audit_record(
        actor=acting_user,
        action=action,
        target=user,
        changes=changes_between({"is_active": before}, {"is_active": is_active}),
    )
    return user
