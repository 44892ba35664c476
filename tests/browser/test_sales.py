"""A duty-free sale in the browser: a clerk scans the buyer and records the sale; the officer at exit sees it."""

import pytest

from tests.browser.conftest import sign_in
from tests.browser.test_desk import open_desk, scan
from tests.crossings.conftest import beijing
from tests.factories import TEST_PASSWORD, AdministratorFactory
from tests.trade.conftest import enter, sell, trade  # noqa: F401  (the trade fixture)
from trade.models import Sale

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_clerk_records_a_sale_and_the_officer_sees_it_at_exit(page, trade, at):  # noqa: F811
    # Given a Kazakh buyer who entered through the Chinese checkpoint this morning
    at(beijing(2026, 5, 13, 10, 0))
    enter(trade)
    # When the clerk scans the buyer's passport, chooses two kettles and checks the allowance
    sign_in(page, trade.clerks[0].username, TEST_PASSWORD)
    page.wait_for_url("**/portal/")
    page.goto("/trade/sales/new/")
    page.get_by_label("Buyer's document number or machine readable zone").fill("N1234567")
    page.get_by_label("Receipt number").fill("0001")
    page.get_by_label("Product 1").select_option(
        label=f"Kettle · 1000.00 CNY · {trade.shops[0].unit_code} · 100 in stock"
    )
    page.get_by_label("Quantity 1").fill("2")
    page.get_by_role("button", name="Check the buyer's allowance").click()
    # Then the page shows what remains before anything is recorded
    page.get_by_text("This sale: CNY 2,000.00, 4 kg.").wait_for()
    assert "CNY 8,000.00" in page.locator(".sale-check").inner_text()
    assert not Sale.objects.exists()
    # And confirming records it and shows the receipt
    page.get_by_role("button", name="Confirm the sale").click()
    page.get_by_role("heading", name="Duty-free receipt 0001").wait_for()
    assert Sale.objects.get().total_cny == 2000
    # When the buyer leaves in the afternoon, the officer at the exit lane sees the purchases
    at(beijing(2026, 5, 13, 16, 0))
    page.context.clear_cookies()
    open_desk(page, trade.zone.cn_officer, str(trade.zone.lane("CN", "X-F01")))
    scan(page, "N1234567")
    panel = page.locator(".exit-allowance")
    panel.wait_for()
    text = panel.inner_text()
    assert "CNY 2,000.00" in text and "of 8,000.00" in text
    assert "CNY 6,000.00" in text


def test_the_sales_pages_fit_a_phone_in_four_languages(phone_page, live_server, trade, at):  # noqa: F811
    at(beijing(2026, 5, 13, 10, 0))
    enter(trade)
    sale = sell(trade, (trade.kettle, 1))
    administrator = AdministratorFactory()
    for user, paths in (
        (trade.clerks[0], ["/trade/sales/new/", "/trade/sales/", f"/trade/sales/{sale.pk}/"]),
        (administrator, ["/trade/sales/", "/trade/rates/", "/trade/policies/", "/trade/shuttle-traders/"]),
    ):
        phone_page.context.clear_cookies()
        sign_in(phone_page, user.username, TEST_PASSWORD)
        phone_page.wait_for_load_state()
        for path in paths:
            for language in ("en", "kk", "ru", "zh-hans"):
                phone_page.context.add_cookies(
                    [{"name": "django_language", "value": language, "url": live_server.url + "/"}]
                )
                assert phone_page.goto(path).status == 200, path
                assert phone_page.url == live_server.url + path
                overflow = phone_page.evaluate(
                    "document.documentElement.scrollWidth - document.documentElement.clientWidth"
                )
                assert overflow <= 0, f"{path} in {language} scrolls sideways by {overflow}px"
