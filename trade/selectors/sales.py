"""Reads of sales: the lists merchants and administrators see, a receipt, what a merchant may see of a buyer, and the
allowance panel of the lane desk at exit."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from crossings.choices import VisitState
from crossings.models import TravelDocument, Traveller, Visit
from crossings.models.travellers import document_number_index
from crossings.mrz import MrzError, looks_like_mrz, parse_mrz
from crossings.selectors import document_find, document_get
from crossings.selectors.lists import mask_document_number
from merchants.choices import ListingState, ShopState
from merchants.models import Listing, Shop
from trade.models import Sale
from trade.rules import AllowanceUse
from trade.selectors.allowance import allowance_use

DOCUMENT_NOT_REGISTERED = _(
    "No such document is registered: the buyer's entry must be recorded at a checkpoint before a duty-free sale."
)
SEVERAL_DOCUMENTS = _("Several documents have this number: scan the machine readable zone instead.")


def sales_visible_to(user) -> QuerySet[Sale]:
    """The sales `user` may see (administrators all, merchant staff their merchant's), with what their rows show."""
    return Sale.objects.visible_to(user).select_related("shop", "document", "recorded_by", "voided_by")


def sale_receipt(*, user, pk: int) -> Sale | None:
    """One sale with its lines, if `user` may see it (None otherwise: another merchant's sale does not exist)."""
    return (
        sales_visible_to(user).select_related("shop__merchant").prefetch_related("lines__listing").filter(pk=pk).first()
    )


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
    return BuyerForMerchant(document=document, masked_number=mask_document_number(document.number), use=use)


# The document and its holder's open visit in one statement (one at most: visit_one_open_per_traveller), written out
# because the ORM's form of it (two correlated subqueries) cost more CPU to build than the rest of a sale's input.
BUYER_DOCUMENT_SQL = """
SELECT document.*, visit.id AS open_visit_id, visit.checkpoint_id AS open_visit_checkpoint_id
FROM crossings_traveldocument AS document
LEFT JOIN crossings_visit AS visit ON visit.traveller_id = document.traveller_id AND visit.state = %s
WHERE document.number_index = %s AND document.document_type = %s AND document.issuing_country = %s
ORDER BY document.id
LIMIT 1
"""


def buyer_document_get(*, document_type: str, issuing_country: str, number: str) -> TravelDocument | None:
    """The buyer's document, as `document_get` finds it, and in the same query its holder's open visit:
    `document.open_visit`, None when they are not inside the zone (a Visit holding its id, traveller and checkpoint
    id, which is what `sale_record` reads of it). The traveller is not read."""
    parameters = [VisitState.OPEN, document_number_index(number), document_type, issuing_country.upper()]
    document = next(iter(TravelDocument.objects.raw(BUYER_DOCUMENT_SQL, parameters)), None)
    if document is not None:
        document.open_visit = None
        if document.open_visit_id is not None:
            document.open_visit = Visit(
                pk=document.open_visit_id,
                traveller_id=document.traveller_id,
                checkpoint_id=document.open_visit_checkpoint_id,
                state=VisitState.OPEN,
            )
    return document


def allowance_at_exit(*, traveller: Traveller, side: str, at: datetime | None = None) -> AllowanceUse:
    """The officer's panel at exit: the traveller's use of the allowance of the side they exit into, this period."""
    return allowance_use(traveller=traveller, side=side, at=at)


def document_from_scan(scanned: str, *, today) -> TravelDocument | str:
    """The buyer's document from what the clerk scanned or typed (a number, or a machine readable zone whose check
    digits are verified), or the message saying why none could be found."""
    if looks_like_mrz(scanned):
        try:
            zone = parse_mrz(scanned, today=today)
        except MrzError as error:
            return str(error)
        found = document_get(document_type=zone.document_type, issuing_country=zone.issuing_country, number=zone.number)
        return found or str(DOCUMENT_NOT_REGISTERED)
    documents = list(document_find(number=scanned)[:2])
    if len(documents) == 1:
        return documents[0]
    return str(SEVERAL_DOCUMENTS if documents else DOCUMENT_NOT_REGISTERED)


def selling_shops(user) -> QuerySet[Shop]:
    """The open shops of the user's merchant, where they may record sales."""
    return Shop.objects.filter(merchant__members__user=user, state=ShopState.OPEN).order_by("unit_code")


def listings_for_sale(user) -> QuerySet[Listing]:
    """The approved listings of the user's merchant, which its shops may sell."""
    return (
        Listing.objects.filter(shop__merchant__members__user=user, state=ListingState.APPROVED)
        .select_related("shop")
        .order_by("shop__unit_code", "title_en", "id")
    )


@dataclass(frozen=True)
class SalePreview:
    """What a receipt will add up to, shown to the clerk before confirming."""

    lines: list[tuple[Listing, int, Decimal]]
    total_cny: Decimal
    total_weight_kg: Decimal


def sale_preview(lines: list[tuple[Listing, int]]) -> SalePreview:
    priced = [(listing, quantity, listing.price * quantity) for listing, quantity in lines]
    return SalePreview(
        lines=priced,
        total_cny=sum((total for _, _, total in priced), Decimal("0")),
        total_weight_kg=sum((listing.unit_weight_kg * quantity for listing, quantity in lines), Decimal("0")),
    )
