"""Reference data administrators change at run time: checkpoints, lanes, opening hours, closures, officers'
checkpoints and the stay policy."""

from datetime import date, datetime, time, timedelta

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crossings.choices import Weekday
from crossings.models import Checkpoint, Closure, Lane, OfficerAssignment, OpeningHours, StayPolicy
from horgos.audit import audit_record, changes_between, reason_required
from horgos.choices import AuditAction, Role
from horgos.errors import constraint_messages
from horgos.models import User
from horgos.roles import require_role
from horgos.services import user_create

OFFICERS_ONLY = _("Only border officers are assigned to checkpoints.")
LANE_CODE_TAKEN = _("This checkpoint already has a lane with this code.")
WEEKDAY_INVALID = _("The weekday must be 0 (Monday) to 6 (Sunday).")
HOURS_BOTH_OR_NEITHER = _("Give both the opening and the closing time, or neither for a day the checkpoint is closed.")
CLOSES_BEFORE_OPENS = _("Closing time must be after opening time (00:00 for midnight).")
HOURS_CHANGED_MEANWHILE = _("Someone changed the hours of this day at the same moment; look and try again.")
CLOSURE_ENDS_BEFORE_START = _("A closure must end after it starts.")
CLOSURE_START_TAKEN = _("This checkpoint already has a closure starting at that moment.")
CLOSURE_GONE = _("This closure has already been removed.")
USERNAME_TAKEN = _("A user with that username already exists.")
STAY_POLICY_DAY_BEGUN = _(
    "A new stay policy takes effect on a day that has not begun at any checkpoint yet: %(day)s at the earliest."
)
STAY_POLICY_DAY_TAKEN = _("A stay policy already takes effect on this day.")
MIDNIGHT = time(0, 0)


@transaction.atomic
def lane_create(
    *, checkpoint: Checkpoint, code: str, direction: str, group: str, acting_user: User, is_open: bool = True
) -> Lane:
    require_role(acting_user, Role.ADMINISTRATOR)
    lane = Lane(checkpoint=checkpoint, code=code.strip().upper(), direction=direction, group=group, is_open=is_open)
    if Lane.objects.filter(checkpoint=checkpoint, code=lane.code).exists():
        raise ValidationError({"code": LANE_CODE_TAKEN})
    lane.full_clean()
    # Two administrators adding the same code at once: the unique constraint settles it.
    with constraint_messages({"lane_code_unique_per_checkpoint": {"code": LANE_CODE_TAKEN}}):
        lane.save()
    audit_record(actor=acting_user, action=AuditAction.LANE_CREATE, target=lane, changes={"is_open": is_open})
    return lane


def _update_audited(instance, *, fields: dict, acting_user: User, action: AuditAction, needs_reason=None, reason=""):
    """Change some fields of a locked row, validate it, and audit the before and after values.

    `needs_reason(locked_row)` says whether this change must give a reason (`reason_required`); the reason, if
    any, goes into the audit row.
    """
    require_role(acting_user, Role.ADMINISTRATOR)
    instance = type(instance).objects.select_for_update(of=("self",)).get(pk=instance.pk)
    if needs_reason is not None and needs_reason(instance):
        reason = reason_required(reason)
    before = {name: getattr(instance, name) for name in fields}
    for name, value in fields.items():
        setattr(instance, name, value)
    instance.full_clean()
    instance.save(update_fields=list(fields))
    audit_record(
        actor=acting_user, action=action, target=instance, changes=changes_between(before, fields), reason=reason
    )
    return instance


@transaction.atomic
def lane_update(*, lane: Lane, acting_user: User, reason: str = "", **fields) -> Lane:
    """Change a lane (e.g. open or close it, effective at once). Closing an open lane needs a `reason`, which the
    audit row keeps (REASON_REQUIRED otherwise)."""
    return _update_audited(
        lane,
        fields=fields,
        acting_user=acting_user,
        action=AuditAction.LANE_UPDATE,
        needs_reason=lambda locked: locked.is_open and fields.get("is_open") is False,
        reason=reason,
    )


@transaction.atomic
def officer_assign(*, officer: User, checkpoint: Checkpoint, acting_user: User) -> OfficerAssignment:
    require_role(acting_user, Role.ADMINISTRATOR)
    if officer.role != Role.OFFICER:
        raise ValidationError({"officer": OFFICERS_ONLY})
    # The stored assignment, locked: the caller's `officer` may carry one already changed in memory (the admin's).
    current = (
        OfficerAssignment.objects.select_for_update(of=("self",))
        .select_related("checkpoint")
        .filter(officer=officer)
        .first()
    )
    before = current.checkpoint.code if current else None
    assignment, _ = OfficerAssignment.objects.update_or_create(officer=officer, defaults={"checkpoint": checkpoint})
    audit_record(
        actor=acting_user,
        action=AuditAction.OFFICER_ASSIGN,
        target=officer,
        changes={"checkpoint": {"before": before, "after": checkpoint.code}},
    )
    return assignment


