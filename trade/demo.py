"""Demo sales for `make run`: a few thousand duty-free sales spread over the demo crossing history, with the daily
exchange rates they need, each counted against its buyer's allowance ledger exactly as `sale_record` would count it.

Written in bulk (ledgers, sales, lines), deterministic (a fixed seed), and only when no sale exists yet. A sale that
would not fit what remains of its buyer's allowance, or asks for more than a listing has left in stock, is left out,
as the till would refuse it; a few sales are voided, their allowance and units given back. The listings' stock is
left as the recorded sales left it (the merchants demo's quantities are what the shops had before them).
"""

import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from crossings.choices import VisitState
from crossings.models import Checkpoint, Visit
from crossings.selectors.reference import reference_data_changed
from horgos.choices import Role
from merchants.choices import ListingState, MerchantState, ShopState
from merchants.models import Listing
from trade import rules
from trade.choices import SaleState
from trade.models import AllowanceLedger, AllowancePolicy, ExchangeRate, Sale, SaleLine

DEMO_SEED = 2026
DEMO_SALES = 3000
VOIDED_SHARE = 0.02
# CNY per unit, around which the demo's daily rates move.
RATES = {"EUR": Decimal("7.80"), "USD": Decimal("7.20"), "KZT": Decimal("0.0140")}


@dataclass
class _Ledger:
    row: AllowanceLedger
    sales: list = field(default_factory=list)


def _daily_rates(rng: random.Random, first_day, last_day) -> None:
    rates = []
    for currency, base in RATES.items():
        rate, day = base, first_day
        while day <= last_day:
            rate = (rate * Decimal(str(1 + rng.uniform(-0.004, 0.004)))).quantize(Decimal("0.000001"))
            rates.append(ExchangeRate(currency=currency, day=day, rate_to_cny=rate))
            day += timedelta(days=1)
    ExchangeRate.objects.bulk_create(rates, ignore_conflicts=True)
    reference_data_changed()  # a bulk write sends no signals: the cached rates (trade.selectors.reference) reload


def _stock() -> list[tuple[list[Listing], object]]:
    """Per shop that may sell: its approved listings, and a staff member of its merchant who rings them up."""
    listings = (
        Listing.objects.filter(
            state=ListingState.APPROVED, shop__state=ShopState.OPEN, shop__merchant__state=MerchantState.APPROVED
        )
        .select_related("shop__merchant")
        .order_by("id")
    )
    by_shop = defaultdict(list)
    for listing in listings:
        by_shop[listing.shop].append(listing)
    clerks = {}
    stock = []
    for shop, items in by_shop.items():
        merchant = shop.merchant
        if merchant.pk not in clerks:
            member = merchant.members.filter(user__role=Role.MERCHANT, user__is_active=True).select_related("user")
            clerks[merchant.pk] = member.first().user if member.exists() else None
        if clerks[merchant.pk] is not None:
            stock.append((items, clerks[merchant.pk]))
    return stock


