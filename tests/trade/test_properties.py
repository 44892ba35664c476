"""Properties of the duty-free allowance arithmetic, over many drawn cases (hypothesis): what remains and what is over
the limit, the duty on an excess, money turned into the allowance's currency and back, and sales recorded and voided
against one buyer's allowance in any order (DESIGN.md sections 1 and 4)."""

from datetime import date
from decimal import Decimal

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.crossings.conftest import beijing
from tests.trade.conftest import enter, sell
from trade import rules
from trade.models import AllowanceLedger, AllowancePolicy, ExchangeRate
from trade.rules import CENT, AllowanceUse
from trade.selectors.allowance import allowance_use
from trade.services.sales import AllowanceExceeded, sale_void

pytestmark = pytest.mark.django_db

ONCE_PER_TEST = settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])


def amounts(max_cents: int = 2_000_000, min_cents: int = 0):
    """Money to the cent."""
    return st.integers(min_value=min_cents, max_value=max_cents).map(lambda cents: Decimal(cents) / 100)


def weights(max_grams: int = 200_000):
    return st.integers(min_value=0, max_value=max_grams).map(lambda grams: Decimal(grams) / 1000)


rates = st.integers(min_value=10_000, max_value=1_000_000_000).map(lambda micro: Decimal(micro) / 1_000_000)


def _rate(rate_to_cny: Decimal) -> ExchangeRate:
    return ExchangeRate(currency="EUR", day=date(2026, 1, 1), rate_to_cny=rate_to_cny)


# --- plain arithmetic -------------------------------------------------------------------------------------------


@given(limit=amounts(), used=amounts(), weight_limit=st.none() | weights(), weight_used=weights())
def test_what_remains_and_what_is_over_are_never_negative_and_add_up(limit, used, weight_limit, weight_used):
    use = AllowanceUse(
        side="KZ",
        period="month",
        period_start=date(2026, 5, 1),
        currency="CNY",
        value_limit=limit,
        value_used=used,
        weight_limit_kg=weight_limit,
        weight_used_kg=weight_used,
        rate=None,
        duty=Decimal("0"),
    )
    assert use.value_remaining >= 0 and use.excess_value >= 0
    assert use.value_remaining - use.excess_value == limit - used
    assert min(use.value_remaining, use.excess_value) == 0
    if weight_limit is None:
        assert use.weight_remaining_kg is None
    else:
        assert use.weight_remaining_kg == max(weight_limit - weight_used, 0)


def _kazakh_policy(value_limit, weight_limit, duty_rate, minimum_per_kg) -> AllowancePolicy:
    return AllowancePolicy(
        side="KZ",
        period="month",
        currency="EUR",
        value_limit=value_limit,
        weight_limit_kg=weight_limit,
        duty_rate=duty_rate,
        duty_minimum_per_kg=minimum_per_kg,
    )


policies = st.builds(
    _kazakh_policy,
    value_limit=amounts(max_cents=500_000, min_cents=1),
    weight_limit=st.none() | weights(max_grams=100_000),
    duty_rate=st.integers(min_value=1, max_value=10_000).map(lambda basis: Decimal(basis) / 10_000),
    minimum_per_kg=amounts(max_cents=10_000, min_cents=1),
)


@given(policy=policies, value=amounts(), weight=weights(), more_value=amounts(), more_weight=weights())
def test_duty_is_due_only_above_the_allowance_and_grows_with_the_goods(policy, value, weight, more_value, more_weight):
    duty = rules.duty_due(policy, value=value, weight_kg=weight)
    within = value <= policy.value_limit and (policy.weight_limit_kg is None or weight <= policy.weight_limit_kg)
    assert duty >= 0
    assert duty == duty.quantize(CENT)
    # Nothing is due within the allowance
    if within:
        assert duty == 0
    # More goods never cost less duty
    assert rules.duty_due(policy, value=value + more_value, weight_kg=weight + more_weight) >= duty
    # At least the rate on the excess value, and the minimum per kilogram over the weight limit
    excess_kg = max(weight - policy.weight_limit_kg, 0) if policy.weight_limit_kg is not None else 0
    assert duty >= (max(value - policy.value_limit, 0) * policy.duty_rate).quantize(CENT) - CENT
    assert duty >= (excess_kg * policy.duty_minimum_per_kg).quantize(CENT) - CENT


