"""Merchants and their lifecycle, their staff, their shops, and the nightly licence check."""

from datetime import date

from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from horgos.audit import audit_record, changes_between, reason_required
from horgos.choices import AuditAction, Role
from horgos.errors import constraint_messages
from horgos.models import User
from horgos.roles import require_role
from horgos.services import user_create
from merchants.choices import MemberRole, MerchantState, NotificationKind, ShopState
from merchants.models import Merchant, MerchantMember, Shop
from merchants.selectors import is_owner
from merchants.services.notifications import notification_add

WRONG_STATE = _("A merchant that is %(state)s cannot be %(action)s.")
OWNERS_ONLY = _("Only the merchant's owner, or an administrator, may do this.")
NOT_APPROVED = _("The merchant is not approved: shops and listings cannot be changed.")
REGISTRATION_TAKEN = _("A merchant with this registration number is already registered.")
UNIT_TAKEN = _("This unit already has a shop.")
LAST_OWNER = _("A merchant keeps at least one owner.")
NOT_A_MEMBER = _("This user is not on the merchant's staff.")
LICENCE_EXPIRED = _("Business licence expired on %(day)s.")
LICENCE_EXPIRING = _("Your business licence expires on %(day)s. Renew it to keep trading.")
SHOP_ALREADY = _("The shop is already %(state)s.")


def require_owner_or_administrator(user: User, merchant: Merchant) -> None:
    if user.is_authenticated and user.is_active and user.role == Role.ADMINISTRATOR:
        return
    if not is_owner(user, merchant):
        raise PermissionDenied(OWNERS_ONLY)


def require_approved(merchant: Merchant) -> None:
    if merchant.state != MerchantState.APPROVED:
        raise ValidationError(NOT_APPROVED)


def _validate_password(password: str, user: User) -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from error


@transaction.atomic
def merchant_apply(
    *,
    legal_name: str,
    trade_name: str,
    country: str,
    registration_number: str,
    licence_number: str,
    licence_valid_until: date,
    contact_person: str,
    phone: str,
    email: str,
    address: str,
    username: str,
    password: str,
) -> Merchant:
    """Public self-registration: a pending merchant and its owner's user account, all or nothing."""
    merchant = Merchant(
        legal_name=legal_name.strip(),
        trade_name=trade_name.strip(),
        country=country.upper(),
        registration_number=registration_number.strip().upper(),
        licence_number=licence_number.strip(),
        licence_valid_until=licence_valid_until,
        contact_person=contact_person.strip(),
        phone=phone.strip(),
        email=email.strip(),
        address=address.strip(),
    )
    # The unique registration is left to the database, which also settles two applications at once.
    merchant.full_clean(validate_constraints=False)
    with constraint_messages({"merchant_registration_unique_per_country": {"registration_number": REGISTRATION_TAKEN}}):
        merchant.save()
    _validate_password(password, User(username=username, email=email, role=Role.MERCHANT))
    owner = user_create(username=username, password=password, role=Role.MERCHANT, email=email)
    MerchantMember.objects.create(user=owner, merchant=merchant, role=MemberRole.OWNER)
    audit_record(actor=owner, action=AuditAction.MERCHANT_APPLY, target=merchant, changes={"state": merchant.state})
    return merchant


ACTION_LABELS = {
    "approve": _("approved"),
    "reject": _("rejected"),
    "suspend": _("suspended"),
    "reinstate": _("reinstated"),
}
# Allowed moves of the lifecycle: action → (states it starts from, state it leads to, reason required, as audited)
TRANSITIONS = {
    "approve": ({MerchantState.PENDING}, MerchantState.APPROVED, False, AuditAction.MERCHANT_APPROVE),
    "reject": ({MerchantState.PENDING}, MerchantState.REJECTED, True, AuditAction.MERCHANT_REJECT),
    "suspend": ({MerchantState.APPROVED}, MerchantState.SUSPENDED, True, AuditAction.MERCHANT_SUSPEND),
    "reinstate": ({MerchantState.SUSPENDED}, MerchantState.APPROVED, False, AuditAction.MERCHANT_REINSTATE),
}


