"""The shop map in a real browser: a compact grid of units that fits a phone, each unit opened by a tap (or the
keyboard) to name its shop and merchant."""

import io

import pytest
from django.core.management import call_command

from merchants.models import Shop
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


@pytest.fixture
def touch_phone(browser, live_server):
    """A 375 px phone with a touch screen."""
    context = browser.new_context(
        base_url=live_server.url,
        locale="en-US",
        viewport={"width": 375, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_the_shop_map_is_a_grid_that_fits_a_phone_and_names_the_merchant_on_a_tap(touch_phone, live_server):
    phone_page = touch_phone
    call_command("merchants_demo", stdout=io.StringIO())
    admin = AdministratorFactory()
    sign_in(phone_page, admin.username, TEST_PASSWORD)
    phone_page.wait_for_url("**/home/")
    for language in ("en", "kk", "ru", "zh-hans"):
        phone_page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url + "/"}])
        phone_page.goto("/registry/shops/")
        assert sideways_overflow(phone_page) <= 0, language
    phone_page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url + "/"}])
    phone_page.goto("/registry/shops/")
    # The map itself is a grid: several units side by side on a phone
    units = phone_page.locator(".reg-unit")
    assert units.count() == Shop.objects.count()
    shop = Shop.objects.select_related("merchant").order_by("unit_code").first()
    unit = phone_page.locator(f'.reg-unit[data-unit="{shop.unit_code}"]')
    map_height = phone_page.locator('section[aria-labelledby="shop-map"]').bounding_box()["height"]
    assert map_height < 2_000
    # The merchant is hidden until the unit is tapped, then shown, within the screen
    merchant = unit.locator(".reg-unit-merchant")
    assert not merchant.is_visible()
    unit.locator("summary").tap()
    assert merchant.is_visible() and merchant.inner_text() == shop.merchant.trade_name
    assert sideways_overflow(phone_page) <= 0
    # and on a computer the same text shows on hover
    assert shop.merchant.trade_name in unit.locator("summary").get_attribute("title")
    # Filtering by state keeps only those units
    phone_page.get_by_label("State").select_option("occupied")
    phone_page.get_by_role("button", name="Filter").click()
    phone_page.wait_for_url("**state=occupied*")
    assert phone_page.locator(".reg-unit-vacant, .reg-unit-closed").count() == 0
