"""What border officers found on their pages (issue #12), in a real browser: alerts acknowledged from the live
panel in the checkpoint's time, a traveller looked up without a document number in any URL, and the charts'
numbers table that fits a desktop and scrolls inside its own box on a phone."""

import pytest

from crossings.choices import WatchlistMatch
from crossings.models import Alert, Crossing
from crossings.services.crossings import crossing_record_entry
from crossings.services.watchlist import watchlist_add
from tests.browser.conftest import sign_in
from tests.browser.test_desk import focused, open_desk
from tests.crossings.conftest import almaty
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
LANGUAGES = ("en", "kk", "ru", "zh-hans")


def use_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url + "/"}])


@pytest.fixture
def kazakh_alert(zone, kazakh, at) -> Alert:
    """A watchlist hit at the Kazakh checkpoint at 10:00 Almaty time (13:00 in Beijing, the site's zone)."""
    at(almaty(2026, 5, 12, 9, 0))
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order 17/2026", acting_user=zone.administrator)  # fmt: skip
    at(almaty(2026, 5, 12, 10, 0))
    crossing_record_entry(document=kazakh, lane=zone.lane("KZ", "E-C01"), acting_user=zone.kz_officer)
    return Alert.objects.get()


def test_officer_acknowledges_an_alert_from_the_live_panel_in_almaty_time(page, zone, kazakh_alert):
    # When the Kazakh officer opens the desk
    open_desk(page, zone.kz_officer, str(zone.lane("KZ", "E-C01")))
    alert_line = page.locator(".alert-line", has_text="ABENOVA Aigul")
    # Then the panel's alert is at 10:00 local time and leads to the alert on the alerts page
    assert alert_line.locator("time").get_attribute("datetime") == "2026-05-12T10:00+05:00"
    assert "13:" not in alert_line.locator("time").inner_text()
    href = alert_line.get_by_role("link", name="ABENOVA Aigul").get_attribute("href")
    assert href.endswith(f"#alert-{kazakh_alert.pk}")
    # And its button acknowledges it in place: no page reload, the scan field keeps its page
    page.evaluate("window.deskMarker = 1")
    alert_line.get_by_role("button", name="Acknowledge the alert for ABENOVA Aigul").click()
    page.wait_for_selector("#live-panel :text('No open alerts.')")
    assert page.evaluate("window.deskMarker") == 1
    assert Alert.objects.get().acknowledged_by == zone.kz_officer
    # And the next scan types into the scan field
    assert focused(page, "scan") == "scan"


def test_officer_opens_the_alerts_page_and_acknowledges_there(page, zone, kazakh_alert):
    sign_in(page, zone.kz_officer.username, TEST_PASSWORD)
    page.wait_for_url("**/crossings/desk/")
    page.get_by_role("navigation", name="Main navigation").get_by_role("link", name="Alerts").click()
    page.wait_for_url("**/crossings/operations/alerts/")
    page.get_by_role("button", name="Acknowledge the alert for ABENOVA Aigul").click()
    page.wait_for_selector("text=Alert acknowledged.")
    assert Alert.objects.get().acknowledged_by == zone.kz_officer


def test_officer_finds_a_traveller_without_the_number_in_any_url(page, zone, kazakh):
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    sign_in(page, zone.kz_officer.username, TEST_PASSWORD)
    page.wait_for_url("**/crossings/desk/")
    nav = page.get_by_role("navigation", name="Main navigation")
    nav.locator("summary", has_text="Traffic").click()
    nav.get_by_role("link", name="Find a traveller").click()
    page.wait_for_url("**/crossings/travellers/")
    # The number field has the focus: type and press Enter
    assert page.evaluate("document.activeElement.name") == "document_number"
    page.keyboard.type("N1234567")
    page.keyboard.press("Enter")
    result = page.locator(".search-result", has_text="ABENOVA Aigul")
    result.wait_for()
    assert "••••4567" in result.inner_text()
    assert "N1234567" not in result.inner_text()
    assert not any("N1234567" in url or "1234567" in url for url in requested)
    result.get_by_role("link", name="ABENOVA Aigul").click()
    page.wait_for_url(f"**/crossings/travellers/{kazakh.traveller.pk}/")
    assert not Crossing.objects.exists()


@pytest.mark.parametrize("language", LANGUAGES)
def test_charts_numbers_table_fits_a_desktop_half_screen(page, zone, live_server, language):
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in(page, zone.kz_officer.username, TEST_PASSWORD)
    page.wait_for_url("**/crossings/desk/")
    use_language(page, live_server, language)
    page.goto("/crossings/charts/")
    boxes = page.locator(".chart-panel .table-scroll")
    assert boxes.count() == 2
    for index in range(boxes.count()):
        box = boxes.nth(index)
        cut_off = box.evaluate("box => box.scrollWidth - box.clientWidth")
        assert cut_off <= 0, f"the numbers table in {language} is cut off by {cut_off}px"
        last_week = box.locator("thead th").last
        assert last_week.is_visible()


@pytest.mark.parametrize("language", LANGUAGES)
def test_charts_numbers_table_scrolls_in_its_box_on_a_phone_never_the_page(phone_page, zone, live_server, language):
    sign_in(phone_page, zone.kz_officer.username, TEST_PASSWORD)
    phone_page.wait_for_url("**/crossings/desk/")
    use_language(phone_page, live_server, language)
    phone_page.goto("/crossings/charts/")
    overflow = phone_page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
    assert overflow <= 0, f"the charts page in {language} scrolls sideways by {overflow}px"
    box = phone_page.locator(".chart-panel .table-scroll").first
    assert box.evaluate("box => getComputedStyle(box).overflowX") == "auto"


def test_charts_leave_the_hours_still_to_come_undrawn(page, zone, kazakh, at):
    # Given 10:30 in Almaty, one crossing admitted at 10:05
    at(almaty(2026, 5, 12, 10, 5))
    crossing_record_entry(document=kazakh, lane=zone.lane("KZ", "E-C01"), acting_user=zone.kz_officer)
    at(almaty(2026, 5, 12, 10, 30))
    sign_in(page, zone.kz_officer.username, TEST_PASSWORD)
    page.wait_for_url("**/crossings/desk/")
    page.goto("/crossings/charts/")
    page.wait_for_function("() => window.Chart && Chart.getChart(document.getElementById('chart-KZ'))")
    today = page.evaluate("Chart.getChart(document.getElementById('chart-KZ')).data.datasets[0].data")
    # Then the chart has points up to 10:00, none (null, a gap) after: not a line falling to 0
    assert today[:11] == [0] * 10 + [1]
    assert today[11:] == [None] * 13
    row = page.locator(".chart-panel:has(#chart-KZ) tbody tr").nth(11)
    assert row.locator("td").nth(1).inner_text() == "—"
