"""Notifications of a merchant's staff: adding them (the other services do, as things happen) and reading them."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from horgos.audit import audit_record
from horgos.choices import AuditAction
from horgos.models import User
from merchants.choices import NotificationKind
from merchants.models import Merchant, Notification
from merchants.selectors import membership_of

MEMBERS_ONLY = _("Only the merchant's staff may mark its notifications as read.")


def notification_add(*, merchant: Merchant, kind: NotificationKind, message: str, dedupe_key: str = "") -> bool:
    """Add a notification; with a dedupe key, only once per merchant, kind and key. True when added.

    No acting user and no audit row: a notification is a side effect of a change that its own service
    recorded (or of the nightly licence check), written in that service's transaction.
    """
    if dedupe_key and Notification.objects.filter(merchant=merchant, kind=kind, dedupe_key=dedupe_key).exists():
        return False
    Notification.objects.create(merchant=merchant, kind=kind, message=message[:500], dedupe_key=dedupe_key)
    return True


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
        audit_record(
            actor=acting_user, action=AuditAction.NOTIFICATION_MARK_READ, target=merchant, changes={"count": marked}
        )
    return marked
