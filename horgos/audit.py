"""The one way services record who did what: `audit_record`, called inside the service's transaction."""

import enum
import functools
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.db.transaction import TransactionManagementError
from django.utils import timezone, translation
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from horgos.choices import AuditAction
from horgos.copy import copy_rows, take_ids
from horgos.models import AuditEntry, User

AUDIT_OUTSIDE_TRANSACTION = "audit_record must be called inside the transaction of the change it records."
AUDIT_VALUE_NOT_PLAIN = "%(path)s: a %(type)s cannot be recorded in the audit log; pass a plain value."
AUDIT_ACTION_UNKNOWN = "%(action)r is no AuditAction: add it to horgos.choices.AuditAction with its label."
AUDIT_PERSONAL_DATA = (
    "%(path)s: names, birth dates and document numbers are never recorded in the audit log; record that the field "
    "changed (its name), or the document's id, instead."
)
# The models that hold a person's names, birth date or document number. A target that is one of them, or refers to
# one by a foreign key (a crossing, a visit, an alert, a sale...), is named in the audit log by type and id only
# (`audit_target_repr`): the log is append-only and kept for good, so it must not keep what retention erases and
# what pages mask. Migration horgos 0006 rewrote the rows written before.
PERSON_MODELS = frozenset({"crossings.traveller", "crossings.traveldocument", "crossings.watchlistentry"})
# Keys of `changes` that would carry personal data (at any depth); audit_record refuses them.
PERSONAL_FIELDS = frozenset(
    {
        "number",
        "document_number",
        "number_normalised",
        "family_name",
        "given_names",
        "family_name_native",
        "given_names_native",
        "birth_date",
    }
)
REASON_REQUIRED = _("Give the reason.")
REASON_MAX_LENGTH = 300
# Checked for every audit row (a bulk import writes thousands): Django's `.values` builds its list at each call.
AUDIT_ACTIONS = frozenset(AuditAction.values)


