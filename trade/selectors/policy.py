"""Reads of the trade's policy data for the administrators' pages, and the exchange rate other apps' pages use."""

from datetime import date
from decimal import Decimal

from django.db.models import QuerySet

from horgos.extensions import PriceConversion
from trade.models import AllowancePolicy, ExchangeRate, ShuttleTraderFlag

TENGE = "KZT"
TENGE_SIGN = "₸"


def exchange_rates() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.select_related("entered_by").order_by("currency", "-day")


def allowance_policies() -> QuerySet[AllowancePolicy]:
    return AllowancePolicy.objects.select_related("added_by").order_by("side", "-effective_from")


def shuttle_trader_flags() -> QuerySet[ShuttleTraderFlag]:
    """Each flagged traveller's latest flag, newest first."""
    latest = ShuttleTraderFlag.objects.current().values("pk")
    return ShuttleTraderFlag.objects.filter(pk__in=latest).select_related("traveller", "policy").order_by("-flagged_on")


def tenge_price_conversion(*, day: date) -> PriceConversion | None:
    """CNY to tenge at the latest tenge rate entered for `day` or before (registered in horgos.extensions for the
    catalogue's prices); None while there is none."""
    rate = ExchangeRate.objects.in_force_on(currency=TENGE, day=day)
    if rate is None:
        return None
    return PriceConversion(currency=TENGE, symbol=TENGE_SIGN, units_per_cny=Decimal(1) / rate.rate_to_cny, day=rate.day)
