from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class MerchantState(models.TextChoices):
    PENDING = "pending", _("Pending approval")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    SUSPENDED = "suspended", _("Suspended")


class MemberRole(models.TextChoices):
    OWNER = "owner", _("Owner")
    CLERK = "clerk", _("Clerk")


class ZoneSide(models.TextChoices):
    CN = "CN", _("Chinese side")
    KZ = "KZ", _("Kazakh side")


class ShopState(models.TextChoices):
    # A shop's state agrees with "shop" (Russian: магазин открыт, masculine; a lane is открыта).
    OPEN = "open", pgettext_lazy("shop state", "Open")
    CLOSED = "closed", pgettext_lazy("shop state", "Closed")


class UnitState(models.TextChoices):
    """A unit on the shop map, from its shop (`ShopQuerySet.with_unit_state`)."""

    OCCUPIED = "occupied", pgettext_lazy("unit", "Occupied")
    VACANT = "vacant", pgettext_lazy("unit", "Vacant")
    CLOSED = "closed", pgettext_lazy("unit", "Closed")


class ListingState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted for review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class StockLevel(models.TextChoices):
    """What the public catalogue says of a listing's stock (the merchant's portal shows the quantity)."""

    IN = "in_stock", _("In stock")
    FEW = "few_left", _("Few left")
    OUT = "out_of_stock", _("Out of stock")


class NotificationKind(models.TextChoices):
    LICENCE_EXPIRING = "licence_expiring", _("Licence expires soon")
    LICENCE_EXPIRED = "licence_expired", _("Licence expired: merchant suspended")
    LISTING_APPROVED = "listing_approved", _("Listing approved")
    LISTING_REJECTED = "listing_rejected", _("Listing rejected")
    MERCHANT_STATE = "merchant_state", _("Merchant status changed")


class ListingImportState(models.TextChoices):
    PENDING = "pending", _("Waiting to be checked")
    VALIDATING = "validating", _("Checking rows")
    VALIDATED = "validated", _("Checked")
    IMPORTING = "importing", _("Importing")
    DONE = "done", _("Imported")
    FAILED = "failed", _("Failed")


class ListingImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class YesNo(models.TextChoices):
    """yes and no as pages' filters and listing files write them (e.g. a listing's stock)."""

    YES = "yes", _("Yes")
    NO = "no", _("No")


class CatalogueSort(models.TextChoices):
    """The orders the public catalogue (page and API, `?sort=`) can list its products in."""

    NEWEST = "newest", _("Newest first")
    PRICE_ASCENDING = "price", _("Price, lowest first")
    PRICE_DESCENDING = "-price", _("Price, highest first")
    NAME = "name", _("Name, A to Z")
