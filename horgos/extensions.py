"""Where a later app adds to an earlier one's pages and answers, without the earlier one importing it.

Dependencies point one way (trade → crossings → horgos), yet crossings pages must show what trade knows: the lane
desk's exit shows the traveller's duty-free allowance and a shuttle-trader flag, the statistics page the trade's
figures. Trade registers providers here when it starts (its AppConfig.ready); crossings asks here for whatever is
registered. Each provider returns a `Panel`, or None when it has nothing to show.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
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
