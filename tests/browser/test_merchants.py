"""A listing's way to the public, in a real browser: written and submitted by its merchant, approved by
an administrator, found by an anonymous visitor searching in Russian."""

import pytest

from merchants.models import Listing
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, AdministratorFactory
from tests.merchants.factories import OwnerFactory, ShopFactory, load_some_hs

pytestmark = pytest.mark.django_db(transaction=True)


def test_merchant_lists_administrator_approves_visitor_finds_in_russian(browser, live_server):
    load_some_hs()
    owner = OwnerFactory()
    shop = ShopFactory(merchant=owner.merchant, unit_code="B2-1-015", name="Felt and Wool")
    administrator = AdministratorFactory()

    def new_page():
        page = browser.new_context(base_url=live_server.url, locale="en-US").new_page()
        page.set_default_timeout(10_000)
        return page

    # The merchant writes a listing in Russian and submits it for review
    merchant_page = new_page()
    sign_in(merchant_page, owner.user.username, TEST_PASSWORD)
    merchant_page.wait_for_url("**/portal/")
    merchant_page.goto("/portal/listings/new/")
    merchant_page.get_by_label("Shop").select_option(str(shop.pk))
    merchant_page.get_by_label("Title in Russian").fill("Войлочные сапоги ручной работы")
    merchant_page.get_by_label("HS code").fill("610910")
    merchant_page.get_by_label("Country of origin").select_option("KZ")
    merchant_page.get_by_label("Price (CNY)").fill("350")
    merchant_page.get_by_label("Unit weight (kg)").fill("0.8")
    merchant_page.get_by_role("button", name="Save draft").click()
    merchant_page.get_by_role("button", name="Submit for review").first.click()
    merchant_page.wait_for_load_state()
    assert Listing.objects.get().state == "submitted"

    # An administrator approves it in one click
    admin_page = new_page()
    sign_in(admin_page, administrator.username, TEST_PASSWORD)
    admin_page.wait_for_url("**/home/")
    admin_page.goto("/registry/moderation/")
    admin_page.get_by_role("link", name="Войлочные сапоги ручной работы").click()
    admin_page.get_by_role("button", name="Approve: Войлочные сапоги ручной работы").click()
    admin_page.wait_for_function("() => !document.querySelector('button[aria-label^=\"Approve\"]')")
    assert Listing.objects.get().state == "approved"

    # An anonymous visitor finds it by a Russian word
    visitor = new_page()
    visitor.goto("/catalogue/")
    visitor.get_by_label("Words").fill("сапоги")
    visitor.get_by_role("button", name="Search").click()
    visitor.wait_for_url("**q=*")
    assert "Войлочные сапоги ручной работы" in visitor.locator("main").inner_text()
