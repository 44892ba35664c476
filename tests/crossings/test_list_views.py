"""The officers' pages: inside the zone, overstays, the traveller page (masked numbers, audited reveal),
today's crossings at a checkpoint and the hourly charts."""

import csv
import io
import re
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext

from crossings.choices import WatchlistMatch
from crossings.models import Crossing, HourlyCrossingCount, Lane, Visit
from crossings.selectors import travellers_search
from crossings.selectors.lists import admitted_per_local_hour, mask_document_number
from crossings.services.crossings import crossing_correct, crossing_record_entry, crossing_record_exit
from crossings.services.documents import document_reveal
from crossings.services.statistics import statistics_fill
from crossings.services.watchlist import watchlist_add
from horgos.models import AuditEntry
from tests.crossings.conftest import almaty, beijing
from tests.crossings.factories import DocumentFactory, TravellerFactory
from tests.factories import OfficerFactory

pytestmark = pytest.mark.django_db

STATIC_PAGES = ["/crossings/inside/", "/crossings/overstays/", "/crossings/today/", "/crossings/charts/"]


# --- helpers ------------------------------------------------------------------------------------


def person(family_name, nationality, number, given_names="Test", **extra):
    traveller = TravellerFactory(family_name=family_name, given_names=given_names, nationality=nationality, **extra)
    return DocumentFactory(traveller=traveller, issuing_country=nationality, number=number)


def officer_of(zone, checkpoint):
    return zone.cn_officer if checkpoint == "CN" else zone.kz_officer


def enter(zone, document, checkpoint="CN", lane="E-F01"):
    return crossing_record_entry(
        document=document, lane=zone.lane(checkpoint, lane), acting_user=officer_of(zone, checkpoint)
    )


def leave(zone, document, checkpoint="CN", lane="X-F01"):
    return crossing_record_exit(
        document=document, lane=zone.lane(checkpoint, lane), acting_user=officer_of(zone, checkpoint)
    )


def family_names(response, table="table"):
    return [row.record.traveller.family_name for row in response.context[table].paginated_rows]


def csv_rows(response):
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


@pytest.fixture
def inside(zone, at):
    """Three people inside on 12 May 2026 at 15:00 Beijing time (12:00 in Almaty):
    Schmidt (DE) entered CN on 1 March and overstays (last day 30 March, 43 days ago); Abenova (KZ) entered CN on
    1 May (last day 30 May, 18 days left); Wang (CN) entered KZ on 12 May (last day 10 June, 29 days left)."""
    schmidt = person("Schmidt", "DE", "C01X00T47")
    abenova = person("Abenova", "KZ", "N1234567")
    wang = person("Wang", "CN", "E12345678")
    at(beijing(2026, 3, 1, 10, 0))
    enter(zone, schmidt, "CN", "E-F01")
    at(beijing(2026, 5, 1, 10, 0))
    enter(zone, abenova, "CN", "E-F01")
    at(almaty(2026, 5, 12, 9, 0))
    enter(zone, wang, "KZ", "E-F01")
    at(beijing(2026, 5, 12, 15, 0))
    return {"schmidt": schmidt, "abenova": abenova, "wang": wang}


@pytest.fixture
def traveller_path(kazakh):
    return f"/crossings/travellers/{kazakh.traveller.pk}/"


# --- who may see the pages ------------------------------------------------------------------------


@pytest.mark.parametrize("page", [*STATIC_PAGES, "/crossings/charts/data/", "traveller"])
@pytest.mark.parametrize(("caller", "status"), [("merchant", 403), ("cn_officer", 200), ("administrator", 200)])
def test_pages_are_for_officers_and_administrators(signed_in, zone, traveller_path, page, caller, status):
    path = traveller_path if page == "traveller" else page
    assert signed_in(getattr(zone, caller)).get(path).status_code == status


@pytest.mark.parametrize("page", [*STATIC_PAGES, "/crossings/charts/data/", "traveller"])
def test_anonymous_visitors_are_sent_to_sign_in(client, zone, traveller_path, page):
    path = traveller_path if page == "traveller" else page
    response = client.get(path)
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/?next=")


@pytest.mark.parametrize("page", [*STATIC_PAGES, "traveller"])
def test_pages_have_a_heading_and_their_stylesheet(signed_in, zone, traveller_path, page):
    path = traveller_path if page == "traveller" else page
    html = signed_in(zone.cn_officer).get(path).content.decode()
    assert html.count("<h1>") == 1
    assert "/static/css/lists.css" in html


