"""An officer at the lane desk, in a real browser: keyboard only, one scan and Enter per traveller."""

import pytest
from mrz.generator.td3 import TD3CodeGenerator
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from crossings.choices import VisitState, WatchlistMatch
from crossings.models import Alert, Visit
from crossings.selectors import travellers_search
from crossings.services.crossings import crossing_record_entry
from crossings.services.reference import officer_assign
from crossings.services.watchlist import watchlist_add
from tests.browser.conftest import sign_in
from tests.crossings.conftest import beijing
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)
WEDNESDAY_MORNING = beijing(2026, 5, 13, 10, 0)


def passport_mrz(number="N7654321", surname="NURLANOV", given="DANIYAR"):
    return str(TD3CodeGenerator("P", "KAZ", surname, given, number, "KAZ", "900402", "M", "350101", ""))


def open_desk(page, officer, lane_code):
    """Sign in and choose the lane named by its checkpoint and code ("CN E-F01"), the start of its label."""
    sign_in(page, officer.username, TEST_PASSWORD)
    page.wait_for_url("**/crossings/desk/")
    choose_lane(page, lane_code)


def choose_lane(page, lane_code):
    lane = page.locator("select[name=lane] option", has_text=f"{lane_code} · ").get_attribute("value")
    page.get_by_label("Your lane").select_option(lane)
    page.get_by_role("button", name="Use this lane").click()
    page.wait_for_selector("#scan-form")
    # The scan field's Enter is handled by desk.js and htmx (deferred scripts): on a busy machine the form can be in
    # the page before they run, and an Enter pressed then only adds a new line. Wait until the page has loaded.
    page.wait_for_load_state("load")


def focused(page, expected: str) -> str:
    """The name of the focused field once it is `expected` (a busy browser may take a moment), else of the one
    focused when the wait ran out."""
    script = "(document.activeElement.name || document.activeElement.tagName)"
    try:
        page.wait_for_function(f"expected => {script} === expected", arg=expected, timeout=5_000)
    except PlaywrightTimeoutError:
        pass
    return page.evaluate(script)


