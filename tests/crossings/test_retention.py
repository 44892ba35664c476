"""Retention: travellers whose last exit is older than the stay policy's retention period (3 years in the reference
data) are anonymised nightly; their crossings and visits stay, so every statistic stays the same."""

from datetime import date

import pytest
from django.apps import apps

from crossings.choices import VisitState
from crossings.models import Crossing, TravelDocument, Traveller, Visit
from crossings.selectors import document_find, travellers_search, travellers_similar
from crossings.selectors.figures import year_to_date, year_to_date_by
from crossings.services.crossings import crossing_record_entry, crossing_record_exit
from crossings.services.personal_data import ANONYMISED_BIRTH_DATE
from crossings.services.statistics_rebuild import statistics_rebuild
from crossings.tasks import anonymise_expired_travellers
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from tests.crossings.conftest import beijing
from tests.crossings.factories import DocumentFactory, TravellerFactory

pytestmark = pytest.mark.django_db

NOW = beijing(2026, 5, 12, 10, 0)
STATISTICS_MODELS = [
    "DailyCrossingCount",
    "DailyTravellerCount",
    "HourlyCrossingCount",
    "DailyVisitCount",
    "DailyRefusalCount",
    "DailyWatchlistHitCount",
    "YearlyTravellerSeen",
]


def person(family_name: str, number: str) -> TravelDocument:
    traveller = TravellerFactory(family_name=family_name, given_names="Test", birth_date=date(1980, 2, 3))
    return DocumentFactory(traveller=traveller, issuing_country="KZ", number=number, valid_until=date(2035, 1, 1))


def cross(zone, at, moment, record, lane, documents):
    at(moment)
    for document in documents:
        record(document=document, lane=zone.lane("CN", lane), acting_user=zone.cn_officer)


@pytest.fixture
def history(zone, at):
    """Four travellers on 12 May 2026: one gone since 2021, one who came back in 2025, one still inside since 2021
    (and overstaying), one registered who never crossed."""
    at(beijing(2021, 3, 1, 10, 0))
    gone, returned, inside, never = (
        person("Gone", "N1000001"),
        person("Returned", "N1000002"),
        person("Inside", "N1000003"),
        person("Never", "N1000004"),
    )
    cross(zone, at, beijing(2021, 3, 2, 10, 0), crossing_record_entry, "E-F01", (gone, returned, inside))
    cross(zone, at, beijing(2021, 3, 5, 10, 0), crossing_record_exit, "X-F01", (gone, returned))
    cross(zone, at, beijing(2025, 1, 10, 10, 0), crossing_record_entry, "E-F01", (returned,))
    cross(zone, at, beijing(2025, 1, 12, 10, 0), crossing_record_exit, "X-F01", (returned,))
    at(NOW)
    return {"gone": gone, "returned": returned, "inside": inside, "never": never}


def statistics() -> dict:
    """Every statistics table (row values without ids) and the year-to-date figures of the years concerned."""
    statistics_rebuild(first=date(2021, 3, 1), last=date(2021, 3, 6))
    statistics_rebuild(first=date(2025, 1, 9), last=date(2025, 1, 13))
    tables = {
        name: sorted(
            repr(sorted((key, value) for key, value in row.items() if key != "id"))
            for row in apps.get_model("crossings", name).objects.values()
        )
        for name in STATISTICS_MODELS
    }
    figures = {day: (year_to_date(day), year_to_date_by(day)) for day in (date(2021, 12, 31), date(2025, 12, 31))}
    return {"tables": tables, "figures": repr(figures), "crossings": Crossing.objects.count()}


def personal(traveller: Traveller) -> tuple:
    traveller = Traveller.objects.get(pk=traveller.pk)
    numbers = [document.number for document in traveller.documents.all()]
    names = (traveller.family_name, traveller.given_names, traveller.family_name_native, traveller.given_names_native)
    return (*names, traveller.birth_date, numbers, traveller.person_index_latin, traveller.name_trigrams)


def test_a_traveller_gone_longer_than_the_retention_period_is_anonymised_and_the_statistics_stay(zone, history):
    before = statistics()
    assert before["tables"]["DailyCrossingCount"] and before["tables"]["YearlyTravellerSeen"]
    untouched = {name: personal(history[name].traveller) for name in ("returned", "inside", "never")}
    last_audited = AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    # When the nightly task runs
    assert anonymise_expired_travellers.delay().get() == 1
    # Then the traveller gone since 2021 keeps nothing that identifies them, and no lookup finds them
    gone = Traveller.objects.get(pk=history["gone"].traveller_id)
    assert personal(gone) == ("", "", "", "", ANONYMISED_BIRTH_DATE, [""], "", [])
    assert gone.anonymised_at is not None
    assert str(gone) == "Anonymised traveller"
    assert gone.documents.get().number_index == ""
    assert not document_find(number="N1000001").exists()
    assert not travellers_search(family_name="Gone", birth_date=date(1980, 2, 3)).exists()
    assert travellers_similar(name="Gone") == []
    # While their crossings and visits stay, as counts
    assert Crossing.objects.filter(traveller=gone).count() == 2
    assert Visit.objects.get(traveller=gone).state == VisitState.CLOSED
    # And the others are untouched: one came back within the period, one is still inside, one never crossed
    for name, values in untouched.items():
        assert personal(history[name].traveller) == values, name
    # Every statistic, recounted from the crossings, is the same as before
    assert statistics() == before
    # One audit row for the run, with counts and no personal data
    row = AuditEntry.objects.get(pk__gt=last_audited)
    assert row.action == AuditAction.TRAVELLERS_ANONYMISE and row.actor is None
    assert row.changes["travellers"] == 1 and row.changes["documents"] == 1
    assert row.changes["retention_years"] == 3
    assert "Gone" not in repr(row.changes) + row.target_repr and "N1000001" not in repr(row.changes) + row.target_repr


def test_running_twice_changes_nothing(zone, history):
    assert anonymise_expired_travellers.delay().get() == 1
    stored = {traveller.pk: personal(traveller) for traveller in Traveller.objects.all()}
    audited = AuditEntry.objects.count()
    assert anonymise_expired_travellers.delay().get() == 0
    assert {traveller.pk: personal(traveller) for traveller in Traveller.objects.all()} == stored
    assert AuditEntry.objects.count() == audited


def test_an_anonymised_travellers_page_says_so_without_a_birth_date_or_age(zone, history, signed_in):
    anonymise_expired_travellers.delay().get()
    page = signed_in(zone.cn_officer).get(f"/crossings/travellers/{history['gone'].traveller_id}/").content.decode()
    assert "Anonymised traveller" in page and "after the retention period" in page
    assert "1900" not in page and "Birth date" not in page and "Age" not in page


def test_an_anonymised_document_number_can_be_registered_again(zone, history):
    # The anonymised document keeps no number: a new registration of that number is someone new
    anonymise_expired_travellers.delay().get()
    again = person("Gone", "N1000001")
    assert [document.pk for document in document_find(number="N1000001")] == [again.pk]


def test_nothing_is_anonymised_within_the_retention_period(zone, history, at):
    at(beijing(2024, 3, 4, 10, 0))  # three years after the 2021 exit less a day
    assert anonymise_expired_travellers.delay().get() == 0
    assert personal(history["gone"].traveller)[0] == "Gone"
