"""Notifications of a merchant's staff: reading them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from horgos.audit import audit_record
from horgos.models import User
from merchants.models import Merchant
from merchants.selectors import membership_of

MEMBERS_ONLY = _("Only the merchant's staff may mark its notifications as read.")


@transaction.atomic
def notification_mark_read(*, merchant: Merchant, acting_user: User) -> int:
    """Mark every unread notification of `merchant` as read, for all its staff; returns how many were unread.

    Members of the merchant's staff only. Running it again changes nothing and records nothing.
    """
    membership = membership_of(acting_user)
    if membership is None or not acting_user.is_active or membership.merchant_id != merchant.pk:
        raise PermissionDenied(MEMBERS_ONLY)
    marked = merchant.notifications.filter(read_at__isnull=True).update(read_at=timezone.now())
    if marked:
        audit_record(actor=acting_user, action="notification.mark_read", target=merchant, changes={"count": marked})
    return marked