@pytest.mark.parametrize("page", [*STATIC_PAGES, "traveller"])
def test_pages_render_in_chinese_when_asked(signed_in, zone, traveller_path, page):
    path = traveller_path if page == "traveller" else page
    response = signed_in(zone.cn_officer).get(path, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


# --- inside the zone ------------------------------------------------------------------------------


def test_inside_lists_open_visits_with_local_days_left(signed_in, zone, inside):
    response = signed_in(zone.cn_officer).get("/crossings/inside/")
    rows = {row.record.traveller.family_name: row.record for row in response.context["table"].paginated_rows}
    assert {name: visit.days_left for name, visit in rows.items()} == {"Schmidt": -43, "Abenova": 18, "Wang": 29}
    html = response.content.decode()
    assert f'href="/crossings/travellers/{inside["abenova"].traveller.pk}/"' in html
    # Times in the entry checkpoint's zone: Wang entered KZ at 09:00 Almaty time, Abenova CN at 10:00 Beijing time.
    assert 'datetime="2026-05-12T09:00+05:00"' in html
    assert 'datetime="2026-05-01T10:00+08:00"' in html
    assert '<span class="badge badge-bad">Overstaying</span>' in html


def test_inside_excludes_people_who_left(signed_in, zone, inside, at):
    at(beijing(2026, 5, 12, 16, 0))
    leave(zone, inside["abenova"])
    response = signed_in(zone.cn_officer).get("/crossings/inside/")
    assert sorted(family_names(response)) == ["Schmidt", "Wang"]


def test_the_inside_list_costs_the_same_queries_whatever_its_rows(signed_in, zone, inside, at):
    # Given the list read with everyone inside (three rows)
    path = "/crossings/inside/"
    client = signed_in(zone.cn_officer)
    client.get(path)  # the session and the officer's assignment read once
    with CaptureQueriesContext(connection) as all_inside:
        assert client.get(path).status_code == 200
    # When one of them leaves and the list is read again
    at(beijing(2026, 5, 12, 16, 0))
    leave(zone, inside["abenova"])
    client = signed_in(zone.cn_officer)  # signed in again at the later time
    client.get(path)
    with CaptureQueriesContext(connection) as fewer:
        assert len(family_names(client.get(path))) == 2
    # Then no query is made per row (names, nationalities, checkpoints come joined in)
    assert len(fewer) == len(all_inside)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Abenova", "Schmidt", "Wang"]),
        ({"nationality": "KZ"}, ["Abenova"]),
        ({"checkpoint": "KZ"}, ["Wang"]),
        ({"checkpoint": "CN"}, ["Abenova", "Schmidt"]),
        ({"days_left_at_most": "20"}, ["Abenova", "Schmidt"]),
        ({"days_left_at_most": "17"}, ["Schmidt"]),
        ({"overstay": "true"}, ["Schmidt"]),
        ({"overstay": "false"}, ["Abenova", "Wang"]),
        ({"overstay": "false", "days_left_at_most": "20"}, ["Abenova"]),
        ({"overstay": "false", "checkpoint": "KZ", "nationality": "CN"}, ["Wang"]),
    ],
)
def test_inside_filters_narrow_the_rows(signed_in, zone, inside, query, expected):
    response = signed_in(zone.cn_officer).get("/crossings/inside/", query)
    assert sorted(family_names(response)) == expected


def test_inside_filter_with_bad_input_shows_the_error_not_everyone(signed_in, zone, inside):
    response = signed_in(zone.cn_officer).get("/crossings/inside/", {"days_left_at_most": "-1"})
    assert response.status_code == 200
    assert family_names(response) == []
    assert response.context["filter"].errors["days_left_at_most"]


def test_inside_filters_have_labels(signed_in, zone):
    html = signed_in(zone.cn_officer).get("/crossings/inside/").content.decode()
    for name in ("nationality", "checkpoint", "days_left_at_most", "overstay"):
        assert f'<label for="id_{name}">' in html


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("nationality", ["Wang", "Schmidt", "Abenova"]),
        ("checkpoint", ["Schmidt", "Abenova", "Wang"]),
        ("-entered_at", ["Wang", "Abenova", "Schmidt"]),
        ("must_leave_by", ["Schmidt", "Abenova", "Wang"]),
        ("days_left", ["Schmidt", "Abenova", "Wang"]),
        ("-days_left", ["Wang", "Abenova", "Schmidt"]),
    ],
)
def test_inside_sorts_by_each_column(signed_in, zone, inside, sort, expected):
    response = signed_in(zone.cn_officer).get("/crossings/inside/", {"sort": sort})
    assert family_names(response) == expected


def test_inside_sort_marks_the_sorted_column(signed_in, zone, inside):
    html = signed_in(zone.cn_officer).get("/crossings/inside/", {"sort": "-days_left"}).content.decode()
    assert 'aria-sort="descending"' in html
    assert "sorted descending" in html


def test_inside_does_not_sort_by_the_encrypted_names(signed_in, zone, inside):
    # Names are encrypted at rest: SQL cannot order by them, so the column offers no sort and the default order stays
    officer = signed_in(zone.cn_officer)
    default = family_names(officer.get("/crossings/inside/"))
    assert family_names(officer.get("/crossings/inside/", {"sort": "-traveller"})) == default
    assert "?sort=traveller" not in officer.get("/crossings/inside/").content.decode()


