"""Reads of onward shipments for pages, API and declarations, always scoped by `Shipment.objects.visible_to`."""

from django.db.models import Prefetch, QuerySet

from horgos.choices import Role
from merchants.models import Listing, MerchantMember
from trade.models import Shipment, ShipmentEvent


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
