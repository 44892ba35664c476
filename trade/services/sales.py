"""Recording and voiding duty-free sales, each against the buyer's allowance ledger (locked, CHECK-backed) and the
stock of the listings sold (taken off in the sale's transaction, given back when it is voided)."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from crossings.models import TravelDocument, Visit
from crossings.selectors.reference import cached_checkpoint
from horgos.audit import audit_record
from horgos.choices import AuditAction, Role
from horgos.errors import constraint_messages
from horgos.models import User
from merchants.choices import ListingState, MerchantState, ShopState
from merchants.models import Listing, Shop
from trade import rules
from trade.choices import SaleState
from trade.models import AllowanceLedger, Sale, SaleLine
from trade.selectors.allowance import allowance_policy_on, exchange_rate_for
from trade.services.statistics import sale_mark_days_dirty

NOT_YOUR_SHOP = _("You may record and void sales only in your own merchant's shops.")
MERCHANT_NOT_APPROVED = _("Your merchant is not approved to trade now (%(state)s).")
SHOP_CLOSED = _("Shop %(shop)s is closed; it cannot sell until it reopens.")
NO_LINES = _("Add at least one line to the sale.")
LISTING_NOT_YOURS = _("“%(listing)s” is not a listing of your merchant.")
LISTING_NOT_APPROVED = _("“%(listing)s” is not approved for sale.")
QUANTITY_POSITIVE = _("The quantity of “%(listing)s” must be at least 1.")
BEYOND_STOCK = _("Only %(stock)s of “%(listing)s” left in stock: the sale asks for %(quantity)s.")
RECEIPT_REQUIRED = _("Give the receipt number.")
RECEIPT_TAKEN = _("This shop already has a receipt with this number.")
BUYER_NOT_INSIDE = _("The buyer is not inside the zone: a duty-free sale needs their entry recorded at a checkpoint.")
EXCEEDS_VALUE = _(
    "This sale (CNY %(total)s) is more than the buyer has left of the allowance for this period: CNY %(remaining_cny)s."
)
EXCEEDS_VALUE_AND_WEIGHT = _(
    "This sale (CNY %(total)s, %(currency)s %(total_value)s, %(weight)s kg) is more than the buyer has left of the "
    "allowance for this month: CNY %(remaining_cny)s (%(currency)s %(remaining)s) and %(remaining_kg)s kg."
)
ALREADY_VOIDED = _("This sale has already been voided.")
VOID_REASON_REQUIRED = _("Give the reason for voiding the sale.")


@dataclass(frozen=True)
class SaleLineInput:
    listing: Listing
    quantity: int
    unit_price_cny: Decimal | None = None  # the listing's price unless the clerk gives another


class AllowanceExceeded(ValidationError):
    """A sale that does not fit what remains of the buyer's allowance (the API answers 409). `remaining` holds
    what remains: CNY, and for an allowance in another currency that amount and the kilograms."""

    def __init__(self, message, *, params: dict, remaining: dict):
        super().__init__(message, code="allowance_exceeded", params=params)
        self.remaining = remaining


def _money(amount: Decimal) -> str:
    return number_format(amount, 2, force_grouping=True)


def _weight(amount: Decimal) -> str:
    return number_format(amount.normalize() if amount else Decimal("0"), force_grouping=True)


def _require_may_sell(acting_user: User, shop: Shop) -> None:
    membership = getattr(acting_user, "merchant_membership", None) if acting_user.role == Role.MERCHANT else None
    if membership is None or membership.merchant_id != shop.merchant_id or not acting_user.is_active:
        raise PermissionDenied(NOT_YOUR_SHOP)


def _shop_for_sale(shop: Shop, acting_user: User) -> Shop:
    """The shop as it is now with its merchant, read in one query only if `acting_user` is on that merchant's staff;
    PermissionDenied unless they may sell there (as `_require_may_sell`)."""
    if acting_user.role != Role.MERCHANT or not acting_user.is_active:
        raise PermissionDenied(NOT_YOUR_SHOP)
    shops = Shop.objects.select_related("merchant").filter(merchant__members__user=acting_user)
    shop = shops.filter(pk=shop.pk).first()
    if shop is None:
        raise PermissionDenied(NOT_YOUR_SHOP)
    return shop


def _require_trading(shop: Shop) -> None:
    if shop.merchant.state != MerchantState.APPROVED:
        raise ValidationError(
            MERCHANT_NOT_APPROVED, code="merchant_not_approved", params={"state": shop.merchant.get_state_display()}
        )
    if shop.state != ShopState.OPEN:
        raise ValidationError(SHOP_CLOSED, code="shop_closed", params={"shop": shop.unit_code})


def _priced_lines(shop: Shop, lines: list[SaleLineInput]) -> list[SaleLine]:
    if not lines:
        raise ValidationError({"lines": ValidationError(NO_LINES, code="no_lines")})
    priced = []
    for line in lines:
        listing = line.listing
        params = {"listing": listing.title}
        if listing.shop.merchant_id != shop.merchant_id:
            raise ValidationError({"lines": ValidationError(LISTING_NOT_YOURS, code="not_yours", params=params)})
        if listing.state != ListingState.APPROVED:
            raise ValidationError({"lines": ValidationError(LISTING_NOT_APPROVED, code="not_approved", params=params)})
        if line.quantity < 1:
            raise ValidationError({"lines": ValidationError(QUANTITY_POSITIVE, code="quantity", params=params)})
        priced.append(SaleLine.of(listing, quantity=line.quantity, unit_price_cny=line.unit_price_cny))
    return priced


def _ledger_of_period(*, visit: Visit, side: str, policy, start) -> AllowanceLedger:
    """The buyer's ledger row of the period, created at zero if need be (INSERT ... ON CONFLICT DO NOTHING: two first
    sales of a period at the same moment create one row), read without a lock: `_ledger_charge` takes it last."""
    ledgers = AllowanceLedger.objects.filter(traveller_id=visit.traveller_id, side=side, period_start=start)
    ledger = ledgers.first()  # every sale of the period but the first finds it
    if ledger is not None:
        return ledger
    AllowanceLedger.objects.bulk_create(
        [
            AllowanceLedger(
                traveller_id=visit.traveller_id,
                side=side,
                period_start=start,
                policy=policy,
                currency=policy.currency,
                value_limit=policy.value_limit,
                weight_limit_kg=policy.weight_limit_kg,
            )
        ],
        ignore_conflicts=True,
    )
    return ledgers.get()


def _open_visit(document: TravelDocument) -> Visit | None:
    """The buyer's open visit: as read with the document (`trade.selectors.sales.buyer_document_get`), else now."""
    if hasattr(document, "open_visit"):
        return document.open_visit
    return Visit.objects.open().filter(traveller_id=document.traveller_id).first()


