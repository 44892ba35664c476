"""The administrators' operations pages: lanes, hours and closures, watchlist, users, alerts."""

from datetime import UTC, datetime, time

import pytest
from django.test import Client
from django.urls import reverse

from crossings import rules
from crossings.choices import Outcome, RefusalReason, WatchlistMatch
from crossings.forms import CLOCK_TIME_24_OPENS, CLOCK_TIME_INVALID
from crossings.models import Alert, Closure, Lane, OfficerAssignment, OpeningHours, WatchlistEntry
from crossings.services.crossings import crossing_record_entry
from crossings.services.reference import (
    CLOSES_BEFORE_OPENS,
    CLOSURE_ENDS_BEFORE_START,
    CLOSURE_START_TAKEN,
    HOURS_BOTH_OR_NEITHER,
    LANE_CODE_TAKEN,
)
from crossings.services.watchlist import ALERT_ALREADY_ACKNOWLEDGED, alert_acknowledge, watchlist_add
from horgos.audit import REASON_REQUIRED
from horgos.choices import Role
from horgos.forms import PASSWORDS_DIFFER
from horgos.models import AuditEntry, User
from horgos.services import CANNOT_DEACTIVATE_YOURSELF
from tests.crossings.conftest import almaty, beijing
from tests.factories import TEST_PASSWORD, OfficerFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Steppe-caravan-2026"


def url(name: str, *args) -> str:
    return reverse(f"crossings:{name}", args=args)


def watch_abenova(zone, kazakh, reason="Court order") -> WatchlistEntry:
    return watchlist_add(
        match=WatchlistMatch.PERSON,
        family_name="Abenova",
        birth_date=kazakh.traveller.birth_date,
        reason=reason,
        acting_user=zone.administrator,
    )


@pytest.fixture
def alert(zone, kazakh, at) -> Alert:
    """A watchlist hit at the Chinese checkpoint on Tuesday 12 May 2026, 10:00 Beijing time."""
    at(beijing(2026, 5, 12, 10, 0))
    watch_abenova(zone, kazakh)
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    return Alert.objects.get()


def audit_count(action: str | None = None) -> int:
    entries = AuditEntry.objects.all()
    return (entries.filter(action=action) if action else entries).count()


# --- permissions: every page and every POST, every kind of caller ------------------------------------

PAGES = [
    "operations",
    "operations-lanes",
    "operations-hours",
    "operations-watchlist",
    "operations-watchlist-entry",
    "operations-users",
]  # the alerts page is for officers too: tests/crossings/test_alerts_views.py


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(
    ("caller", "status"), [(None, 302), ("merchant", 403), ("cn_officer", 403), ("administrator", 200)]
)
def test_pages_are_for_administrators_only(zone, alert, signed_in, page, caller, status):
    args = (alert.watchlist_entry_id,) if page == "operations-watchlist-entry" else ()
    response = signed_in(getattr(zone, caller) if caller else None).get(url(page, *args))
    assert response.status_code == status
    if caller is None:
        assert response.url.startswith(reverse("login"))


def post_request(name: str, zone, alert) -> tuple[str, dict]:
    """The URL and body of one write of the operations pages, with the rows it needs."""
    if name == "lane-add":
        body = {"lane-checkpoint": "KZ", "lane-code": "E-F09", "lane-direction": "entry", "lane-group": "e_gate"}
        return url("operations-lanes"), body
    if name == "lane-state":
        Lane.objects.filter(pk=zone.lane("CN", "E-F02").pk).update(is_open=False)
        return url("operations-lane-state", zone.lane("CN", "E-F02").pk), {"state": "open"}
    if name == "lane-close":
        return url("operations-lane-close", zone.lane("CN", "E-F02").pk), {"reason": "Scanner broken"}
    if name == "hours-set":
        return url("operations-hours-set", "KZ"), week_body("KZ", {6: ("", "")})
    if name == "closure-add":
        body = {
            "closure-checkpoint": "KZ",
            "closure-starts_at": "2026-06-01T10:00",
            "closure-ends_at": "2026-06-01T12:00",
            "closure-reason": "Repairs",
        }
        return url("operations-closure-add"), body
    if name == "closure-remove":
        closure = Closure.objects.filter(checkpoint=zone.kz).first()
        return url("operations-closure-remove", closure.pk), {"reason": "Lifted early"}
    if name == "watchlist-add":
        body = {
            "entry-match": "document",
            "entry-document_type": "passport",
            "entry-document_issuing_country": "KZ",
            "entry-document_number": "N7654321",
            "entry-reason": "Reported stolen",
        }
        return url("operations-watchlist"), body
    if name == "watchlist-deactivate":
        return url("operations-watchlist-deactivate", alert.watchlist_entry_id), {}
    if name == "officer-create":
        return url("operations-users"), officer_body()
    if name == "user-checkpoint":
        kz_officer = zone.kz_officer
        return url("operations-user-checkpoint", kz_officer.pk), {f"user-{kz_officer.pk}-checkpoint": "CN"}
    if name == "user-deactivate":
        return url("operations-user-deactivate", zone.kz_officer.pk), {}
    if name == "user-reactivate":
        return url("operations-user-reactivate", OfficerFactory(is_active=False).pk), {}
    raise AssertionError(name)


