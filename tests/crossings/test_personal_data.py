"""Personal data at rest: names, birth dates and document numbers are encrypted in PostgreSQL; lookups go through
keyed-hash blind indexes; the keys rotate (`manage.py rotate_field_keys`)."""

import threading
from datetime import date, timedelta
from io import StringIO

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import FieldError, ImproperlyConfigured, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings
from django.urls import reverse

from crossings.choices import WatchlistMatch
from crossings.models import TravelDocument, Traveller, WatchlistEntry
from crossings.rules import watchlist_match
from crossings.selectors import document_find, travellers_search, travellers_similar
from crossings.services.travellers import DOCUMENT_TAKEN, traveller_register
from crossings.services.watchlist import watchlist_add
from horgos.encryption import KEYS_MISSING, UNREADABLE
from tests.crossings.factories import DocumentFactory, TravellerFactory

pytestmark = pytest.mark.django_db

OLD_KEY = "aG9yZ29zLXRlc3Qtb25seS1maWVsZC1rZXktMDAwMDE="  # the test settings' key
# A Fernet key is a signing key (its first 16 bytes) and an encryption key (the last 16). The new key shares neither
# with the old one: with the same signing half, a value under the old key passes the new key's HMAC and, about once in
# 256 values, its padding too, so rotation took it for current and reading it gave bytes that are no text.
NEW_KEY = "cm90YXRlZC10ZXN0LWtleS1maWVsZHMtMDAwMDAwMDI="


@pytest.fixture
def nurlanov(db):
    traveller = TravellerFactory(
        family_name="Nurlanov",
        given_names="Daniyar",
        family_name_native="Нұрланов",
        given_names_native="Данияр",
        birth_date=date(1990, 4, 2),
    )
    DocumentFactory(traveller=traveller, issuing_country="KZ", number="N7654321")
    return traveller


