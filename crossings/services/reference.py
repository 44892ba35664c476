"""Reference data administrators change at run time: lanes and officers' checkpoints."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from crossings.models import Checkpoint, Lane, OfficerAssignment
from crossings.selectors import officer_checkpoint
from horgos.audit import audit_record, changes_between
from horgos.choices import Role
from horgos.models import User
from horgos.roles import require_role

OFFICERS_ONLY = _("Only border officers are assigned to checkpoints.")


@transaction.atomic
def lane_create(
    *, checkpoint: Checkpoint, code: str, direction: str, group: str, acting_user: User, is_open: bool = True
) -> Lane:
    require_role(acting_user, Role.ADMINISTRATOR)
    lane = Lane(checkpoint=checkpoint, code=code.strip().upper(), direction=direction, group=group, is_open=is_open)
    lane.full_clean()
    lane.save()
    audit_record(actor=acting_user, action="lane.create", target=lane, changes={"is_open": is_open})
    return lane


@transaction.atomic
def lane_update(*, lane: Lane, acting_user: User, **fields) -> Lane:
    """Change a lane (e.g. open or close it, effective at once)."""
    require_role(acting_user, Role.ADMINISTRATOR)
    lane = Lane.objects.select_for_update().get(pk=lane.pk)
    before = {name: getattr(lane, name) for name in fields}
    for name, value in fields.items():
        setattr(lane, name, value)
    lane.full_clean()
    lane.save(update_fields=list(fields))
    audit_record(actor=acting_user, action="lane.update", target=lane, changes=changes_between(before, fields))
    return lane


@transaction.atomic
def officer_assign(*, officer: User, checkpoint: Checkpoint, acting_user: User) -> OfficerAssignment:
    require_role(acting_user, Role.ADMINISTRATOR)
    if officer.role != Role.OFFICER:
        raise ValidationError({"officer": OFFICERS_ONLY})
    before = officer_checkpoint(officer)
    assignment, _ = OfficerAssignment.objects.update_or_create(officer=officer, defaults={"checkpoint": checkpoint})
    audit_record(
        actor=acting_user,
        action="officer.assign",
        target=officer,
        changes={"checkpoint": {"before": before.code if before else None, "after": checkpoint.code}},
    )
    return assignment


@transaction.atomic
def checkpoint_update(*, checkpoint: Checkpoint, acting_user: User, **fields) -> Checkpoint:
    """Change a checkpoint's names or time zone."""
    require_role(acting_user, Role.ADMINISTRATOR)
    checkpoint = Checkpoint.objects.select_for_update().get(pk=checkpoint.pk)
    before = {name: getattr(checkpoint, name) for name in fields}
    for name, value in fields.items():
        setattr(checkpoint, name, value)
    checkpoint.full_clean()
    checkpoint.save(update_fields=list(fields))
    audit_record(
        actor=acting_user, action="checkpoint.update", target=checkpoint, changes=changes_between(before, fields)
    )
    return checkpoint