def test_inside_ignores_an_unknown_sort(signed_in, zone, inside):
    response = signed_in(zone.cn_officer).get("/crossings/inside/", {"sort": "traveller__birth_date"})
    assert response.status_code == 200
    assert len(family_names(response)) == 3


def test_inside_pages_by_50(signed_in, zone, at):
    at(beijing(2026, 5, 12, 10, 0))
    for number in range(51):
        enter(zone, person(f"Person{number:02d}", "DE", f"D{number:07d}"))
    officer = signed_in(zone.cn_officer)
    first = officer.get("/crossings/inside/", {"sort": "traveller"})
    second = officer.get("/crossings/inside/", {"sort": "traveller", "page": 2})
    assert len(family_names(first)) == 50
    assert family_names(second) == ["Person50"]
    assert "Page 2 of 2" in second.content.decode()
    assert "51 people inside" in first.content.decode()


def test_inside_csv_export_keeps_filters_and_sort(signed_in, zone, inside):
    officer = signed_in(zone.cn_officer)
    page = officer.get("/crossings/inside/", {"checkpoint": "CN", "sort": "-days_left"}).content.decode()
    assert 'href="?checkpoint=CN&amp;sort=-days_left&amp;export=csv"' in page

    response = officer.get("/crossings/inside/", {"checkpoint": "CN", "sort": "-days_left", "export": "csv"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="inside-')
    header, *rows = csv_rows(response)
    assert header == ["Traveller", "Nationality", "Checkpoint", "Entered", "Must leave by", "Days left", "Status"]
    assert rows == [
        ["ABENOVA Test", "KZ", "CN", "2026-05-01T10:00+08:00", "2026-05-30T23:59+08:00", "18", "Inside the zone"],
        ["SCHMIDT Test", "DE", "CN", "2026-03-01T10:00+08:00", "2026-03-30T23:59+08:00", "-43", "Overstaying"],
    ]


def test_inside_csv_export_is_not_paged(signed_in, zone, at):
    at(beijing(2026, 5, 12, 10, 0))
    for number in range(51):
        enter(zone, person(f"Person{number:02d}", "DE", f"D{number:07d}"))
    response = signed_in(zone.cn_officer).get("/crossings/inside/", {"export": "csv", "page": "1"})
    assert len(csv_rows(response)) == 1 + 51


def test_inside_csv_export_defuses_spreadsheet_formulas(signed_in, zone, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, person("=HYPERLINK(1)", "DE", "D0000001"))
    _, row = csv_rows(signed_in(zone.cn_officer).get("/crossings/inside/", {"export": "csv"}))
    assert row[0].startswith("'=HYPERLINK")


def test_inside_csv_export_is_for_officers_only(signed_in, zone):
    assert signed_in(zone.merchant).get("/crossings/inside/", {"export": "csv"}).status_code == 403


# --- overstays ----------------------------------------------------------------------------------------


def test_overstays_show_days_over_longest_first(signed_in, zone, inside, at):
    # Given a second overstayer who entered on 2 April (last day 1 May): 11 days over on 12 May
    late = person("Late", "DE", "D7654321")
    at(beijing(2026, 4, 2, 10, 0))
    enter(zone, late)
    at(beijing(2026, 5, 12, 15, 0))
    response = signed_in(zone.cn_officer).get("/crossings/overstays/")
    rows = [(row.record.traveller.family_name, row.record.days_over) for row in response.context["table"].rows]
    assert rows == [("Schmidt", 43), ("Late", 11)]
    html = response.content.decode()
    assert re.search(r'<td class="num">\s*43\s*</td>', html)
    assert f'href="/crossings/travellers/{inside["schmidt"].traveller.pk}/"' in html
    ascending = signed_in(zone.cn_officer).get("/crossings/overstays/", {"sort": "days_over"})
    assert family_names(ascending) == ["Late", "Schmidt"]


def test_overstays_of_both_zones_come_longest_first_when_their_days_differ(signed_in, zone, at):
    # Given overstayers of both checkpoints, whose deadlines (the end of a local day) interleave in time
    # (recorded in another order than the list's, which their ids follow)
    entries = [("Claus", "CN", beijing(2026, 4, 2, 10, 0)), ("Adler", "CN", beijing(2026, 4, 1, 10, 0)),
               ("Bekova", "KZ", almaty(2026, 4, 1, 10, 0)), ("Dauletov", "KZ", almaty(2026, 3, 31, 10, 0))]  # fmt: skip
    for number, (name, checkpoint, moment) in enumerate(entries):
        at(moment)
        if checkpoint == "CN":
            enter(zone, person(name, "DE", f"D{number:07d}"))
        else:
            enter(zone, person(name, "KZ", f"N{number:07d}"), "KZ", "E-C01")
    # When the list is read at 01:00 in Beijing, still the day before in Almaty
    at(beijing(2026, 5, 12, 1, 0))
    response = signed_in(zone.administrator).get("/crossings/overstays/")
    records = [row.record for row in response.context["table"].paginated_rows]
    # Then the longest overstays come first (each counted in its own zone), the earlier deadline first among equals
    assert [(visit.traveller.family_name, visit.days_over) for visit in records] == [
        ("Dauletov", 12),
        ("Adler", 12),
        ("Bekova", 11),
        ("Claus", 11),
    ]
    assert records == sorted(records, key=lambda visit: (-visit.days_over, visit.must_leave_by, visit.pk))


def test_overstay_days_count_in_the_entry_checkpoints_zone(signed_in, zone, at):
    # Entered KZ on 1 March: the last day is 30 March in Almaty. At 21:30 on 31 March in Almaty it is already
    # 1 April in Beijing, but the visit is 1 day over, not 2.
    document = person("Nurlanov", "KZ", "N7654321")
    at(almaty(2026, 3, 1, 10, 0))
    enter(zone, document, "KZ", "E-C01")
    at(almaty(2026, 3, 31, 21, 30))
    response = signed_in(zone.kz_officer).get("/crossings/overstays/")
    assert [row.record.days_over for row in response.context["table"].rows] == [1]


def test_overstays_filter_by_checkpoint_and_nationality(signed_in, zone, inside, at):
    # Given a Kazakh who entered KZ on 1 March and overstays too
    at(almaty(2026, 3, 1, 10, 0))
    enter(zone, person("Nurlanov", "KZ", "N7654321"), "KZ", "E-C01")
    at(beijing(2026, 5, 12, 15, 0))
    officer = signed_in(zone.cn_officer)
    assert family_names(officer.get("/crossings/overstays/", {"checkpoint": "KZ"})) == ["Nurlanov"]
    assert family_names(officer.get("/crossings/overstays/", {"checkpoint": "CN"})) == ["Schmidt"]
    assert family_names(officer.get("/crossings/overstays/", {"nationality": "KZ"})) == ["Nurlanov"]
    assert 'name="days_left_at_most"' not in officer.get("/crossings/overstays/").content.decode()


# --- the traveller page -------------------------------------------------------------------------------


def test_traveller_page_shows_person_documents_masked_and_history(signed_in, zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh, "CN", "E-C01")  # refused: the own-citizens lane is for Chinese citizens
    enter(zone, kazakh, "CN", "E-F01")
    kazakh.traveller.family_name_native = "Әбенова"
    kazakh.traveller.save()
    response = signed_in(zone.cn_officer).get(f"/crossings/travellers/{kazakh.traveller.pk}/")
    html = response.content.decode()
    assert "ABENOVA Aigul" in html and "Әбенова" in html
    assert "Kazakhstan (KZ)" in html
    assert "40 years" in html  # born 15 June 1985
    assert "••••4567" in html
    assert "N1234567" not in html
    assert "Passport" in html and '<span class="badge badge-ok">Valid</span>' in html
    assert "This lane does not serve this traveller; use another lane." in html
    assert 'datetime="2026-05-12T10:00+08:00"' in html
    assert len(response.context["visits_table"].rows) == 1
    assert len(response.context["crossings_table"].rows) == 2
    assert "Inside the zone" in html


def stay_badges(html: str) -> list[str]:
    return re.findall(r'<span class="badge badge-(\w+)">(Inside the zone|Overstaying|Left the zone)</span>', html)


def test_an_overstayer_is_overstaying_in_red_on_the_card_its_visit_row_and_the_inside_list(signed_in, zone, inside):
    # Given Schmidt, inside the zone 43 days past his last allowed day
    schmidt = inside["schmidt"].traveller
    officer = signed_in(zone.cn_officer)
    card = officer.get(f"/crossings/travellers/{schmidt.pk}/").content.decode()
    # Then the card's "Now" and the visit row say the same word in the same colour, never a green "Inside"
    assert stay_badges(card) == [("bad", "Overstaying"), ("bad", "Overstaying")]
    # And so does the inside list, beside the others' green one
    listed = officer.get("/crossings/inside/").content.decode()
    assert sorted(stay_badges(listed)) == [("bad", "Overstaying"), ("ok", "Inside the zone"), ("ok", "Inside the zone")]


def test_a_traveller_who_left_has_left_the_zone_on_the_card_and_the_visit_row(signed_in, zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh)
    at(beijing(2026, 5, 12, 16, 0))
    leave(zone, kazakh)
    card = signed_in(zone.cn_officer).get(f"/crossings/travellers/{kazakh.traveller.pk}/").content.decode()
    assert stay_badges(card) == [("neutral", "Left the zone"), ("neutral", "Left the zone")]
    assert '<time datetime="2026-05-12T16:00+08:00">' in card


def test_a_traveller_who_never_entered_is_said_so(signed_in, zone, kazakh):
    card = signed_in(zone.cn_officer).get(f"/crossings/travellers/{kazakh.traveller.pk}/").content.decode()
    assert '<span class="badge badge-neutral">Never entered the zone</span>' in card


def test_traveller_page_times_are_in_the_zone_of_the_visits_checkpoint(signed_in, zone, inside):
    # Wang entered the Kazakh checkpoint at 09:00 Almaty time (12:00 in Beijing, the site's zone)
    card = signed_in(zone.kz_officer).get(f"/crossings/travellers/{inside['wang'].traveller.pk}/").content.decode()
    now = card.split("<dt>Now</dt>")[1].split("</dd>")[0]
    assert '<time datetime="2026-05-12T09:00+05:00">' in now
    assert '<time datetime="2026-06-10T23:59+05:00">' in now
    assert "+08:00" not in now


def test_traveller_page_marks_expired_documents(signed_in, zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    DocumentFactory(traveller=kazakh.traveller, issuing_country="KZ", number="OLD00001", valid_until="2020-01-01")
    html = signed_in(zone.cn_officer).get(f"/crossings/travellers/{kazakh.traveller.pk}/").content.decode()
    assert "Expired" in html
    assert "••••0001" in html and "OLD00001" not in html


def test_traveller_page_shows_crossings_in_their_checkpoints_zone_and_reversals(signed_in, zone, kazakh, at):
    at(almaty(2026, 5, 12, 10, 0))
    entry = enter(zone, kazakh, "KZ", "E-C01")
    at(almaty(2026, 5, 12, 11, 0))
    crossing_correct(crossing=entry, reason="Scanned the wrong passport", acting_user=zone.administrator)
    response = signed_in(zone.cn_officer).get(f"/crossings/travellers/{kazakh.traveller.pk}/")
    html = response.content.decode()
    assert 'datetime="2026-05-12T10:00+05:00"' in html
    assert "Reversal" in html and "Reversed" in html
    assert "Scanned the wrong passport" in html
    assert "Cancelled (entry reversed)" in html


def test_traveller_page_lists_watchlist_alerts(signed_in, zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                  reason="Court order", acting_user=zone.administrator)  # fmt: skip
    enter(zone, kazakh)
    html = signed_in(zone.cn_officer).get(f"/crossings/travellers/{kazakh.traveller.pk}/").content.decode()
    assert "Court order" in html
    assert "Not acknowledged" in html
    assert "Entry refused: watchlist match. Call the duty supervisor." in html


def test_traveller_page_is_404_for_an_unknown_traveller(signed_in, zone):
    assert signed_in(zone.cn_officer).get("/crossings/travellers/999999/").status_code == 404


def test_mask_keeps_only_the_last_four_characters():
    assert mask_document_number("N1234567") == "••••4567"
    assert mask_document_number("1234") == "••••"


# --- revealing a document number ----------------------------------------------------------------------


def reveal_path(document):
    return f"/crossings/travellers/{document.traveller_id}/documents/{document.pk}/reveal/"


def test_reveal_button_posts_with_htmx(signed_in, zone, kazakh):
    html = signed_in(zone.cn_officer).get(f"/crossings/travellers/{kazakh.traveller.pk}/").content.decode()
    assert f'hx-post="{reveal_path(kazakh)}"' in html
    assert f'action="{reveal_path(kazakh)}"' in html


def test_reveal_returns_the_full_number_and_is_audited(signed_in, zone, kazakh):
    response = signed_in(zone.cn_officer).post(reveal_path(kazakh), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    html = response.content.decode()
    assert "N1234567" in html
    assert "<html" not in html  # an htmx fragment, not a page
    entry = AuditEntry.objects.get(action="document.reveal")
    assert entry.actor == zone.cn_officer
    assert entry.changes["document"] == kazakh.pk
    assert "N1234567" not in entry.target_repr
    assert response["Cache-Control"].startswith("max-age=0")


def test_reveal_without_javascript_answers_a_page(signed_in, zone, kazakh):
    response = signed_in(zone.administrator).post(reveal_path(kazakh))
    html = response.content.decode()
    assert "<h1>" in html and "N1234567" in html
    assert AuditEntry.objects.filter(action="document.reveal", actor=zone.administrator).count() == 1


def test_each_reveal_is_audited_again_and_the_page_stays_masked(signed_in, zone, kazakh):
    officer = signed_in(zone.cn_officer)
    officer.post(reveal_path(kazakh), HTTP_HX_REQUEST="true")
    officer.post(reveal_path(kazakh), HTTP_HX_REQUEST="true")
    assert AuditEntry.objects.filter(action="document.reveal").count() == 2
    assert "N1234567" not in officer.get(f"/crossings/travellers/{kazakh.traveller.pk}/").content.decode()


def test_reveal_is_refused_to_merchants_and_anonymous_and_not_audited(client, signed_in, zone, kazakh):
    assert client.post(reveal_path(kazakh)).status_code == 302
    response = signed_in(zone.merchant).post(reveal_path(kazakh))
    assert response.status_code == 403
    assert "N1234567" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="document.reveal").exists()


def test_reveal_needs_post(signed_in, zone, kazakh):
    assert signed_in(zone.cn_officer).get(reveal_path(kazakh)).status_code == 405
    assert not AuditEntry.objects.filter(action="document.reveal").exists()


def test_reveal_of_another_travellers_document_is_404(signed_in, zone, kazakh, chinese):
    path = f"/crossings/travellers/{kazakh.traveller_id}/documents/{chinese.pk}/reveal/"
    assert signed_in(zone.cn_officer).post(path).status_code == 404
    assert not AuditEntry.objects.filter(action="document.reveal").exists()


def test_document_reveal_service_refuses_merchants(zone, kazakh):
    with pytest.raises(PermissionDenied):
        document_reveal(document=kazakh, acting_user=zone.merchant)
    assert document_reveal(document=kazakh, acting_user=zone.kz_officer) == "N1234567"
    assert AuditEntry.objects.filter(action="document.reveal").count() == 1


# --- today's crossings --------------------------------------------------------------------------------


@pytest.fixture
def today(zone, at, kazakh, chinese):
    """12 May 2026: at CN, Abenova refused at 10:00 (wrong lane) then admitted at 10:05 and Wang admitted at
    10:10; at KZ, Nurlanov admitted at 09:00 Almaty time (12:00 Beijing). The day before, Old entered CN."""
    old = person("Old", "DE", "D1111111")
    nurlanov = person("Nurlanov", "KZ", "N7654321")
    at(beijing(2026, 5, 11, 20, 0))
    enter(zone, old)
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, kazakh, "CN", "E-C01")
    at(beijing(2026, 5, 12, 10, 5))
    enter(zone, kazakh, "CN", "E-F01")
    at(beijing(2026, 5, 12, 10, 10))
    enter(zone, chinese, "CN", "E-C01")
    at(almaty(2026, 5, 12, 9, 0))
    enter(zone, nurlanov, "KZ", "E-C01")
    at(beijing(2026, 5, 12, 15, 0))
    return {"old": old, "nurlanov": nurlanov}


def test_today_shows_only_the_officers_own_checkpoint_newest_first(signed_in, zone, today):
    response = signed_in(zone.cn_officer).get("/crossings/today/")
    assert family_names(response) == ["Wang", "Abenova", "Abenova"]
    kz = signed_in(zone.kz_officer).get("/crossings/today/")
    assert family_names(kz) == ["Nurlanov"]
    assert 'datetime="2026-05-12T09:00+05:00"' in kz.content.decode()


def test_an_officer_cannot_look_at_the_other_checkpoint(signed_in, zone, today):
    response = signed_in(zone.cn_officer).get("/crossings/today/", {"checkpoint": "KZ"})
    assert "Nurlanov" not in family_names(response)
    assert 'name="checkpoint"' not in response.content.decode()


def test_administrators_choose_the_checkpoint_cn_by_default(signed_in, zone, today):
    administrator = signed_in(zone.administrator)
    default = administrator.get("/crossings/today/")
    assert family_names(default) == ["Wang", "Abenova", "Abenova"]
    assert '<option value="CN" selected>' in default.content.decode()
    assert family_names(administrator.get("/crossings/today/", {"checkpoint": "KZ"})) == ["Nurlanov"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"outcome": "refused"}, ["Abenova"]),
        ({"outcome": "admitted"}, ["Wang", "Abenova"]),
        ({"direction": "exit"}, []),
        ({"direction": "entry"}, ["Wang", "Abenova", "Abenova"]),
        ({"refusal_reason": "wrong_lane_group"}, ["Abenova"]),
        ({"lane": "E-C01"}, ["Wang", "Abenova"]),
    ],
)
def test_today_filters_narrow_the_rows(signed_in, zone, today, query, expected):
    if "lane" in query:
        query = {"lane": zone.lane("CN", query["lane"]).pk}
    response = signed_in(zone.cn_officer).get("/crossings/today/", query)
    assert family_names(response) == expected