@transaction.atomic
def demo_sales_generate(*, count: int = DEMO_SALES, seed: int = DEMO_SEED) -> int:
    """Create about `count` demo sales over the existing visits; returns how many were made (0 when sales exist)."""
    if Sale.objects.exists():
        return 0
    rng = random.Random(seed)
    now = timezone.now()
    visits = list(
        Visit.objects.exclude(state=VisitState.CANCELLED)
        .filter(entered_at__gte=now - timedelta(days=60))
        .select_related("checkpoint", "entry_crossing")
        .order_by("id")
    )
    stock = _stock()
    if not visits or not stock:
        return 0
    checkpoints = {checkpoint.code: checkpoint for checkpoint in Checkpoint.objects.all()}
    first_day = min(visit.entered_at for visit in visits).date() - timedelta(days=1)
    _daily_rates(rng, first_day, now.date() + timedelta(days=1))
    policies = {policy.side: policy for policy in AllowancePolicy.objects.order_by("effective_from")}
    rates = defaultdict(dict)
    for rate in ExchangeRate.objects.filter(day__gte=first_day):
        rates[rate.currency][rate.day] = rate
    ledgers: dict[tuple, _Ledger] = {}
    on_hand = {listing.pk: listing.stock_quantity for items, _clerk in stock for listing in items}
    receipts: dict[int, int] = defaultdict(int)
    made = []
    for visit in rng.sample(visits, min(count, len(visits))):
        ends = visit.exited_at or now
        seconds = int((ends - visit.entered_at).total_seconds())
        if seconds < 900:
            continue
        sold_at = visit.entered_at + timedelta(seconds=rng.randint(600, min(seconds - 60, 6 * 3600)))
        side = visit.checkpoint.code
        policy = policies[side]
        local_day = checkpoints[side].local_date(sold_at)
        rate = rates[policy.currency].get(local_day) if rules.needs_rate(policy) else None
        if rules.needs_rate(policy) and rate is None:
            continue
        items, clerk = rng.choice(stock)
        lines = []
        asked: dict[int, int] = defaultdict(int)
        for listing in rng.sample(items, min(len(items), rng.randint(1, 3))):
            quantity = rng.randint(1, 3)
            asked[listing.pk] += quantity
            lines.append(SaleLine.of(listing, quantity=quantity))
        total = sum((line.line_total_cny for line in lines), Decimal("0"))
        weight = sum((line.line_weight_kg for line in lines), Decimal("0"))
        charged = rules.into_allowance_currency(total, rate)
        key = (visit.traveller_id, side, rules.period_start(policy.period, local_day))
        ledger = ledgers.get(key)
        if ledger is None:
            ledger = ledgers[key] = _Ledger(
                AllowanceLedger(
                    traveller_id=visit.traveller_id,
                    side=side,
                    period_start=key[2],
                    policy=policy,
                    currency=policy.currency,
                    value_limit=policy.value_limit,
                    weight_limit_kg=policy.weight_limit_kg,
                )
            )
        row = ledger.row
        if row.value_used + charged > row.value_limit or (
            row.weight_limit_kg is not None and row.weight_used_kg + weight > row.weight_limit_kg
        ):
            continue  # the till would refuse it
        if any(on_hand[pk] < quantity for pk, quantity in asked.items()):
            continue  # beyond the stock: the till would refuse it too
        shop = items[0].shop
        receipts[shop.pk] += 1
        voided = rng.random() < VOIDED_SHARE
        sale = Sale(
            shop=shop,
            receipt_number=f"{shop.unit_code}/{receipts[shop.pk]:06d}",
            buyer_id=visit.traveller_id,
            document_id=visit.entry_crossing.document_id,
            visit=visit,
            sold_at=sold_at,
            side=side,
            total_cny=total,
            total_weight_kg=weight,
            charged_value=charged,
            charged_currency=policy.currency,
            rate_to_cny=rate.rate_to_cny if rate else None,
            recorded_by=clerk,
            state=SaleState.VOIDED if voided else SaleState.RECORDED,
            voided_by=clerk if voided else None,
            voided_at=sold_at + timedelta(minutes=5) if voided else None,
            void_reason="Customer changed their mind" if voided else "",
        )
        if not voided:
            for pk, quantity in asked.items():
                on_hand[pk] -= quantity
            row.value_used += charged
            row.value_used_cny += total
            row.weight_used_kg += weight
        ledger.sales.append(sale)
        made.append((sale, lines))
    AllowanceLedger.objects.bulk_create([ledger.row for ledger in ledgers.values()])
    for ledger in ledgers.values():
        for sale in ledger.sales:
            sale.ledger = ledger.row
    Sale.objects.bulk_create([sale for sale, _ in made])
    for sale, lines in made:
        for line in lines:
            line.sale = sale
    SaleLine.objects.bulk_create([line for _, lines in made for line in lines])
    sold = [Listing(pk=pk, stock_quantity=quantity) for pk, quantity in on_hand.items()]
    Listing.objects.bulk_update(sold, ["stock_quantity"], batch_size=500)
    return len(made)
