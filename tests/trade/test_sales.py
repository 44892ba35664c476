"""Duty-free sales against the buyer's allowance (DESIGN.md sections 1 and 4)."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from crossings.services.crossings import crossing_record_exit
from horgos.models import AuditEntry
from merchants.choices import ListingState, MerchantState, ShopState
from merchants.models import Listing, Merchant, Shop
from tests.crossings.conftest import almaty, beijing
from tests.trade.conftest import enter, sell
from trade import rules
from trade.choices import SaleState
from trade.models import AllowanceLedger, AllowancePolicy, ExchangeRate, Sale
from trade.selectors.allowance import allowance_use
from trade.services.sales import AllowanceExceeded, SaleLineInput, sale_record, sale_void

pytestmark = pytest.mark.django_db


def test_a_sale_at_the_limit_passes_and_one_fen_more_is_refused(trade, at):
    # Given a buyer inside through the Chinese checkpoint (CNY 8,000 a local day)
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    # When shops sell exactly CNY 8,000.00
    sale = sell(trade, (trade.kettle, 8))
    assert (sale.total_cny, sale.side, sale.charged_value) == (Decimal("8000.00"), "CN", Decimal("8000.00"))
    # Then one fen more is refused, saying that nothing remains, and nothing is written
    with pytest.raises(AllowanceExceeded) as refused:
        sell(trade, (trade.sticker, 1))
    assert refused.value.remaining == {
        "remaining_cny": Decimal("0.00"),
        "currency": "CNY",
        "remaining": Decimal("0.00"),
    }
    assert "CNY 0.00" in refused.value.messages[0] and "CNY 0.01" in refused.value.messages[0]
    assert Sale.objects.count() == 1
    assert AllowanceLedger.objects.get().value_used == Decimal("8000.00")


def test_one_fen_over_the_limit_is_refused_with_what_remains(trade, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sell(trade, (trade.kettle, 7))
    with pytest.raises(AllowanceExceeded) as refused:
        sell(trade, (trade.kettle, 1, "1000.01"))
    assert refused.value.remaining["remaining_cny"] == Decimal("1000.00")
    assert "CNY 1,000.00" in refused.value.messages[0]


def test_the_chinese_day_ends_at_midnight_beijing_time(trade, at):
    at(beijing(2026, 5, 12, 23, 59))
    enter(trade)
    sell(trade, (trade.kettle, 8))
    with pytest.raises(AllowanceExceeded):
        sell(trade, (trade.sticker, 1))
    at(beijing(2026, 5, 13, 0, 0))
    assert sell(trade, (trade.kettle, 8)).ledger.period_start.isoformat() == "2026-05-13"


def test_the_kazakh_month_ends_at_midnight_almaty_time(trade, at):
    # Given a buyer who entered through the Kazakh checkpoint: EUR 1,500 and 50 kg a calendar month, Almaty time
    at(almaty(2026, 5, 31, 9, 0))
    enter(trade, checkpoint="KZ")
    # CNY 11,000 at 7.8 CNY per EUR is EUR 1,410.26 of the 1,500
    sell(trade, (trade.kettle, 11))
    at(almaty(2026, 5, 31, 23, 59))
    with pytest.raises(AllowanceExceeded) as refused:
        sell(trade, (trade.kettle, 1))
    # EUR 89.74 remain, which is CNY 699.97 at the day's rate (rounded down: a purchase of that much fits)
    assert refused.value.remaining == {
        "remaining_cny": Decimal("699.97"),
        "currency": "EUR",
        "remaining": Decimal("89.74"),
        "remaining_kg": Decimal("28.000"),
    }
    # At midnight in Almaty (03:00 in Beijing) June begins
    at(almaty(2026, 6, 1, 0, 0))
    sale = sell(trade, (trade.kettle, 1))
    assert sale.ledger.period_start.isoformat() == "2026-06-01"


def test_fifty_kilograms_a_month_on_the_kazakh_side(trade, at):
    at(almaty(2026, 5, 12, 9, 0))
    enter(trade, checkpoint="KZ")
    sell(trade, (trade.kettle, 1, "1.00"), (trade.kettle, 24, "1.00"))  # 50 kg for CNY 25
    with pytest.raises(AllowanceExceeded) as refused:
        sell(trade, (trade.sticker, 1))  # one gram more
    assert refused.value.remaining["remaining_kg"] == Decimal("0.000")
    assert "0 kg" in refused.value.messages[0]


@pytest.mark.parametrize(
    ("value", "weight", "duty"),
    [
        ("1500.00", "50", "0.00"),  # at the allowance: nothing due
        ("2000.00", "40", "150.00"),  # 30 % of EUR 500 over
        ("1500.00", "60", "40.00"),  # 10 kg over: at least EUR 4 per kg
        ("1600.00", "80", "120.00"),  # 30 % of 100 is 30, less than 30 kg × 4
        ("3000.00", "51", "450.00"),  # 30 % of 1,500 is more than 1 kg × 4
    ],
)
def test_duty_on_an_excess_is_thirty_percent_at_least_four_euro_a_kilogram(trade, value, weight, duty):
    policy = AllowancePolicy.objects.get(side="KZ")
    assert rules.duty_due(policy, value=Decimal(value), weight_kg=Decimal(weight)) == Decimal(duty)


def test_a_missing_rate_refuses_the_sale_naming_it(trade, at):
    ExchangeRate.objects.all().delete()
    at(almaty(2026, 5, 12, 9, 0))
    enter(trade, checkpoint="KZ")
    with pytest.raises(ValidationError, match="No EUR exchange rate is entered for 2026-05-12"):
        sell(trade, (trade.kettle, 1))
    assert not Sale.objects.exists()
    assert not AllowanceLedger.objects.exists()


def test_the_rate_used_is_the_latest_on_or_before_the_sales_local_day(trade, at):
    from trade.services.policy import exchange_rate_set

    exchange_rate_set(currency="EUR", day=beijing(2026, 5, 13, 0, 0).date(), rate_to_cny=Decimal("8"), acting_user=None)
    at(almaty(2026, 5, 12, 18, 0))
    enter(trade, checkpoint="KZ")
    at(almaty(2026, 5, 12, 23, 0))  # 02:00 on the 13th in Beijing, still the 12th in Almaty
    assert sell(trade, (trade.kettle, 1)).rate_to_cny == Decimal("7.800000")
    at(almaty(2026, 5, 13, 9, 0))
    assert sell(trade, (trade.kettle, 1)).rate_to_cny == Decimal("8.000000")


def test_voiding_gives_the_allowance_back_to_the_sales_own_period(trade, at):
    at(beijing(2026, 5, 12, 22, 0))
    enter(trade)
    first = sell(trade, (trade.kettle, 8))
    at(beijing(2026, 5, 13, 10, 0))
    sell(trade, (trade.kettle, 3))
    sale_void(sale=first, reason="Customer returned the kettles", acting_user=trade.clerks[0])
    ledgers = {ledger.period_start.isoformat(): ledger.value_used for ledger in AllowanceLedger.objects.all()}
    assert ledgers == {"2026-05-12": Decimal("0.00"), "2026-05-13": Decimal("3000.00")}
    first.refresh_from_db()
    assert (first.state, first.voided_by) == (SaleState.VOIDED, trade.clerks[0])
    with pytest.raises(ValidationError, match="already been voided"):
        sale_void(sale=first, reason="again", acting_user=trade.clerks[0])
    assert AuditEntry.objects.filter(action="sale.void").count() == 1


def test_a_void_needs_a_reason_and_the_selling_merchants_staff(trade, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sale = sell(trade, (trade.kettle, 1))
    with pytest.raises(ValidationError, match="reason"):
        sale_void(sale=sale, reason=" ", acting_user=trade.clerks[0])
    with pytest.raises(PermissionDenied):
        sale_void(sale=sale, reason="Mistake", acting_user=trade.clerks[1])
    assert Sale.objects.get().state == SaleState.RECORDED


def suspend_merchant(trade):
    Merchant.objects.filter(pk=trade.shops[0].merchant_id).update(state=MerchantState.SUSPENDED, state_reason="Audit")


def close_shop(trade):
    Shop.objects.filter(pk=trade.shops[0].pk).update(state=ShopState.CLOSED)


def withdraw_listing(trade):
    Listing.objects.filter(pk=trade.kettle.pk).update(state=ListingState.SUBMITTED)


@pytest.mark.parametrize(
    ("breakage", "message"),
    [(suspend_merchant, "not approved"), (close_shop, "closed"), (withdraw_listing, "not approved for sale")],
)
def test_a_suspended_merchant_a_closed_shop_or_an_unapproved_listing_cannot_sell(trade, at, breakage, message):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    breakage(trade)
    trade.kettle.refresh_from_db()
    with pytest.raises(ValidationError, match=message):
        sell(trade, (trade.kettle, 1))
    assert not Sale.objects.exists()


def test_a_listing_of_another_merchant_cannot_be_sold(trade, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    with pytest.raises(ValidationError, match="not a listing of your merchant"):
        sell(trade, (trade.kettle_b, 1))


def test_another_merchants_clerk_cannot_sell_in_the_shop(trade, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    with pytest.raises(PermissionDenied):
        sale_record(
            shop=trade.shops[0],
            document=trade.passport,
            receipt_number="X-1",
            lines=[SaleLineInput(trade.kettle, 1)],
            acting_user=trade.clerks[1],
        )


def test_a_buyer_not_inside_the_zone_is_refused(trade, at):
    at(beijing(2026, 5, 12, 10, 0))
    with pytest.raises(ValidationError, match="not inside the zone"):
        sell(trade, (trade.kettle, 1))
    enter(trade)
    at(beijing(2026, 5, 12, 18, 0))
    crossing_record_exit(
        document=trade.passport, lane=trade.zone.lane("CN", "X-F01"), acting_user=trade.zone.cn_officer
    )
    with pytest.raises(ValidationError, match="not inside the zone"):
        sell(trade, (trade.kettle, 1))


def test_receipt_numbers_are_unique_per_shop(trade, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sell(trade, (trade.kettle, 1), receipt="0001")
    with pytest.raises(ValidationError, match="already has a receipt"):
        sell(trade, (trade.kettle, 1), receipt="0001")
    assert sell(trade, (trade.kettle_b, 1), shop=1, receipt="0001").receipt_number == "0001"
    assert AllowanceLedger.objects.get().value_used == Decimal("2000.00")


def test_the_allowance_use_shows_what_remains(trade, at):
    at(almaty(2026, 5, 12, 9, 0))
    enter(trade, checkpoint="KZ")
    sell(trade, (trade.kettle, 3))
    use = allowance_use(traveller=trade.passport.traveller, side="KZ")
    assert (use.value_used, use.value_remaining, use.weight_remaining_kg) == (
        Decimal("384.62"),
        Decimal("1115.38"),
        Decimal("44.000"),
    )
    assert use.value_remaining_cny == Decimal("8699.96")
    assert use.duty == Decimal("0.00")


@pytest.mark.django_db(transaction=True)
def test_twenty_shops_selling_to_one_buyer_at_once_never_pass_the_limit(trade, at):
    # Given a buyer with CNY 8,000 for the day and 20 concurrent sales of CNY 1,000 from the two merchants' shops
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    barrier = threading.Barrier(20)
    outcomes = []

    def sell_one(number):
        shop = number % 2
        try:
            barrier.wait(timeout=20)
            sale_record(
                shop=trade.shops[shop],
                document=trade.passport,
                receipt_number=f"T-{number}",
                lines=[SaleLineInput(trade.kettle if shop == 0 else trade.kettle_b, 1)],
                acting_user=trade.clerks[shop],
            )
            outcomes.append("sold")
        except AllowanceExceeded as refused:
            outcomes.append(refused.remaining["remaining_cny"])
        finally:
            connection.close()

    threads = [threading.Thread(target=sell_one, args=(number,)) for number in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Then exactly eight pass, the other twelve are refused saying nothing remains, and the ledger is at the limit
    assert outcomes.count("sold") == 8
    assert sorted(outcome for outcome in outcomes if outcome != "sold") == [Decimal("0.00")] * 12
    assert AllowanceLedger.objects.get().value_used == Decimal("8000.00")
    assert Sale.objects.count() == 8


def test_the_exit_panel_shows_use_remains_and_duty(trade, at):
    from horgos.extensions import exit_panels

    at(almaty(2026, 5, 12, 9, 0))
    enter(trade, checkpoint="KZ")
    sell(trade, (trade.kettle, 3))
    (panel,) = exit_panels(traveller=trade.passport.traveller, side="KZ")
    assert panel.name == "allowance"
    assert panel.data["value_used"] == "384.62"
    assert panel.data["weight_remaining_kg"] == "44.000"
    assert panel.data["duty"] == "0.00"
    assert panel.data["shuttle_trader"] is None