def test_today_offers_only_the_checkpoints_lanes(signed_in, zone, today):
    kz_lane = Lane.objects.get(checkpoint__code="KZ", code="E-C01")
    response = signed_in(zone.cn_officer).get("/crossings/today/", {"lane": kz_lane.pk})
    assert family_names(response) == []
    assert response.context["filter"].errors["lane"]
    for name in ("direction", "outcome", "lane", "refusal_reason"):
        assert f'<label for="id_{name}">' in response.content.decode()


def test_today_summary_counts_by_direction(signed_in, zone, today, at):
    at(beijing(2026, 5, 12, 16, 0))
    crossing_correct(crossing=Crossing.objects.get(traveller__in=travellers_search(family_name="Wang")), reason="Test",
                     acting_user=zone.administrator)  # fmt: skip
    leave(zone, today["old"])
    response = signed_in(zone.cn_officer).get("/crossings/today/")
    summary = {str(row["direction"]): (row["admitted"], row["refused"]) for row in response.context["summary"].data}
    assert summary == {"Entry": (1, 1), "Exit": (1, 0)}
    assert "Reversal" in response.content.decode()


def test_today_is_the_checkpoints_local_day(signed_in, zone, at, kazakh, chinese):
    # 23:30 in Beijing on 12 May is 20:30 in Almaty; an hour later Beijing is on 13 May, Almaty still on 12 May.
    at(beijing(2026, 5, 12, 23, 30))
    enter(zone, chinese, "CN", "E-C01")
    at(beijing(2026, 5, 13, 0, 30))
    assert family_names(signed_in(zone.cn_officer).get("/crossings/today/")) == []


