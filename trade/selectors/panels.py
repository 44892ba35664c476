"""Trade's parts of crossings pages, registered with horgos.extensions in TradeConfig.ready: the allowance at exit
(trade.selectors.exit) and the trade figures on the statistics page."""

from datetime import date

from horgos.extensions import Panel
from trade.selectors.figures import TOP, trade_last_filled_day, trade_overview

STATISTICS_ORIGINS = 5


def trade_statistics_panel(*, as_of: date, checkpoint=None) -> Panel | None:
    """The zone's duty-free sales so far this year, the top origins and the shipments, beside the traffic figures
    (a checkpoint's page has none: sales belong to the zone's two sides, not to a checkpoint's lanes)."""
    last_filled = trade_last_filled_day()
    if checkpoint is not None or last_filled is None:
        return None
    overview = trade_overview(min(as_of, last_filled))
    origins = overview["origins"][: min(STATISTICS_ORIGINS, TOP)]
    return Panel(
        name="trade",
        template="trade/_statistics_panel.html",
        context={"overview": overview, "origins": origins},
        data={"sales": overview["ytd"]["current"]["sales"], "value_cny": str(overview["ytd"]["current"]["value_cny"])},
    )
