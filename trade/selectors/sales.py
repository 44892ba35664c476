"""Reads of sales: the lists merchants and administrators see, a receipt, what a merchant may see of a buyer, and the
allowance panel of the lane desk at exit."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import QuerySet

from crossings.models import TravelDocument, Traveller, Visit
from trade.models import Sale
from trade.rules import AllowanceUse
from trade.selectors.allowance import allowance_use

VISIBLE_DOCUMENT_CHARACTERS = 4
MASK = "••••"


def sales_visible_to(user) -> QuerySet[Sale]:
    """The sales `user` may see (administrators all, merchant staff their merchant's), with what their rows show."""
    return Sale.objects.visible_to(user).select_related("shop", "document", "recorded_by", "voided_by")


def sale_receipt(*, user, pk: int) -> Sale | None:
    """One sale with its lines, if `user` may see it (None otherwise: another merchant's sale does not exist)."""
    return (
        sales_visible_to(user).select_related("shop__merchant").prefetch_related("lines__listing").filter(pk=pk).first()
    )


def document_last_characters(number: str) -> str:
    """What a merchant sees of the buyer's document: its last four characters."""
    return MASK + number[-VISIBLE_DOCUMENT_CHARACTERS:] if len(number) > VISIBLE_DOCUMENT_CHARACTERS else MASK


@dataclass(frozen=True)
class BuyerForMerchant:
    """All a shop sees of a buyer: the document's last characters and what remains of their allowance, never the
    name, nationality or history."""

    document: TravelDocument
    masked_number: str
    use: AllowanceUse | None  # None: the buyer is not inside the zone


def buyer_for_merchant(document: TravelDocument, *, at: datetime | None = None) -> BuyerForMerchant:
    visit = Visit.objects.open().select_related("checkpoint").filter(traveller_id=document.traveller_id).first()
    use = allowance_use(traveller=document.traveller, side=visit.checkpoint.code, at=at) if visit else None
    return BuyerForMerchant(document=document, masked_number=document_last_characters(document.number), use=use)


def allowance_at_exit(*, traveller: Traveller, side: str, at: datetime | None = None) -> AllowanceUse:
    """The officer's panel at exit: the traveller's use of the allowance of the side they exit into, this period."""
    return allowance_use(traveller=traveller, side=side, at=at)
