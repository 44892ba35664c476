"""Reads of the merchants app. Here: who belongs to which merchant. Beside it, by audience: `catalogue` (the
public catalogue), `portal` (a merchant's staff), `registry` (administrators) and `imports` (bulk files).

Who may see which rows is the models' `visible_to(user)`, what the public sees `in_catalogue()`: every
selector starts from them.
"""

from django.db.models import QuerySet

from horgos.choices import Role
from horgos.models import User
from merchants.choices import MemberRole
from merchants.models import Merchant, MerchantMember


def membership_of(user) -> MerchantMember | None:
    """The merchant user's place on a merchant's staff (with its merchant and user), None for anyone else."""
    if not user.is_authenticated or user.role != Role.MERCHANT:
        return None
    return MerchantMember.objects.select_related("merchant", "user").filter(user=user).first()


def merchant_of(user) -> Merchant | None:
    membership = membership_of(user)
    return membership.merchant if membership else None


def is_owner(user, merchant: Merchant) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.merchant_id == merchant.pk and membership.role == MemberRole.OWNER


def staff_of(merchant: Merchant, *, owners_first: bool = False) -> QuerySet[MerchantMember]:
    """The merchant's staff by role (clerks first, or owners first) and username."""
    return merchant.members.select_related("user").order_by("-role" if owners_first else "role", "user__username")


def applicant_of(merchant: Merchant) -> User:
    """The user who applied for a new merchant: its one owner."""
    return merchant.members.select_related("user").get(role=MemberRole.OWNER).user
