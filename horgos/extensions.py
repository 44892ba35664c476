"""Where a later app adds to an earlier one's pages and answers, without the earlier one importing it.

Dependencies point one way (trade → crossings → horgos), yet the lane desk's exit, a crossings page, must show what
trade knows of the traveller (their duty-free allowance, a shuttle-trader flag). Trade registers a provider here
when it starts (its AppConfig.ready); crossings asks here for whatever is registered. Each provider returns an
`ExitPanel`, or None when it has nothing to say about this traveller.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any


@dataclass(frozen=True)
class ExitPanel:
    """One app's part of the exit: `template` renders `context` on the desk; `data` goes into the API's answer
    under `name`."""

    name: str
    template: str
    context: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)


ExitPanelProvider = Callable[..., ExitPanel | None]
_exit_panel_providers: list[ExitPanelProvider] = []


def register_exit_panel(provider: ExitPanelProvider) -> ExitPanelProvider:
    """Add a provider, called as `provider(traveller=..., side=..., at=...)`; registering one twice is harmless."""
    if provider not in _exit_panel_providers:
        _exit_panel_providers.append(provider)
    return provider


def exit_panels(*, traveller, side: str, at: datetime | None = None) -> list[ExitPanel]:
    """The panels every registered app has for a traveller leaving into `side` (a checkpoint code)."""
    panels = (provider(traveller=traveller, side=side, at=at) for provider in _exit_panel_providers)
    return [panel for panel in panels if panel is not None]