def _move(*, merchant: Merchant, action: str, acting_user: User | None, reason: str = "") -> Merchant:
    """Move the merchant along its lifecycle; `acting_user` None is the system itself (the nightly licence check)."""
    if acting_user is not None:
        require_role(acting_user, Role.ADMINISTRATOR)
    sources, target, needs_reason, audit_action = TRANSITIONS[action]
    merchant = Merchant.objects.select_for_update(of=("self",)).get(pk=merchant.pk)
    if merchant.state not in sources:
        params = {"state": merchant.get_state_display(), "action": ACTION_LABELS[action]}
        raise ValidationError(WRONG_STATE, params=params)
    if needs_reason:
        reason = reason_required(reason)
    before = {"state": merchant.state, "state_reason": merchant.state_reason}
    merchant.state = target
    merchant.state_reason = reason.strip()
    merchant.state_changed_at = timezone.now()
    merchant.save(update_fields=["state", "state_reason", "state_changed_at"])
    after = {"state": merchant.state, "state_reason": merchant.state_reason}
    audit_record(
        actor=acting_user,
        action=audit_action,
        target=merchant,
        changes=changes_between(before, after),
        reason=merchant.state_reason,
    )
    notification_add(
        merchant=merchant,
        kind=NotificationKind.MERCHANT_STATE,
        message=f"{merchant.get_state_display()}. {merchant.state_reason}".strip(),
    )
    return merchant


@transaction.atomic
def merchant_approve(*, merchant: Merchant, acting_user: User) -> Merchant:
    return _move(merchant=merchant, action="approve", acting_user=acting_user)


@transaction.atomic
def merchant_reject(*, merchant: Merchant, acting_user: User, reason: str) -> Merchant:
    return _move(merchant=merchant, action="reject", acting_user=acting_user, reason=reason)


@transaction.atomic
def merchant_suspend(*, merchant: Merchant, acting_user: User, reason: str) -> Merchant:
    return _move(merchant=merchant, action="suspend", acting_user=acting_user, reason=reason)


@transaction.atomic
def merchant_reinstate(*, merchant: Merchant, acting_user: User) -> Merchant:
    return _move(merchant=merchant, action="reinstate", acting_user=acting_user)


PROFILE_FIELDS = ("trade_name", "contact_person", "phone", "email", "address", "licence_number", "licence_valid_until")


@transaction.atomic
def merchant_update_profile(*, merchant: Merchant, acting_user: User, **fields) -> Merchant:
    """Owners keep their contact details and licence up to date; the legal identity stays as approved."""
    require_owner_or_administrator(acting_user, merchant)
    unknown = set(fields) - set(PROFILE_FIELDS)
    if unknown:
        raise ValidationError(
            _("These fields cannot be changed here: %(fields)s"), params={"fields": ", ".join(unknown)}
        )
    merchant = Merchant.objects.select_for_update(of=("self",)).get(pk=merchant.pk)
    before = {name: getattr(merchant, name) for name in fields}
    for name, value in fields.items():
        setattr(merchant, name, value)
    merchant.full_clean()
    merchant.save(update_fields=list(fields))
    audit_record(
        actor=acting_user, action=AuditAction.MERCHANT_UPDATE, target=merchant, changes=changes_between(before, fields)
    )
    return merchant


@transaction.atomic
def member_invite(
    *,
    merchant: Merchant,
    acting_user: User,
    username: str,
    password: str,
    role: str = MemberRole.CLERK,
    email: str = "",
) -> MerchantMember:
    """An owner adds a member of staff: a new merchant user who belongs to this merchant only."""
    require_owner_or_administrator(acting_user, merchant)
    _validate_password(password, User(username=username, email=email, role=Role.MERCHANT))
    user = user_create(username=username, password=password, role=Role.MERCHANT, email=email, acting_user=acting_user)
    member = MerchantMember.objects.create(user=user, merchant=merchant, role=role)
    audit_record(
        actor=acting_user, action=AuditAction.MEMBER_INVITE, target=merchant, changes={"user": username, "role": role}
    )
    return member


