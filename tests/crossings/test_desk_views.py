"""The lane desk through its views: choose a lane, scan, see the decision; MRZ, registration, alerts."""

import re
from datetime import date

import pytest
from mrz.generator.td1 import TD1CodeGenerator
from mrz.generator.td3 import TD3CodeGenerator

from crossings.choices import Outcome, VisitState, WatchlistMatch
from crossings.forms import ScanForm
from crossings.models import Alert, Crossing, TravelDocument, Traveller, Visit
from crossings.mrz import RESCAN, parse_mrz
from crossings.services.watchlist import watchlist_add
from crossings.views.officer.desk import SESSION_LANE
from horgos.models import AuditEntry
from tests.crossings.conftest import beijing
from tests.crossings.factories import DocumentFactory
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db


def passport_mrz(
    number="N7654321", country="KAZ", surname="NURLANOV", given="DANIYAR", sex="M", born="900402", expires="310101"
):
    return str(TD3CodeGenerator("P", country, surname, given, number, country, born, sex, expires, ""))


def scan(client, text):
    return client.post("/crossings/desk/scan/", {"scan": text}, HTTP_HX_REQUEST="true")


@pytest.mark.parametrize(
    ("caller", "status"), [(None, 302), ("merchant", 403), ("cn_officer", 200), ("administrator", 200)]
)
def test_desk_is_for_officers_and_administrators(client, zone, caller, status):
    if caller:
        client.force_login(getattr(zone, caller))
    assert client.get("/crossings/desk/").status_code == status


def test_officer_chooses_a_lane_of_their_checkpoint_only(client, zone):
    client.force_login(zone.cn_officer)
    page = client.get("/crossings/desk/").content.decode()
    assert "E-F01" in page and "E-C01" in page
    kz_lane = zone.lane("KZ", "E-C01")
    client.post("/crossings/desk/lane/", {"lane": kz_lane.pk})
    assert SESSION_LANE not in client.session
    cn_lane = zone.lane("CN", "E-F01")
    client.post("/crossings/desk/lane/", {"lane": cn_lane.pk})
    assert client.session[SESSION_LANE] == cn_lane.pk


