"""Reads of the allowance: the policy and exchange rate in force, and a person's use of a side's allowance."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crossings.models import Traveller
from crossings.selectors.reference import cached_checkpoint_by_code
from trade import rules
from trade.models import AllowanceLedger, AllowancePolicy, ExchangeRate
from trade.rules import ZERO, AllowanceUse
from trade.selectors.reference import cached_allowance_policy_on, cached_exchange_rate_on

NO_POLICY = _("No allowance policy for the %(side)s side is in force on %(day)s; an administrator must add one.")
MISSING_RATE = _(
    "No %(currency)s exchange rate is entered for %(day)s or before; an administrator must enter it first."
)


def allowance_policy_on(*, side: str, day: date) -> AllowancePolicy:
    policy = cached_allowance_policy_on(side=side, day=day)
    if policy is None:
        raise ValidationError(NO_POLICY, code="no_policy", params={"side": side, "day": day.isoformat()})
    return policy


def exchange_rate_for(policy: AllowancePolicy, *, day: date) -> ExchangeRate | None:
    """The rate that turns CNY into the policy's currency on `day`; None for a policy in CNY. Never a silent 1:1."""
    if not rules.needs_rate(policy):
        return None
    rate = cached_exchange_rate_on(currency=policy.currency, day=day)
    if rate is None:
        raise ValidationError(
            MISSING_RATE, code="missing_rate", params={"currency": policy.currency, "day": day.isoformat()}
        )
    return rate


def allowance_use(*, traveller: Traveller, side: str, at: datetime | None = None) -> AllowanceUse:
    """What `traveller` has used of `side`'s allowance in the period `at` falls in (in the zone of that side's
    checkpoint), what remains, and the duty due on any excess."""
    local_day = cached_checkpoint_by_code(side).local_date(at or timezone.now())
    policy = allowance_policy_on(side=side, day=local_day)
    start = rules.period_start(policy.period, local_day)
    ledger = (
        AllowanceLedger.objects.filter(traveller=traveller, side=side, period_start=start)
        .select_related("policy")
        .first()
    )
    # A period keeps the policy that was in force when it began (its limits are copied on the ledger row).
    policy = ledger.policy if ledger else policy
    value_limit = ledger.value_limit if ledger else policy.value_limit
    weight_limit = ledger.weight_limit_kg if ledger else policy.weight_limit_kg
    value_used = ledger.value_used if ledger else ZERO
    weight_used = ledger.weight_used_kg if ledger else ZERO
    return AllowanceUse(
        side=side,
        period=policy.period,
        period_start=start,
        currency=policy.currency,
        value_limit=value_limit,
        value_used=value_used,
        weight_limit_kg=weight_limit,
        weight_used_kg=weight_used,
        rate=exchange_rate_for(policy, day=local_day),
        duty=rules.duty_due(policy, value=value_used, weight_kg=weight_used),
    )