def horizontal_overflow(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def scan(page, text):
    field = page.get_by_label("Document number or machine readable zone")
    field.fill(text)
    field.press("Enter")


def test_officer_records_entries_by_keyboard_alone(page, zone, kazakh, at):
    at(WEDNESDAY_MORNING)
    lane = zone.lane("CN", "E-F01")
    open_desk(page, zone.cn_officer, str(lane))
    # A known document: one scan and Enter, the decision appears without a page reload
    scan(page, "N1234567")
    page.wait_for_selector(".decision-admitted")
    assert "ADMITTED" in page.locator(".decision-word").inner_text().upper()
    # The field is empty and focused again for the next traveller
    assert focused(page, "scan") == "scan"
    assert page.get_by_label("Document number or machine readable zone").input_value() == ""

    # A reader types an unknown passport's MRZ line by line, Enter after each line: the traveller is
    # registered from the zone and admitted
    first, second = passport_mrz().split("\n")
    field = page.get_by_label("Document number or machine readable zone")
    field.type(first)
    field.press("Enter")
    field.type(second)
    field.press("Enter")
    page.wait_for_selector(".traveller-summary:has-text('NURLANOV')")
    assert page.locator(".decision-admitted").count() == 1
    assert travellers_search(family_name="Nurlanov").exists()

    # A misread zone (one check digit off): "rescan", nothing recorded
    wrong = second[:9] + str((int(second[9]) + 1) % 10) + second[10:]
    scan(page, f"{first}\n{wrong}")
    page.wait_for_selector(".decision-rescan")
    assert "scan it again" in page.locator(".decision-rescan").inner_text()
    assert Visit.objects.filter(traveller__in=travellers_search(family_name="Nurlanov")).count() == 1


def test_watchlist_hit_must_be_acknowledged(page, zone, kazakh, at):
    at(WEDNESDAY_MORNING)
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order 17/2026", acting_user=zone.administrator)  # fmt: skip
    open_desk(page, zone.cn_officer, str(zone.lane("CN", "E-F01")))
    scan(page, "N1234567")
    page.wait_for_selector(".alert-box")
    assert "Court order 17/2026" in page.locator(".alert-box").inner_text()
    assert "REFUSED" in page.locator(".decision-word").inner_text().upper()
    page.get_by_role("button", name="Acknowledge alert").click()
    page.wait_for_selector(".alert-acknowledged")
    assert Alert.objects.get().acknowledged_by == zone.cn_officer
    # The next scan goes straight into the scan field
    assert focused(page, "scan") == "scan"
    page.keyboard.type("N1234567")
    assert page.get_by_label("Document number or machine readable zone").input_value() == "N1234567"


def test_exit_at_the_other_checkpoint_shows_the_refusal_reason(page, zone, kazakh, at):
    at(WEDNESDAY_MORNING)
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    open_desk(page, zone.kz_officer, str(zone.lane("KZ", "X-C01")))
    scan(page, "N1234567")
    page.wait_for_selector(".decision-refused")
    # Where and since when, in that checkpoint's time (Beijing's 10:00 is 07:00 at this desk)
    assert page.locator(".decision-reason").inner_text() == (
        f"The traveller must leave through the checkpoint they entered: {zone.cn.name_en}, on 2026-05-13 10:00 "
        "(local time there)."
    )
    assert Visit.objects.get().state == VisitState.OPEN


# Every field of the registration form, in the order it is read (row by row) and tabbed through.
REGISTER_FIELDS = [
    "document_number", "document_type", "document_issuing_country", "document_valid_until", "family_name",
    "given_names", "family_name_native", "given_names_native", "nationality", "birth_date", "sex",
]  # fmt: skip


def test_unknown_traveller_is_registered_inline_and_entered(page, zone, at):
    at(WEDNESDAY_MORNING)
    open_desk(page, zone.cn_officer, str(zone.lane("CN", "E-F01")))
    scan(page, "N5550001")
    page.wait_for_selector(".register-card")
    # The focus is on the first field to fill: the document type, which no longer defaults to anything
    assert focused(page, "document_type") == "document_type"
    for name in ("document_type", "document_issuing_country", "nationality", "sex"):
        assert page.locator(f"select[name={name}]").input_value() == "", name
    # The zone's countries head the lists, the officer's own first
    assert page.locator("select[name=nationality] option").all_inner_texts()[1:3] == ["China", "Kazakhstan"]
    # Required fields are marked before submitting
    assert page.locator("label[for=id_nationality] .required-mark").is_visible()
    assert page.locator("label[for=id_given_names] .required-mark").count() == 0
    page.get_by_label("Document type").select_option("passport")
    # The nationality follows the issuing country...
    page.get_by_label("Issuing country").select_option("KZ")
    assert page.get_by_label("Nationality").input_value() == "KZ"
    page.get_by_label("Issuing country").select_option("CN")
    assert page.get_by_label("Nationality").input_value() == "CN"
    # ...until the officer chooses it themselves
    page.get_by_label("Nationality").select_option("KZ")
    page.get_by_label("Issuing country").select_option("KZ")
    page.get_by_label("Issuing country").select_option("RU")
    assert page.get_by_label("Nationality").input_value() == "KZ"
    page.get_by_label("Issuing country").select_option("KZ")
    page.get_by_label("Valid until").fill("2034-01-01")
    page.get_by_label("Family name (Latin)").fill("Sultanova")
    page.get_by_label("Given names (Latin)").fill("Madina")
    page.get_by_label("Birth date").fill("1993-07-07")
    # Sex left blank: the server asks for it, and the focus goes to it
    page.get_by_role("button", name="Register and record").click()
    page.wait_for_selector(".register-card .field-invalid")
    assert focused(page, "sex") == "sex"
    assert not travellers_search(family_name="Sultanova").exists()
    page.get_by_label("Sex").select_option("F")
    page.get_by_role("button", name="Register and record").click()
    page.wait_for_selector(".decision-admitted")
    assert Visit.objects.get().traveller.family_name == "Sultanova"
    # Registered and recorded: ready for the next traveller
    assert focused(page, "scan") == "scan"


@pytest.mark.parametrize("on_phone", [False, True])
def test_registration_tab_order_follows_the_visual_order(request, zone, at, on_phone):
    page = request.getfixturevalue("phone_page" if on_phone else "page")
    at(WEDNESDAY_MORNING)
    open_desk(page, zone.cn_officer, str(zone.lane("CN", "E-F01")))
    scan(page, "N5550001")
    page.wait_for_selector(".register-card")
    fields = page.evaluate(
        """() => Array.from(document.querySelectorAll(
               ".register-card input:not([type=hidden]), .register-card select, .register-card button"))
             .map((element) => {
               const box = element.getBoundingClientRect();
               return {name: element.name || element.tagName, tabIndex: element.tabIndex,
                       top: Math.round(box.top), left: Math.round(box.left)};
             })"""
    )
    # Every field is reached by Tab, none out of turn (no tabindex), in the document's order...
    assert [field["name"] for field in fields] == [*REGISTER_FIELDS, "BUTTON"]
    assert {field["tabIndex"] for field in fields} == {0}
    # ...which is the visual order: row by row, left to right
    visual = sorted(fields, key=lambda field: (field["top"], field["left"]))
    assert [field["name"] for field in visual] == [field["name"] for field in fields]
    assert horizontal_overflow(page) <= 0


def test_desk_speaks_chinese(page, zone, at):
    at(WEDNESDAY_MORNING)
    open_desk(page, zone.cn_officer, str(zone.lane("CN", "E-F01")))
    page.get_by_label("Language").select_option("zh-hans")
    page.get_by_role("button", name="Switch").click()
    page.wait_for_selector("html[lang='zh-hans']")
    assert page.locator("h1").inner_text() == "通道工作台"
    assert page.get_by_label("证件号码或机读区").count() == 1


def test_desk_fits_a_phone(phone_page, zone, at):
    at(WEDNESDAY_MORNING)
    zone.cn.lanes.filter(code="E-F02").update(is_open=False)
    sign_in(phone_page, zone.cn_officer.username, TEST_PASSWORD)
    phone_page.wait_for_url("**/crossings/desk/")
    # The lane choice with its long labels fits too
    assert horizontal_overflow(phone_page) <= 0
    choose_lane(phone_page, str(zone.lane("CN", "E-F01")))
    assert phone_page.get_by_label("Document number or machine readable zone").is_visible()
    assert horizontal_overflow(phone_page) <= 0


def test_lane_is_chosen_by_keyboard_right_after_sign_in(page, zone, at):
    at(WEDNESDAY_MORNING)
    zone.cn.lanes.filter(code="E-F02").update(is_open=False)
    sign_in(page, zone.cn_officer.username, TEST_PASSWORD)
    page.wait_for_url("**/crossings/desk/")
    # The desk opens on the lane choice, whose lanes say what they are
    assert focused(page, "lane") == "lane"
    options = page.locator("select[name=lane] option").all_inner_texts()
    assert "CN E-F01 · Entry · Other nationals (not citizens of China)" in options
    assert "CN E-C01 · Entry · Citizens of China" in options
    assert "CN E-F02 · Entry · Other nationals (not citizens of China) · ⛔ closed" in options
    # Choose, one Tab to the button, Enter: the scan field has the focus
    page.get_by_label("Your lane").select_option(str(zone.lane("CN", "E-F01").pk))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Use this lane"
    page.keyboard.press("Enter")
    page.wait_for_selector("#scan-form")
    page.wait_for_load_state("load")
    assert focused(page, "scan") == "scan"
    assert "Citizens of China" not in page.locator(".lane-banner").inner_text()
    assert "Other nationals (not citizens of China)" in page.locator(".lane-banner").inner_text()


def test_enter_pressed_before_the_scripts_ran_records_the_scan(page, zone, kazakh, at):
    at(WEDNESDAY_MORNING)
    open_desk(page, zone.cn_officer, str(zone.lane("CN", "E-F01")))
    # Given the page's scripts are slow to arrive
    held = []
    page.route("**/*.js", lambda route: held.append(route))
    page.reload(wait_until="commit")
    page.wait_for_selector("#scan-form")
    field = page.get_by_label("Document number or machine readable zone")
    # When the reader sends the number and Enter before they ran: only a line break goes in, nothing is sent
    field.focus()
    page.keyboard.type("N1234567")
    page.keyboard.press("Enter")
    assert field.input_value() == "N1234567\n"
    assert not Visit.objects.exists()
    # Then once they run, the scan is sent as it was meant, and the field is ready for the next one
    for route in held:
        route.continue_()
    page.unroute("**/*.js")
    page.wait_for_selector(".decision-admitted")
    assert Visit.objects.get().traveller == kazakh.traveller
    assert field.input_value() == ""
    assert focused(page, "scan") == "scan"


def test_scan_field_has_the_focus_after_every_result(page, zone, kazakh, at):
    at(WEDNESDAY_MORNING)
    open_desk(page, zone.cn_officer, str(zone.lane("CN", "E-C01")))
    # A refusal (wrong lane group) says where to send the traveller
    scan(page, "N1234567")
    page.wait_for_selector(".decision-refused")
    assert "send them to a lane for Other nationals (not citizens of China) (open now: E-F01, E-F02)" in (
        page.locator(".decision-reason").inner_text()
    )
    assert focused(page, "scan") == "scan"
    # A misread zone: rescan
    first, second = passport_mrz().split("\n")
    scan(page, f"{first}\n{second[:-1]}0" if second[-1] != "0" else f"{first}\n{second[:-1]}1")
    page.wait_for_selector(".decision-rescan")
    assert focused(page, "scan") == "scan"
    # An error answer: an administrator moved the officer to the other checkpoint meanwhile
    officer_assign(officer=zone.cn_officer, checkpoint=zone.kz, acting_user=zone.administrator)
    scan(page, "N1234567")
    page.wait_for_selector(".decision-rescan:has-text('Choose your lane first')")
    assert focused(page, "scan") == "scan"
