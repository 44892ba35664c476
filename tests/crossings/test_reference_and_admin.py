from datetime import time

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from crossings.models import (
    AcceptedDocument,
    Checkpoint,
    Closure,
    Lane,
    OpeningHours,
    StayPolicy,
    TravelDocument,
    Visit,
    WatchlistEntry,
)
from crossings.services.crossings import crossing_record_entry
from horgos.models import AuditEntry
from tests.crossings.conftest import beijing
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
    assert TravelDocument.objects.get().number_normalised == "E12345678"


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
