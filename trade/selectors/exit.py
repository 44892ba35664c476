"""What the officer sees of trade when a traveller leaves: their use of the allowance of the side they exit into,
any excess with the duty due, and a shuttle-trader flag (registered with horgos.extensions in TradeConfig.ready)."""

from datetime import datetime

from django.core.exceptions import ValidationError

from crossings.models import Traveller
from horgos.extensions import Panel
from trade.models import ShuttleTraderFlag
from trade.selectors.sales import allowance_at_exit


def trade_exit_panel(*, traveller: Traveller, side: str, at: datetime | None = None) -> Panel:
    flag = (
        ShuttleTraderFlag.objects.filter(traveller=traveller).select_related("policy").order_by("-flagged_on").first()
    )
    try:
        use = allowance_at_exit(traveller=traveller, side=side, at=at)
    except ValidationError as error:  # no policy, or no exchange rate: say so rather than show a wrong figure
        return Panel(
            name="allowance",
            template="trade/_exit_panel.html",
            context={"problem": " ".join(error.messages), "flag": flag},
            data={"problem": " ".join(error.messages), "shuttle_trader": flag.explanation if flag else None},
        )
    data = use.as_data()
    data["shuttle_trader"] = flag.explanation if flag else None
    return Panel(name="allowance", template="trade/_exit_panel.html", context={"use": use, "flag": flag}, data=data)
