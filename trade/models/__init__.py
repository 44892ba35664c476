"""The models of the duty-free trade, by subject: policy data, sales and their ledger, shuttle-trader flags."""

from trade.models.flags import ShuttleTraderFlag, ShuttleTraderPolicy
from trade.models.policy import BASE_CURRENCY, AllowancePolicy, ExchangeRate
from trade.models.sales import AllowanceLedger, Sale, SaleLine

__all__ = [
    "BASE_CURRENCY",
    "AllowanceLedger",
    "AllowancePolicy",
    "ExchangeRate",
    "Sale",
    "SaleLine",
    "ShuttleTraderFlag",
    "ShuttleTraderPolicy",
]
