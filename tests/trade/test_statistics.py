"""The trade statistics tables equal an independent recomputation from the raw rows in plain SQL, stay the same when
a day is filled again, follow voided sales and shipment steps recorded late on the next run, and take each sale's
day on its shop's side's clock and its allowance use on the clock of the side it was charged to."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F

from crossings.services.crossings import crossing_record_entry
from merchants.choices import ListingState, ZoneSide
from merchants.models import HsHeading, Listing
from tests.crossings.conftest import almaty, beijing, chinese  # noqa: F401  (the fixture, for a second buyer)
from tests.merchants.factories import ListingFactory, ShopFactory
from tests.trade.conftest import enter, ship
from trade.choices import ShipmentStep
from trade.demo import demo_sales_generate
from trade.models import (
    DailyAllowanceUse,
    DailySaleCount,
    DailyShipmentCount,
    DailyShopSaleCount,
    Sale,
    SaleLine,
    TradeStatisticsDirtyDay,
    TradeStatisticsFillState,
)
from trade.services.sales import SaleLineInput, sale_record, sale_void
from trade.services.shipments import shipment_advance
from trade.services.statistics import trade_statistics_fill, trade_statistics_fill_day
from trade.tasks import fill_trade_statistics

pytestmark = pytest.mark.django_db
END = date(2026, 4, 30)
AFTER_END = beijing(2026, 5, 1, 12, 0)  # 09:00 in Almaty: yesterday is 30 April on both sides
# What counts: recorded sales (a voided one counts nowhere), their lines, and the clock of the shop's side.
SALE_LINES = """
    FROM trade_saleline l
    JOIN trade_sale s ON s.id = l.sale_id
    JOIN merchants_shop sh ON sh.id = s.shop_id
    JOIN merchants_merchant m ON m.id = sh.merchant_id
    JOIN crossings_checkpoint k ON k.code = sh.side
    JOIN merchants_hsheading h ON h.id = l.hs_heading_id
    WHERE s.state = 'recorded'
