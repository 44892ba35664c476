"""The models of the duty-free trade, by subject: policy data, sales and their ledger, shuttle-trader flags,
onward shipments, and the statistics filled nightly from them."""

from trade.models.flags import ShuttleTraderFlag, ShuttleTraderPolicy
from trade.models.policy import BASE_CURRENCY, AllowancePolicy, ExchangeRate
from trade.models.sales import AllowanceLedger, Sale, SaleLine
from trade.models.shipments import FORWARD_STEPS, Shipment, ShipmentEvent, ShipmentLine
from trade.models.statistics import (
    DailyAllowanceUse,
    DailySaleCount,
    DailyShipmentCount,
    DailyShopSaleCount,
    TradeStatisticsDirtyDay,
    TradeStatisticsFillState,
)

__all__ = [
    "BASE_CURRENCY",
    "FORWARD_STEPS",
    "AllowanceLedger",
    "AllowancePolicy",
    "DailyAllowanceUse",
    "DailySaleCount",
    "DailyShipmentCount",
    "DailyShopSaleCount",
    "ExchangeRate",
    "Sale",
    "SaleLine",
    "Shipment",
    "ShipmentEvent",
    "ShipmentLine",
    "ShuttleTraderFlag",
    "ShuttleTraderPolicy",
    "TradeStatisticsDirtyDay",
    "TradeStatisticsFillState",
]
