"""Annual reports in the browser: an administrator asks for one and downloads it; the pages fit a phone in every
language."""

import io

import pytest
from django.core.management import call_command

from crossings.selectors import figures
from crossings.services.statistics import statistics_fill
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def private_files(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"


def test_an_administrator_asks_for_a_report_and_reads_it_on_a_phone(phone_page, zone, live_server, private_files):
    # Given forty days of filled statistics up to yesterday
    call_command("crossings_generate", "--travellers", "60", "--days", "40", "--seed", "5", stdout=io.StringIO())
    statistics_fill()
    year = figures.last_filled_day().year
    sign_in(phone_page, zone.administrator.username, TEST_PASSWORD)
    phone_page.wait_for_url("**/home/")
    # When the administrator asks for this year's report
    phone_page.goto("/crossings/reports/")
    phone_page.get_by_label("Year").fill(str(year))
    phone_page.get_by_role("button", name="Write the report").click()
    # Then it is listed, ready, with its three files
    phone_page.get_by_role("status").filter(has_text=f"The report of {year} is being written.").wait_for()
    listed = phone_page.locator("#report-list")
    listed.get_by_text("Ready").wait_for()
    with phone_page.expect_download() as download:
        listed.get_by_role("link", name="PDF").click()
    assert download.value.suggested_filename == f"annual-crossing-report-{year}-zone-en.pdf"
    # And the report reads on a phone in every language, chart included, without sideways scrolling
    site = live_server.url + "/"
    for language in ("en", "kk", "ru", "zh-hans"):
        phone_page.context.add_cookies([{"name": "django_language", "value": language, "url": site}])
        for path in ("/crossings/reports/", f"/crossings/reports/{year}/"):
            response = phone_page.goto(path)
            assert response.status == 200, path
            overflow = phone_page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{path} in {language} scrolls sideways by {overflow}px"
        assert phone_page.locator("svg.report-chart rect").count() >= 24
        if language == "en":
            phone_page.screenshot(path="/tmp/report_smoke/phone-report.png", full_page=True)