WRITES = [
    "lane-add",
    "lane-state",
    "lane-close",
    "hours-set",
    "closure-add",
    "closure-remove",
    "watchlist-add",
    "watchlist-deactivate",
    "officer-create",
    "user-checkpoint",
    "user-deactivate",
    "user-reactivate",
]  # acknowledging an alert is for officers too: tests/crossings/test_alerts_views.py


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    ("caller", "status"), [(None, 302), ("merchant", 403), ("cn_officer", 403), ("administrator", 302)]
)
def test_writes_are_for_administrators_only(zone, alert, signed_in, write, caller, status):
    # Given the rows the write needs
    path, body = post_request(write, zone, alert)
    audited_before = audit_count()
    # When the caller posts it
    response = signed_in(getattr(zone, caller) if caller else None).post(path, body)
    # Then only an administrator's write happens (every write is audited), the others write nothing
    assert response.status_code == status
    if caller is None:
        assert response.url.startswith(reverse("login"))
    if caller == "administrator":
        assert audit_count() > audited_before
        assert not response.url.startswith(reverse("login"))
    else:
        assert audit_count() == audited_before


def test_write_endpoints_refuse_get(administrator_client, zone):
    assert administrator_client.get(url("operations-lane-state", zone.lane("CN", "E-F01").pk)).status_code == 405
    assert administrator_client.get(url("operations-user-deactivate", zone.kz_officer.pk)).status_code == 405


def test_index_links_the_five_pages(administrator_client):
    page = administrator_client.get(url("operations")).content.decode()
    for name in [
        "operations-lanes",
        "operations-hours",
        "operations-watchlist",
        "operations-users",
        "operations-alerts",
    ]:
        assert f'href="{url(name)}"' in page


# --- lanes ---------------------------------------------------------------------------------------------


def test_lanes_are_grouped_by_checkpoint_and_direction(administrator_client, zone):
    response = administrator_client.get(url("operations-lanes"))
    groups = response.context["groups"]
    assert [group["checkpoint"].code for group in groups] == ["CN", "KZ"]
    for group in groups:
        assert [str(direction["label"]) for direction in group["directions"]] == ["Entry", "Exit"]
        for direction, letter in zip(group["directions"], "EX", strict=True):
            assert {lane.code[0] for lane in direction["lanes"]} == {letter}
            assert all(lane.checkpoint == group["checkpoint"] for lane in direction["lanes"])
    assert sum(len(d["lanes"]) for g in groups for d in g["directions"]) == Lane.objects.count()
    assert "Close lane E-F01" in response.content.decode()


def test_closing_a_lane_is_confirmed_with_a_reason_takes_effect_at_once_and_is_audited(
    administrator_client, zone, kazakh, at
):
    at(beijing(2026, 5, 12, 10, 0))
    lane = zone.lane("CN", "E-F01")
    # Given the lanes page, whose Close button leads to a confirmation
    lanes_page = administrator_client.get(url("operations-lanes")).content.decode()
    assert f'href="{url("operations-lane-close", lane.pk)}"' in lanes_page
    # When the administrator opens it, the lane is still open and the page asks for a reason
    confirmation = administrator_client.get(url("operations-lane-close", lane.pk)).content.decode()
    assert "Close lane CN E-F01?" in confirmation and 'name="reason"' in confirmation
    assert Lane.objects.get(pk=lane.pk).is_open is True
    # When they confirm with a reason
    response = administrator_client.post(url("operations-lane-close", lane.pk), {"reason": " Scanner broken "})
    # Then they are back on the lanes page at the lane, which is closed
    assert response.status_code == 302 and response.url == url("operations-lanes") + f"#lane-{lane.pk}"
    # And the next entry on that lane is refused because the lane is closed
    crossing = crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    assert (crossing.outcome, crossing.refusal_reason) == (Outcome.REFUSED, RefusalReason.LANE_CLOSED)
    # And the change is audited with its before and after, and the reason
    entry = AuditEntry.objects.get(action="lane.update", target_id=str(lane.pk))
    assert entry.actor == zone.administrator
    assert entry.changes == {"is_open": {"before": True, "after": False}}
    assert entry.reason == "Scanner broken"


@pytest.mark.parametrize("reason", ["", "   "])
def test_closing_a_lane_without_a_reason_changes_nothing(administrator_client, zone, reason):
    lane = zone.lane("CN", "E-F01")
    response = administrator_client.post(url("operations-lane-close", lane.pk), {"reason": reason})
    assert response.status_code == 200
    assert str(REASON_REQUIRED) in response.content.decode()
    assert Lane.objects.get(pk=lane.pk).is_open is True
    assert audit_count("lane.update") == 0
    # nor does a close posted to the open/close address without one (htmx or not)
    row = administrator_client.post(url("operations-lane-state", lane.pk), {"state": "closed"}, HTTP_HX_REQUEST="true")
    assert str(REASON_REQUIRED) in row.content.decode()
    assert Lane.objects.get(pk=lane.pk).is_open is True


