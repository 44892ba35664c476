"""Every officer and administrator page fits a 375 px phone screen without sideways scrolling, in every language."""

import io

import pytest
from django.core.management import call_command

from crossings.models import Traveller
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    "/crossings/desk/",
    "/crossings/inside/",
    "/crossings/overstays/",
    "/crossings/today/",
    "/crossings/charts/",
    "/crossings/operations/",
    "/crossings/operations/lanes/",
    "/crossings/operations/hours/",
    "/crossings/operations/watchlist/",
    "/crossings/operations/users/",
    "/crossings/operations/alerts/",
    "/account/",
]


def test_every_page_fits_a_phone(phone_page, zone, live_server):
    # Given some history with long Kazakh and Chinese names in it
    call_command("crossings_generate", "--travellers", "40", "--days", "35", "--seed", "3", stdout=io.StringIO())
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
