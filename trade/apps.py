from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradeConfig(AppConfig):
    name = "trade"
    verbose_name = _("Duty-free trade")

    def ready(self) -> None:
        # crossings pages (the desk's exit, the statistics page) show trade's part without importing trade: see
        # horgos.extensions; so does the merchants' catalogue, for prices in tenge at trade's exchange rate.
        from horgos.extensions import register_exit_panel, register_price_conversion, register_statistics_panel
        from trade.selectors.exit import trade_exit_panel
        from trade.selectors.panels import trade_statistics_panel
        from trade.selectors.policy import tenge_price_conversion

        register_exit_panel(trade_exit_panel)
        register_statistics_panel(trade_statistics_panel)
        register_price_conversion(tenge_price_conversion)
        # A sale reads the allowance policies and exchange rates from a per-process cache (trade.selectors.reference)
        # kept under the zone's reference version: every change of either names a new one.
        from crossings.selectors.reference import follow_changes_of
        from trade.models import AllowancePolicy, ExchangeRate

        follow_changes_of(AllowancePolicy, ExchangeRate)