def test_reopening_a_lane_with_htmx_swaps_its_row(administrator_client, zone):
    lane = zone.lane("CN", "E-F01")
    Lane.objects.filter(pk=lane.pk).update(is_open=False)
    response = administrator_client.post(
        url("operations-lane-state", lane.pk), {"state": "open"}, HTTP_HX_REQUEST="true"
    )
    row = response.content.decode()
    assert row.strip().startswith(f'<tr id="lane-{lane.pk}"')
    assert "<html" not in row
    assert "Close lane E-F01" in row and url("operations-lane-close", lane.pk) in row


def test_opening_a_lane_without_htmx_returns_to_the_lanes_page(administrator_client, zone):
    lane = zone.lane("KZ", "X-G01")
    Lane.objects.filter(pk=lane.pk).update(is_open=False)
    response = administrator_client.post(url("operations-lane-state", lane.pk), {"state": "open"}, follow=True)
    assert response.redirect_chain[-1][0].startswith(url("operations-lanes"))
    assert "Lane KZ X-G01 is open." in response.content.decode()
    assert Lane.objects.get(pk=lane.pk).is_open is True


def test_lane_state_must_be_open_or_closed(administrator_client, zone):
    lane = zone.lane("CN", "E-F01")
    assert administrator_client.post(url("operations-lane-state", lane.pk), {"state": "maybe"}).status_code == 400
    assert Lane.objects.get(pk=lane.pk).is_open is True
    assert audit_count("lane.update") == 0


def test_adding_a_lane_writes_it_and_audits(administrator_client, zone):
    body = {"lane-checkpoint": "KZ", "lane-code": "e-f09", "lane-direction": "entry", "lane-group": "other_nationals"}
    response = administrator_client.post(url("operations-lanes"), body)
    assert response.status_code == 302
    lane = Lane.objects.get(checkpoint=zone.kz, code="E-F09")
    assert (lane.direction, lane.group, lane.is_open) == ("entry", "other_nationals", False)
    assert AuditEntry.objects.filter(action="lane.create", target_id=str(lane.pk)).exists()


def test_adding_a_lane_with_a_duplicate_code_shows_a_field_error_and_writes_nothing(administrator_client, zone):
    lanes_before = Lane.objects.count()
    body = {
        "lane-checkpoint": "CN",
        "lane-code": "e-f01",
        "lane-direction": "entry",
        "lane-group": "other_nationals",
        "lane-is_open": "on",
    }
    response = administrator_client.post(url("operations-lanes"), body)
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors == {"code": [str(LANE_CODE_TAKEN)]}
    assert str(LANE_CODE_TAKEN) in response.content.decode()
    assert Lane.objects.count() == lanes_before
    assert audit_count("lane.create") == 0


def test_adding_a_lane_needs_its_fields(administrator_client, zone):
    lanes_before = Lane.objects.count()
    response = administrator_client.post(
        url("operations-lanes"), {"lane-checkpoint": "XX", "lane-direction": "sideways"}
    )
    assert set(response.context["form"].errors) == {"checkpoint", "code", "direction", "group"}
    assert Lane.objects.count() == lanes_before


# --- opening hours ----------------------------------------------------------------------------------


def week_body(checkpoint: str, days: dict[int, tuple[str, str]] | None = None) -> dict:
    """The week form of a checkpoint as the page fills it from the stored hours, with `days` typed over it."""
    prefix = f"hours-{checkpoint}"
    body = {f"{prefix}-TOTAL_FORMS": "7", f"{prefix}-INITIAL_FORMS": "7"}
    stored = {hours.weekday: hours for hours in OpeningHours.objects.filter(checkpoint__code=checkpoint)}
    for weekday in range(7):
        hours = stored.get(weekday)
        opens, closes = (hours.opens_at.strftime("%H:%M"), hours.closes_at.strftime("%H:%M")) if hours else ("", "")
        opens, closes = (days or {}).get(weekday, (opens, closes))
        body.update({f"{prefix}-{weekday}-opens_at": opens, f"{prefix}-{weekday}-closes_at": closes})
    return body


def test_hours_page_shows_each_checkpoints_week_as_one_form_and_midnight_as_24(administrator_client, zone):
    page = administrator_client.get(url("operations-hours")).content.decode()
    assert 'id="row-hours-KZ-0"' in page and 'id="row-hours-CN-6"' in page
    assert "07:00–19:00" in page  # KZ
    assert "09:00–24:00" in page  # CN closes at midnight
    # One form and one Save button per checkpoint, its inputs typed on a 24-hour clock
    assert page.count('<form method="post" action="/crossings/operations/hours/') == 2
    assert page.count(">Save the week of ") == 2
    assert 'type="time"' not in page
    assert 'name="hours-CN-0-closes_at" value="24:00"' in page