def _holding_lines(sale: Sale, lines: list[SaleLine]) -> None:
    """`sale` with `lines` as its prefetched lines, as `prefetch_related("lines")` leaves them: its answer (and
    anything else reading `sale.lines.all()`) needs no query."""
    recorded = SaleLine.objects.filter(sale=sale)
    recorded._result_cache, recorded._prefetch_done = lines, True
    sale._prefetched_objects_cache = {"lines": recorded}


@transaction.atomic
def sale_record(
    *,
    shop: Shop,
    document: TravelDocument,
    receipt_number: str,
    lines: list[SaleLineInput],
    acting_user: User,
    before_charge: Callable[[Sale], object] | None = None,
) -> Sale:
    """Record a duty-free sale now, counted against the allowance of the side the buyer will leave by (the
    checkpoint of their open visit), in that checkpoint's period. Refused with AllowanceExceeded, saying what
    remains, when it does not fit. The sale comes back holding its lines (`sale.lines.all()` needs no query).

    A fixed number of statements whatever the lines (the shop, the ledger, the sale, its lines, the stock, the audit
    row, the charge): the listings come read by the caller, the policy and rate from the cache
    (trade.selectors.reference).

    `before_charge`, if given, is called with the sale (holding its lines) just before the allowance is charged, in
    the sale's transaction: what it writes commits with the sale, or is undone with it when the charge refuses the
    sale. The API stores its answer for the Idempotency-Key there, so that the ledger row's lock, which the charge
    takes, is held only until the commit."""
    shop = _shop_for_sale(shop, acting_user)
    _require_trading(shop)
    receipt_number = receipt_number.strip()
    if not receipt_number:
        raise ValidationError({"receipt_number": ValidationError(RECEIPT_REQUIRED, code="required")})
    priced = _priced_lines(shop, lines)
    visit = _open_visit(document)
    if visit is None:
        raise ValidationError({"buyer": ValidationError(BUYER_NOT_INSIDE, code="not_inside")})
    sold_at = timezone.now()
    checkpoint = cached_checkpoint(visit.checkpoint_id)
    side = checkpoint.code
    local_day = checkpoint.local_date(sold_at)
    policy = allowance_policy_on(side=side, day=local_day)
    rate = exchange_rate_for(policy, day=local_day)
    ledger = _ledger_of_period(
        visit=visit, side=side, policy=policy, start=rules.period_start(policy.period, local_day)
    )
    total_cny = sum((line.line_total_cny for line in priced), Decimal("0"))
    total_weight = sum((line.line_weight_kg for line in priced), Decimal("0"))
    charged = rules.into_allowance_currency(total_cny, rate)
    # Refused at once when it does not fit what the ledger held a moment ago; `_ledger_charge` has the last word.
    _require_fits(ledger, rate=rate, total_cny=total_cny, charged=charged, weight=total_weight)
    sale = Sale(
        shop=shop,
        receipt_number=receipt_number,
        buyer_id=document.traveller_id,
        document=document,
        visit=visit,
        sold_at=sold_at,
        side=side,
        ledger=ledger,
        total_cny=total_cny,
        total_weight_kg=total_weight,
        charged_value=charged,
        charged_currency=policy.currency,
        rate_to_cny=rate.rate_to_cny if rate else None,
        recorded_by=acting_user,
    )
    with constraint_messages({"sale_receipt_unique_per_shop": {"receipt_number": RECEIPT_TAKEN}}):
        sale.save()
    for line in priced:
        line.sale = sale
    SaleLine.objects.bulk_create(priced)
    _stock_take(priced)
    audit_record(
        actor=acting_user,
        action=AuditAction.SALE_RECORD,
        target=sale,
        changes={"total_cny": total_cny, "weight_kg": total_weight, "side": side},
    )
    _holding_lines(sale, priced)
    if before_charge is not None:
        before_charge(sale)
    _ledger_charge(ledger, rate=rate, total_cny=total_cny, charged=charged, weight=total_weight)
    return sale


