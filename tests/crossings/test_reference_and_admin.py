from datetime import date, time

import pytest
from django.contrib.admin.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import IntegrityError, transaction

from crossings.models import (
    AcceptedDocument,
    Checkpoint,
    Closure,
    Lane,
    OfficerAssignment,
    OpeningHours,
    StayPolicy,
    TravelDocument,
    Visit,
    WatchlistEntry,
)
from crossings.models.travellers import document_number_index
from crossings.services.crossings import crossing_record_entry
from crossings.services.reference import LANE_CODE_TAKEN, STAY_POLICY_DAY_TAKEN, stay_policy_add
from crossings.services.watchlist import watchlist_add
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from tests.crossings.conftest import almaty, beijing
from tests.crossings.factories import DocumentFactory

pytestmark = pytest.mark.django_db


def test_reference_data_loads_once_and_keeps_administrators_edits(zone):
    lane = zone.lane("CN", "E-F01")
    lane.is_open = False
    lane.save()
    counts = [
        Checkpoint.objects.count(),
        Lane.objects.count(),
        Closure.objects.count(),
        AcceptedDocument.objects.count(),
    ]
    call_command("crossings_load_reference", verbosity=0)
    assert [
        Checkpoint.objects.count(),
        Lane.objects.count(),
        Closure.objects.count(),
        AcceptedDocument.objects.count(),
    ] == counts
    assert Lane.objects.get(pk=lane.pk).is_open is False
    assert OpeningHours.objects.get(checkpoint__code="KZ", weekday=0).opens_at == time(7, 0)
    assert StayPolicy.objects.get().max_stay_days == 30


def test_closures_cover_2025_to_2027_for_both_countries(zone):
    reasons = set(Closure.objects.values_list("checkpoint__code", "reason", "starts_at__year"))
    for year in (2025, 2026, 2027):
        assert ("CN", "Spring Festival", year) in reasons
        assert ("KZ", "Nauryz", year) in reasons


def test_document_identity_is_unique_on_the_normalised_number(zone):
    DocumentFactory(number="E 1234-5678", issuing_country="CN", traveller__nationality="CN")
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentFactory(number="e12345678", issuing_country="CN", traveller__nationality="CN")
    assert TravelDocument.objects.get().number_index == document_number_index("E12345678")


def test_one_open_visit_per_traveller_is_enforced_by_the_database(zone, kazakh, at):
    at(beijing(2026, 5, 12, 10, 0))
    visit = crossing_record_entry(
        document=kazakh, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer
    ).opened_visit
    with pytest.raises(IntegrityError), transaction.atomic():
        Visit.objects.create(
            traveller=kazakh.traveller,
            checkpoint=zone.cn,
            entry_crossing=visit.entry_crossing,
            entered_at=visit.entered_at,
            must_leave_by=visit.must_leave_by,
        )


@pytest.mark.parametrize(
    "model",
    [
        "checkpoint",
        "lane",
        "closure",
        "staypolicy",
        "officerassignment",
        "traveller",
        "watchlistentry",
        "crossing",
        "visit",
        "alert",
    ],
)
def test_admin_pages_answer_for_administrators(client, zone, model):
    client.force_login(zone.administrator)
    assert client.get(f"/admin/crossings/{model}/").status_code == 200
    assert client.get(f"/admin/crossings/{model}/add/").status_code in (200, 403)


def test_history_cannot_be_added_or_edited_in_the_admin(client, zone):
    client.force_login(zone.administrator)
    assert client.get("/admin/crossings/crossing/add/").status_code == 403
    assert client.get("/admin/crossings/visit/add/").status_code == 403


