"""The trade's published figures, read from the trade statistics tables only: sales so far this year against the same
period before, by side and merchant country, the top origins and HS chapters, allowance use by side, and shipments
with their average clearance time."""

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from crossings.selectors.figures import growth_percent, same_day_a_year_before
from horgos.versioned_cache import kept_under_versions, version_rename
from trade.models import (
    DailyAllowanceUse,
    DailySaleCount,
    DailyShipmentCount,
    DailyShopSaleCount,
    TradeStatisticsFillState,
)

TOP = 10
TENTH = Decimal("0.1")


def _between(rows, first: date, last: date):
    return rows.filter(local_date__gte=first, local_date__lte=last)


def sales_totals(first: date, last: date) -> dict:
    """Receipts, value (CNY) and weight (kg) of the recorded sales of the local days from `first` to `last`."""
    totals = _between(DailyShopSaleCount.objects, first, last).aggregate(
        sales=Sum("sales"), value_cny=Sum("value_cny"), weight_kg=Sum("weight_kg")
    )
    return {
        "sales": totals["sales"] or 0,
        "value_cny": totals["value_cny"] or Decimal("0.00"),
        "weight_kg": totals["weight_kg"] or Decimal("0.000"),
    }


def sales_year_to_date(as_of: date) -> dict:
    previous = same_day_a_year_before(as_of)
    current = sales_totals(date(as_of.year, 1, 1), as_of)
    before = sales_totals(date(previous.year, 1, 1), previous)
    return {
        "as_of": as_of,
        "previous_as_of": previous,
        "current": current,
        "previous": before,
        "sales_growth": growth_percent(current["sales"], before["sales"]),
        "value_growth": growth_percent(int(current["value_cny"]), int(before["value_cny"])),
    }


def sales_by(field: str, first: date, last: date, *, limit: int | None = None) -> list[dict]:
    """Value, weight and units by `field` (side, merchant_country, origin_country, hs_chapter__code), largest first."""
    rows = (
        _between(DailySaleCount.objects, first, last)
        .values(field)
        .annotate(value_cny=Sum("value_cny"), weight_kg=Sum("weight_kg"), units=Sum("units"))
        .order_by("-value_cny", field)
    )
    return [{"key": row[field], **row} for row in (rows[:limit] if limit else rows)]


def allowance_use_by_side(first: date, last: date) -> list[dict]:
    return list(
        _between(DailyAllowanceUse.objects, first, last)
        .values("side", "currency")
        .annotate(sales=Sum("sales"), charged_value=Sum("charged_value"), value_cny=Sum("value_cny"))
        .order_by("side", "currency")
    )


def shipments_between(first: date, last: date) -> dict:
    """Shipments declared and cleared on the days, and the average clearance time (hours, one decimal)."""
    totals = _between(DailyShipmentCount.objects, first, last).aggregate(
        declared=Sum("declared"), cleared=Sum("cleared"), seconds=Sum("clearance_seconds")
    )
    cleared = totals["cleared"] or 0
    average = (Decimal(totals["seconds"]) / cleared / 3600).quantize(TENTH, rounding=ROUND_HALF_UP) if cleared else None
    return {"declared": totals["declared"] or 0, "cleared": cleared, "average_clearance_hours": average}


# The trade figures change only when the trade statistics do: each day filled (the nightly run, a dirty day, a
# rebuild) names a new version on commit, and an overview is kept under its version and day. Computing one reads a
# year of daily cells twice over (some 1.2 million rows a year at 2 million sales a year): seconds per page.
OVERVIEW_VERSION_KEY = "trade:statistics-version"
OVERVIEW_SECONDS = 26 * 60 * 60


def trade_statistics_changed() -> None:
    """The trade statistics tables changed: overviews computed before are no longer read."""
    version_rename(OVERVIEW_VERSION_KEY)


def trade_overview(as_of: date) -> dict:
    """Everything the trade statistics page shows for the year of `as_of` up to that day, from the cache when the
    statistics have not changed since it was computed (computed each time when the cache is out of reach)."""
    return kept_under_versions(
        [OVERVIEW_VERSION_KEY],
        f"trade:overview:{as_of.isoformat()}",
        lambda: _trade_overview(as_of),
        seconds=OVERVIEW_SECONDS,
    )


def _trade_overview(as_of: date) -> dict:
    first = date(as_of.year, 1, 1)
    return {
        "ytd": sales_year_to_date(as_of),
        "by_side": sales_by("side", first, as_of),
        "by_merchant_country": sales_by("merchant_country", first, as_of),
        "origins": sales_by("origin_country", first, as_of, limit=TOP),
        "chapters": sales_by("hs_chapter__code", first, as_of, limit=TOP),
        "allowance": allowance_use_by_side(first, as_of),
        "shipments": shipments_between(first, as_of),
    }


def trade_last_filled_day() -> date | None:
    """The latest local day filled on every side (the trade figures are "as of" it)."""
    states = list(TradeStatisticsFillState.objects.values_list("last_filled", flat=True))
    return min(states) if states else None
