"""Every officer and administrator page fits a 375 px phone screen without sideways scrolling, in every language."""

import io

import pytest
from django.core.management import call_command

from crossings.models import Traveller
from merchants.models import MerchantMember
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/crossings/desk/",
    "/crossings/inside/",
    "/crossings/overstays/",
    "/crossings/today/",
    "/crossings/charts/",
    "/crossings/travellers/",
    "/crossings/operations/",
    "/crossings/operations/lanes/",
    "/crossings/operations/hours/",
    "/crossings/operations/watchlist/",
    "/crossings/operations/users/",
    "/crossings/operations/alerts/",
    "/crossings/operations/history/",
    "/account/",
    "/registry/applications/",
    "/registry/merchants/",
    "/registry/moderation/",
    "/registry/shops/",
    "/catalogue/",
    "/catalogue/?q=tea",
]


def test_every_page_fits_a_phone(phone_page, zone, live_server):
    # Given some history with long Kazakh and Chinese names in it
    call_command("crossings_generate", "--travellers", "40", "--days", "35", "--seed", "3", stdout=io.StringIO())
    call_command("merchants_demo", stdout=io.StringIO())
    traveller = Traveller.objects.order_by("id").first()
    sign_in(phone_page, zone.administrator.username, TEST_PASSWORD)
    phone_page.wait_for_url("**/home/")
    site = live_server.url + "/"
    for path in [*PAGES, f"/crossings/travellers/{traveller.pk}/"]:
        for language in ("en", "kk", "ru", "zh-hans"):
            phone_page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
            response = phone_page.goto(path)
            assert response.status == 200, path
            assert phone_page.locator("html").get_attribute("lang") == language
            overflow = phone_page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} in {language} scrolls sideways by {overflow}px"


PORTAL_PAGES = [
    "/portal/",
    "/portal/profile/",
    "/portal/shops/",
    "/portal/listings/",
    "/portal/listings/new/",
    "/portal/members/",
    "/portal/notifications/",
    "/portal/listings/import/",
]


def test_every_merchant_page_fits_a_phone(phone_page, db, live_server):
    # Given the demo merchants, signed in as the owner of the first one
    call_command("merchants_demo", stdout=io.StringIO())
    owner = MerchantMember.objects.filter(role="owner").order_by("merchant_id").first().user
    owner.set_password(TEST_PASSWORD)
    owner.save()
    sign_in(phone_page, owner.username, TEST_PASSWORD)
    phone_page.wait_for_url("**/portal/")
    for path in PORTAL_PAGES:
        for language in ("en", "kk", "ru", "zh-hans"):
            phone_page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": live_server.url + "/"}]
            )
            assert phone_page.goto(path).status == 200, path
            overflow = phone_page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} in {language} scrolls sideways by {overflow}px"