def test_setting_a_day_closed_removes_its_row(administrator_client, zone):
    # Given the Kazakh checkpoint opens on Sundays, when the administrator empties both times of Sunday
    assert rules.checkpoint_is_open(zone.kz, almaty(2026, 5, 17, 10, 0))
    response = administrator_client.post(url("operations-hours-set", "KZ"), week_body("KZ", {6: ("", "")}))
    # Then Sunday has no row: the checkpoint is closed all day, and the change is audited (the other days, which did
    # not change, are not)
    assert response.status_code == 302
    assert not OpeningHours.objects.filter(checkpoint=zone.kz, weekday=6).exists()
    assert not rules.checkpoint_is_open(zone.kz, almaty(2026, 5, 17, 10, 0))
    entry = AuditEntry.objects.get(action="opening_hours.clear")
    assert entry.changes == {
        "weekday": 6,
        "opens_at": {"before": "07:00:00", "after": None},
        "closes_at": {"before": "19:00:00", "after": None},
    }
    assert audit_count() == 1
    assert "Closed all day" in administrator_client.get(url("operations-hours")).content.decode()


def test_changing_several_days_at_once_with_24_00_for_midnight(administrator_client, zone):
    OpeningHours.objects.filter(checkpoint=zone.cn, weekday=0).delete()
    administrator_client.post(
        url("operations-hours-set", "KZ"), week_body("KZ", {1: ("08:00", "20:30"), 2: ("06:00", "24:00")})
    )
    administrator_client.post(url("operations-hours-set", "CN"), week_body("CN", {0: ("10:00", "24:00")}))
    kz_tuesday = OpeningHours.objects.get(checkpoint=zone.kz, weekday=1)
    kz_wednesday = OpeningHours.objects.get(checkpoint=zone.kz, weekday=2)
    cn_monday = OpeningHours.objects.get(checkpoint=zone.cn, weekday=0)
    assert (kz_tuesday.opens_at, kz_tuesday.closes_at) == (time(8, 0), time(20, 30))
    assert (kz_wednesday.opens_at, kz_wednesday.closes_at) == (time(6, 0), time(0, 0))
    assert (cn_monday.opens_at, cn_monday.closes_at) == (time(10, 0), time(0, 0))
    assert audit_count("opening_hours.set") == 3


@pytest.mark.parametrize(
    ("opens", "closes", "field", "message"),
    [
        ("19:00", "07:00", "closes_at", CLOSES_BEFORE_OPENS),
        ("07:00", "07:00", "closes_at", CLOSES_BEFORE_OPENS),
        ("07:00", "", "closes_at", HOURS_BOTH_OR_NEITHER),
        ("", "19:00", "opens_at", HOURS_BOTH_OR_NEITHER),
        ("7 o'clock", "19:00", "opens_at", CLOCK_TIME_INVALID),
        ("7:00 PM", "19:00", "opens_at", CLOCK_TIME_INVALID),
        ("24:00", "19:00", "opens_at", CLOCK_TIME_24_OPENS),
    ],
)
def test_a_bad_day_shows_its_error_in_its_row_and_nothing_of_the_week_is_saved(
    administrator_client, zone, opens, closes, field, message
):
    # When Monday is wrong and Tuesday is right
    body = week_body("KZ", {0: (opens, closes), 1: ("08:00", "20:00")})
    response = administrator_client.post(url("operations-hours-set", "KZ"), body)
    # Then Monday's row says why, and neither day changed
    assert response.status_code == 200
    rows = next(item["rows"] for item in response.context["checkpoints"] if item["checkpoint"].code == "KZ")
    assert rows[0]["form"].errors == {field: [str(message)]}
    assert all(not row["form"].errors for row in rows[1:])
    assert str(message).replace("'", "&#x27;") in response.content.decode()
    assert 'class="row-invalid"' in response.content.decode()
    monday = OpeningHours.objects.get(checkpoint=zone.kz, weekday=0)
    tuesday = OpeningHours.objects.get(checkpoint=zone.kz, weekday=1)
    assert (monday.opens_at, monday.closes_at, tuesday.opens_at) == (time(7, 0), time(19, 0), time(7, 0))
    assert audit_count() == 0


def test_a_week_refused_by_the_service_saves_none_of_its_days(administrator_client, zone, monkeypatch):
    # Given a week whose days pass the form, one of which the service refuses (Saturday's closing before opening
    # slips past the form's check here), the days the service saved before it are rolled back too
    body = week_body("KZ", {0: ("08:00", "20:00"), 5: ("20:00", "08:00")})
    response = administrator_client.post(url("operations-hours-set", "KZ"), body)
    rows = next(item["rows"] for item in response.context["checkpoints"] if item["checkpoint"].code == "KZ")
    assert rows[5]["form"].errors == {"closes_at": [str(CLOSES_BEFORE_OPENS)]}
    assert OpeningHours.objects.get(checkpoint=zone.kz, weekday=0).opens_at == time(7, 0)
    assert audit_count() == 0


def test_hours_of_an_unknown_checkpoint_are_not_found_and_a_week_has_seven_days(administrator_client, zone):
    assert administrator_client.post(url("operations-hours-set", "RU"), week_body("KZ")).status_code == 404
    body = week_body("KZ")
    body["hours-KZ-TOTAL_FORMS"] = "8"
    body.update({"hours-KZ-7-opens_at": "07:00", "hours-KZ-7-closes_at": "19:00"})
    response = administrator_client.post(url("operations-hours-set", "KZ"), body)
    assert response.status_code == 200 and audit_count() == 0


