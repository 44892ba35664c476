"""The one way services record who did what: `audit_record`, called inside the service's transaction."""

from typing import Any

from django.db import models, transaction
from django.db.transaction import TransactionManagementError

from horgos.models import AuditEntry, User

AUDIT_OUTSIDE_TRANSACTION = "audit_record must be called inside the transaction of the change it records."


def audit_record(
    *, actor: User | None, action: str, target: models.Model, changes: dict[str, Any] | None = None
) -> AuditEntry:
    """Append an audit row for `action` on `target` by `actor` (None for the system itself).

    `changes` maps a field name to {"before": ..., "after": ...} (see `changes_between`), or holds
    whatever else explains the action (a reason, a count). The row commits or rolls back with the
    caller's transaction, so a change is never recorded without its audit row or the other way round.
    """
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(AUDIT_OUTSIDE_TRANSACTION)
    return AuditEntry.objects.create(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=str(target)[:255],
        changes=changes or {},
    )


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ, as {"field": {"before": old, "after": new}}."""
    return {
        field: {"before": before.get(field), "after": value}
        for field, value in after.items()
        if before.get(field) != value
    }