"""
SHOP_DAY = "(s.sold_at AT TIME ZONE k.time_zone)::date"


def sql(query: str, params=()) -> set[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return {tuple(row) for row in cursor.fetchall()}


def filled(rows: set[tuple]) -> set[tuple]:
    """The rows of the days filled (the first column is the local day)."""
    return {row for row in rows if row[0] <= END}


def stored(model, *fields) -> set[tuple]:
    return set(model.objects.values_list(*fields))


def recount_sales() -> set[tuple]:
    return filled(
        sql(
            f"SELECT {SHOP_DAY}, sh.side, sh.id, m.country, l.origin_country, h.chapter_id, COUNT(DISTINCT s.id),"
            f" SUM(l.quantity), SUM(l.line_total_cny), SUM(l.line_weight_kg) {SALE_LINES} GROUP BY 1, 2, 3, 4, 5, 6"
        )
    )


def recount_shops() -> set[tuple]:
    return filled(
        sql(
            f"SELECT {SHOP_DAY}, sh.side, sh.id, m.country, COUNT(DISTINCT s.id), COUNT(DISTINCT s.buyer_id),"
            f" SUM(l.line_total_cny), SUM(l.line_weight_kg) {SALE_LINES} GROUP BY 1, 2, 3, 4"
        )
    )


def recount_allowance() -> set[tuple]:
    return filled(
        sql(
            "SELECT (s.sold_at AT TIME ZONE k.time_zone)::date, s.side, s.charged_currency, COUNT(*),"
            " COUNT(DISTINCT s.buyer_id), SUM(s.charged_value), SUM(s.total_cny), SUM(s.total_weight_kg)"
            " FROM trade_sale s JOIN crossings_checkpoint k ON k.code = s.side"
            " WHERE s.state = 'recorded' GROUP BY 1, 2, 3"
        )
    )


def recount_shipments() -> set[tuple]:
    return filled(
        sql(
            "SELECT day, SUM(declared), SUM(cleared), FLOOR(SUM(seconds))::bigint FROM ("
            "  SELECT (x.declared_at AT TIME ZONE k.time_zone)::date AS day, 1 AS declared, 0 AS cleared, 0 AS seconds"
            "  FROM trade_shipment x, crossings_checkpoint k WHERE k.code = 'CN' AND x.declared_at IS NOT NULL"
            "  UNION ALL"
            "  SELECT (x.cleared_at AT TIME ZONE k.time_zone)::date, 0, 1,"
            "  EXTRACT(EPOCH FROM x.cleared_at - x.declared_at)"
            "  FROM trade_shipment x, crossings_checkpoint k WHERE k.code = 'CN' AND x.cleared_at IS NOT NULL"
            ") steps GROUP BY day"
        )
    )


SALE_FIELDS = ("local_date", "side", "shop_id", "merchant_country", "origin_country", "hs_chapter_id", "sales",
               "units", "value_cny", "weight_kg")  # fmt: skip
SHOP_FIELDS = ("local_date", "side", "shop_id", "merchant_country", "sales", "buyers", "value_cny", "weight_kg")
ALLOWANCE_FIELDS = ("local_date", "side", "currency", "sales", "buyers", "charged_value", "value_cny", "weight_kg")
SHIPMENT_FIELDS = ("local_date", "declared", "cleared", "clearance_seconds")


def every_table() -> dict[str, set[tuple]]:
    return {
        "sales": stored(DailySaleCount, *SALE_FIELDS),
        "shops": stored(DailyShopSaleCount, *SHOP_FIELDS),
        "allowance": stored(DailyAllowanceUse, *ALLOWANCE_FIELDS),
        "shipments": stored(DailyShipmentCount, *SHIPMENT_FIELDS),
    }


def every_recount() -> dict[str, set[tuple]]:
    return {
        "sales": recount_sales(),
        "shops": recount_shops(),
        "allowance": recount_allowance(),
        "shipments": recount_shipments(),
    }


@pytest.fixture
def history(zone, at):
    """Forty days of generated traffic, the demo merchants' sales over it (a few voided) and their shipments along
    the customs timeline, filled on 1 May."""
    at(AFTER_END)
    call_command("crossings_generate", "--travellers", "400", "--days", "40", "--daily-visits", "60", "--seed", "3",
                 "--end", END.isoformat(), verbosity=0)  # fmt: skip
    call_command("merchants_demo", verbosity=0)
    call_command("trade_load_reference", verbosity=0)
    assert demo_sales_generate(count=800, seed=5) > 300
    call_command("trade_demo", verbosity=0)  # the shipments (the sales are there already)
    trade_statistics_fill()
    return zone


def test_every_table_equals_a_recount_in_sql(history):
    tables, recounts = every_table(), every_recount()
    assert tables["sales"] == recounts["sales"]
    assert tables["shops"] == recounts["shops"]
    assert tables["allowance"] == recounts["allowance"]
    assert tables["shipments"] == recounts["shipments"]
    # A history worth the name: both sides, both allowance currencies, voided sales left out, shipments cleared
    assert {row[1] for row in tables["shops"]} == {"CN", "KZ"}
    assert {row[2] for row in tables["allowance"]} == {"CNY", "EUR"}
    assert Sale.objects.filter(state="voided").exists()
    assert sum(row[2] for row in tables["shipments"]) > 5
    # Receipts are counted once per cell: a receipt with lines in two cells counts in both, once in its shop's day
    assert sum(row[6] for row in tables["sales"]) > sum(row[4] for row in tables["shops"])


def test_the_daily_allowance_use_equals_the_ledgers_of_the_day(history):
    # The Chinese allowance renews every local day: the day's ledgers hold exactly that day's use
    ledgers = sql(
        "SELECT period_start, SUM(value_used) FROM trade_allowanceledger WHERE side = 'CN'"
        " GROUP BY 1 HAVING SUM(value_used) > 0"
    )
    daily = DailyAllowanceUse.objects.filter(side="CN").values_list("local_date", "charged_value")
    assert filled(ledgers) == set(daily)


def test_filling_a_day_again_changes_nothing_and_each_side_is_filled_to_its_yesterday(history):
    before = every_table()
    busy_day = DailyShopSaleCount.objects.order_by("-sales").values_list("local_date", flat=True).first()
    trade_statistics_fill_day(side="KZ", day=busy_day)
    trade_statistics_fill_day(side="CN", day=busy_day)
    assert trade_statistics_fill() == 0
    assert every_table() == before
    assert stored(TradeStatisticsFillState, "side", "last_filled") == {("CN", END), ("KZ", END)}


def test_each_side_filled_on_its_own_gives_the_tables_of_both_filled_together(history):
    # Given the tables filled for both sides at once, then emptied
    before = every_table()
    for model in (DailySaleCount, DailyShopSaleCount, DailyAllowanceUse, DailyShipmentCount, TradeStatisticsFillState):
        model.objects.all().delete()
    # When only the Chinese side is filled, then the Kazakh side (as two processes may, side by side)
    assert trade_statistics_fill(sides=["CN"]) > 0
    # Then the first fills the Chinese side alone, and the second completes the same tables
    assert {row[1] for row in every_table()["shops"]} == {"CN"}
    assert stored(TradeStatisticsFillState, "side", "last_filled") == {("CN", END)}
    assert trade_statistics_fill(sides=["KZ"]) > 0
    assert every_table() == before
    assert stored(TradeStatisticsFillState, "side", "last_filled") == {("CN", END), ("KZ", END)}


def test_a_listing_edited_after_its_sales_changes_no_past_figure(history):
    # Given filled days with sales of a listing
    line = SaleLine.objects.filter(sale__state="recorded").select_related("listing").order_by("id").first()
    listing = line.listing
    before = every_table()
    # When the merchant corrects its origin and HS heading, and every day is rebuilt
    other_heading = HsHeading.objects.exclude(chapter_id=listing.hs_heading.chapter_id).order_by("id").first()
    Listing.objects.filter(pk=listing.pk).update(origin_country="NZ", hs_heading=other_heading)
    call_command("trade_statistics_rebuild", "--from", (END - timedelta(days=40)).isoformat(), "--to", END.isoformat(),
                 verbosity=0)  # fmt: skip
    # Then the sales keep the origin and heading they were sold with, and no figure moved
    line.refresh_from_db()
    assert (line.origin_country, line.hs_heading_id) == (listing.origin_country, listing.hs_heading_id)
    assert every_table() == before == every_recount()


def test_a_voided_sale_leaves_its_days_after_the_next_run(history):
    # Given a sale of a filled day, in a shop on one side, charged to the other side's allowance
    sale = (
        Sale.objects.recorded()
        .exclude(side=F("shop__side"))
        .filter(sold_at__lt=beijing(2026, 4, 30, 0, 0))
        .select_related("shop")
        .order_by("id")
        .first()
    )
    clocks = {"CN": history.cn, "KZ": history.kz}
    cell = {"shop": sale.shop, "local_date": clocks[sale.shop.side].local_date(sale.sold_at)}
    sales_before = DailyShopSaleCount.objects.get(**cell).sales
    # When the shop voids it
    sale_void(sale=sale, reason="Returned the next week", acting_user=sale.recorded_by)
    # Then both its days are marked, and the next run counts it out of them
    assert stored(TradeStatisticsDirtyDay, "side", "local_date") == {
        (sale.shop.side, cell["local_date"]),
        (sale.side, clocks[sale.side].local_date(sale.sold_at)),
    }
    fill_trade_statistics.delay().get()
    assert (DailyShopSaleCount.objects.filter(**cell).values_list("sales", flat=True).first() or 0) == sales_before - 1
    assert every_table() == every_recount()
    assert not TradeStatisticsDirtyDay.objects.exists()


def test_the_rebuild_command_recomputes_a_range_and_refuses_bad_days(history):
    before = every_table()
    DailySaleCount.objects.filter(local_date=date(2026, 4, 10)).delete()
    DailyAllowanceUse.objects.filter(local_date=date(2026, 4, 10)).delete()
    call_command("trade_statistics_rebuild", "--from", "2026-04-09", "--to", "2026-04-11", verbosity=0)
    assert every_table() == before
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("trade_statistics_rebuild", "--from", "10 April", "--to", "2026-04-11")
    with pytest.raises(CommandError, match="before"):
        call_command("trade_statistics_rebuild", "--from", "2026-04-11", "--to", "2026-04-10")


def test_a_sales_day_is_its_shops_sides_and_its_allowance_days_the_charged_sides(trade, chinese, at):  # noqa: F811
    # Given a shop on each side, a Kazakh buyer who entered by the Chinese checkpoint and a Chinese one who entered
    # by the Kazakh checkpoint
    zone = trade.zone
    cn_shop = trade.shops[0]
    kz_shop = ShopFactory(merchant=cn_shop.merchant, side=ZoneSide.KZ)
    kz_kettle = ListingFactory(shop=kz_shop, price=Decimal("1000.00"), unit_weight_kg=Decimal("2.000"),
                               title_en="Kettle", state=ListingState.APPROVED)  # fmt: skip
    at(beijing(2026, 5, 12, 14, 0))  # 11:00 in Almaty: both checkpoints open
    enter(trade, "CN")
    entry = crossing_record_entry(document=chinese, lane=zone.lane("KZ", "E-F01"), acting_user=zone.kz_officer)
    assert entry.outcome == "admitted"
    receipts = iter(range(1, 100))

    def sell(moment, buyer, shop, listing):
        at(moment)
        sale_record(shop=shop, document=buyer, receipt_number=f"E-{next(receipts)}",
                    lines=[SaleLineInput(listing, 1)], acting_user=trade.clerks[0])  # fmt: skip

    # When they buy at 23:59 and 00:00 on each side's clock (Almaty is three hours behind Beijing)
    sell(beijing(2026, 5, 12, 23, 59), trade.passport, cn_shop, trade.kettle)  # CN 12th; allowance CN 12th
    sell(beijing(2026, 5, 13, 0, 0), trade.passport, cn_shop, trade.kettle)  # CN 13th; allowance CN 13th
    sell(beijing(2026, 5, 13, 0, 0), chinese, kz_shop, kz_kettle)  # 21:00 in Almaty: KZ 12th; allowance KZ 12th
    sell(almaty(2026, 5, 12, 23, 59), chinese, kz_shop, kz_kettle)  # KZ 12th; allowance KZ 12th
    sell(almaty(2026, 5, 13, 0, 0), trade.passport, kz_shop, kz_kettle)  # KZ 13th; allowance CN 13th (03:00)
    sell(almaty(2026, 5, 13, 0, 0), chinese, cn_shop, trade.kettle)  # CN 13th (03:00); allowance KZ 13th
    at(beijing(2026, 5, 14, 0, 0))  # 21:00 of the 13th in Almaty
    trade_statistics_fill()
    # Then each side is filled up to its own yesterday, each sale on its day
    shops = stored(DailyShopSaleCount, "side", "local_date", "sales")
    assert shops == {("CN", date(2026, 5, 12), 1), ("CN", date(2026, 5, 13), 2), ("KZ", date(2026, 5, 12), 2)}
    uses = stored(DailyAllowanceUse, "side", "local_date", "currency", "sales")
    assert uses == {("CN", date(2026, 5, 12), "CNY", 1), ("CN", date(2026, 5, 13), "CNY", 2),
                    ("KZ", date(2026, 5, 12), "EUR", 2)}  # fmt: skip
    at(almaty(2026, 5, 14, 0, 5))
    trade_statistics_fill()
    assert DailyShopSaleCount.objects.get(side="KZ", local_date=date(2026, 5, 13)).sales == 1
    assert DailyAllowanceUse.objects.get(side="KZ", local_date=date(2026, 5, 13)).sales == 1


def test_a_shipment_step_recorded_for_a_filled_day_shows_after_the_next_run(zone, shipping, at):
    # Given a shipment declared on 10 May, and the statistics filled up to 11 May (Beijing time)
    at(beijing(2026, 5, 10, 10, 0))
    shipment = ship(shipping, registered_at=beijing(2026, 5, 10, 8, 0))
    shipment_advance(shipment=shipment, step=ShipmentStep.DECLARED, acting_user=shipping.owners[0],
                     at=beijing(2026, 5, 10, 9, 0))  # fmt: skip
    at(beijing(2026, 5, 12, 10, 0))
    fill_trade_statistics.delay().get()
    assert stored(DailyShipmentCount, *SHIPMENT_FIELDS) == {(date(2026, 5, 10), 1, 0, 0)}
    # When its clearance at 23:30 on 11 May (20:30 in Almaty) is recorded the next morning
    shipment_advance(shipment=shipment, step=ShipmentStep.CLEARED, acting_user=shipping.administrator,
                     at=beijing(2026, 5, 11, 23, 30))  # fmt: skip
    assert stored(TradeStatisticsDirtyDay, "side", "local_date") == {("CN", date(2026, 5, 11))}
    # Then the next run counts it on 11 May, with its clearance time
    fill_trade_statistics.delay().get()
    assert stored(DailyShipmentCount, *SHIPMENT_FIELDS) == {
        (date(2026, 5, 10), 1, 0, 0),
        (date(2026, 5, 11), 0, 1, (24 + 14) * 3600 + 30 * 60),
    }
    assert not TradeStatisticsDirtyDay.objects.exists()