def test_today_kz_day_runs_on_after_beijing_midnight(signed_in, zone, at, kazakh):
    at(almaty(2026, 5, 12, 18, 0))
    enter(zone, kazakh, "KZ", "E-C01")
    at(beijing(2026, 5, 13, 0, 30))  # 21:30 on 12 May in Almaty
    assert family_names(signed_in(zone.kz_officer).get("/crossings/today/")) == ["Abenova"]


def test_today_pages_by_50(signed_in, zone, at, kazakh):
    at(beijing(2026, 5, 12, 10, 0))
    for _ in range(51):
        enter(zone, kazakh, "CN", "E-C01")  # each one refused and recorded
    officer = signed_in(zone.cn_officer)
    assert len(family_names(officer.get("/crossings/today/"))) == 50
    assert len(family_names(officer.get("/crossings/today/", {"page": 2}))) == 1


def test_an_unassigned_officer_sees_a_message(signed_in, zone):
    response = signed_in(OfficerFactory()).get("/crossings/today/")
    assert response.status_code == 200
    assert "You are not assigned to a checkpoint yet" in response.content.decode()


# --- charts -------------------------------------------------------------------------------------------


@pytest.fixture
def traffic(zone, at):
    """Tuesday 5 May 2026: CN admits one entry at 10:15, KZ one at 09:30 (Almaty). Tuesday 12 May: CN admits an
    entry at 10:05 and its exit at 10:40, an entry at 11:00 that an administrator then reverses, refuses one at
    11:20; KZ admits one at 09:10 Almaty time (12:10 in Beijing) and one at 18:30 (21:30 in Beijing)."""
    people = [person(f"P{number}", "DE", f"D{number:07d}") for number in range(7)]
    kz_people = [person(f"K{number}", "KZ", f"N{number:07d}") for number in range(3)]
    at(beijing(2026, 5, 5, 10, 15))
    enter(zone, people[0])
    at(almaty(2026, 5, 5, 9, 30))
    enter(zone, kz_people[0], "KZ", "E-C01")
    at(beijing(2026, 5, 12, 10, 5))
    enter(zone, people[1])
    at(beijing(2026, 5, 12, 10, 40))
    leave(zone, people[1])
    at(beijing(2026, 5, 12, 11, 0))
    mistaken = enter(zone, people[2])
    at(beijing(2026, 5, 12, 11, 20))
    enter(zone, people[3], "CN", "E-C01")  # refused: wrong lane
    at(almaty(2026, 5, 12, 9, 10))
    enter(zone, kz_people[1], "KZ", "E-C01")
    crossing_correct(crossing=mistaken, reason="Double scan", acting_user=zone.administrator)
    at(almaty(2026, 5, 12, 18, 30))
    enter(zone, kz_people[2], "KZ", "E-C01")
    at(almaty(2026, 5, 12, 18, 45))


