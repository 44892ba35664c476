"""The moderation table in a real browser: it fits a phone, and with its script one box chooses every listing on
the page for a rejection with a reason."""

import io

import pytest
from django.core.management import call_command

from merchants.choices import ListingState
from merchants.models import Listing
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD, AdministratorFactory

pytestmark = pytest.mark.django_db(transaction=True)


def sideways_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def test_the_moderation_table_fits_a_phone_in_every_language(phone_page, live_server):
    call_command("merchants_demo", stdout=io.StringIO())
    assert Listing.objects.filter(state=ListingState.SUBMITTED).exists()
    admin = AdministratorFactory()
    sign_in(phone_page, admin.username, TEST_PASSWORD)
    phone_page.wait_for_url("**/home/")
    listing = Listing.objects.filter(state=ListingState.SUBMITTED).first()
    for language in ("en", "kk", "ru", "zh-hans"):
        phone_page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url + "/"}])
        for path in ("/registry/moderation/", f"/registry/moderation/{listing.pk}/"):
            phone_page.goto(path)
            assert sideways_overflow(phone_page) <= 0, f"{path} in {language}"
    # The table is far shorter than the wall of cards it replaced
    phone_page.context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url + "/"}])
    phone_page.goto("/registry/moderation/")
    assert phone_page.evaluate("document.documentElement.scrollHeight") < 12_000


def test_choosing_every_listing_on_the_page_and_rejecting_them_with_a_reason(page):
    call_command("merchants_demo", stdout=io.StringIO())
    waiting = Listing.objects.filter(state=ListingState.SUBMITTED).count()
    admin = AdministratorFactory()
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, admin.username, TEST_PASSWORD)
    page.wait_for_url("**/home/")
    page.goto("/registry/moderation/")
    # When the administrator chooses every listing with the one box, gives a reason and rejects
    page.get_by_label("Choose every listing on this page").check()
    boxes = page.locator('input[name="listings"]')
    assert boxes.count() == min(waiting, 50)
    assert all(box.is_checked() for box in boxes.all())
    # (unchoosing one unticks the box that chose them all)
    boxes.first.uncheck()
    assert not page.get_by_label("Choose every listing on this page").is_checked()
    boxes.first.check()
    page.get_by_label("Reason for rejecting the chosen listings").fill("Photos missing")
    page.get_by_role("button", name="Reject the chosen listings").click()
    # Then they are all rejected with that reason, and the page says how many
    page.wait_for_selector(".message-success")
    assert waiting <= 50  # the demo's queue fits one page
    assert f"{waiting} listings rejected." in page.locator(".messages").inner_text()
    assert not Listing.objects.filter(state=ListingState.SUBMITTED).exists()
    assert Listing.objects.filter(rejection_reason="Photos missing", state=ListingState.REJECTED).count() == waiting