@transaction.atomic
def officer_create(
    *,
    username: str,
    password: str,
    checkpoint: Checkpoint,
    acting_user: User,
    first_name: str = "",
    last_name: str = "",
    email: str = "",
) -> User:
    """Create a border officer and assign them to `checkpoint`, both or neither.

    The password must pass Django's password validators (AUTH_PASSWORD_VALIDATORS); its errors
    are raised on the "password" field.
    """
    require_role(acting_user, Role.ADMINISTRATOR)
    candidate = User(username=username, first_name=first_name, last_name=last_name, email=email, role=Role.OFFICER)
    try:
        password_validation.validate_password(password, user=candidate)
    except ValidationError as error:
        raise ValidationError({"password": error.error_list}) from error
    # The username's unique index settles two administrators creating the same user at once.
    with constraint_messages({"horgos_user_username_key": {"username": USERNAME_TAKEN}}):
        officer = user_create(
            username=username,
            password=password,
            role=Role.OFFICER,
            acting_user=acting_user,
            first_name=first_name,
            last_name=last_name,
            email=email,
        )
    officer_assign(officer=officer, checkpoint=checkpoint, acting_user=acting_user)
    return officer


@transaction.atomic
def checkpoint_update(*, checkpoint: Checkpoint, acting_user: User, **fields) -> Checkpoint:
    """Change a checkpoint's names or time zone."""
    return _update_audited(checkpoint, fields=fields, acting_user=acting_user, action=AuditAction.CHECKPOINT_UPDATE)


@transaction.atomic
def opening_hours_set(
    *, checkpoint: Checkpoint, weekday: int, opens_at: time | None, closes_at: time | None, acting_user: User
) -> OpeningHours | None:
    """Set a checkpoint's hours on a weekday (local time of the checkpoint), or close it that day.

    Both times None: the checkpoint is closed that weekday and its row is deleted. A closing time of
    00:00 means midnight at the end of the day. Nothing is written (or audited) when nothing changes.
    """
    require_role(acting_user, Role.ADMINISTRATOR)
    if weekday not in Weekday.values:
        raise ValidationError({"weekday": WEEKDAY_INVALID})
    if (opens_at is None) != (closes_at is None):
        raise ValidationError(HOURS_BOTH_OR_NEITHER)
    hours = OpeningHours.objects.select_for_update(of=("self",)).filter(checkpoint=checkpoint, weekday=weekday).first()
    before = {"opens_at": hours.opens_at, "closes_at": hours.closes_at} if hours else {}
    changes = changes_between(before, {"opens_at": opens_at, "closes_at": closes_at})
    if not changes:
        return hours
    if opens_at is None:
        audit_record(
            actor=acting_user,
            action=AuditAction.OPENING_HOURS_CLEAR,
            target=checkpoint,
            changes={"weekday": weekday, **changes},
        )
        hours.delete()
        return None
    hours = hours or OpeningHours(checkpoint=checkpoint, weekday=weekday)
    hours.opens_at, hours.closes_at = opens_at, closes_at
    # The database checks this too (opening_hours_close_after_open); checked here to name the field.
    if closes_at != MIDNIGHT and closes_at <= opens_at:
        raise ValidationError({"closes_at": CLOSES_BEFORE_OPENS})
    hours.full_clean()
    with constraint_messages(
        {
            "opening_hours_close_after_open": {"closes_at": CLOSES_BEFORE_OPENS},
            "opening_hours_one_per_weekday": HOURS_CHANGED_MEANWHILE,
        }
    ):
        hours.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.OPENING_HOURS_SET,
        target=checkpoint,
        changes={"weekday": weekday, **changes},
    )
    return hours


class WeekHoursRefused(ValidationError):
    """Some days of a week's hours were refused (`days`: weekday → its ValidationError); nothing was saved."""

    def __init__(self, days: dict[int, ValidationError]):
        super().__init__([message for error in days.values() for message in error.messages])
        self.days = days


