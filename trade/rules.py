"""The allowance rules as plain computations (DESIGN.md sections 1 and 4): the period a day falls in, money into
the allowance's currency and back, what remains, and the duty on an excess. They only compute; services write,
selectors read, and both use these."""

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from trade.choices import AllowancePeriod
from trade.models import BASE_CURRENCY, AllowancePolicy, ExchangeRate

CENT = Decimal("0.01")
ZERO = Decimal("0")


def period_start(period: str, local_day: date) -> date:
    """The first day of the allowance period `local_day` falls in: the day itself, or the 1st of its month."""
    return local_day if period == AllowancePeriod.DAY else local_day.replace(day=1)


def into_allowance_currency(amount_cny: Decimal, rate: ExchangeRate | None) -> Decimal:
    """CNY into the allowance's currency at `rate` (None: the allowance is in CNY), to the cent, half up."""
    if rate is None:
        return amount_cny
    return (amount_cny / rate.rate_to_cny).quantize(CENT, rounding=ROUND_HALF_UP)


def into_cny(amount: Decimal, rate: ExchangeRate | None) -> Decimal:
    """An amount of the allowance's currency in CNY, rounded down: a purchase of that many CNY still fits."""
    if rate is None:
        return amount
    return (amount * rate.rate_to_cny).quantize(CENT, rounding=ROUND_DOWN)


def needs_rate(policy: AllowancePolicy) -> bool:
    return policy.currency != BASE_CURRENCY


def duty_due(policy: AllowancePolicy, *, value: Decimal, weight_kg: Decimal) -> Decimal:
    """The duty on goods above the allowance, in the policy's currency: the duty rate of the excess value, at least
    the minimum per kg over the weight limit (Kazakhstan: 30 % of the value over EUR 1,500, at least EUR 4 per kg
    over 50 kg)."""
    excess_value = max(value - policy.value_limit, ZERO)
    excess_kg = max(weight_kg - policy.weight_limit_kg, ZERO) if policy.weight_limit_kg is not None else ZERO
    duty = max(excess_value * policy.duty_rate, excess_kg * policy.duty_minimum_per_kg)
    return duty.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class AllowanceUse:
    """One person's use of one side's allowance in one period, and what remains of it."""

    side: str
    period: str
    period_start: date
    currency: str
    value_limit: Decimal
    value_used: Decimal
    weight_limit_kg: Decimal | None
    weight_used_kg: Decimal
    rate: ExchangeRate | None
    duty: Decimal

    @property
    def value_remaining(self) -> Decimal:
        return max(self.value_limit - self.value_used, ZERO)

    @property
    def value_remaining_cny(self) -> Decimal:
        return into_cny(self.value_remaining, self.rate)

    @property
    def weight_remaining_kg(self) -> Decimal | None:
        return None if self.weight_limit_kg is None else max(self.weight_limit_kg - self.weight_used_kg, ZERO)

    @property
    def excess_value(self) -> Decimal:
        return max(self.value_used - self.value_limit, ZERO)

    @property
    def is_daily(self) -> bool:
        return self.period == AllowancePeriod.DAY

    @property
    def in_base_currency(self) -> bool:
        return self.currency == BASE_CURRENCY

    def as_data(self) -> dict:
        """The figures as the API gives them: decimals as strings, dates in ISO 8601."""

        def text(value):
            return None if value is None else str(value)

        return {
            "side": self.side,
            "period": self.period,
            "period_start": self.period_start.isoformat(),
            "currency": self.currency,
            "value_limit": text(self.value_limit),
            "value_used": text(self.value_used),
            "value_remaining": text(self.value_remaining),
            "value_remaining_cny": text(self.value_remaining_cny),
            "weight_limit_kg": text(self.weight_limit_kg),
            "weight_used_kg": text(self.weight_used_kg),
            "weight_remaining_kg": text(self.weight_remaining_kg),
            "excess_value": text(self.excess_value),
            "duty": text(self.duty),
        }
