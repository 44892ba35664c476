"""Reads of the merchant portal: a merchant's own shops, listings, licence and notifications, always through
`visible_to`, so another merchant's row is not found (404)."""

from django.db.models import Count, QuerySet

from merchants.models import Listing, Merchant, MerchantMember, Notification, Shop


def own_shops(membership: MerchantMember) -> QuerySet[Shop]:
    return Shop.objects.visible_to(membership.user).filter(merchant=membership.merchant_id).order_by("unit_code")


def own_shops_with_listing_counts(membership: MerchantMember) -> QuerySet[Shop]:
    return own_shops(membership).annotate(listing_count=Count("listings"))


def own_listings(membership: MerchantMember) -> QuerySet[Listing]:
    return (
        Listing.objects.visible_to(membership.user)
        .filter(shop__merchant=membership.merchant_id)
        .select_related("shop__merchant", "hs_heading__chapter")
        .order_by("-updated_at", "-id")
    )


def licence_status(merchant: Merchant) -> dict:
    """How long the business licence still runs: {"days_left", "expired", "expiring"} (expiring: within the
    warning window), as `Merchant.objects.with_licence_status` counts it."""
    status = (
        Merchant.objects.with_licence_status()
        .values("licence_days_left", "licence_expired", "licence_expiring")
        .get(pk=merchant.pk)
    )
    return {
        "days_left": status["licence_days_left"],
        "expired": status["licence_expired"],
        "expiring": status["licence_expiring"],
    }


def notifications_of(merchant: Merchant) -> QuerySet[Notification]:
    """Newest first."""
    return merchant.notifications.all()


def unread_count(merchant: Merchant) -> int:
    return merchant.notifications.filter(read_at__isnull=True).count()


def unread_count_for(user) -> int:
    """The unread notifications of the merchant `user` is on the staff of (0 for anyone else): one count on the
    partial index of unread notifications."""
    return Notification.objects.filter(merchant__members__user=user, read_at__isnull=True).count()