def _ledger_charge(ledger: AllowanceLedger, *, rate, total_cny: Decimal, charged: Decimal, weight: Decimal) -> None:
    """Count the sale on its ledger row, or refuse it (AllowanceExceeded, the whole sale rolled back). The row in
    the database is counted; `ledger` in memory stays as it was read (refresh it to see the sums).

    The sale's last write: every sale to a buyer queues on this one row, whose lock is held from this UPDATE to the
    commit, so the shorter that stretch, the more sales a second. The UPDATE adds only if the sale fits: PostgreSQL
    checks that condition again on the row as a sale that held it left it, so two sales racing for the last of the
    allowance never both pass. The CHECK constraints ledger_value_within_limit and ledger_weight_within_limit are
    the last word.
    """
    fits = Q(value_used__lte=F("value_limit") - charged) & (
        Q(weight_limit_kg__isnull=True) | Q(weight_used_kg__lte=F("weight_limit_kg") - weight)
    )
    while not AllowanceLedger.objects.filter(fits, pk=ledger.pk).update(
        value_used=F("value_used") + charged,
        value_used_cny=F("value_used_cny") + total_cny,
        weight_used_kg=F("weight_used_kg") + weight,
    ):
        ledger.refresh_from_db()
        # Raises, saying what remains now; passes only if a void gave some back since the UPDATE: then again
        _require_fits(ledger, rate=rate, total_cny=total_cny, charged=charged, weight=weight)


def _quantities_by_listing(lines) -> list[tuple[Listing, int]]:
    """The quantity of each listing over the lines (a listing may be on two lines), by listing id: every sale
    changes the stock of its listings in the same order, so two sales never wait on each other's rows."""
    quantities: dict[int, tuple[Listing, int]] = {}
    for line in lines:
        listing, quantity = quantities.get(line.listing_id, (line.listing, 0))
        quantities[line.listing_id] = (listing, quantity + line.quantity)
    return [quantities[pk] for pk in sorted(quantities)]


# One statement takes every listing's quantity: the listings' rows are locked in id order first (`locked`), so two
# sales of the same listings never wait on each other's rows, then each row is taken from only if enough is left.
STOCK_TAKE_SQL = """
WITH wanted (id, quantity) AS (VALUES {values}),
locked AS MATERIALIZED (
    SELECT listing.id FROM merchants_listing AS listing JOIN wanted USING (id) ORDER BY listing.id
    FOR NO KEY UPDATE OF listing
)
UPDATE merchants_listing AS listing SET stock_quantity = listing.stock_quantity - wanted.quantity
FROM wanted
WHERE listing.id = wanted.id AND listing.id IN (SELECT id FROM locked) AND listing.stock_quantity >= wanted.quantity
RETURNING listing.id
"""


