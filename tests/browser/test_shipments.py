"""The shipments pages in the browser: registering a consignment and moving it on, and every page on a phone."""

import io

import pytest
from django.core.management import call_command

from merchants.models import MerchantMember
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, AdministratorFactory
from trade.models import Shipment

pytestmark = pytest.mark.django_db(transaction=True)


def demo_owner():
    call_command("merchants_demo", stdout=io.StringIO(), stderr=io.StringIO())
    call_command("trade_demo", stdout=io.StringIO())
    owner = MerchantMember.objects.filter(role="owner").order_by("merchant_id").first().user
    owner.set_password(TEST_PASSWORD)
    owner.save()
    return owner


def fits(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_a_merchant_registers_a_shipment_and_declares_it(page):
    owner = demo_owner()
    sign_in(page, owner.username, TEST_PASSWORD)
    page.wait_for_url("**/portal/")
    page.locator(".site-nav summary", has_text="Trade").click()
    page.locator(".site-nav").get_by_role("link", name="Shipments").click()
    page.get_by_role("link", name="Register a shipment").click()
    page.get_by_label("Reference").fill("EXP-BROWSER-1")
    page.get_by_label("Consignee").fill("Tashkent Savdo Uyi LLC")
    page.get_by_label("Destination country").select_option("UZ")
    line = page.locator("fieldset.shipment-line").first
    line.get_by_label("From a listing").select_option(index=1)
    line.get_by_label("Quantity").fill("12")
    page.get_by_role("button", name="Register").click()
    page.get_by_role("heading", name="Shipment EXP-BROWSER-1").wait_for()
    page.get_by_role("button", name="Mark as Declared").click()
    page.get_by_text("Shipment EXP-BROWSER-1: Declared.").wait_for()
    shipment = Shipment.objects.get(reference="EXP-BROWSER-1")
    assert (shipment.step, shipment.lines.get().quantity) == ("declared", 12)


def test_every_shipments_page_fits_a_phone(phone_page, live_server):
    owner = demo_owner()
    held = Shipment.objects.filter(merchant__members__user=owner, held=True).first()
    administrator = AdministratorFactory()
    for user, paths in (
        (owner, ["/trade/shipments/", "/trade/shipments/new/", f"/trade/shipments/{held.pk}/"]),
        (administrator, ["/trade/administration/shipments/", f"/trade/shipments/{held.pk}/"]),
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
                assert phone_page.url == live_server.url + path  # signed in: not sent to the login page
                assert fits(phone_page) <= 0, f"{path} in {language} scrolls sideways by {fits(phone_page)}px"
