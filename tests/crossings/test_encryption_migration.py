"""The migration that encrypts personal data encrypts and indexes the rows already there, and going back restores
them."""

from datetime import date

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from crossings.models import TravelDocument, Traveller, WatchlistEntry
from crossings.rules import watchlist_match
from crossings.selectors import document_find, travellers_search
from tests.factories import AdministratorFactory

BEFORE = ("crossings", "0006_annual_reports")
AFTER = ("crossings", "0007_encrypt_personal_data")


def migrate_to(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])
    return executor.loader.project_state([target]).apps


def column(sql: str) -> list:
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_existing_rows_are_encrypted_indexed_and_restored_when_going_back():
    # Given plain rows as they were before encryption: a traveller with a document, watchlist entries both ways
    old = migrate_to(BEFORE)
    try:
        administrator = AdministratorFactory()
        traveller = old.get_model("crossings", "Traveller").objects.create(
            family_name="Nurlanov", given_names="Daniyar", family_name_native="Нұрланов", given_names_native="Данияр",
            nationality="KZ", birth_date=date(1990, 4, 2), sex="M",
        )  # fmt: skip
        old.get_model("crossings", "TravelDocument").objects.create(
            traveller=traveller, document_type="passport", number="N 765-4321", issuing_country="KZ",
            valid_until=date(2031, 1, 1),
        )  # fmt: skip
        entries = old.get_model("crossings", "WatchlistEntry").objects
        entries.create(match="person", family_name="NURLANOV", birth_date=date(1990, 4, 2), reason="Test",
                       added_by_id=administrator.pk)  # fmt: skip
        entries.create(match="document", document_type="passport", document_issuing_country="KZ",
                       document_number="N7654321", reason="Test", added_by_id=administrator.pk)  # fmt: skip

        # When the migration runs
        migrate_to(AFTER)

        # Then SQL sees no plain value, and the application reads and finds them through the blind indexes
        stored = column("SELECT family_name || birth_date || family_name_native FROM crossings_traveller")
        stored += column("SELECT number FROM crossings_traveldocument")
        stored += column("SELECT coalesce(document_number, '') || family_name FROM crossings_watchlistentry")
        assert not [value for value in stored if "Nurlanov" in value or "1990" in value or "765" in value]
        found = Traveller.objects.get()
        assert (found.family_name, found.native_name, found.birth_date) == (
            "Nurlanov",
            "Нұрланов Данияр",
            date(1990, 4, 2),
        )
        assert list(travellers_search(family_name="нурланов", birth_date=date(1990, 4, 2))) == [found]
        document = document_find(number="N7654321").get()
        assert document.number == "N 765-4321"
        matched = watchlist_match(found, document, WatchlistEntry.objects.order_by("pk").last().active_from)
        assert matched is not None
        assert sorted(WatchlistEntry.objects.values_list("match", flat=True)) == ["document", "person"]
        assert TravelDocument.objects.get().number_index

        # And going back gives the plain values back
        migrate_to(BEFORE)
        assert column("SELECT family_name || ' ' || birth_date FROM crossings_traveller") == ["Nurlanov 1990-04-02"]
        assert column("SELECT number_normalised FROM crossings_traveldocument") == ["N7654321"]
    finally:
        MigrationExecutor(connection).loader.build_graph()
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