def reason_required(reason: str | None) -> str:
    """`reason` stripped, for an action that takes something away and must say why in its audit row; an empty
    one raises ValidationError on the "reason" field."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": REASON_REQUIRED})
    return reason


def plain(value: Any, path: str = "changes") -> Any:
    """`value` as JSON holds it: the values services have at hand (a model field's Country, Decimal, dates and
    times, a model instance, a stored file, a lazy text, a choice) become strings, numbers and lists.

    The row then reads back exactly as it was written, and every caller can pass what its fields hold. Dates,
    times and Decimals take DjangoJSONEncoder's form, which the older rows have. A value that has no plain form
    raises TypeError naming where it sits, rather than being stored as some text nobody can read back.
    """
    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, enum.Enum):  # TextChoices and IntegerChoices members
        return plain(value.value, path)
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Country):
        return value.code
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, File):  # an upload, or a FileField's stored file: its name in the storage
        return value.name or ""
    if isinstance(value, dict):
        return {str(key): plain(item, f"{path}.{key}") for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item, f"{path}[{index}]") for index, item in enumerate(value)]
    if isinstance(value, set | frozenset):
        return sorted((plain(item, path) for item in value), key=repr)
    try:
        return DjangoJSONEncoder().default(value)  # dates, times, durations, Decimal, UUID, lazy texts
    except TypeError:
        raise TypeError(AUDIT_VALUE_NOT_PLAIN % {"path": path, "type": type(value).__name__}) from None


@functools.cache
def names_a_person(model: type[models.Model]) -> bool:
    """Whether `model` is one of PERSON_MODELS or refers to one through its foreign keys (followed to any depth)."""
    return _refers_to_a_person(model._meta.concrete_model, frozenset())


def _refers_to_a_person(model: type[models.Model], seen: frozenset[str]) -> bool:
    label = model._meta.label_lower
    if label in PERSON_MODELS:
        return True
    related = {field.related_model for field in model._meta.concrete_fields if field.is_relation}
    return any(
        _refers_to_a_person(other._meta.concrete_model, seen | {label})
        for other in related
        if other is not None and other._meta.label_lower not in seen | {label}
    )


def audit_target_repr(target: models.Model) -> str:
    """How the audit row names `target`: its text, or for a model that names a person (`names_a_person`) its type
    and id, e.g. "Traveller #123" (in English, the language of the stored log; pages translate the type)."""
    if names_a_person(target._meta.concrete_model):  # a request.user is a lazy object, its type no model
        with translation.override("en"):
            return f"{capfirst(target._meta.verbose_name)} #{target.pk}"
    return str(target)[:255]


def refuse_personal_fields(changes: Any, path: str = "changes") -> None:
    """Raise ValueError when a key of `changes`, at any depth, is one of PERSONAL_FIELDS."""
    if isinstance(changes, dict):
        for key, value in changes.items():
            if key in PERSONAL_FIELDS:
                raise ValueError(AUDIT_PERSONAL_DATA % {"path": f"{path}.{key}"})
            refuse_personal_fields(value, f"{path}.{key}")


def audit_record(
    *,
    actor: User | None,
    action: AuditAction,
    target: models.Model,
    changes: dict[str, Any] | None = None,
    reason: str = "",
) -> AuditEntry:
    """Append an audit row for `action` (an AuditAction) on `target` by `actor` (None for the system itself).

    `changes` maps a field name to {"before": ..., "after": ...} (see `changes_between`), or holds
    whatever else explains the action (a count); its values are stored as `plain` makes them, and never personal
    data (a key among PERSONAL_FIELDS raises ValueError). The target is named by `audit_target_repr`. `reason` is why,
    as the actor gave it (see `reason_required` for the actions that must have one).
    The row commits or rolls back with the caller's transaction, so a change is never recorded without
    its audit row or the other way round.
    """
    entry = _audit_entry(actor=actor, action=action, target=target, changes=changes, reason=reason)
    entry.save(force_insert=True)
    return entry


def audit_record_many(
    *, actor: User | None, action: AuditAction, targets: Iterable[tuple[models.Model, dict[str, Any] | None]]
) -> list[AuditEntry]:
    """As `audit_record`, for many targets of one action at once (target, changes), with one COPY (`horgos.copy`):
    what a bulk import writes, at the speed of the import rather than one round trip per row (Django's bulk_create
    spent more time preparing the rows than PostgreSQL storing them). The entries come back with their ids."""
    entries = [
        _audit_entry(actor=actor, action=action, target=target, changes=changes, reason="")
        for target, changes in targets
    ]
    now = timezone.now()
    for entry, entry_id in zip(entries, take_ids(AuditEntry._meta.db_table, len(entries)), strict=True):
        entry.pk, entry.occurred_at = entry_id, now
    encoder = DjangoJSONEncoder()  # as the changes field stores them; `plain` made them plain already
    copy_rows(
        AuditEntry._meta.db_table,
        ("id", "occurred_at", "actor_id", "actor_username", "action", "target_type", "target_id", "target_repr",
         "changes", "reason"),
        (
            (entry.pk, now, entry.actor_id, entry.actor_username, entry.action, entry.target_type, entry.target_id,
             entry.target_repr, encoder.encode(entry.changes), entry.reason)
            for entry in entries
        ),
    )  # fmt: skip
    return entries


def _audit_entry(
    *, actor: User | None, action: AuditAction, target: models.Model, changes: dict[str, Any] | None, reason: str
) -> AuditEntry:
    """The audit row `audit_record` writes, checked (in a transaction, a known action, no personal data), unsaved."""
    if not transaction.get_connection().in_atomic_block:
        raise TransactionManagementError(AUDIT_OUTSIDE_TRANSACTION)
    if action not in AUDIT_ACTIONS:
        raise ValueError(AUDIT_ACTION_UNKNOWN % {"action": action})
    refuse_personal_fields(changes)
    return AuditEntry(
        actor=actor,
        actor_username=actor.get_username() if actor else "",
        action=action,
        target_type=target._meta.label_lower,
        target_id=str(target.pk),
        target_repr=audit_target_repr(target),
        changes=plain(changes or {}),
        reason=reason.strip(),
    )


def changes_between(before: dict[str, Any], after: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The fields whose values differ, as {"field": {"before": old, "after": new}}."""
    return {
        field: {"before": before.get(field), "after": value}
        for field, value in after.items()
        if before.get(field) != value
    }