def hours(until: int = 23, **counts):
    """24 hourly counts; the hours after `until` (today's hours still to come) are None."""
    return [counts.get(f"h{hour}", 0) if hour <= until else None for hour in range(24)]


def test_charts_data_counts_admitted_crossings_per_local_hour(signed_in, zone, traffic):
    response = signed_in(zone.cn_officer).get("/crossings/charts/data/")
    assert response.status_code == 200
    payload = response.json()
    assert payload["labels"] == list(range(24))
    charts = {checkpoint["code"]: checkpoint for checkpoint in payload["checkpoints"]}
    cn_today, cn_last_week = charts["CN"]["datasets"]
    assert (cn_today["day"], cn_last_week["day"]) == ("2026-05-12", "2026-05-05")
    # The reversed 11:00 entry and the refusal do not count; it is 21:45 in Beijing: 22:00 and 23:00 are to come.
    assert cn_today["data"] == hours(until=21, h10=2)
    assert cn_last_week["data"] == hours(h10=1)
    kz_today, kz_last_week = charts["KZ"]["datasets"]
    assert kz_today["data"] == hours(until=18, h9=1, h18=1)  # Almaty hours, not Beijing's 12 and 21
    assert kz_last_week["data"] == hours(h9=1)


def test_charts_data_is_one_grouped_query_per_day(zone, traffic):
    with CaptureQueriesContext(connection) as queries:
        admitted_per_local_hour({zone.cn: beijing(2026, 5, 12, 12, 0).date(), zone.kz: almaty(2026, 5, 12).date()})
    assert len(queries) == 1
    assert "GROUP BY" in queries[0]["sql"]


