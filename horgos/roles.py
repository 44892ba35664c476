"""Role checks, in one place: DRF permission classes for the API, a mixin and a decorator for pages."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

from horgos.choices import Role


def user_has_role(user, *roles: Role) -> bool:
    return bool(user and user.is_authenticated and user.is_active and user.role in roles)


def role_permission(*roles: Role) -> type[BasePermission]:
    """A DRF permission class admitting authenticated users with one of `roles` (else 401/403)."""

    class HasRole(BasePermission):
        message = "Your role does not allow this."

        def has_permission(self, request, view) -> bool:
            return user_has_role(request.user, *roles)

    HasRole.__name__ = "Is" + "Or".join(role.name.title() for role in roles)
    return HasRole


IsAdministrator = role_permission(Role.ADMINISTRATOR)
IsOfficer = role_permission(Role.OFFICER)
IsMerchant = role_permission(Role.MERCHANT)
IsOfficerOrAdministrator = role_permission(Role.OFFICER, Role.ADMINISTRATOR)
IsMerchantOrAdministrator = role_permission(Role.MERCHANT, Role.ADMINISTRATOR)


def role_required(*roles: Role) -> Callable:
    """Page decorator: anonymous visitors go to the login page, other roles get 403."""

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not user_has_role(request.user, *roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


class RoleRequiredMixin(LoginRequiredMixin):
    """Class-based page mixin: set `allowed_roles`; anonymous visitors go to login, other roles get 403."""

    allowed_roles: tuple[Role, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not user_has_role(request.user, *self.allowed_roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


def require_role(user, *roles: Role) -> None:
    """For services: refuse (PermissionDenied, a 403 in pages and API) anyone without one of `roles`."""
    if not user_has_role(user, *roles):
        raise PermissionDenied(_("Your role does not allow this."))
