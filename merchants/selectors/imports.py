"""Reads of bulk imports and exports of listings: a merchant's import jobs and what goes into its files."""

from django.db.models import QuerySet

from merchants.choices import ShopState
from merchants.models import Listing, ListingImport, Merchant


def listing_imports_of(merchant: Merchant) -> QuerySet[ListingImport]:
    """A merchant's imports, newest first: the only ones its staff can see or act on."""
    return ListingImport.objects.filter(merchant=merchant).select_related("uploaded_by", "confirmed_by")


def open_shop_codes(merchant: Merchant) -> list[str]:
    """The unit codes of the merchant's open shops: the choices a template file offers."""
    return list(merchant.shops.filter(state=ShopState.OPEN).order_by("unit_code").values_list("unit_code", flat=True))


def listings_to_export(user, merchant: Merchant) -> QuerySet[Listing]:
    """Every listing of the merchant (any state), by shop: the rows of an export file."""
    return (
        Listing.objects.visible_to(user)
        .filter(shop__merchant=merchant)
        .select_related("shop")
        .order_by("shop__unit_code", "id")
    )
