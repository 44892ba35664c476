import pytest

from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, AdministratorFactory, OfficerFactory

pytestmark = pytest.mark.django_db(transaction=True)


def test_officer_signs_in_switches_to_chinese_and_signs_out(page):
    # Given an officer
    officer = OfficerFactory(first_name="Wei", last_name="Zhang")
    # When they sign in
    sign_in(page, officer.username, TEST_PASSWORD)
    # Then they land on the lane desk, and their account page says who they are
    assert page.locator("h1").inner_text() == "Lane desk"
    page.goto("/account/")
    assert page.locator("h1").inner_text() == "Welcome, Wei Zhang"
    assert "Border officer" in page.locator(".facts").inner_text()
    # When they switch the language to Chinese
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    # Then the page is in Chinese and says so
    page.wait_for_selector("html[lang='zh-hans']")
    assert "退出" in page.locator(".logout-form").inner_text()
    # When they sign out, they are back on the public page
    page.locator(".logout-form button").click()
    page.wait_for_url("**/")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator(".logout-form").count() == 0
    assert page.locator(".site-tools a[href='/accounts/login/']").count() == 1


def test_wrong_password_is_said_in_the_page(page):
    officer = OfficerFactory()
    sign_in(page, officer.username, "not-the-password")
    assert "Please enter a correct username and password" in page.locator(".form-errors").inner_text()


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/home/"])
def test_pages_fit_a_phone_without_horizontal_scrolling(phone_page, path):
    admin = AdministratorFactory()
    if path == "/home/":
        sign_in(phone_page, admin.username, TEST_PASSWORD)
    phone_page.goto(path)
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0