@transaction.atomic
def opening_hours_set_week(
    *, checkpoint: Checkpoint, week: dict[int, tuple[time | None, time | None]], acting_user: User
) -> None:
    """Set a checkpoint's hours for several weekdays at once (weekday → (opens_at, closes_at), as for
    `opening_hours_set`), all or nothing: every day is checked, and if any is refused WeekHoursRefused names each
    refused day and nothing is saved. Each day that changes is audited on its own."""
    require_role(acting_user, Role.ADMINISTRATOR)
    refused: dict[int, ValidationError] = {}
    for weekday, (opens_at, closes_at) in sorted(week.items()):
        try:
            with transaction.atomic():  # a savepoint: a day refused by a constraint leaves the others usable
                opening_hours_set(
                    checkpoint=checkpoint,
                    weekday=weekday,
                    opens_at=opens_at,
                    closes_at=closes_at,
                    acting_user=acting_user,
                )
        except ValidationError as error:
            refused[weekday] = error
    if refused:
        raise WeekHoursRefused(refused)


@transaction.atomic
def closure_add(
    *, checkpoint: Checkpoint, starts_at: datetime, ends_at: datetime, reason: str, acting_user: User
) -> Closure:
    """Close a checkpoint from `starts_at` up to (not including) `ends_at`; both aware datetimes."""
    require_role(acting_user, Role.ADMINISTRATOR)
    if ends_at <= starts_at:
        raise ValidationError({"ends_at": CLOSURE_ENDS_BEFORE_START})
    if Closure.objects.filter(checkpoint=checkpoint, starts_at=starts_at).exists():
        raise ValidationError({"starts_at": CLOSURE_START_TAKEN})
    closure = Closure(checkpoint=checkpoint, starts_at=starts_at, ends_at=ends_at, reason=reason.strip())
    closure.full_clean()
    with constraint_messages(
        {
            "closure_unique_start_per_checkpoint": {"starts_at": CLOSURE_START_TAKEN},
            "closure_ends_after_start": {"ends_at": CLOSURE_ENDS_BEFORE_START},
        }
    ):
        closure.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CLOSURE_ADD,
        target=closure,
        changes={"starts_at": starts_at, "ends_at": ends_at, "reason": closure.reason},
    )
    return closure


@transaction.atomic
def closure_remove(*, closure: Closure, acting_user: User, reason: str) -> None:
    """Remove a closure; the checkpoint follows its weekly hours again for that time. `reason` (why it is lifted)
    is required and kept in the audit row."""
    require_role(acting_user, Role.ADMINISTRATOR)
    reason = reason_required(reason)
    closure = Closure.objects.select_for_update(of=("self",)).select_related("checkpoint").filter(pk=closure.pk).first()
    if closure is None:
        raise ValidationError(CLOSURE_GONE)
    before = {"starts_at": closure.starts_at, "ends_at": closure.ends_at, "reason": closure.reason}
    # Recorded before the delete, while the closure still has its id.
    audit_record(
        actor=acting_user,
        action=AuditAction.CLOSURE_REMOVE,
        target=closure,
        changes=changes_between(before, dict.fromkeys(before)),
        reason=reason,
    )
    closure.delete()


def _first_day_not_begun() -> date:
    """The first day that has not begun at any checkpoint (the checkpoint furthest east decides)."""
    now = timezone.now()
    days_begun = [checkpoint.local_date(now) for checkpoint in Checkpoint.objects.all()] or [timezone.localdate(now)]
    return max(days_begun) + timedelta(days=1)


@transaction.atomic
def stay_policy_add(*, effective_from: date, max_stay_days: int, retention_years: int, acting_user: User) -> StayPolicy:
    """Set the stay limit and retention from `effective_from` on, until a later policy takes over.

    Policies are effective-dated history: a day that has begun at a checkpoint keeps the policy its entries were
    admitted under, so a new one starts on a day still to come everywhere.
    """
    require_role(acting_user, Role.ADMINISTRATOR)
    earliest = _first_day_not_begun()
    if effective_from < earliest:
        raise ValidationError({"effective_from": ValidationError(STAY_POLICY_DAY_BEGUN, params={"day": earliest})})
    if StayPolicy.objects.filter(effective_from=effective_from).exists():
        raise ValidationError({"effective_from": STAY_POLICY_DAY_TAKEN})
    policy = StayPolicy(effective_from=effective_from, max_stay_days=max_stay_days, retention_years=retention_years)
    policy.full_clean(validate_unique=False)
    with constraint_messages({"crossings_staypolicy_effective_from_key": {"effective_from": STAY_POLICY_DAY_TAKEN}}):
        policy.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.STAY_POLICY_ADD,
        target=policy,
        changes={"effective_from": effective_from, "max_stay_days": max_stay_days, "retention_years": retention_years},
    )
    return policy