def test_charts_page_has_tables_with_the_same_numbers(signed_in, zone, traffic):
    response = signed_in(zone.cn_officer).get("/crossings/charts/")
    html = response.content.decode()
    panels = {panel["checkpoint"].code: panel for panel in response.context["panels"]}
    cn_rows = list(panels["CN"]["table"].as_values())
    assert cn_rows[0][0] == "Hour"
    assert cn_rows[1 + 10] == ["10:00–10:59", "2", "1"]
    assert cn_rows[1 + 11] == ["11:00–11:59", "0", "0"]
    assert len(cn_rows) == 1 + 24
    assert re.search(r"10:00–10:59</td>\s*<td class=\"num\">2</td>\s*<td class=\"num\">1</td>", html)
    assert 'data-charts-url="/crossings/charts/data/"' in html
    assert "/static/vendor/chartjs-4.6.1/chart.umd.min.js" in html
    assert "/static/js/charts.js" in html
    assert '<canvas id="chart-CN"' in html and '<canvas id="chart-KZ"' in html


def test_charts_page_shows_the_hours_still_to_come_as_a_dash_not_zero(signed_in, zone, traffic):
    # Given 18:45 in Almaty (21:45 in Beijing) on the day of the traffic
    html = signed_in(zone.kz_officer).get("/crossings/charts/").content.decode()
    kz_table = html[html.index('id="chart-KZ-heading"') :]
    # The hours of today so far are counted, the ones still to come are a dash; last week's have their numbers
    assert re.search(r"18:00–18:59</td>\s*<td class=\"num\">1</td>\s*<td class=\"num\">0</td>", kz_table)
    assert re.search(r"19:00–19:59</td>\s*<td class=\"num\">—</td>\s*<td class=\"num\">0</td>", kz_table)
    assert "Admitted today so far: 2." in kz_table
    cn_table = html[html.index('id="chart-CN-heading"') : html.index('id="chart-KZ-heading"')]
    assert re.search(r"21:00–21:59</td>\s*<td class=\"num\">0</td>", cn_table)
    assert re.search(r"22:00–22:59</td>\s*<td class=\"num\">—</td>", cn_table)


