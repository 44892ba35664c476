"""The merchants app's models: the registry (merchants, staff, shops) and the catalogue (listings, HS)."""

from merchants.models.catalogue import HsChapter, HsHeading, Listing
from merchants.models.imports import ListingImport
from merchants.models.registry import Merchant, MerchantMember, Notification, Shop

__all__ = ["HsChapter", "HsHeading", "Listing", "ListingImport", "Merchant", "MerchantMember", "Notification", "Shop"]
