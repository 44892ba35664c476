"""Onward shipments: merchants register their consignments and record the customs timeline as it happens.

Who may do what: a merchant's staff register, change and delete their own merchant's shipments (the content of a
consignment is the exporter's declaration), while it is still registered; the timeline (advance, hold, release)
is recorded by the merchant's staff or by an administrator, who hears of a hold or a clearance from customs.
"""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from horgos.audit import audit_record, changes_between
from horgos.choices import AuditAction, Role
from horgos.errors import constraint_messages
from horgos.models import User
from merchants.choices import MerchantState
from merchants.models import Listing, Merchant
from merchants.services.listings import hs_heading_for
from trade.choices import ShipmentStep
from trade.models import FORWARD_STEPS, Shipment, ShipmentEvent, ShipmentLine
from trade.models.shipments import NEXT_STEPS, STEP_TIME_FIELDS
from trade.services.sales import LISTING_NOT_YOURS, MERCHANT_NOT_APPROVED
from trade.services.statistics import SHIPMENTS_SIDE, trade_statistics_mark_moments_dirty

NOT_YOUR_SHIPMENT = _("You may register and change only your own merchant's shipments.")
REFERENCE_TAKEN = _("Your merchant already has a shipment with this reference.")
NO_LINES = _("Add at least one line to the shipment.")
LINE_INVALID = _("Line %(number)s, %(field)s: %(message)s")
NOT_EDITABLE = _("Only a shipment that is still registered can be changed or deleted; this one is “%(step)s”.")
NOT_A_STEP = _("“%(step)s” is not a step a shipment moves on to; holds and releases have their own actions.")
STEP_REPEATED = _("The shipment has already been “%(step)s”.")
STEP_BACKWARD = _("A shipment moves forward only: it is “%(current)s”, which comes after “%(step)s”.")
STEP_SKIPPED = _("The shipment is “%(current)s”: it cannot be “%(step)s” before it is “%(next)s”.")
TIMELINE_COMPLETE = _("The shipment has departed: its timeline is complete.")
HELD_NO_ADVANCE = _("The shipment is held (%(reason)s): release it before it moves on.")
ALREADY_HELD = _("The shipment is already held.")
NOT_HELD = _("The shipment is not held.")
HOLD_REASON_REQUIRED = _("Give the reason for the hold.")
AT_IN_FUTURE = _("The time of a step cannot be in the future.")
AT_OUT_OF_ORDER = _("The timeline stays in order: this cannot be earlier than its last entry (%(last)s).")

EDITABLE_FIELDS = ("reference", "consignee_name", "consignee_country", "corridor", "transport_mode")
# The steps the statistics count (declared and cleared per day, with the clearance time of the cleared).
COUNTED_STEPS = (ShipmentStep.DECLARED, ShipmentStep.CLEARED)


@dataclass(frozen=True)
class ShipmentLineInput:
    """A line as given; with a listing, what is left blank is copied from it (HS code, description as its title,
    origin, value as price × quantity, net weight as unit weight × quantity)."""

    quantity: int
    hs_code: str = ""
    description: str = ""
    origin_country: str = ""
    value_cny: Decimal | None = None
    net_weight_kg: Decimal | None = None
    listing: Listing | None = None


def _require_staff_of(user: User, merchant_id: int) -> None:
    membership = getattr(user, "merchant_membership", None) if user.role == Role.MERCHANT else None
    if membership is None or membership.merchant_id != merchant_id or not user.is_active:
        raise PermissionDenied(NOT_YOUR_SHIPMENT)


def _require_may_record_timeline(user: User, shipment: Shipment) -> None:
    if not (user.is_active and user.role == Role.ADMINISTRATOR):
        _require_staff_of(user, shipment.merchant_id)


def _require_approved(merchant: Merchant) -> None:
    if merchant.state != MerchantState.APPROVED:
        raise ValidationError(
            MERCHANT_NOT_APPROVED, code="merchant_not_approved", params={"state": merchant.get_state_display()}
        )


def _require_registered(shipment: Shipment) -> None:
    if shipment.step != ShipmentStep.REGISTERED:
        raise ValidationError(NOT_EDITABLE, code="not_editable", params={"step": shipment.get_step_display()})


def _moment(at: datetime | None, *, after: datetime | None = None) -> datetime:
    """When a step happened: now unless given; never in the future, never before the timeline's last entry."""
    now = timezone.now()
    at = at or now
    if at > now:
        raise ValidationError({"at": ValidationError(AT_IN_FUTURE, code="in_future")})
    if after is not None and at < after:
        last = date_format(timezone.localtime(after), "SHORT_DATETIME_FORMAT")
        raise ValidationError({"at": ValidationError(AT_OUT_OF_ORDER, code="out_of_order", params={"last": last})})
    return at


def _locked(shipment: Shipment) -> Shipment:
    return Shipment.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=shipment.pk)


def _latest_entry_at(shipment: Shipment) -> datetime | None:
    return shipment.events.aggregate(latest=Max("at"))["latest"]


