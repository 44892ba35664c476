"""Reads of the administrators' registry pages: applications, merchants and their history, listings waiting
for review, and the shops in the order of their units."""

from django.db.models import Count, QuerySet

from horgos.models import AuditEntry
from merchants.choices import ListingState, MerchantState
from merchants.models import Listing, Merchant, Shop

MERCHANT_TARGET_TYPE = Merchant._meta.label_lower  # "merchants.merchant": the merchant's rows in the audit log


def registry_merchants(user) -> QuerySet[Merchant]:
    """Every merchant the user may see, by trade name."""
    return Merchant.objects.visible_to(user).order_by("trade_name", "id")


def pending_merchants(user) -> QuerySet[Merchant]:
    """Applications waiting for a decision, oldest first."""
    return registry_merchants(user).filter(state=MerchantState.PENDING).order_by("created_at", "id")


def merchants_with_shop_counts(user) -> QuerySet[Merchant]:
    return registry_merchants(user).annotate(shop_count=Count("shops"))


def merchant_history(merchant: Merchant) -> QuerySet[AuditEntry]:
    """What happened to the merchant, newest first, as the audit log recorded it."""
    return (
        AuditEntry.objects.filter(target_type=MERCHANT_TARGET_TYPE, target_id=str(merchant.pk))
        .select_related("actor")
        .order_by("-occurred_at", "-id")
    )


def merchant_shops(merchant: Merchant) -> QuerySet[Shop]:
    return merchant.shops.order_by("unit_code")


def merchant_listing_counts(merchant: Merchant) -> list[dict]:
    """How many of the merchant's listings are in each state (every state named, zero included)."""
    return Listing.objects.filter(shop__merchant=merchant).counts_by_state()


def submitted_listings(user) -> QuerySet[Listing]:
    """Listings waiting for review, oldest submission first."""
    return (
        Listing.objects.visible_to(user)
        .filter(state=ListingState.SUBMITTED)
        .select_related("shop__merchant", "hs_heading__chapter")
        .order_by("submitted_at", "id")
    )


def moderated_listings(user) -> QuerySet[Listing]:
    """Any listing an administrator may approve or reject (the service says whether it still can)."""
    return Listing.objects.visible_to(user).select_related("shop__merchant", "hs_heading__chapter")


def registry_shops(user) -> QuerySet[Shop]:
    """Every shop the user may see, by building, floor and unit (B2 before B10), with its `unit_state`."""
    return Shop.objects.visible_to(user).select_related("merchant").in_unit_order().with_unit_state()


def shop_floors() -> list[int]:
    """Every floor that has a shop, lowest first."""
    return Shop.objects.floors()


def shop_buildings() -> list[str]:
    """Every building that has a shop (B2 of B2-1-015), B2 before B10."""
    return Shop.objects.buildings()
