"""Policy data of the trade, changed by administrators only and audited: allowance policies and exchange rates."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from horgos.audit import audit_record
from horgos.choices import AuditAction, Role
from horgos.errors import constraint_messages
from horgos.models import User
from horgos.roles import require_role
from trade.models import AllowancePolicy, ExchangeRate

POLICY_DAY_TAKEN = _("A policy for this side already takes effect on that day.")


@transaction.atomic
def allowance_policy_add(
    *,
    side: str,
    effective_from: date,
    period: str,
    currency: str,
    value_limit: Decimal,
    acting_user: User | None,
    weight_limit_kg: Decimal | None = None,
    duty_rate: Decimal = Decimal("0"),
    duty_minimum_per_kg: Decimal = Decimal("0"),
) -> AllowancePolicy:
    """A new policy for `side` from `effective_from` on (earlier periods keep theirs). `acting_user` None: the
    reference data loader."""
    if acting_user is not None:
        require_role(acting_user, Role.ADMINISTRATOR)
    policy = AllowancePolicy(
        side=side,
        effective_from=effective_from,
        period=period,
        currency=currency.upper(),
        value_limit=value_limit,
        weight_limit_kg=weight_limit_kg,
        duty_rate=duty_rate,
        duty_minimum_per_kg=duty_minimum_per_kg,
        added_by=acting_user,
    )
    policy.full_clean(validate_constraints=False)
    with constraint_messages({"allowance_policy_one_per_side_and_day": {"effective_from": POLICY_DAY_TAKEN}}):
        policy.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.ALLOWANCE_POLICY_ADD,
        target=policy,
        changes={"side": side, "effective_from": effective_from, "value_limit": value_limit, "currency": currency},
    )
    return policy


@transaction.atomic
def exchange_rate_set(*, currency: str, day: date, rate_to_cny: Decimal, acting_user: User | None) -> ExchangeRate:
    """Enter (or correct) the rate of `currency` from `day` on; the sales already recorded keep the rate they used."""
    if acting_user is not None:
        require_role(acting_user, Role.ADMINISTRATOR)
    currency = currency.strip().upper()
    rate = ExchangeRate.objects.select_for_update(of=("self",)).filter(currency=currency, day=day).first()
    before = rate.rate_to_cny if rate else None
    if rate is None:
        rate = ExchangeRate(currency=currency, day=day)
    rate.rate_to_cny = rate_to_cny
    rate.entered_by = acting_user
    rate.full_clean(validate_constraints=False)
    with constraint_messages({"exchange_rate_one_per_currency_and_day": {"day": _("Try again: entered just now.")}}):
        rate.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.EXCHANGE_RATE_SET,
        target=rate,
        changes={"currency": currency, "day": day, "rate_to_cny": {"before": before, "after": rate_to_cny}},
    )
    return rate
