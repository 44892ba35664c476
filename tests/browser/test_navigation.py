"""The main navigation: menus by task that open with the keyboard, one row at 1280 px, folded away on a phone."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ("en", "kk", "ru", "zh-hans")


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_administrator_navigation_is_one_row_of_menus_that_work_with_the_keyboard(page, live_server):
    # Given an administrator at 1280 px
    page.set_viewport_size({"width": 1280, "height": 800})
    admin = AdministratorFactory()
    sign_in(page, admin.username, TEST_PASSWORD)
    page.wait_for_url("**/home/")
    nav = page.locator(".site-nav")
    # Then in every language the navigation holds one row and nothing scrolls sideways
    for language in LANGUAGES:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url + "/"}])
        page.goto("/home/")
        tops = nav.locator(".nav-menu > li").evaluate_all("items => items.map(item => item.offsetTop)")
        assert len(set(tops)) == 1, f"the navigation wraps in {language}: {tops}"
        assert sideways_overflow(page) <= 0, language
    page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url + "/"}])
    page.goto("/home/")
    # And the menus are closed
    rates = nav.get_by_role("link", name="Exchange rates")
    expect(rates).to_be_hidden()
    # When the Trade menu is opened from the keyboard
    nav.locator("summary", has_text="Trade").focus()
    page.keyboard.press("Enter")
    # Then its links show, and Tab reaches them
    expect(rates).to_be_visible()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Sales"
    # When another menu opens, the first one closes
    nav.locator("summary", has_text="Registry").click()
    assert nav.get_by_role("link", name="Moderation").is_visible()
    expect(rates).to_be_hidden()
    # When Escape is pressed, the menu closes and its summary keeps the focus
    page.keyboard.press("Escape")
    assert not nav.get_by_role("link", name="Moderation").is_visible()
    assert page.evaluate("document.activeElement.textContent") == "Registry"
    # When a link of a menu is followed, that menu is marked as where the user is
    nav.locator("summary", has_text="Registry").click()
    nav.get_by_role("link", name="Moderation").click()
    page.wait_for_url("**/registry/moderation/")
    assert nav.locator("details.nav-group-current > summary").inner_text().startswith("Registry")


def test_on_a_phone_the_navigation_folds_behind_a_menu_button(phone_page, live_server):
    admin = AdministratorFactory()
    sign_in(phone_page, admin.username, TEST_PASSWORD)
    phone_page.wait_for_url("**/home/")
    nav = phone_page.locator(".site-nav")
    toggle = nav.get_by_role("button", name="Menu")
    # Then the menu is folded away behind its button
    assert toggle.get_attribute("aria-expanded") == "false"
    expect(nav.locator(".nav-menu")).to_be_hidden()
    # When the button is pressed, the menus show one under the other, and a menu opens in place
    toggle.click()
    assert toggle.get_attribute("aria-expanded") == "true"
    nav.locator("summary", has_text="Checkpoints").click()
    lanes = nav.get_by_role("link", name="Lanes")
    expect(lanes).to_be_visible()
    for language in LANGUAGES:
        phone_page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url + "/"}])
        phone_page.goto("/home/")
        nav.get_by_role("button").click()
        for summary in nav.locator("summary").all():
            summary.click()
        assert sideways_overflow(phone_page) <= 0, language
    phone_page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url + "/"}])
    phone_page.goto("/home/")
    toggle.click()
    nav.locator("summary", has_text="Checkpoints").click()
    lanes.click()
    phone_page.wait_for_url("**/operations/lanes/")


def test_without_scripts_every_menu_still_opens(browser, live_server):
    context = browser.new_context(
        base_url=live_server.url, java_script_enabled=False, viewport={"width": 375, "height": 740}
    )
    page = context.new_page()
    admin = AdministratorFactory()
    sign_in(page, admin.username, TEST_PASSWORD)
    page.goto("/home/")
    nav = page.locator(".site-nav")
    assert not nav.get_by_role("button", name="Menu").is_visible()
    nav.locator("summary", has_text="Trade").click()
    assert nav.get_by_role("link", name="Shipments").is_visible()
    context.close()