def test_scan_without_a_lane_records_nothing(client, zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    client.force_login(zone.cn_officer)
    response = scan(client, kazakh.number)
    assert response.status_code == 400
    assert "Choose your lane first" in response.content.decode()
    assert not Crossing.objects.exists()


def test_scanning_a_known_document_number_records_the_entry(zone, desk_client, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    response = scan(desk_client(zone.cn_officer), "n 123-4567")
    page = response.content.decode()
    assert response.status_code == 200
    assert "decision-admitted" in page
    assert "Abenova".upper() in page
    assert "29 days left" in page
    assert Visit.objects.get().traveller == kazakh.traveller


def test_refusal_shows_the_translated_reason(zone, desk_client, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    client = desk_client(zone.cn_officer, lane="E-C01")
    page = client.post("/crossings/desk/scan/", {"scan": kazakh.number}, HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "decision-refused" in page
    assert "This lane does not serve this traveller" not in page
    assert Crossing.objects.get().outcome == Outcome.REFUSED


def test_exit_lane_records_an_exit(zone, desk_client, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    scan(desk_client(zone.cn_officer), kazakh.number)
    client = desk_client(zone.cn_officer, lane="X-F01")
    assert "decision-admitted" in scan(client, kazakh.number).content.decode()
    assert Visit.objects.get().state == VisitState.CLOSED


def test_unknown_number_offers_the_inline_registration_which_records_in_one_step(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    client = desk_client(zone.cn_officer)
    offered = scan(client, "n9999999").content.decode()
    assert "No document with this number is registered" in offered
    assert 'value="N9999999"' in offered
    assert not Crossing.objects.exists()
    response = client.post(
        "/crossings/desk/register/",
        {
            "document_number": "N9999999",
            "document_type": "passport",
            "document_issuing_country": "KZ",
            "document_valid_until": "2031-05-01",
            "family_name": "Sultanova",
            "given_names": "Madina",
            "nationality": "KZ",
            "birth_date": "1993-07-07",
            "sex": "F",
        },
    )
    assert "decision-admitted" in response.content.decode()
    assert Traveller.objects.get().family_name == "Sultanova"
    assert Crossing.objects.get().outcome == Outcome.ADMITTED


def test_inline_registration_with_bad_input_shows_field_errors_and_writes_nothing(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    client = desk_client(zone.cn_officer)
    response = client.post(
        "/crossings/desk/register/",
        {"document_number": "N9999999", "document_type": "passport", "document_issuing_country": "KZ",
         "family_name": "", "nationality": "KZ", "birth_date": "2099-01-01", "sex": "F"},
    )  # fmt: skip
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("field-error") >= 2
    assert not Traveller.objects.exists()
    assert not Crossing.objects.exists()


def test_mrz_of_a_known_passport_records_the_entry(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    DocumentFactory(
        traveller__nationality="KZ", traveller__family_name="Nurlanov", number="N7654321", issuing_country="KZ"
    )
    response = scan(desk_client(zone.cn_officer), passport_mrz())
    assert "decision-admitted" in response.content.decode()
    assert Traveller.objects.count() == 1


def test_mrz_of_an_unknown_passport_registers_the_traveller_and_records(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    response = scan(desk_client(zone.cn_officer), passport_mrz())
    assert "decision-admitted" in response.content.decode()
    traveller = Traveller.objects.get()
    assert (traveller.family_name, traveller.given_names, traveller.nationality) == ("Nurlanov", "Daniyar", "KZ")
    assert (traveller.birth_date, traveller.sex) == (date(1990, 4, 2), "M")
    document = TravelDocument.objects.get()
    assert (document.number, document.issuing_country, document.valid_until) == ("N7654321", "KZ", date(2031, 1, 1))
    assert AuditEntry.objects.filter(action="traveller.register", actor=zone.cn_officer).exists()


def test_mrz_of_an_id_card_td1_is_read(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    card = str(TD1CodeGenerator("I", "CHN", "123456789", "880101", "F", "320101", "CHN", "LI", "NA"))
    response = scan(desk_client(zone.cn_officer, lane="E-C01"), card)
    assert "decision-admitted" in response.content.decode()
    assert TravelDocument.objects.get().document_type == "national_id"


def test_mrz_with_a_wrong_check_digit_says_rescan_and_records_nothing(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    first, second = passport_mrz().split("\n")
    wrong_digit = str((int(second[9]) + 1) % 10)  # position 10 of line 2 checks the document number
    bad = f"{first}\n{second[:9]}{wrong_digit}{second[10:]}"
    response = scan(desk_client(zone.cn_officer), bad)
    assert response.status_code == 422
    assert "decision-rescan" in response.content.decode()
    assert str(RESCAN)[:40] in response.content.decode()
    assert not Traveller.objects.exists()
    assert not Crossing.objects.exists()


def test_mrz_read_without_line_breaks_is_read_the_same(zone, at):
    at(beijing(2026, 5, 12, 10, 0))
    one_line = passport_mrz().replace("\n", "")
    assert parse_mrz(one_line, today=date(2026, 5, 12)) == parse_mrz(passport_mrz(), today=date(2026, 5, 12))


def test_watchlist_hit_shows_an_alert_the_officer_acknowledges(zone, desk_client, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order 17/2026", acting_user=zone.administrator)  # fmt: skip
    desk = desk_client(zone.cn_officer)
    page = scan(desk, kazakh.number).content.decode()
    assert "Watchlist match" in page and "Court order 17/2026" in page
    alert = Alert.objects.get()
    acknowledged = desk.post(f"/crossings/desk/alerts/{alert.pk}/acknowledge/", HTTP_HX_REQUEST="true")
    assert "Acknowledged by officer.cn" in acknowledged.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == zone.cn_officer


def test_acknowledging_without_htmx_returns_to_the_desk(zone, desk_client, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order 17/2026", acting_user=zone.administrator)  # fmt: skip
    desk = desk_client(zone.cn_officer)
    scan(desk, kazakh.number)
    response = desk.post(f"/crossings/desk/alerts/{Alert.objects.get().pk}/acknowledge/")
    assert response.status_code == 302 and response.url == "/crossings/desk/"
    assert Alert.objects.get().acknowledged_by == zone.cn_officer


def test_officer_of_the_other_checkpoint_cannot_acknowledge(client, zone, desk_client, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order", acting_user=zone.administrator)  # fmt: skip
    scan(desk_client(zone.cn_officer), kazakh.number)
    client.force_login(zone.kz_officer)
    assert client.post(f"/crossings/desk/alerts/{Alert.objects.get().pk}/acknowledge/").status_code == 404
    assert not Alert.objects.get().is_acknowledged


def test_several_documents_with_one_number_let_the_officer_choose(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    first = DocumentFactory(number="A1234567", issuing_country="KZ", traveller__nationality="KZ")
    DocumentFactory(number="A1234567", issuing_country="RU", traveller__nationality="RU")
    desk = desk_client(zone.cn_officer)
    page = scan(desk, "A1234567").content.decode()
    assert "Several documents have this number" in page
    assert not Crossing.objects.exists()
    chosen = desk.post(f"/crossings/desk/documents/{first.pk}/record/")
    assert "decision-admitted" in chosen.content.decode()
    assert Crossing.objects.get().document == first


def test_live_panel_shows_today_recent_lanes_inside_and_alerts(zone, desk_client, kazakh, chinese, at):
    at(beijing(2026, 5, 12, 10, 0))
    client = desk_client(zone.cn_officer)
    scan(client, kazakh.number)
    scan(client, chinese.number)  # refused: a Chinese citizen at the other nationals' lane
    response = client.get("/crossings/desk/live/")
    assert response.context["today"]["entry"] == {"admitted": 1, "refused": 1}
    lane = next(row for row in response.context["recent_lanes"] if row["code"] == "E-F01")
    assert (lane["admitted"], lane["refused"]) == (1, 1)
    assert response.context["inside"] == {"CN": [{"nationality": "KZ", "people": 1}]}
    at(beijing(2026, 5, 12, 10, 20))
    later = client.get("/crossings/desk/live/")
    lane = next(row for row in later.context["recent_lanes"] if row["code"] == "E-F01")
    assert (lane["admitted"], lane["refused"]) == (0, 0)


def test_unassigned_officer_sees_a_clear_message(client, zone):
    client.force_login(OfficerFactory())
    page = client.get("/crossings/desk/").content.decode()
    assert "You are not assigned to a checkpoint yet" in page


# --- the lane choice ----------------------------------------------------------------------------


def test_desk_without_a_lane_opens_on_the_lane_choice_showing_what_each_lane_is(client, zone):
    zone.cn.lanes.filter(code="E-F02").update(is_open=False)
    client.force_login(zone.cn_officer)
    page = client.get("/crossings/desk/").content.decode()
    assert re.search(r'<select name="lane"[^>]*autofocus', page)
    assert "CN E-F01 · Entry · Other nationals (not citizens of China)</option>" in page
    assert "CN E-C01 · Entry · Citizens of China</option>" in page
    assert "CN X-G01 · Exit · Self-service e-gate</option>" in page
    assert "CN E-F02 · Entry · Other nationals (not citizens of China) · ⛔ closed</option>" in page


def test_desk_with_a_lane_keeps_the_focus_for_the_scan_and_names_the_group(zone, desk_client):
    page = desk_client(zone.kz_officer, checkpoint="KZ", lane="E-C01").get("/crossings/desk/").content.decode()
    assert not re.search(r'<select name="lane"[^>]*autofocus', page)
    assert re.search(r'<textarea name="scan"[^>]*autofocus', page)
    assert "Citizens of Kazakhstan" in page


# --- the inline registration --------------------------------------------------------------------


def selected_options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"[^>]*selected', select)


def first_options(page: str, name: str, count: int) -> list[str]:
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return re.findall(r'<option value="([^"]*)"', select)[:count]


@pytest.mark.parametrize(
    ("checkpoint", "lane", "first"), [("CN", "E-F01", ["", "CN", "KZ"]), ("KZ", "E-F01", ["", "KZ", "CN"])]
)
def test_registration_preselects_nothing_and_lists_the_zones_countries_first(
    zone, desk_client, at, checkpoint, lane, first
):
    at(beijing(2026, 5, 12, 10, 0))
    officer = zone.cn_officer if checkpoint == "CN" else zone.kz_officer
    page = scan(desk_client(officer, checkpoint=checkpoint, lane=lane), "N9999999").content.decode()
    for name in ("document_type", "document_issuing_country", "nationality", "sex"):
        assert selected_options(page, name) in ([], [""]), name
        assert re.search(rf'<select name="{name}"[^>]*required', page), name
        assert re.search(rf'<select name="{name}"[^>]*aria-required="true"', page), name
    assert first_options(page, "document_issuing_country", 3) == first
    assert first_options(page, "nationality", 3) == first
    assert 'data-fills="nationality"' in page
    # Required fields are marked before anything is submitted; optional ones are not
    assert 'Family name (Latin) <abbr class="required-mark"' in page
    assert "Given names (Latin)</label>" in page


def test_registration_requires_the_nationality_and_sex_it_no_longer_guesses(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    response = desk_client(zone.cn_officer).post(
        "/crossings/desk/register/",
        {"document_number": "N9999999", "document_type": "passport", "document_issuing_country": "KZ",
         "document_valid_until": "2031-05-01", "family_name": "Sultanova", "nationality": "",
         "birth_date": "1993-07-07", "sex": ""},
        HTTP_HX_REQUEST="true",
    )  # fmt: skip
    assert response.status_code == 400
    assert set(response.context["register_form"].errors) == {"nationality", "sex"}
    assert not Traveller.objects.exists()


# --- a scan sent before the page's scripts ran --------------------------------------------------


@pytest.mark.parametrize("typed", ["N1234567\n", "  n 123-4567\r\n\n", "N1234\n567"])
def test_a_scan_with_stray_line_breaks_records_the_document(zone, desk_client, kazakh, at, typed):
    at(beijing(2026, 5, 12, 10, 0))
    response = scan(desk_client(zone.cn_officer), typed)
    assert "decision-admitted" in response.content.decode()
    assert Visit.objects.get().traveller == kazakh.traveller


def test_a_zone_with_stray_whitespace_is_stripped_before_it_is_read(zone, desk_client, at):
    at(beijing(2026, 5, 12, 10, 0))
    first, second = passport_mrz().split("\n")
    form = ScanForm({"scan": f" {first}\r\n\n{second} \n"})
    assert form.is_valid()
    assert form.cleaned_data["scan"] == first + second
    page = scan(desk_client(zone.cn_officer), f" {first}\r\n\n{second} \n").content.decode()
    assert "decision-admitted" in page and "NURLANOV" in page


def test_a_scan_posted_without_htmx_answers_with_the_whole_desk(zone, desk_client, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    response = desk_client(zone.cn_officer).post("/crossings/desk/scan/", {"scan": "N1234567"})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<h1 id="desk-title">Lane desk</h1>' in page
    assert re.search(r'<div id="desk-result"[^>]*>\s*<div class="decision decision-admitted"', page)
    assert Visit.objects.get().traveller == kazakh.traveller