def _line_error(number: int, error: ValidationError) -> ValidationError:
    """A line's field errors as messages that say which line and field (the API and the page show them as they
    are, under `lines`)."""
    messages = []
    for field, field_messages in error.message_dict.items():
        label = ShipmentLine._meta.get_field(field).verbose_name if field != "__all__" else ""
        messages += [
            ValidationError(LINE_INVALID, code="line_invalid", params={"number": number, "field": label, "message": m})
            for m in field_messages
        ]
    return ValidationError({"lines": messages})


def _built_lines(merchant: Merchant, lines: list[ShipmentLineInput]) -> list[ShipmentLine]:
    if not lines:
        raise ValidationError({"lines": ValidationError(NO_LINES, code="no_lines")})
    built = []
    for number, given in enumerate(lines, start=1):
        listing = given.listing
        if listing is not None and listing.shop.merchant_id != merchant.pk:
            raise ValidationError(
                {"lines": ValidationError(LISTING_NOT_YOURS, code="not_yours", params={"listing": listing.title})}
            )
        line = ShipmentLine(
            listing=listing,
            hs_code=(given.hs_code or (listing.hs_code if listing else "")).strip(),
            description=(given.description or (listing.title if listing else "")).strip(),
            origin_country=given.origin_country or (listing.origin_country if listing else ""),
            quantity=given.quantity,
            value_cny=given.value_cny,
            net_weight_kg=given.net_weight_kg,
        )
        if listing is not None and line.value_cny is None and given.quantity:
            line.value_cny = listing.price * given.quantity
        if listing is not None and line.net_weight_kg is None and given.quantity:
            line.net_weight_kg = listing.unit_weight_kg * given.quantity
        try:
            line.full_clean(exclude=["shipment", "hs_heading"], validate_constraints=False)
            line.hs_heading = hs_heading_for(line.hs_code)
        except ValidationError as error:
            raise _line_error(number, error) from error
        built.append(line)
    return built


def _save_lines(shipment: Shipment, lines: list[ShipmentLine]) -> None:
    for line in lines:
        line.shipment = shipment
    ShipmentLine.objects.bulk_create(lines)


def _save(shipment: Shipment) -> None:
    with constraint_messages({"shipment_reference_unique_per_merchant": {"reference": REFERENCE_TAKEN}}):
        shipment.save()


@transaction.atomic
def shipment_register(
    *,
    merchant: Merchant,
    reference: str,
    consignee_name: str,
    consignee_country: str,
    corridor: str,
    transport_mode: str,
    lines: list[ShipmentLineInput],
    acting_user: User,
    at: datetime | None = None,
) -> Shipment:
    """Register a consignment of `merchant` (which must be approved), registered `at` (now unless given)."""
    merchant = Merchant.objects.get(pk=merchant.pk)
    _require_staff_of(acting_user, merchant.pk)
    _require_approved(merchant)
    at = _moment(at)
    shipment = Shipment(
        merchant=merchant,
        reference=reference.strip(),
        consignee_name=consignee_name.strip(),
        consignee_country=consignee_country,
        corridor=corridor,
        transport_mode=transport_mode,
        registered_at=at,
        created_by=acting_user,
    )
    shipment.full_clean(validate_constraints=False)
    built = _built_lines(merchant, lines)
    _save(shipment)
    _save_lines(shipment, built)
    ShipmentEvent.objects.create(shipment=shipment, step=ShipmentStep.REGISTERED, at=at, by=acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.SHIPMENT_REGISTER,
        target=shipment,
        changes={
            "reference": shipment.reference,
            "lines": len(built),
            "total_value_cny": sum((line.value_cny for line in built), Decimal("0")),
        },
    )
    return shipment


@transaction.atomic
def shipment_update(
    *, shipment: Shipment, acting_user: User, lines: list[ShipmentLineInput] | None = None, **fields
) -> Shipment:
    """Change a shipment while it is still registered: any of EDITABLE_FIELDS, and `lines` (when given, they
    replace every line)."""
    shipment = _locked(shipment)
    _require_staff_of(acting_user, shipment.merchant_id)
    _require_approved(shipment.merchant)
    _require_registered(shipment)
    fields = {name: value for name, value in fields.items() if name in EDITABLE_FIELDS}
    fields = {name: value.strip() if isinstance(value, str) else value for name, value in fields.items()}
    before = {name: getattr(shipment, name) for name in fields}
    for name, value in fields.items():
        setattr(shipment, name, value)
    shipment.full_clean(validate_constraints=False)
    changes = changes_between(before, {name: getattr(shipment, name) for name in fields})
    if lines is not None:
        built = _built_lines(shipment.merchant, lines)
        changes["lines"] = {"before": shipment.lines.count(), "after": len(built)}
        shipment.lines.all().delete()
        _save_lines(shipment, built)
    _save(shipment)
    audit_record(actor=acting_user, action=AuditAction.SHIPMENT_UPDATE, target=shipment, changes=changes)
    return shipment