def test_the_public_traffic_page_shows_midnight_as_24_00(client, zone):
    page = client.get(reverse("crossings:traffic")).content.decode()
    assert "09:00–24:00" in page
    assert "12:00 AM" not in page and "09:00–00:00" not in page


# --- closures --------------------------------------------------------------------------------------------


def closure_body(checkpoint="KZ", starts="2026-06-01T10:00", ends="2026-06-01T12:00", reason="Repairs") -> dict:
    return {
        "closure-checkpoint": checkpoint,
        "closure-starts_at": starts,
        "closure-ends_at": ends,
        "closure-reason": reason,
    }


@pytest.mark.parametrize(
    ("checkpoint", "starts_utc", "ends_utc"),
    [
        ("KZ", datetime(2026, 6, 1, 5, 0, tzinfo=UTC), datetime(2026, 6, 1, 7, 0, tzinfo=UTC)),
        ("CN", datetime(2026, 6, 1, 2, 0, tzinfo=UTC), datetime(2026, 6, 1, 4, 0, tzinfo=UTC)),
    ],
)
def test_a_closure_in_local_time_is_stored_as_the_right_instant(
    administrator_client, zone, at, checkpoint, starts_utc, ends_utc
):
    at(beijing(2026, 5, 12, 10, 0))
    # When the administrator closes the checkpoint on 1 June 2026 from 10:00 to 12:00 local time
    response = administrator_client.post(url("operations-closure-add"), closure_body(checkpoint))
    assert response.status_code == 302
    # Then the closure starts and ends at those instants (Almaty is UTC+5, Beijing UTC+8)
    closure = Closure.objects.get(reason="Repairs")
    assert (closure.checkpoint.code, closure.starts_at, closure.ends_at) == (checkpoint, starts_utc, ends_utc)
    assert AuditEntry.objects.filter(action="closure.add", target_id=str(closure.pk)).exists()
    # And the page lists it under upcoming closures, in the checkpoint's local time
    page = administrator_client.get(url("operations-hours"))
    assert closure in page.context["upcoming_closures"]
    offset = "+05:00" if checkpoint == "KZ" else "+08:00"
    assert f'<time datetime="2026-06-01T10:00{offset}">' in page.content.decode()


def test_a_kazakh_closure_closes_the_checkpoint_for_those_local_hours(administrator_client, zone):
    administrator_client.post(url("operations-closure-add"), closure_body("KZ"))
    assert rules.checkpoint_is_open(zone.kz, almaty(2026, 6, 1, 9, 59))
    assert not rules.checkpoint_is_open(zone.kz, almaty(2026, 6, 1, 10, 0))
    assert not rules.checkpoint_is_open(zone.kz, almaty(2026, 6, 1, 11, 59))
    assert rules.checkpoint_is_open(zone.kz, almaty(2026, 6, 1, 12, 0))


@pytest.mark.parametrize("ends", ["2026-06-01T09:00", "2026-06-01T10:00"])
def test_a_closure_ending_before_it_starts_is_a_form_error_and_writes_nothing(administrator_client, zone, ends):
    closures_before = Closure.objects.count()
    response = administrator_client.post(url("operations-closure-add"), closure_body(ends=ends))
    assert response.status_code == 200
    assert response.context["closure_form"].errors == {"ends_at": [str(CLOSURE_ENDS_BEFORE_START)]}
    assert str(CLOSURE_ENDS_BEFORE_START) in response.content.decode()
    assert Closure.objects.count() == closures_before
    assert audit_count() == 0


def test_a_second_closure_starting_at_the_same_moment_is_refused(administrator_client, zone):
    administrator_client.post(url("operations-closure-add"), closure_body())
    response = administrator_client.post(
        url("operations-closure-add"), closure_body(ends="2026-06-01T15:00", reason="Again")
    )
    assert response.context["closure_form"].errors == {"starts_at": [str(CLOSURE_START_TAKEN)]}
    assert not Closure.objects.filter(reason="Again").exists()


def test_a_closure_needs_valid_times_and_a_reason(administrator_client, zone):
    closures_before = Closure.objects.count()
    response = administrator_client.post(url("operations-closure-add"), closure_body(starts="tomorrow", reason=""))
    assert set(response.context["closure_form"].errors) == {"starts_at", "reason"}
    assert Closure.objects.count() == closures_before


def test_removing_a_closure_is_confirmed_with_a_reason(administrator_client, zone):
    closure = Closure.objects.filter(checkpoint=zone.kz, reason="Nauryz").first()
    # Given the confirmation page, which says which closure and asks why
    confirmation = administrator_client.get(url("operations-closure-remove", closure.pk)).content.decode()
    assert "Remove the closure of KZ?" in confirmation and "Nauryz" in confirmation
    # When it is posted without a reason, nothing is removed
    response = administrator_client.post(url("operations-closure-remove", closure.pk), {"reason": " "})
    assert response.status_code == 200 and str(REASON_REQUIRED) in response.content.decode()
    assert Closure.objects.filter(pk=closure.pk).exists()
    # When it is posted with one, the closure goes and the audit row keeps the reason
    response = administrator_client.post(url("operations-closure-remove", closure.pk), {"reason": "Holiday moved"})
    assert response.status_code == 302 and response.url == url("operations-hours") + "#closures"
    assert not Closure.objects.filter(pk=closure.pk).exists()
    entry = AuditEntry.objects.get(action="closure.remove", target_id=str(closure.pk))
    assert entry.changes["reason"] == {"before": "Nauryz", "after": None}
    assert entry.reason == "Holiday moved"
    # A second click finds nothing to remove
    response = administrator_client.post(url("operations-closure-remove", closure.pk), {"reason": "Again"})
    assert response.status_code == 404


