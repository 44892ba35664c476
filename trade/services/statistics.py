"""Filling the trade statistics: one (side, local day) at a time, each replaced in one transaction.

Only recorded sales count (a voided sale counts nowhere). A side's day runs from midnight to midnight in the zone of
that side's checkpoint; which side's clock each table follows is said in trade.models.statistics.
`trade_statistics_fill` fills every day from the last filled one up to yesterday (the side's yesterday) and every
day marked dirty; a re-run, a crash halfway or two runs at once give the same rows, because a day is deleted and
written again under a transaction-level advisory lock of its side.
"""

from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, DurationField, ExpressionWrapper, F, Min, Q, Sum
from django.utils import timezone

from crossings.choices import CheckpointCode
from crossings.models import Checkpoint
from horgos.statistics import advance_fill_state, days_between, days_to_fill, lock_until_commit
from trade.models import (
    DailyAllowanceUse,
    DailySaleCount,
    DailyShipmentCount,
    DailyShopSaleCount,
    Sale,
    SaleLine,
    Shipment,
    TradeStatisticsDirtyDay,
    TradeStatisticsFillState,
)
from trade.selectors.figures import trade_last_filled_day, trade_overview, trade_statistics_changed

# The advisory lock's first key: "trade statistics" as a number (any constant other than the traffic statistics'
# 0x5747; only these runs take it). The second key is the side's checkpoint id.
TRADE_STATISTICS_LOCK = 0x5754  # "WT"
# Onward shipments belong to no side: they are counted on the Chinese side's clock (see trade.models.statistics).
SHIPMENTS_SIDE = CheckpointCode.CN
SIDE_TABLES = (DailySaleCount, DailyShopSaleCount, DailyAllowanceUse)


def side_checkpoint(side: str) -> Checkpoint:
    """The checkpoint of a side of the zone: its zone is the side's clock."""
    return Checkpoint.objects.get(code=side)


def _fill_sales(side: str, day: date, start: datetime, end: datetime) -> None:
    """The recorded sales of the shops on `side`, sold in its local `day`."""
    sales = Sale.objects.recorded().filter(shop__side=side, sold_at__gte=start, sold_at__lt=end)
    shops = (
        sales.values("shop_id", "shop__merchant__country")
        .annotate(
            sales=Count("id"),
            buyers=Count("buyer_id", distinct=True),
            value=Sum("total_cny"),
            weight=Sum("total_weight_kg"),
        )
        .order_by()
    )
    DailyShopSaleCount.objects.bulk_create(
        DailyShopSaleCount(
            local_date=day,
            side=side,
            shop_id=row["shop_id"],
            merchant_country=row["shop__merchant__country"],
            sales=row["sales"],
            buyers=row["buyers"],
            value_cny=row["value"],
            weight_kg=row["weight"],
        )
        for row in shops
    )
    # Lines, grouped: one receipt has several, so receipts are counted distinct within each cell.
    cells = (
        SaleLine.objects.filter(sale__in=sales)
        .values(
            "sale__shop_id",
            "sale__shop__merchant__country",
            "origin_country",
            "hs_heading__chapter_id",
        )
        .annotate(
            sales=Count("sale", distinct=True),
            units=Sum("quantity"),
            value=Sum("line_total_cny"),
            weight=Sum("line_weight_kg"),
        )
        .order_by()
    )
    DailySaleCount.objects.bulk_create(
        DailySaleCount(
            local_date=day,
            side=side,
            shop_id=cell["sale__shop_id"],
            merchant_country=cell["sale__shop__merchant__country"],
            origin_country=cell["origin_country"],
            hs_chapter_id=cell["hs_heading__chapter_id"],
            sales=cell["sales"],
            units=cell["units"],
            value_cny=cell["value"],
            weight_kg=cell["weight"],
        )
        for cell in cells
    )


def _fill_allowance(side: str, day: date, start: datetime, end: datetime) -> None:
    """The allowance of `side` used by the recorded sales of its local `day`, whichever side their shop is on."""
    uses = (
        Sale.objects.recorded()
        .filter(side=side, sold_at__gte=start, sold_at__lt=end)
        .values("charged_currency")
        .annotate(
            sales=Count("id"),
            buyers=Count("buyer_id", distinct=True),
            charged=Sum("charged_value"),
            value=Sum("total_cny"),
            weight=Sum("total_weight_kg"),
        )
        .order_by()
    )
    DailyAllowanceUse.objects.bulk_create(
        DailyAllowanceUse(
            local_date=day,
            side=side,
            currency=row["charged_currency"],
            sales=row["sales"],
            buyers=row["buyers"],
            charged_value=row["charged"],
            value_cny=row["value"],
            weight_kg=row["weight"],
        )
        for row in uses
    )


def _fill_shipments(day: date, start: datetime, end: datetime) -> None:
    """Shipments declared in the day, and those cleared in it with their clearance time (cleared − declared)."""
    declared = Shipment.objects.filter(declared_at__gte=start, declared_at__lt=end).count()
    cleared = Shipment.objects.filter(cleared_at__gte=start, cleared_at__lt=end).aggregate(
        count=Count("id"),
        time=Sum(ExpressionWrapper(F("cleared_at") - F("declared_at"), output_field=DurationField())),
    )
    if declared or cleared["count"]:
        DailyShipmentCount.objects.create(
            local_date=day,
            declared=declared,
            cleared=cleared["count"],
            clearance_seconds=int(cleared["time"].total_seconds()) if cleared["time"] else 0,
        )


