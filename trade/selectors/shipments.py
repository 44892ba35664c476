"""Reads of onward shipments for pages, API and declarations, always scoped by `Shipment.objects.visible_to`."""

from django.db.models import Prefetch, QuerySet

from horgos.choices import Role
from merchants.models import Listing, MerchantMember
from trade.choices import ShipmentStep
from trade.models import FORWARD_STEPS, Shipment, ShipmentEvent
from trade.models.shipments import STEP_TIME_FIELDS


def shipments_visible_to(user) -> QuerySet[Shipment]:
    """The shipments `user` may see (administrators all, a merchant's staff their own), with their totals."""
    return Shipment.objects.visible_to(user).select_related("merchant").with_totals().order_by("-registered_at", "-id")


def shipment_details_visible_to(user) -> QuerySet[Shipment]:
    """As `shipments_visible_to`, with the lines and the timeline (who recorded each entry) fetched too."""
    timeline = ShipmentEvent.objects.select_related("by").order_by("at", "id")
    return (
        shipments_visible_to(user)
        .select_related("created_by")
        .prefetch_related("lines", Prefetch("events", queryset=timeline))
    )


def membership_of(user) -> MerchantMember | None:
    """The merchant staff place of `user` (a merchant user), or None: who may register shipments, for whom."""
    if not user.is_authenticated or user.role != Role.MERCHANT:
        return None
    return getattr(user, "merchant_membership", None)


def listings_to_ship(user) -> QuerySet[Listing]:
    """The listings a line of `user`'s shipment may be copied from: their own merchant's, whatever their state."""
    membership = membership_of(user)
    if membership is None:
        return Listing.objects.none()
    return Listing.objects.filter(shop__merchant_id=membership.merchant_id).select_related("shop").order_by("title_en")


def timeline_steps(shipment: Shipment) -> list[dict]:
    """The forward steps of `shipment` in order, each with its label, its moment (None until reached), whether it
    is the current step, and whether it was skipped (inspection, when the shipment was cleared without it)."""
    return [
        {
            "step": step,
            "label": step.label,
            "at": getattr(shipment, STEP_TIME_FIELDS[step]),
            "current": step == shipment.step,
            "skipped": step == ShipmentStep.INSPECTED
            and shipment.inspected_at is None
            and shipment.cleared_at is not None,
        }
        for step in FORWARD_STEPS
    ]