@transaction.atomic
def shipment_delete(*, shipment: Shipment, acting_user: User) -> None:
    """Delete a shipment registered by mistake, before it is declared (its audit rows stay)."""
    shipment = _locked(shipment)
    _require_staff_of(acting_user, shipment.merchant_id)
    _require_registered(shipment)
    audit_record(
        actor=acting_user,
        action=AuditAction.SHIPMENT_DELETE,
        target=shipment,
        changes={"reference": shipment.reference, "merchant": shipment.merchant_id},
    )
    shipment.delete()


def _require_may_move_to(shipment: Shipment, step: str) -> None:
    if step not in FORWARD_STEPS or step == ShipmentStep.REGISTERED:
        raise ValidationError({"step": ValidationError(NOT_A_STEP, code="not_a_step", params={"step": step})})
    if shipment.step == ShipmentStep.DEPARTED:
        raise ValidationError(TIMELINE_COMPLETE, code="timeline_complete")
    if shipment.held:
        raise ValidationError(HELD_NO_ADVANCE, code="held", params={"reason": shipment.hold_reason})
    params = {"step": ShipmentStep(step).label, "current": shipment.get_step_display()}
    if getattr(shipment, STEP_TIME_FIELDS[step]) is not None:
        raise ValidationError(STEP_REPEATED, code="step_repeated", params=params)
    if FORWARD_STEPS.index(step) < FORWARD_STEPS.index(shipment.step):
        raise ValidationError(STEP_BACKWARD, code="step_backward", params=params)
    allowed = NEXT_STEPS[shipment.step]
    if step not in allowed:
        raise ValidationError(STEP_SKIPPED, code="step_skipped", params={**params, "next": allowed[-1].label})


@transaction.atomic
def shipment_advance(*, shipment: Shipment, step: str, acting_user: User, at: datetime | None = None) -> Shipment:
    """Move the shipment on to `step`, which happened `at` (now unless given).

    Forward only, in the order registered → declared → inspected → cleared → departed; inspection may be skipped
    (declared → cleared), since not every consignment is inspected. A step already reached, a step back, a step
    skipped other than inspection, and any step while the shipment is held are refused.
    """
    shipment = _locked(shipment)
    _require_may_record_timeline(acting_user, shipment)
    _require_may_move_to(shipment, step)
    at = _moment(at, after=_latest_entry_at(shipment))
    before = shipment.step
    shipment.step = step
    setattr(shipment, STEP_TIME_FIELDS[step], at)
    shipment.save(update_fields=["step", STEP_TIME_FIELDS[step], "updated_at"])
    repeated = ValidationError(STEP_REPEATED, code="step_repeated", params={"step": ShipmentStep(step).label})
    with constraint_messages({"shipment_event_once_per_step": repeated}):
        ShipmentEvent.objects.create(shipment=shipment, step=step, at=at, by=acting_user)
    if step in COUNTED_STEPS:
        # Recorded for an earlier day whose statistics may be filled already: the next run recomputes it.
        trade_statistics_mark_moments_dirty(side=SHIPMENTS_SIDE, moments=[at])
    audit_record(
        actor=acting_user,
        action=AuditAction.SHIPMENT_ADVANCE,
        target=shipment,
        changes={"step": {"before": before, "after": step}, "at": at},
    )
    return shipment


@transaction.atomic
def shipment_hold(*, shipment: Shipment, reason: str, acting_user: User, at: datetime | None = None) -> Shipment:
    """Hold the shipment (customs stopped it) for `reason`: it moves no further until released."""
    shipment = _locked(shipment)
    _require_may_record_timeline(acting_user, shipment)
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": ValidationError(HOLD_REASON_REQUIRED, code="required")})
    if shipment.step == ShipmentStep.DEPARTED:
        raise ValidationError(TIMELINE_COMPLETE, code="timeline_complete")
    if shipment.held:
        raise ValidationError(ALREADY_HELD, code="already_held")
    at = _moment(at, after=_latest_entry_at(shipment))
    shipment.held, shipment.hold_reason = True, reason
    shipment.save(update_fields=["held", "hold_reason", "updated_at"])
    ShipmentEvent.objects.create(shipment=shipment, step=ShipmentStep.HELD, at=at, by=acting_user, reason=reason)
    audit_record(
        actor=acting_user, action=AuditAction.SHIPMENT_HOLD, target=shipment, changes={"reason": reason, "at": at}
    )
    return shipment


@transaction.atomic
def shipment_release(*, shipment: Shipment, acting_user: User, at: datetime | None = None) -> Shipment:
    """Release a held shipment: it may move on again from the step it was held at."""
    shipment = _locked(shipment)
    _require_may_record_timeline(acting_user, shipment)
    if not shipment.held:
        raise ValidationError(NOT_HELD, code="not_held")
    at = _moment(at, after=_latest_entry_at(shipment))
    reason = shipment.hold_reason
    shipment.held, shipment.hold_reason = False, ""
    shipment.save(update_fields=["held", "hold_reason", "updated_at"])
    ShipmentEvent.objects.create(shipment=shipment, step=ShipmentStep.RELEASED, at=at, by=acting_user)
    audit_record(
        actor=acting_user, action=AuditAction.SHIPMENT_RELEASE, target=shipment, changes={"reason": reason, "at": at}
    )
    return shipment