@given(remaining=amounts(max_cents=1_000_000), rate=rates)
def test_what_remains_said_in_cny_always_fits_what_remains(remaining, rate):
    # A shop told "CNY x remains" sells for CNY x: in the allowance's currency it is never more than what remained.
    in_cny = rules.into_cny(remaining, _rate(rate))
    assert in_cny >= 0
    assert rules.into_allowance_currency(in_cny, _rate(rate)) <= remaining
    # and the rounding keeps back less than a fen
    assert 0 <= remaining * rate - in_cny < CENT


@given(amount=amounts())
def test_an_allowance_in_cny_takes_amounts_as_they_are(amount):
    assert rules.into_allowance_currency(amount, None) == amount == rules.into_cny(amount, None)


# --- sales against one buyer's allowance ---------------------------------------------------------------------------


@pytest.fixture
def trade_at_noon(trade, at):
    """The trade fixture in the middle of the Chinese day and the Kazakh month, both checkpoints open."""
    at(beijing(2026, 5, 12, 12, 0))
    return trade


# Sales of one kettle (2 kg) at a drawn price, or of a drawn number of stickers (1 g each, CNY 0.01).
sales = st.lists(
    st.one_of(
        amounts(max_cents=600_000, min_cents=1).map(lambda price: ("kettle", 1, price)),
        st.integers(min_value=1, max_value=16).map(lambda count: ("sticker", count, None)),  # 100 in stock
    ),
    min_size=1,
    max_size=6,
)


def _record_each(trade, drawn, side: str) -> tuple[list, int]:
    """Record the drawn sales one after the other, each refused exactly when it does not fit what remains: the sales
    recorded, and how many were refused."""
    recorded, refused = [], 0
    for listing, quantity, price in drawn:
        item = getattr(trade, listing)
        total_cny = (price or item.price) * quantity
        use = allowance_use(traveller=trade.passport.traveller, side=side)
        charged = rules.into_allowance_currency(total_cny, use.rate)
        fits = charged <= use.value_remaining and (
            use.weight_limit_kg is None or item.unit_weight_kg * quantity <= use.weight_remaining_kg
        )
        try:
            recorded.append(sell(trade, (item, quantity, *((str(price),) if price is not None else ()))))
        except AllowanceExceeded:
            refused += 1
            assert not fits, (total_cny, use)
        else:
            assert fits, (total_cny, use)
            assert recorded[-1].charged_value == charged
        _assert_ledger_is_the_sum_of_its_sales_and_within_the_limit()
    return recorded, refused


def _assert_ledger_is_the_sum_of_its_sales_and_within_the_limit() -> None:
    for ledger in AllowanceLedger.objects.all():
        live = ledger.sales.filter(state="recorded")
        assert ledger.value_used == sum((sale.charged_value for sale in live), Decimal("0"))
        assert ledger.weight_used_kg == sum((sale.total_weight_kg for sale in live), Decimal("0"))
        assert 0 <= ledger.value_used <= ledger.value_limit
        assert ledger.weight_limit_kg is None or 0 <= ledger.weight_used_kg <= ledger.weight_limit_kg


@settings(ONCE_PER_TEST, max_examples=20)
@given(checkpoint=st.sampled_from(["CN", "KZ"]), drawn=sales, data=st.data())
def test_sales_in_any_order_never_pass_the_limit_and_voids_give_everything_back(trade_at_noon, checkpoint, drawn, data):
    trade = trade_at_noon
    in_any_order = data.draw(st.permutations(drawn))
    outcomes = []
    for order in (drawn, in_any_order):
        with transaction.atomic():
            # Given the buyer inside through the checkpoint (whose side's allowance the sales count against)
            enter(trade, checkpoint)
            limit = allowance_use(traveller=trade.passport.traveller, side=checkpoint).value_limit
            # When shops sell to them in this order (each refused exactly when it does not fit)
            recorded, refused = _record_each(trade, order, checkpoint)
            charged = sorted(sale.charged_value for sale in recorded)
            # Then voiding every sale gives the whole allowance back
            for sale in recorded:
                sale_void(sale=sale, reason="Property", acting_user=trade.clerks[0])
            _assert_ledger_is_the_sum_of_its_sales_and_within_the_limit()
            assert allowance_use(traveller=trade.passport.traveller, side=checkpoint).value_used == 0
            transaction.set_rollback(True)
        outcomes.append((charged, refused))
    # Sales that fit together pass together, in whatever order they come, and use the same part of the allowance
    (first_charged, first_refused), (second_charged, second_refused) = outcomes
    if not first_refused or not second_refused:
        assert first_charged == second_charged and first_refused == second_refused == 0
        assert sum(first_charged) <= limit
