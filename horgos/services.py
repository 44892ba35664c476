"""Writes of the horgos package: users and their API tokens."""

from django.db import transaction
from rest_framework.authtoken.models import Token

from horgos.audit import audit_record
from horgos.choices import Role
from horgos.models import User


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