@transaction.atomic
def member_remove(*, member: MerchantMember, acting_user: User) -> None:
    """Take someone off the staff: their account is deactivated (history keeps their name)."""
    merchant = Merchant.objects.select_for_update(of=("self",)).get(pk=member.merchant_id)
    require_owner_or_administrator(acting_user, merchant)
    if (
        member.role == MemberRole.OWNER
        and not merchant.members.filter(role=MemberRole.OWNER).exclude(pk=member.pk).exists()
    ):
        raise ValidationError(LAST_OWNER)
    user = member.user
    member.delete()
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit_record(actor=acting_user, action=AuditAction.MEMBER_REMOVE, target=merchant, changes={"user": user.username})


@transaction.atomic
def shop_open(
    *,
    merchant: Merchant,
    acting_user: User,
    unit_code: str,
    side: str,
    name: str,
    area_m2,
    opened_on: date,
) -> Shop:
    """An approved merchant opens a shop in a free unit of the zone."""
    # Read the merchant again, locked: a suspension a moment ago must stop this.
    merchant = Merchant.objects.select_for_update(of=("self",)).get(pk=merchant.pk)
    require_owner_or_administrator(acting_user, merchant)
    require_approved(merchant)
    shop = Shop(
        merchant=merchant, unit_code=unit_code.strip().upper(), side=side, name=name.strip(), area_m2=area_m2,
        opened_on=opened_on,
    )  # fmt: skip
    shop.full_clean(validate_unique=False)
    if Shop.objects.filter(unit_code=shop.unit_code).exists():
        raise ValidationError({"unit_code": UNIT_TAKEN})
    with constraint_messages({"merchants_shop_unit_code_key": {"unit_code": UNIT_TAKEN}}):
        shop.save()
    audit_record(actor=acting_user, action=AuditAction.SHOP_OPEN, target=shop, changes={"unit_code": shop.unit_code})
    return shop


@transaction.atomic
def shop_close(*, shop: Shop, acting_user: User) -> Shop:
    """Close a shop: its listings leave the public catalogue; the unit becomes free for the registry."""
    return _set_shop_state(shop=shop, acting_user=acting_user, state=ShopState.CLOSED, action=AuditAction.SHOP_CLOSED)


@transaction.atomic
def shop_reopen(*, shop: Shop, acting_user: User) -> Shop:
    # Recorded as "shop.open", as a reopening always was: the audit log's older rows say so too.
    return _set_shop_state(shop=shop, acting_user=acting_user, state=ShopState.OPEN, action=AuditAction.SHOP_OPEN)


def _set_shop_state(*, shop: Shop, acting_user: User, state: ShopState, action: AuditAction) -> Shop:
    shop = Shop.objects.select_for_update(of=("self",)).select_related("merchant").get(pk=shop.pk)
    require_owner_or_administrator(acting_user, shop.merchant)
    require_approved(shop.merchant)
    if shop.state == state:
        raise ValidationError(SHOP_ALREADY, params={"state": shop.get_state_display()})
    before = shop.state
    shop.state = state
    shop.save(update_fields=["state"])
    audit_record(actor=acting_user, action=action, target=shop, changes={"state": {"before": before, "after": state}})
    return shop


@transaction.atomic
def merchant_check_licences(*, today: date | None = None) -> dict[str, int]:
    """Nightly: warn approved merchants whose licence expires within the warning window, suspend those
    whose licence has expired. Running it again the same day changes nothing."""
    today = today or timezone.localdate()
    warned = suspended = 0
    for merchant in Merchant.objects.select_for_update(of=("self",)).approved().licence_expired(today):
        reason = str(LICENCE_EXPIRED % {"day": merchant.licence_valid_until})
        _move(merchant=merchant, action="suspend", acting_user=None, reason=reason)
        notification_add(
            merchant=merchant,
            kind=NotificationKind.LICENCE_EXPIRED,
            message=reason,
            dedupe_key=str(merchant.licence_valid_until),
        )
        suspended += 1
    for merchant in Merchant.objects.approved().licence_expiring(today):
        message = str(LICENCE_EXPIRING % {"day": merchant.licence_valid_until})
        warned += notification_add(
            merchant=merchant,
            kind=NotificationKind.LICENCE_EXPIRING,
            message=message,
            dedupe_key=str(merchant.licence_valid_until),
        )
    return {"warned": warned, "suspended": suspended}