def trade_statistics_fill_day(*, side: str, day: date, advance: bool = False) -> None:
    """Replace every trade statistics row of `side`'s local `day`, in one transaction; the day is no longer dirty,
    and with `advance` the side counts as filled up to it (never moving back)."""
    checkpoint = side_checkpoint(side)
    with transaction.atomic():
        # One run at a time per side: a second one waits here and then writes the same rows again.
        lock_until_commit(TRADE_STATISTICS_LOCK, checkpoint.pk)
        start, end = checkpoint.start_of_local_day(day), checkpoint.start_of_local_day(day + timedelta(days=1))
        for table in SIDE_TABLES:
            table.objects.filter(side=side, local_date=day).delete()
        _fill_sales(side, day, start, end)
        _fill_allowance(side, day, start, end)
        if side == SHIPMENTS_SIDE:
            DailyShipmentCount.objects.filter(local_date=day).delete()
            _fill_shipments(day, start, end)
        TradeStatisticsDirtyDay.objects.filter(side=side, local_date=day).delete()
        if advance:
            advance_fill_state(TradeStatisticsFillState, day, side=side)
        transaction.on_commit(trade_statistics_changed)


def _first_moment(side: str) -> datetime | None:
    """The earliest moment anything counted on `side` happened: its first sale, or its first declaration."""
    moments = [
        Sale.objects.filter(Q(shop__side=side) | Q(side=side)).aggregate(first=Min("sold_at"))["first"],
        Shipment.objects.aggregate(first=Min("declared_at"))["first"] if side == SHIPMENTS_SIDE else None,
    ]
    moments = [moment for moment in moments if moment is not None]
    return min(moments) if moments else None


def _days_to_fill(checkpoint: Checkpoint, until: date) -> list[date]:
    side = checkpoint.code
    state = TradeStatisticsFillState.objects.filter(side=side).first()
    earliest = None
    if state is None:
        moment = _first_moment(side)
        earliest = checkpoint.local_date(moment) if moment else None
    dirty = TradeStatisticsDirtyDay.objects.filter(side=side).values_list("local_date", flat=True)
    return days_to_fill(last_filled=state.last_filled if state else None, earliest=earliest, until=until, dirty=dirty)


def trade_statistics_fill(
    *,
    now: datetime | None = None,
    progress: Callable[[str, date], None] | None = None,
    sides: Iterable[str] | None = None,
) -> int:
    """Fill every side (or those of `sides`) from its last filled local day up to its yesterday, and its dirty days;
    returns how many days were filled. Sides are filled independently: each under its own lock."""
    now = now or timezone.now()
    filled = 0
    checkpoints = Checkpoint.objects.order_by("code")
    for checkpoint in checkpoints if sides is None else checkpoints.filter(code__in=sides):
        yesterday = checkpoint.local_date(now) - timedelta(days=1)
        for day in _days_to_fill(checkpoint, yesterday):
            trade_statistics_fill_day(side=checkpoint.code, day=day, advance=True)
            filled += 1
            if progress is not None:
                progress(checkpoint.code, day)
    return filled


def trade_figures_warm() -> bool:
    """After the nightly run: compute the trade overview as of the last filled day into the cache, so the first
    administrator of the day does not wait seconds for it. False before the first night's statistics."""
    as_of = trade_last_filled_day()
    if as_of is None:
        return False
    trade_overview(as_of)
    return True


def trade_statistics_rebuild(*, first: date, last: date, progress: Callable[[str, date], None] | None = None) -> int:
    """Recompute every day from `first` to `last` (local days) on every side."""
    days = 0
    for side in Checkpoint.objects.order_by("code").values_list("code", flat=True):
        for day in days_between(first, last):
            trade_statistics_fill_day(side=side, day=day)
            days += 1
            if progress is not None:
                progress(side, day)
    return days


def _mark_dirty(state: TradeStatisticsFillState, days: Iterable[date]) -> None:
    TradeStatisticsDirtyDay.objects.bulk_create(
        [TradeStatisticsDirtyDay(side=state.side, local_date=day) for day in set(days) if day <= state.last_filled],
        ignore_conflicts=True,
    )


def trade_statistics_mark_dirty(*, side: str, days: Iterable[date]) -> None:
    """Inside the transaction of a change: mark the local days of `side` it touched that are already filled, so the
    next run recomputes them (days not filled yet will be filled anyway)."""
    state = TradeStatisticsFillState.objects.filter(side=side).first()
    if state is not None:
        _mark_dirty(state, days)


def trade_statistics_mark_moments_dirty(*, side: str, moments: Iterable[datetime]) -> None:
    """As `trade_statistics_mark_dirty`, for the local days of `side` the `moments` fall in."""
    state = TradeStatisticsFillState.objects.filter(side=side).first()
    if state is not None:  # never filled: nothing to recompute (and its checkpoint may not even be loaded yet)
        checkpoint = side_checkpoint(side)
        _mark_dirty(state, [checkpoint.local_date(moment) for moment in moments])


def sale_mark_days_dirty(sale: Sale) -> None:
    """A sale changed (voided): the day of its shop's side and the day of the side its allowance was charged to."""
    trade_statistics_mark_moments_dirty(side=sale.shop.side, moments=[sale.sold_at])
    trade_statistics_mark_moments_dirty(side=sale.side, moments=[sale.sold_at])
