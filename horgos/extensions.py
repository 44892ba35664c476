"""Where a later app adds to an earlier one's pages and answers, without the earlier one importing it.

Dependencies point one way (trade → crossings → horgos), yet crossings pages must show what trade knows: the lane
desk's exit shows the traveller's duty-free allowance and a shuttle-trader flag, the statistics page the trade's
figures; the merchants' public catalogue shows a CNY price's approximate value in tenge at trade's exchange rate.
Trade registers providers here when it starts (its AppConfig.ready); crossings and merchants ask here for whatever
is registered. Each provider returns a `Panel` (or a `PriceConversion`), or None when it has nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any


@dataclass(frozen=True)
class Panel:
    """One app's part of another's page: `template` renders `context` there; `data` goes into the API's answer under
    `name`."""

    name: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


PanelProvider = Callable[..., Panel | None]
_exit_panel_providers: list[PanelProvider] = []
_statistics_panel_providers: list[PanelProvider] = []


def register_exit_panel(provider: PanelProvider) -> PanelProvider:
    """Add a provider, called as `provider(traveller=..., side=..., at=...)`; registering one twice is harmless."""
    if provider not in _exit_panel_providers:
        _exit_panel_providers.append(provider)
    return provider


def exit_panels(*, traveller, side: str, at: datetime | None = None) -> list[Panel]:
    """The panels every registered app has for a traveller leaving into `side` (a checkpoint code)."""
    panels = (provider(traveller=traveller, side=side, at=at) for provider in _exit_panel_providers)
    return [panel for panel in panels if panel is not None]


def register_statistics_panel(provider: PanelProvider) -> PanelProvider:
    """Add a provider for the statistics page, called as `provider(as_of=..., checkpoint=...)`."""
    if provider not in _statistics_panel_providers:
        _statistics_panel_providers.append(provider)
    return provider


def statistics_panels(*, as_of, checkpoint=None) -> list[Panel]:
    """The panels every registered app has for the statistics page of `as_of` (one checkpoint, or the zone)."""
    panels = (provider(as_of=as_of, checkpoint=checkpoint) for provider in _statistics_panel_providers)
    return [panel for panel in panels if panel is not None]


@dataclass(frozen=True)
class PriceConversion:
    """What a CNY price is worth in another currency at a rate of `day`: shown as approximate beside the price."""

    currency: str
    symbol: str
    units_per_cny: Decimal
    day: date

    def convert(self, amount_cny: Decimal) -> Decimal:
        """The amount in whole units of the currency (approximate, so no fraction is shown)."""
        return (amount_cny * self.units_per_cny).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


PriceConversionProvider = Callable[..., PriceConversion | None]
_price_conversion_providers: list[PriceConversionProvider] = []


def register_price_conversion(provider: PriceConversionProvider) -> PriceConversionProvider:
    """Add a provider, called as `provider(day=...)`; it returns None when it knows no rate for that day."""
    if provider not in _price_conversion_providers:
        _price_conversion_providers.append(provider)
    return provider


def price_conversions(*, day: date) -> list[PriceConversion]:
    """The conversions every registered app offers on `day` (the merchants' catalogue shows prices with them)."""
    conversions = (provider(day=day) for provider in _price_conversion_providers)
    return [conversion for conversion in conversions if conversion is not None]