def raw_rows(table: str) -> str:
    """Every stored column of a table, as PostgreSQL returns it, in one string."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {table}")
        return repr(cursor.fetchall())


def test_the_database_holds_no_plain_name_birth_date_or_number(zone, nurlanov):
    # Given a traveller with a document, and watchlist entries by document and by person
    watchlist_add(match=WatchlistMatch.DOCUMENT, reason="Test", document_type="passport", document_issuing_country="CN",
                  document_number="E 9988-7766", acting_user=zone.administrator)  # fmt: skip
    watchlist_add(match=WatchlistMatch.PERSON, reason="Test", family_name="Sultanova", given_names="Madina",
                  birth_date=date(1993, 7, 7), acting_user=zone.administrator)  # fmt: skip
    # When the tables are read with SQL, as a copy of the database would be
    stored = (
        raw_rows("crossings_traveller") + raw_rows("crossings_traveldocument") + raw_rows("crossings_watchlistentry")
    )
    # Then none of the personal values appears, in any case or form
    for plain in ("Nurlanov", "Daniyar", "Нұрланов", "Данияр", "1990-04-02", "1990, 4, 2", "N7654321", "7654321",
                  "E99887766", "9988", "Sultanova", "Madina", "1993-07-07", "1993, 7, 7"):  # fmt: skip
        assert plain.lower() not in stored.lower(), plain
    # And the application reads them back
    traveller = Traveller.objects.get(pk=nurlanov.pk)
    assert (traveller.family_name, traveller.native_name, traveller.birth_date) == (
        "Nurlanov",
        "Нұрланов Данияр",
        date(1990, 4, 2),
    )
    assert traveller.documents.get().number == "N7654321"


def test_sql_comparisons_on_encrypted_columns_are_refused_rather_than_matching_nothing(nurlanov):
    with pytest.raises(FieldError):
        list(Traveller.objects.filter(family_name="Nurlanov"))
    with pytest.raises(FieldError):
        list(TravelDocument.objects.filter(number__icontains="765"))


def test_lookup_by_number_and_by_name_and_birth_date(nurlanov):
    TravellerFactory(family_name="Nurlanov", given_names="Arman", birth_date=date(1985, 1, 1))
    assert [document.traveller for document in document_find(number="n 765-4321")] == [nurlanov]
    assert list(travellers_search(family_name="NURLANOV", birth_date=date(1990, 4, 2))) == [nurlanov]
    # The native script, with the letters a Russian keyboard types instead of the Kazakh ones
    assert list(travellers_search(family_name="нурланов", birth_date=date(1990, 4, 2))) == [nurlanov]
    assert list(travellers_search(family_name="Nurlanov", given_names="daniyar")) == [nurlanov]
    assert not travellers_search(family_name="Nurlanov", birth_date=date(1990, 4, 3)).exists()


def test_fuzzy_name_search_finds_a_misspelt_name_through_the_trigram_index(nurlanov):
    TravellerFactory(family_name="Sultanova", given_names="Madina", birth_date=date(1990, 4, 2))
    assert travellers_similar(name="Nurlanof Daniar") == [nurlanov]
    assert travellers_similar(name="Nurlanof", birth_date=date(1990, 4, 2)) == [nurlanov]
    assert travellers_similar(name="Nurlanof", birth_date=date(1991, 4, 2)) == []
    assert travellers_similar(name="Zhang") == []


def test_the_search_page_offers_similar_names_when_nobody_matches_exactly(signed_in, zone, nurlanov):
    response = signed_in(zone.kz_officer).post(
        reverse("crossings:traveller-search"), {"family_name": "Nurlanof", "birth_date": "1990-04-02"}
    )
    assert [row["traveller"] for row in response.context["results"]["rows"]] == [nurlanov]
    assert response.context["results"]["similar"] is True
    assert "these travellers have similar names" in response.content.decode()


def test_watchlist_matches_by_person_through_the_blind_index(zone, nurlanov):
    document = nurlanov.documents.get()
    first, later, last = (document.registered_at + timedelta(days=day) for day in (1, 2, 3))
    admin = zone.administrator
    # An entry without given names matches every bearer of the family name born that day
    entry = watchlist_add(
        match=WatchlistMatch.PERSON,
        reason="Test",
        family_name="NURLANOV",
        birth_date=date(1990, 4, 2),
        active_from=first,
        active_until=later,
        acting_user=admin,
    )
    assert watchlist_match(nurlanov, document, first) == entry
    # Given names, when the entry has them, must match too
    named = watchlist_add(match=WatchlistMatch.PERSON, reason="Test", family_name="Nurlanov", given_names="Arman",
                          birth_date=date(1990, 4, 2), active_from=later, acting_user=admin)  # fmt: skip
    assert named.person_index == nurlanov.person_index_latin
    assert watchlist_match(nurlanov, document, later) is None
    by_number = watchlist_add(match=WatchlistMatch.DOCUMENT, reason="Test", document_type="passport",
                              document_issuing_country="KZ", document_number="n7654-321", active_from=last,
                              acting_user=admin)  # fmt: skip
    assert watchlist_match(nurlanov, document, last) == by_number


def test_a_watchlist_entry_without_what_identifies_someone_is_refused(zone):
    with pytest.raises(ValidationError):
        watchlist_add(match=WatchlistMatch.PERSON, reason="Test", family_name="Nurlanov",
                      acting_user=zone.administrator)  # fmt: skip
    assert not WatchlistEntry.objects.exists()


def register(number: str, zone):
    return traveller_register(family_name="Abenova", given_names="Aigul", nationality="KZ", birth_date=date(1990, 1, 1),
                              sex="F", document_type="passport", document_number=number,
                              document_issuing_country="KZ", document_valid_until=date(2031, 1, 1),
                              acting_user=zone.cn_officer)  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_of_one_number_keep_exactly_one(zone):
    # Given two officers registering the same passport, typed two ways, at the same moment (real transactions)
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(number):
        try:
            barrier.wait(timeout=10)
            register(number, zone)
            outcomes.append("registered")
        except ValidationError as error:
            outcomes.append(error.message_dict["number"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(number,)) for number in ("N 123-4567", "n1234567")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    # Then the unique constraint on the blind index lets exactly one through
    assert sorted(outcomes) == sorted(["registered", str(DOCUMENT_TAKEN)])
    assert TravelDocument.objects.count() == 1
    assert Traveller.objects.count() == 1


def rotate(*args) -> str:
    out = StringIO()
    call_command("rotate_field_keys", *args, "--batch-size", "2", stdout=out)
    return out.getvalue()


def test_rotating_the_encryption_key_keeps_every_value_readable(zone, nurlanov):
    # Given travellers (more than one batch), a document and a watchlist entry under the old key
    TravellerFactory.create_batch(3)
    watchlist_add(match=WatchlistMatch.PERSON, reason="Test", family_name="Sultanova", birth_date=date(1993, 7, 7),
                  acting_user=zone.administrator)  # fmt: skip
    before = raw_rows("crossings_traveller")
    # When the new key is put first and the command runs
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY, OLD_KEY]):
        output = rotate()
        assert "crossings_traveller: 4 rotated, 0 current" in output
        assert "crossings_traveldocument: 1 rotated, 0 current" in output
        assert "crossings_watchlistentry: 1 rotated, 0 current" in output
        # A second run finds nothing left to do
        assert "crossings_traveller: 0 rotated, 4 current" in rotate()
    assert raw_rows("crossings_traveller") != before
    # Then, with the old key gone, everything reads with the new key alone
    with override_settings(FIELD_ENCRYPTION_KEYS=[NEW_KEY]):
        traveller = Traveller.objects.get(pk=nurlanov.pk)
        assert (traveller.family_name, traveller.given_names_native, traveller.birth_date) == (
            "Nurlanov",
            "Данияр",
            date(1990, 4, 2),
        )
        assert traveller.documents.get().number == "N7654321"
        assert WatchlistEntry.objects.get().family_name == "Sultanova"
        assert len([str(t) for t in Traveller.objects.all()]) == 4
    # And the old key alone no longer reads them: the values really were re-encrypted
    with pytest.raises(ImproperlyConfigured, match="opens with none"):
        Traveller.objects.get(pk=nurlanov.pk)


def test_rotation_without_keys_stops_with_a_message(nurlanov):
    with override_settings(FIELD_ENCRYPTION_KEYS=[]), pytest.raises(CommandError, match=KEYS_MISSING):
        rotate()
    with override_settings(BLIND_INDEX_KEY=""), pytest.raises(CommandError, match=KEYS_MISSING):
        rotate("--blind-indexes")


def test_rotation_with_a_key_missing_stops_with_a_message(nurlanov):
    other = Fernet.generate_key().decode()
    with override_settings(FIELD_ENCRYPTION_KEYS=[other]), pytest.raises(CommandError, match=UNREADABLE[:30]):
        rotate()


def test_a_new_blind_index_key_takes_effect_once_the_indexes_are_rebuilt(zone, nurlanov):
    watchlist_add(match=WatchlistMatch.DOCUMENT, reason="Test", document_type="passport", document_issuing_country="KZ",
                  document_number="N7654321", acting_user=zone.administrator)  # fmt: skip
    with override_settings(BLIND_INDEX_KEY="a-new-blind-index-key"):
        # Before the rebuild, lookups with the new key find nothing
        assert not document_find(number="N7654321").exists()
        output = rotate("--blind-indexes")
        assert "crossings_traveller: 1 rebuilt, 0 current" in output
        assert "crossings_traveldocument: 1 rebuilt, 0 current" in output
        assert "crossings_watchlistentry: 1 rebuilt, 0 current" in output
        assert "crossings_traveller: 0 rebuilt, 1 current" in rotate("--blind-indexes")
        # Then every lookup works again
        assert [d.traveller for d in document_find(number="N7654321")] == [nurlanov]
        assert list(travellers_search(family_name="Нурланов", birth_date=date(1990, 4, 2))) == [nurlanov]
        assert travellers_similar(name="Nurlanof") == [nurlanov]
        document = nurlanov.documents.get()
        assert watchlist_match(nurlanov, document, WatchlistEntry.objects.get().active_from) is not None
    # And the old key's lookups no longer do
    assert not document_find(number="N7654321").exists()
