"""Trade's reference data as every sale reads it, cached: the allowance policies and the exchange rates in force.

A sale reads both and they change a few times a year (a rate once a day at most), so each process keeps them in
memory under the zone's reference version (crossings.selectors.reference): a save or delete of a policy or rate
(services, the admin, the loaders: model signals connected in `trade.apps`; bulk writes call
`reference_data_changed()` themselves) names a new version at once and again on commit, and every process reloads
before its next sale. The policies are loaded whole (a handful of rows); a rate is looked up once per currency and
day in each version. When the shared cache is out of reach, nothing is cached: each read goes to the database.
"""

import copy
from dataclasses import dataclass, field
from datetime import date

from crossings.selectors.reference import kept_under_version
from trade.models import AllowancePolicy, ExchangeRate


@dataclass
class TradeReference:
    policies: dict[str, list[AllowancePolicy]] = field(default_factory=dict)  # by side, latest first
    rates: dict[tuple[str, date], ExchangeRate | None] = field(default_factory=dict)  # as looked up so far


_loaded: dict[str, TradeReference] = {}  # version -> data (one entry: this process's copy)


def _load() -> TradeReference:
    data = TradeReference()
    for policy in AllowancePolicy.objects.order_by("-effective_from"):
        data.policies.setdefault(policy.side, []).append(policy)
    return data


def trade_reference() -> TradeReference:
    """This process's copy, reloaded when the zone's reference version is no longer the one it was loaded under."""
    return kept_under_version(_loaded, _load)


def cached_allowance_policy_on(*, side: str, day: date) -> AllowancePolicy | None:
    """As `AllowancePolicy.objects.in_force_on` (a copy: the caller may change it freely)."""
    policies = trade_reference().policies.get(side, [])
    policy = next((policy for policy in policies if policy.effective_from <= day), None)
    return copy.copy(policy) if policy is not None else None


def cached_exchange_rate_on(*, currency: str, day: date) -> ExchangeRate | None:
    """As `ExchangeRate.objects.in_force_on` (a copy), read once per currency and day in each version."""
    rates = trade_reference().rates
    if (currency, day) not in rates:
        rates[currency, day] = ExchangeRate.objects.in_force_on(currency=currency, day=day)
    rate = rates[currency, day]
    return copy.copy(rate) if rate is not None else None
