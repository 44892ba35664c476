from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TradeConfig(AppConfig):
    name = "trade"
    verbose_name = _("Duty-free trade")

    def ready(self) -> None:
        # The lane desk (crossings) shows trade's part of an exit without importing trade: see horgos.extensions.
        from horgos.extensions import register_exit_panel
        from trade.selectors.exit import trade_exit_panel

        register_exit_panel(trade_exit_panel)