def test_recent_and_upcoming_closures_are_listed_apart(administrator_client, zone, at):
    at(almaty(2026, 3, 22, 12, 0))  # during Nauryz 2026 (21–23 March) in Almaty
    response = administrator_client.get(url("operations-hours"))
    upcoming = {
        (c.checkpoint.code, c.reason, c.checkpoint.local(c.starts_at).year)
        for c in response.context["upcoming_closures"]
    }
    recent = {
        (c.checkpoint.code, c.reason, c.checkpoint.local(c.starts_at).year) for c in response.context["recent_closures"]
    }
    assert ("KZ", "Nauryz", 2026) in upcoming
    assert ("CN", "Spring Festival", 2026) in recent  # 16–19 February, within the last 60 days
    assert ("KZ", "New Year", 2026) not in recent | upcoming  # ended more than 60 days ago
    assert "In force now" in response.content.decode()


# --- watchlist --------------------------------------------------------------------------------------------


def watchlist_body(**fields) -> dict:
    body = {"match": "document", "reason": "Reported stolen"} | fields
    return {f"entry-{name}": value for name, value in body.items()}


def test_adding_a_document_entry(administrator_client, zone, at):
    at(beijing(2026, 5, 12, 10, 0))
    body = watchlist_body(
        document_type="passport",
        document_issuing_country="KZ",
        document_number="n 123-4567",
        active_until="2026-12-31T18:00",
    )
    response = administrator_client.post(url("operations-watchlist"), body)
    assert response.status_code == 302
    entry = WatchlistEntry.objects.get()
    assert (entry.document_type, entry.document_issuing_country.code, entry.document_number) == (
        "passport",
        "KZ",
        "N1234567",
    )
    assert entry.added_by == zone.administrator
    assert entry.active_until == beijing(2026, 12, 31, 18, 0)  # the site's zone, as the form says
    assert AuditEntry.objects.filter(action="watchlist.add", target_id=str(entry.pk)).exists()
    assert entry in administrator_client.get(url("operations-watchlist")).context["active_entries"]


def test_adding_a_person_entry(administrator_client, zone):
    body = watchlist_body(match="person", family_name="Abenova", given_names="", birth_date="1985-06-15")
    assert administrator_client.post(url("operations-watchlist"), body).status_code == 302
    entry = WatchlistEntry.objects.get()
    assert (entry.match, entry.family_name, entry.birth_date.isoformat()) == ("person", "Abenova", "1985-06-15")


@pytest.mark.parametrize(
    "fields",
    [
        {"document_type": "passport", "document_issuing_country": "KZ"},  # no number
        {"match": "person", "family_name": "Abenova"},  # no birth date
        {"match": "person", "document_number": "N1234567", "birth_date": "1985-06-15"},  # no family name
    ],
)
def test_an_entry_missing_its_identifying_fields_shows_the_models_message(administrator_client, zone, fields):
    message = next(
        constraint.violation_error_message
        for constraint in WatchlistEntry._meta.constraints
        if constraint.name == "watchlist_entry_identifies_someone"
    )
    response = administrator_client.post(url("operations-watchlist"), watchlist_body(**fields))
    assert response.status_code == 200
    assert response.context["form"].non_field_errors() == [str(message)]
    assert str(message) in response.content.decode()
    assert not WatchlistEntry.objects.exists()
    assert audit_count() == 0