def _stock_take(lines: list[SaleLine]) -> None:
    """Take each line's quantity off its listing's stock, or refuse the sale naming a listing short of stock.

    One UPDATE for all the listings (STOCK_TAKE_SQL), conditional per row: PostgreSQL checks `stock_quantity >=
    quantity` again on the row as the sale that held its lock left it, so of two sales racing for the last unit
    exactly one takes it; the other's row is not updated and it is refused (its other rows roll back with it). The
    CHECK constraint listing_stock_not_negative is the last word.
    """
    quantities = _quantities_by_listing(lines)
    values = ", ".join(["(%s::bigint, %s::integer)"] * len(quantities))
    with connection.cursor() as cursor:
        cursor.execute(
            STOCK_TAKE_SQL.format(values=values),
            [number for listing, quantity in quantities for number in (listing.pk, quantity)],
        )
        taken = {row[0] for row in cursor.fetchall()}
    short = [(listing, quantity) for listing, quantity in quantities if listing.pk not in taken]
    if short:
        listing, quantity = short[0]
        stock = Listing.objects.filter(pk=listing.pk).values_list("stock_quantity", flat=True).get()
        params = {"listing": listing.title, "stock": stock, "quantity": quantity}
        raise ValidationError({"lines": ValidationError(BEYOND_STOCK, code="beyond_stock", params=params)})


def _stock_give_back(lines) -> None:
    """A voided sale's units are on hand again."""
    for listing, quantity in _quantities_by_listing(lines):
        Listing.objects.filter(pk=listing.pk).update(stock_quantity=F("stock_quantity") + quantity)


def _require_fits(ledger: AllowanceLedger, *, rate, total_cny: Decimal, charged: Decimal, weight: Decimal) -> None:
    value_fits = ledger.value_used + charged <= ledger.value_limit
    weight_fits = ledger.weight_limit_kg is None or ledger.weight_used_kg + weight <= ledger.weight_limit_kg
    if value_fits and weight_fits:
        return
    remaining = ledger.value_remaining
    remaining_cny = rules.into_cny(remaining, rate)
    remaining_kg = ledger.weight_remaining_kg
    detail = {"remaining_cny": remaining_cny, "currency": ledger.currency, "remaining": remaining}
    if remaining_kg is not None:
        detail["remaining_kg"] = remaining_kg
    params = {
        "total": _money(total_cny),
        "remaining_cny": _money(remaining_cny),
        "currency": ledger.currency,
        "total_value": _money(charged),
        "remaining": _money(remaining),
        "weight": _weight(weight),
        "remaining_kg": _weight(remaining_kg or Decimal("0")),
    }
    message = EXCEEDS_VALUE if rate is None and remaining_kg is None else EXCEEDS_VALUE_AND_WEIGHT
    raise AllowanceExceeded(message, params=params, remaining=detail)


def _ledger_add(ledger: AllowanceLedger, *, value: Decimal, value_cny: Decimal, weight: Decimal) -> None:
    """Add to (or, negative, take back from) the locked ledger row; its CHECK constraints are the last word."""
    ledger.value_used += value
    ledger.value_used_cny += value_cny
    ledger.weight_used_kg += weight
    ledger.save(update_fields=["value_used", "value_used_cny", "weight_used_kg"])


@transaction.atomic
def sale_void(*, sale: Sale, reason: str, acting_user: User) -> Sale:
    """Void a sale: the allowance it used goes back to the sale's own period (whatever the day is now)."""
    sale = Sale.objects.select_for_update(of=("self",)).select_related("shop__merchant").get(pk=sale.pk)
    _require_may_sell(acting_user, sale.shop)
    if sale.state == SaleState.VOIDED:
        raise ValidationError(ALREADY_VOIDED, code="already_voided")
    if not reason.strip():
        raise ValidationError({"reason": ValidationError(VOID_REASON_REQUIRED, code="required")})
    # The stock first, then the ledger, in the order a sale takes them, so that a void and a sale never wait on
    # each other's rows.
    _stock_give_back(sale.lines.select_related("listing"))
    ledger = AllowanceLedger.objects.select_for_update(of=("self",)).get(pk=sale.ledger_id)
    _ledger_add(ledger, value=-sale.charged_value, value_cny=-sale.total_cny, weight=-sale.total_weight_kg)
    sale.state = SaleState.VOIDED
    sale.void_reason = reason.strip()
    sale.voided_by = acting_user
    sale.voided_at = timezone.now()
    sale.save(update_fields=["state", "void_reason", "voided_by", "voided_at"])
    # The sale's days may be filled already (a sale is voided later, even days later): the next run counts it out.
    sale_mark_days_dirty(sale)
    audit_record(actor=acting_user, action=AuditAction.SALE_VOID, target=sale, changes={"reason": sale.void_reason})
    return sale
