"""Reads of the trade's policy data for the administrators' pages."""

from django.db.models import QuerySet

from trade.models import AllowancePolicy, ExchangeRate, ShuttleTraderFlag


def exchange_rates() -> QuerySet[ExchangeRate]:
    return ExchangeRate.objects.select_related("entered_by").order_by("currency", "-day")


def allowance_policies() -> QuerySet[AllowancePolicy]:
    return AllowancePolicy.objects.select_related("added_by").order_by("side", "-effective_from")


def shuttle_trader_flags() -> QuerySet[ShuttleTraderFlag]:
    """Each flagged traveller's latest flag, newest first."""
    latest = ShuttleTraderFlag.objects.current().values("pk")
    return ShuttleTraderFlag.objects.filter(pk__in=latest).select_related("traveller", "policy").order_by("-flagged_on")
