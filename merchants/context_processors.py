"""What every page's template gets from the merchants app: a merchant's staff see their unread notifications
counted beside the notifications link (templates/base.html and the portal's navigation)."""

from functools import cached_property

from django.http import HttpRequest
from django.urls import reverse

from horgos.choices import Role
from merchants.selectors.portal import unread_count_for


class UnreadNotifications:
    """The notifications link and its unread count, counted once per request and only if a template shows it."""

    def __init__(self, user):
        self.user = user
        self.url = reverse("merchants:portal-notifications")

    @cached_property
    def count(self) -> int:
        return unread_count_for(self.user)


def unread_notifications(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or user.role != Role.MERCHANT:
        return {}
    # Kept on the request: a page rendered in parts (or twice) still counts once.
    if not hasattr(request, "_unread_notifications"):
        request._unread_notifications = UnreadNotifications(user)
    return {"unread_notifications": request._unread_notifications}
