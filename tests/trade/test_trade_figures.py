"""The trade figures and page: from the trade statistics tables only, equal to a recount of the sales."""

from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossings.services.statistics_rebuild import statistics_fill_history
from tests.crossings.test_statistics import sql
from tests.factories import AdministratorFactory
from trade.demo import demo_sales_generate
from trade.selectors import figures
from trade.services.statistics import trade_statistics_fill, trade_statistics_fill_day

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 5, 1, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def trade_history(zone, at):
    at(datetime(2026, 4, 30, 20, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    call_command("crossings_generate", "--travellers", "200", "--days", "30", "--daily-visits", "20", "--seed", "9",
                 "--end", "2026-04-30", verbosity=0)  # fmt: skip
    call_command("merchants_demo", verbosity=0)
    call_command("trade_load_reference", verbosity=0)
    demo_sales_generate(count=300, seed=9)
    trade_statistics_fill(now=NOW)
    return zone


def test_the_year_to_date_sales_equal_a_recount_and_read_no_sale(trade_history):
    with CaptureQueriesContext(connection) as queries:
        overview = figures.trade_overview(date(2026, 4, 30))
    assert not [query["sql"] for query in queries if "trade_sale" in query["sql"]]
    ((count, value),) = sql(
        "SELECT COUNT(*), COALESCE(SUM(total_cny), 0) FROM trade_sale s JOIN merchants_shop sh ON sh.id = s.shop_id"
        " JOIN crossings_checkpoint k ON k.code = sh.side WHERE s.state = 'recorded'"
        " AND (s.sold_at AT TIME ZONE k.time_zone)::date BETWEEN '2026-01-01' AND '2026-04-30'"
    )
    assert overview["ytd"]["current"]["sales"] == count > 0
    assert overview["ytd"]["current"]["value_cny"] == Decimal(value)
    assert sum(row["value_cny"] for row in overview["by_side"]) == Decimal(value)


def test_the_trade_statistics_page_and_its_csv(trade_history, signed_in):
    admin = signed_in(AdministratorFactory())
    page = admin.get("/trade/statistics/", {"as_of": "2026-04-30"})
    assert page.status_code == 200
    assert "Top HS chapters" in page.content.decode()
    rows = b"".join(admin.get("/trade/statistics/", {"export": "origins"}).streaming_content).decode("utf-8-sig")
    assert rows.splitlines()[0].startswith("origin_country,Value (CNY)")
    assert admin.get("/trade/statistics/", {"as_of": "someday"}).status_code == 400


def test_the_statistics_page_shows_the_trade_beside_the_traffic(trade_history, signed_in):
    statistics_fill_history(now=NOW)
    admin = signed_in(AdministratorFactory())
    html = admin.get("/crossings/statistics/", {"as_of": "2026-04-30"}).content.decode()
    sales = figures.trade_overview(date(2026, 4, 30))["ytd"]["current"]["sales"]
    assert "Duty-free trade" in html
    assert f"{sales:,} sales for CNY" in html
    body = admin.get("/api/v1/figures/", {"as_of": "2026-04-30"}).json()
    assert body["more"]["trade"]["sales"] == sales
    # a checkpoint's page has no trade panel (sales belong to the zone's sides)
    assert "Duty-free trade" not in admin.get("/crossings/statistics/", {"checkpoint": "KZ"}).content.decode()


def change_cells(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)
        assert cursor.rowcount > 0


def test_an_overview_is_read_from_the_cache_until_a_day_of_the_statistics_is_filled_again(
    trade_history, django_capture_on_commit_callbacks
):
    as_of = date(2026, 4, 30)
    # Given an overview computed once
    first = figures.trade_overview(as_of)
    # Then the next read makes no query
    with CaptureQueriesContext(connection) as queries:
        assert figures.trade_overview(as_of) == first
    assert queries.captured_queries == []
    # When the statistics change under it (a day's cells doubled by hand) and that day is filled again
    change_cells("UPDATE trade_dailyshopsalecount SET sales = sales * 2 WHERE local_date = '2026-04-30'")
    assert figures.trade_overview(as_of) == first  # not yet: nothing said the statistics changed
    with django_capture_on_commit_callbacks(execute=True):
        trade_statistics_fill_day(side="CN", day=as_of)
        trade_statistics_fill_day(side="KZ", day=as_of)
    # Then the overview is computed again, from the refilled day: the figures a recount gives
    assert figures.trade_overview(as_of) == figures._trade_overview(as_of) == first
    change_cells("UPDATE trade_dailyshopsalecount SET sales = sales + 1 WHERE local_date = '2026-04-30'")
    with django_capture_on_commit_callbacks(execute=True):
        figures.trade_statistics_changed()
    assert figures.trade_overview(as_of)["ytd"]["current"]["sales"] > first["ytd"]["current"]["sales"]