def test_deactivating_an_entry_moves_it_to_the_ended_ones(administrator_client, zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    entry = watch_abenova(zone, kazakh)
    response = administrator_client.post(url("operations-watchlist-deactivate", entry.pk))
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.active_until is not None and not entry.is_active_at(beijing(2026, 5, 12, 10, 1))
    assert AuditEntry.objects.filter(action="watchlist.deactivate", target_id=str(entry.pk)).exists()
    page = administrator_client.get(url("operations-watchlist")).context
    assert entry not in page["active_entries"]
    assert entry in page["inactive_page"].object_list
    # And the traveller it named now enters
    crossing = crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    assert crossing.outcome == Outcome.ADMITTED


def test_deactivating_an_ended_entry_says_so(administrator_client, zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    entry = watch_abenova(zone, kazakh)
    administrator_client.post(url("operations-watchlist-deactivate", entry.pk))
    response = administrator_client.post(url("operations-watchlist-deactivate", entry.pk), follow=True)
    assert "This watchlist entry is no longer active." in response.content.decode()
    assert audit_count("watchlist.deactivate") == 1


def test_watchlist_shows_hit_counts_and_the_entry_its_hits(administrator_client, zone, kazakh, at):
    # Given a hit at the Kazakh checkpoint at 10:00 Almaty time (13:00 in Beijing, the site's zone)
    at(almaty(2026, 5, 12, 10, 0))
    entry = watch_abenova(zone, kazakh)
    crossing_record_entry(document=kazakh, lane=zone.lane("KZ", "E-C01"), acting_user=zone.kz_officer)
    listed = administrator_client.get(url("operations-watchlist")).context["active_entries"]
    assert [(e.pk, e.hit_count, e.open_hit_count) for e in listed] == [(entry.pk, 1, 1)]
    # When the administrator opens the entry
    response = administrator_client.get(url("operations-watchlist-entry", entry.pk))
    hits = response.content.decode().split('id="hits"')[1]
    # Then its hit is listed with lane, local time of the checkpoint, traveller and its state
    assert [hit.crossing.lane.code for hit in response.context["hits"]] == ["E-C01"]
    assert '<time datetime="2026-05-12T10:00+05:00">' in hits and "T13:00" not in hits
    assert "ABENOVA Aigul" in hits
    assert "Open" in hits
    # And once acknowledged, who did it and when (local time of the checkpoint)
    alert_acknowledge(alert=Alert.objects.get(), acting_user=zone.kz_officer)
    hits = administrator_client.get(url("operations-watchlist-entry", entry.pk)).content.decode().split('id="hits"')[1]
    assert f'{zone.kz_officer.username}, <time datetime="2026-05-12T10:0' in hits


def test_an_unknown_watchlist_entry_is_not_found(administrator_client, zone):
    assert administrator_client.get(url("operations-watchlist-entry", 999999)).status_code == 404


# --- users --------------------------------------------------------------------------------------------------


def officer_body(**fields) -> dict:
    body = {
        "username": "officer.kz2",
        "first_name": "Daniyar",
        "last_name": "Nurlanov",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
        "checkpoint": "KZ",
    } | fields
    return {f"officer-{name}": value for name, value in body.items()}


def test_a_created_officer_is_assigned_and_can_sign_in(administrator_client, zone):
    response = administrator_client.post(url("operations-users"), officer_body())
    assert response.status_code == 302
    officer = User.objects.get(username="officer.kz2")
    assert (officer.role, officer.first_name, officer.is_staff) == (Role.OFFICER, "Daniyar", False)
    assert OfficerAssignment.objects.get(officer=officer).checkpoint == zone.kz
    assert AuditEntry.objects.filter(action="user.create", target_id=str(officer.pk), actor=zone.administrator).exists()
    assert AuditEntry.objects.filter(action="officer.assign", target_id=str(officer.pk)).exists()
    assert Client().login(username="officer.kz2", password=NEW_PASSWORD)


@pytest.mark.parametrize(
    ("fields", "field", "message"),
    [
        ({"password2": "Steppe-caravan-2027"}, "password2", str(PASSWORDS_DIFFER)),
        ({"password1": "12345678", "password2": "12345678"}, "password1", "This password is too common."),
        ({"password1": "short", "password2": "short"}, "password1", "This password is too short."),
        ({"username": "officer.cn"}, "username", "A user with that username already exists."),
        ({"checkpoint": "RU"}, "checkpoint", None),
        ({"username": ""}, "username", "This field is required."),
    ],
)
def test_bad_officer_input_shows_a_field_error_and_writes_nothing(administrator_client, zone, fields, field, message):
    users_before = User.objects.count()
    response = administrator_client.post(url("operations-users"), officer_body(**fields))
    assert response.status_code == 200
    errors = response.context["create_form"].errors
    assert field in errors
    if message:
        assert any(error.startswith(message) for error in errors[field])
    assert User.objects.count() == users_before
    assert OfficerAssignment.objects.count() == 2
    assert audit_count() == 0


def test_changing_an_officers_checkpoint(administrator_client, zone):
    officer = zone.kz_officer
    response = administrator_client.post(
        url("operations-user-checkpoint", officer.pk),
        {f"user-{officer.pk}-checkpoint": "CN", "next": url("operations-users") + "?role=officer"},
    )
    assert response.url == url("operations-users") + "?role=officer"
    assert OfficerAssignment.objects.get(officer=officer).checkpoint == zone.cn
    entry = AuditEntry.objects.get(action="officer.assign", target_id=str(officer.pk))
    assert entry.changes == {"checkpoint": {"before": "KZ", "after": "CN"}}


def test_only_officers_get_a_checkpoint(administrator_client, zone):
    response = administrator_client.post(
        url("operations-user-checkpoint", zone.merchant.pk), {f"user-{zone.merchant.pk}-checkpoint": "CN"}, follow=True
    )
    assert "Only border officers are assigned to checkpoints." in response.content.decode()
    assert not OfficerAssignment.objects.filter(officer=zone.merchant).exists()


def test_deactivating_yourself_is_refused(administrator_client, zone):
    response = administrator_client.post(url("operations-user-deactivate", zone.administrator.pk), follow=True)
    assert str(CANNOT_DEACTIVATE_YOURSELF) in response.content.decode()
    zone.administrator.refresh_from_db()
    assert zone.administrator.is_active
    assert audit_count() == 0


def test_a_deactivated_user_cannot_sign_in_until_reactivated(administrator_client, zone):
    officer = zone.kz_officer
    administrator_client.post(url("operations-user-deactivate", officer.pk))
    officer.refresh_from_db()
    assert not officer.is_active
    assert not Client().login(username=officer.username, password=TEST_PASSWORD)
    administrator_client.post(url("operations-user-reactivate", officer.pk))
    assert Client().login(username=officer.username, password=TEST_PASSWORD)
    assert [e.changes for e in AuditEntry.objects.filter(target_id=str(officer.pk)).order_by("id")] == [
        {"is_active": {"before": True, "after": False}},
        {"is_active": {"before": False, "after": True}},
    ]


def test_a_deactivated_users_session_ends(zone, signed_in):
    client = signed_in(zone.kz_officer)
    signed_in(zone.administrator).post(url("operations-user-deactivate", zone.kz_officer.pk))
    assert client.get(reverse("home")).status_code == 302


def test_users_are_listed_with_their_checkpoint_and_filtered(administrator_client, zone):
    gone = OfficerFactory(username="officer.retired", is_active=False)
    everyone = administrator_client.get(url("operations-users"))
    assert {row["user"].username for row in everyone.context["rows"]} >= {
        "officer.cn",
        "officer.kz",
        "officer.retired",
        zone.merchant.username,
        zone.administrator.username,
    }
    assert 'value="KZ" selected' in everyone.content.decode()  # officer.kz's checkpoint
    inactive_officers = administrator_client.get(url("operations-users"), {"role": "officer", "active": "no"})
    assert [row["user"] for row in inactive_officers.context["rows"]] == [gone]
    merchants = administrator_client.get(url("operations-users"), {"role": "merchant"})
    assert [row["user"] for row in merchants.context["rows"]] == [zone.merchant]
    assert merchants.context["rows"][0]["checkpoint_form"] is None


def test_redirects_after_buttons_stay_on_this_site(administrator_client, zone):
    response = administrator_client.post(
        url("operations-user-deactivate", zone.kz_officer.pk), {"next": "https://evil.example/"}
    )
    assert response.url == url("operations-users")


# --- alerts ------------------------------------------------------------------------------------------------------


def test_acknowledging_an_alert(administrator_client, zone, alert):
    next_page = url("operations-alerts") + "?state=open"
    response = administrator_client.post(url("operations-alert-acknowledge", alert.pk), {"next": next_page})
    assert response.url == next_page
    alert.refresh_from_db()
    assert alert.acknowledged_by == zone.administrator and alert.acknowledged_at is not None
    assert AuditEntry.objects.filter(action="alert.acknowledge", target_id=str(alert.pk)).exists()


def test_acknowledging_twice_says_so_and_keeps_the_first(administrator_client, zone, alert):
    alert_acknowledge(alert=alert, acting_user=zone.cn_officer)
    response = administrator_client.post(url("operations-alert-acknowledge", alert.pk), follow=True)
    assert str(ALERT_ALREADY_ACKNOWLEDGED) in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_by == zone.cn_officer


def test_alerts_are_listed_open_first_and_filtered(administrator_client, zone, kazakh, chinese, at):
    # Given an older alert at CN still open and a newer one at KZ already acknowledged
    at(beijing(2026, 5, 12, 10, 0))
    watch_abenova(zone, kazakh)
    watchlist_add(match=WatchlistMatch.DOCUMENT, document_type="passport", document_issuing_country="CN",
                  document_number="E12345678", reason="Customs fraud", acting_user=zone.administrator)  # fmt: skip
    crossing_record_entry(document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    at(beijing(2026, 5, 12, 11, 0))
    crossing_record_entry(document=chinese, lane=zone.lane("KZ", "E-F01"), acting_user=zone.kz_officer)
    older, newer = Alert.objects.order_by("raised_at")
    alert_acknowledge(alert=newer, acting_user=zone.kz_officer)
    # Then the open one comes first, though older
    response = administrator_client.get(url("operations-alerts"))
    assert list(response.context["page"]) == [older, newer]
    page = response.content.decode()
    assert "Court order" in page and "Customs fraud" in page
    assert "Acknowledge the alert for ABENOVA Aigul" in page
    assert "Acknowledge the alert for WANG Fang" not in page
    assert '<time datetime="2026-05-12T10:00+08:00">' in page  # CN alert, Beijing time
    assert '<time datetime="2026-05-12T08:00+05:00">' in page  # KZ alert at 11:00 Beijing is 08:00 in Almaty
    # And the filters narrow the list
    assert list(administrator_client.get(url("operations-alerts"), {"state": "open"}).context["page"]) == [older]
    assert list(administrator_client.get(url("operations-alerts"), {"state": "acknowledged"}).context["page"]) == [
        newer
    ]
    assert list(administrator_client.get(url("operations-alerts"), {"checkpoint": "KZ"}).context["page"]) == [newer]
    assert list(administrator_client.get(url("operations-alerts"), {"checkpoint": "nowhere"}).context["page"]) == [
        older,
        newer,
    ]