def test_visits_inside_and_annotation_agree(zone, inside):
    """The list's days left (computed in the database) is the model's own count."""
    from django.utils import timezone

    from crossings.selectors import visits_inside

    now = timezone.now()
    for visit in visits_inside(now=now):
        assert visit.days_left == Visit.objects.get(pk=visit.pk).days_left_at(now)


@pytest.mark.parametrize("path", ["/crossings/inside/", "/crossings/overstays/", "/crossings/today/", "traveller"])
def test_list_pages_do_not_query_once_per_row(signed_in, zone, at, kazakh, path):
    at(beijing(2026, 3, 1, 10, 0))
    enter(zone, person("First", "DE", "D0000000"))
    at(beijing(2026, 5, 12, 10, 0))
    enter(zone, person("Second", "DE", "D0000001"))
    enter(zone, kazakh, "CN", "E-C01")  # refused: a row of the traveller page and of today's list
    path = f"/crossings/travellers/{kazakh.traveller.pk}/" if path == "traveller" else path
    officer = signed_in(zone.cn_officer)
    officer.get(path)  # warm up: session and content types

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert officer.get(path).status_code == 200
        return len(captured)

    few = queries()
    for number in range(5):
        enter(zone, person(f"More{number}", "DE", f"D100000{number}"))
        enter(zone, kazakh, "CN", "E-C01")
    assert queries() == few


def test_last_weeks_chart_comes_from_the_hourly_statistics_once_filled(signed_in, zone, traffic):
    # Given the nightly statistics filled up to yesterday at both checkpoints (13:00 Beijing, 10:00 Almaty)
    statistics_fill()
    assert HourlyCrossingCount.objects.filter(local_date=date(2026, 5, 5)).exists()
    # When the charts are read, last week's hours come from the statistics, without reading that day's crossings
    with CaptureQueriesContext(connection) as queries:
        payload = signed_in(zone.cn_officer).get("/crossings/charts/data/").json()
    charts = {checkpoint["code"]: checkpoint for checkpoint in payload["checkpoints"]}
    assert charts["CN"]["datasets"][1]["data"] == hours(h10=1)
    assert charts["KZ"]["datasets"][1]["data"] == hours(h9=1)
    crossing_reads = [query["sql"] for query in queries if 'FROM "crossings_crossing"' in query["sql"]]
    assert len(crossing_reads) == 1  # today's hours only