def test_watchlist_entries_added_in_the_admin_go_through_the_service(client, zone):
    client.force_login(zone.administrator)
    response = client.post(
        "/admin/crossings/watchlistentry/add/",
        {
            "match": "document",
            "document_type": "passport",
            "document_issuing_country": "KZ",
            "document_number": "n 123-4567",
            "reason": "Reported stolen",
            "active_from_0": "2026-05-12",
            "active_from_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = WatchlistEntry.objects.get()
    assert (entry.document_number, entry.added_by) == ("N1234567", zone.administrator)
    assert AuditEntry.objects.filter(action="watchlist.add").exists()


def test_admin_refuses_opening_hours_that_close_before_they_open(client, zone):
    client.force_login(zone.administrator)
    hours = OpeningHours.objects.get(checkpoint__code="KZ", weekday=0)
    response = client.post(
        f"/admin/crossings/openinghours/{hours.pk}/change/",
        {"checkpoint": zone.kz.pk, "weekday": 0, "opens_at": "19:00", "closes_at": "07:00"},
    )
    assert response.status_code == 200
    assert "Closing time must be after opening time" in response.content.decode()


# --- The admin writes through the services: their rules and their audit rows --------------------------------


def admin_audit(action: AuditAction):
    return AuditEntry.objects.filter(action=action)


def management_form(prefix: str, total: int, initial: int) -> dict:
    return {f"{prefix}-TOTAL_FORMS": total, f"{prefix}-INITIAL_FORMS": initial}


def test_a_lane_changed_in_the_admin_is_changed_by_the_service_and_audited(signed_in, zone):
    lane = zone.lane("CN", "E-F01")
    # When an administrator changes whom the lane serves in the admin
    response = signed_in(zone.administrator).post(
        f"/admin/crossings/lane/{lane.pk}/change/", {"direction": "entry", "group": "e_gate"}
    )
    # Then it is changed, and the audit log says who did it and what changed
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Lane.objects.get(pk=lane.pk).group == "e_gate"
    entry = admin_audit(AuditAction.LANE_UPDATE).get()
    assert (entry.actor, entry.changes) == (zone.administrator, {"group": {"before": lane.group, "after": "e_gate"}})


def test_the_admin_neither_closes_lanes_nor_removes_closures_which_need_a_reason(signed_in, zone):
    # (The Lanes and Opening hours pages ask for it.)
    admin = signed_in(zone.administrator)
    lane = zone.lane("CN", "E-F01")
    admin.post(f"/admin/crossings/lane/{lane.pk}/change/", {"direction": "entry", "group": lane.group})
    assert Lane.objects.get(pk=lane.pk).is_open is True
    closure = Closure.objects.filter(checkpoint=zone.kz).first()
    assert admin.post(f"/admin/crossings/closure/{closure.pk}/delete/", {"post": "yes"}).status_code == 403
    assert Closure.objects.filter(pk=closure.pk).exists()


def test_a_lane_added_in_the_admin_obeys_the_services_rule_and_writes_nothing_when_refused(signed_in, zone):
    admin = signed_in(zone.administrator)
    lanes = Lane.objects.count()
    new_lane = {"checkpoint": zone.cn.pk, "direction": "entry", "group": "e_gate", "is_open": "on"}
    # When the code differs from an existing one only in case (the service stores codes in capitals)
    response = admin.post("/admin/crossings/lane/add/", {**new_lane, "code": "e-f01"}, follow=True)
    # Then the service's message is shown and nothing is written
    assert str(LANE_CODE_TAKEN) in response.content.decode()
    assert Lane.objects.count() == lanes
    assert not admin_audit(AuditAction.LANE_CREATE).exists()
    # And a new code is added through the service, in capitals, audited
    assert admin.post("/admin/crossings/lane/add/", {**new_lane, "code": "g-09"}).status_code == 302
    assert Lane.objects.filter(checkpoint=zone.cn, code="G-09").exists()
    assert admin_audit(AuditAction.LANE_CREATE).count() == 1


def test_opening_hours_set_and_removed_in_the_admin_are_audited(signed_in, zone):
    admin = signed_in(zone.administrator)
    hours = OpeningHours.objects.get(checkpoint=zone.kz, weekday=0)
    response = admin.post(
        f"/admin/crossings/openinghours/{hours.pk}/change/", {"opens_at": "08:00", "closes_at": "18:00"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert (OpeningHours.objects.get(pk=hours.pk).opens_at, admin_audit(AuditAction.OPENING_HOURS_SET).count()) == (
        time(8, 0),
        1,
    )
    # Deleting the day's row closes the checkpoint that day, through the service
    assert admin.post(f"/admin/crossings/openinghours/{hours.pk}/delete/", {"post": "yes"}).status_code == 302
    assert not OpeningHours.objects.filter(pk=hours.pk).exists()
    assert admin_audit(AuditAction.OPENING_HOURS_CLEAR).count() == 1


def test_a_kazakh_closure_typed_in_the_admin_is_read_in_almaty_time(signed_in, zone):
    # When an administrator (whose site runs on Beijing time) types a Kazakh closure from 10:00 to 14:00
    response = signed_in(zone.administrator).post(
        "/admin/crossings/closure/add/",
        {"checkpoint": zone.kz.pk, "starts_at": "2026-06-01T10:00", "ends_at": "2026-06-01T14:00", "reason": "Repairs"},
    )
    # Then the closure runs from 10:00 to 14:00 on the Kazakh checkpoint's clock, and is audited
    assert response.status_code == 302, response.content.decode()[:2000]
    closure = Closure.objects.get(reason="Repairs")
    assert (closure.starts_at, closure.ends_at) == (almaty(2026, 6, 1, 10, 0), almaty(2026, 6, 1, 14, 0))
    assert admin_audit(AuditAction.CLOSURE_ADD).get().actor == zone.administrator
    # And its page shows those times in Almaty time
    page = signed_in(zone.administrator).get(f"/admin/crossings/closure/{closure.pk}/change/").content.decode()
    assert 'datetime="2026-06-01T10:00+05:00"' in page


def test_a_checkpoint_renamed_in_the_admin_is_audited(signed_in, zone):
    data = {
        "name_zh_hans": zone.kz.name_zh_hans,
        "name_kk": zone.kz.name_kk,
        "name_ru": zone.kz.name_ru,
        "name_en": "Nur Zholy",
        "time_zone": "Asia/Almaty",
        **management_form("lanes", zone.kz.lanes.count(), zone.kz.lanes.count()),
        **management_form("opening_hours", zone.kz.opening_hours.count(), zone.kz.opening_hours.count()),
        **management_form("accepted_documents", zone.kz.accepted_documents.count(), zone.kz.accepted_documents.count()),
    }
    response = signed_in(zone.administrator).post(f"/admin/crossings/checkpoint/{zone.kz.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Checkpoint.objects.get(pk=zone.kz.pk).name_en == "Nur Zholy"
    assert admin_audit(AuditAction.CHECKPOINT_UPDATE).get().changes["name_en"]["after"] == "Nur Zholy"


def test_an_officer_moved_in_the_admin_is_assigned_by_the_service(signed_in, zone):
    assignment = OfficerAssignment.objects.get(officer=zone.cn_officer)
    response = signed_in(zone.administrator).post(
        f"/admin/crossings/officerassignment/{assignment.pk}/change/", {"checkpoint": zone.kz.pk}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert OfficerAssignment.objects.get(pk=assignment.pk).checkpoint == zone.kz
    assert admin_audit(AuditAction.OFFICER_ASSIGN).get().changes == {"checkpoint": {"before": "CN", "after": "KZ"}}


def test_a_stay_policy_is_added_in_the_admin_for_a_day_to_come_only(signed_in, zone, at):
    at(beijing(2026, 5, 12, 10, 0))
    admin = signed_in(zone.administrator)
    policy = {"max_stay_days": 45, "retention_years": 3}
    # A day that has begun keeps its policy
    refused = admin.post("/admin/crossings/staypolicy/add/", {**policy, "effective_from": "2026-05-12"}, follow=True)
    assert "2026-05-13 at the earliest" in refused.content.decode()
    assert not StayPolicy.objects.filter(max_stay_days=45).exists()
    # A day to come gets the new policy, audited
    added = admin.post("/admin/crossings/staypolicy/add/", {**policy, "effective_from": "2026-06-01"})
    assert added.status_code == 302, added.content.decode()[:2000]
    assert StayPolicy.objects.get(max_stay_days=45).effective_from == date(2026, 6, 1)
    assert admin_audit(AuditAction.STAY_POLICY_ADD).get().actor == zone.administrator
    # And a policy is never changed afterwards, nor deleted
    assert (
        admin.get(f"/admin/crossings/staypolicy/{StayPolicy.objects.get(max_stay_days=45).pk}/delete/").status_code
        == 403
    )


def test_a_document_added_to_a_traveller_in_the_admin_goes_through_the_service(signed_in, zone, kazakh):
    traveller = kazakh.traveller
    # The inline offers new documents only: the registered ones are listed, masked, above it
    data = {
        **management_form("documents", 1, 0),
        "documents-0-traveller": traveller.pk,
        "documents-0-document_type": "national_id",
        "documents-0-number": "0 123-456",
        "documents-0-issuing_country": "KZ",
        "documents-0-valid_until": "2031-01-01",
    }
    response = signed_in(zone.administrator).post(f"/admin/crossings/traveller/{traveller.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert set(traveller.documents.values_list("number", flat=True)) == {"N1234567", "0 123-456"}
    assert admin_audit(AuditAction.TRAVELLER_ADD_DOCUMENT).get().target_id == str(traveller.pk)


def test_what_no_service_changes_is_read_only_in_the_admin(signed_in, zone, kazakh):
    admin = signed_in(zone.administrator)
    assert admin.get("/admin/crossings/accepteddocument/add/").status_code == 403
    assert admin.get("/admin/crossings/traveller/add/").status_code == 403
    assert admin.get(f"/admin/crossings/lane/{zone.lane('CN', 'E-F01').pk}/delete/").status_code == 403
    assert admin.get(f"/admin/crossings/checkpoint/{zone.cn.pk}/delete/").status_code == 403


# --- stay_policy_add --------------------------------------------------------------------------------------


def test_stay_policy_add_is_for_administrators_and_one_per_day(zone, at):
    at(beijing(2026, 5, 12, 10, 0))
    with pytest.raises(PermissionDenied):
        stay_policy_add(
            effective_from=date(2026, 6, 1), max_stay_days=45, retention_years=3, acting_user=zone.kz_officer
        )
    stay_policy_add(
        effective_from=date(2026, 6, 1), max_stay_days=45, retention_years=3, acting_user=zone.administrator
    )
    with pytest.raises(ValidationError) as error:
        stay_policy_add(
            effective_from=date(2026, 6, 1), max_stay_days=20, retention_years=3, acting_user=zone.administrator
        )
    assert error.value.message_dict == {"effective_from": [str(STAY_POLICY_DAY_TAKEN)]}
    assert StayPolicy.objects.get(effective_from=date(2026, 6, 1)).max_stay_days == 45


def test_stay_policy_add_waits_for_the_day_to_begin_nowhere(zone, at):
    # At 01:00 in Beijing on 13 May it is still 12 May in Almaty: 13 May has begun at the Chinese checkpoint
    at(beijing(2026, 5, 13, 1, 0))
    with pytest.raises(ValidationError):
        stay_policy_add(
            effective_from=date(2026, 5, 13), max_stay_days=45, retention_years=3, acting_user=zone.administrator
        )
    assert stay_policy_add(
        effective_from=date(2026, 5, 14), max_stay_days=45, retention_years=3, acting_user=zone.administrator
    )


@pytest.mark.parametrize(
    "model", [Checkpoint, Lane, OpeningHours, Closure, StayPolicy, OfficerAssignment, AcceptedDocument]
)
def test_admin_change_pages_of_reference_data_answer(signed_in, zone, model):
    row = model.objects.first()
    assert (
        signed_in(zone.administrator).get(f"/admin/crossings/{model._meta.model_name}/{row.pk}/change/").status_code
        == 200
    )


def test_admin_traveller_page_answers(signed_in, zone, kazakh):
    page = signed_in(zone.administrator).get(f"/admin/crossings/traveller/{kazakh.traveller.pk}/change/")
    assert page.status_code == 200
    # The registered number is masked: it is revealed, audited, on the traveller's page only
    assert "••••4567" in page.content.decode()
    assert "N1234567" not in page.content.decode()


def test_admin_has_no_traveller_search_in_the_url(signed_in, zone, kazakh):
    page = signed_in(zone.administrator).get("/admin/crossings/traveller/", {"q": "N1234567"})
    assert page.status_code == 200
    assert 'name="q"' not in page.content.decode()


def test_admin_watchlist_shows_numbers_masked(signed_in, zone):
    entry = watchlist_add(match="document", document_type="passport", document_issuing_country="KZ",
                          document_number="N7654321", reason="Stolen", acting_user=zone.administrator)  # fmt: skip
    admin = signed_in(zone.administrator)
    html = admin.get("/admin/crossings/watchlistentry/").content.decode()
    assert "••••4321" in html and "N7654321" not in html
    # A recorded entry opens on the watchlist page, which masks it too and reveals it audited
    for view in ("change", "history"):
        response = admin.get(f"/admin/crossings/watchlistentry/{entry.pk}/{view}/")
        assert response.url == f"/crossings/operations/watchlist/{entry.pk}/"


def test_admin_history_keeps_no_personal_text(client, zone, kazakh):
    client.force_login(zone.administrator)
    body = {"match": "document", "document_type": "passport", "document_issuing_country": "KZ",
            "document_number": "N7654321", "reason": "Stolen", "active_from_0": "2026-05-12",
            "active_from_1": "10:00"}  # fmt: skip
    assert client.post("/admin/crossings/watchlistentry/add/", body).status_code == 302
    assert not LogEntry.objects.filter(object_repr__contains="7654321").exists()
    assert AuditEntry.objects.filter(action="watchlist.add").exists()
