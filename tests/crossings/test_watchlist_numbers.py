"""The administrators' watchlist pages show document numbers masked; an entry's page reveals one, audited."""

import pytest
from django.urls import reverse

from crossings.choices import WatchlistMatch
from crossings.services.crossings import crossing_record_entry
from crossings.services.documents import WATCHLIST_ENTRY_HAS_NO_NUMBER
from crossings.services.watchlist import watchlist_add
from horgos.models import AuditEntry
from tests.crossings.factories import DocumentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def entry(zone):
    return watchlist_add(
        match=WatchlistMatch.DOCUMENT,
        document_type="passport",
        document_issuing_country="KZ",
        document_number="N7654321",
        reason="Reported stolen",
        acting_user=zone.administrator,
    )


def reveal_url(entry) -> str:
    return reverse("crossings:operations-watchlist-reveal", args=[entry.pk])


def test_the_watchlist_and_an_entrys_page_show_the_number_masked(administrator_client, entry):
    for page in (
        reverse("crossings:operations-watchlist"),
        reverse("crossings:operations-watchlist-entry", args=[entry.pk]),
    ):
        html = administrator_client.get(page).content.decode()
        assert "••••4321" in html, page
        assert "N7654321" not in html, page
    assert not AuditEntry.objects.filter(action="watchlist.reveal").exists()


def test_the_hits_on_an_entrys_page_show_the_travellers_number_masked(administrator_client, zone, entry, at):
    # Given a hit: the traveller with that passport came to the Chinese checkpoint
    document = DocumentFactory(number="N7654321", issuing_country="KZ")
    crossing_record_entry(document=document, lane=zone.lane("CN", "E-F01"), acting_user=zone.cn_officer)
    html = administrator_client.get(reverse("crossings:operations-watchlist-entry", args=[entry.pk])).content.decode()
    assert reverse("crossings:traveller", args=[document.traveller_id]) in html
    assert "••••4321" in html and "N7654321" not in html


def test_the_entrys_page_offers_the_reveal_button(administrator_client, entry):
    html = administrator_client.get(reverse("crossings:operations-watchlist-entry", args=[entry.pk])).content.decode()
    assert f'hx-post="{reveal_url(entry)}"' in html and f'action="{reveal_url(entry)}"' in html


def test_reveal_answers_the_number_and_is_audited(administrator_client, zone, entry):
    response = administrator_client.post(reveal_url(entry), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200
    assert "N7654321" in html and "<html" not in html
    assert response["Cache-Control"].startswith("max-age=0")
    audit = AuditEntry.objects.get(action="watchlist.reveal")
    assert (audit.actor, audit.target_id, audit.target_repr) == (
        zone.administrator,
        str(entry.pk),
        f"Watchlist entry #{entry.pk}",
    )


def test_reveal_without_javascript_answers_a_page(administrator_client, entry):
    html = administrator_client.post(reveal_url(entry)).content.decode()
    assert "<html" in html and "N7654321" in html


@pytest.mark.parametrize(("caller", "status"), [(None, 302), ("merchant", 403), ("cn_officer", 403)])
def test_reveal_is_for_administrators_only(zone, entry, signed_in, caller, status):
    response = signed_in(getattr(zone, caller) if caller else None).post(reveal_url(entry))
    assert response.status_code == status
    assert "N7654321" not in response.content.decode()
    assert not AuditEntry.objects.filter(action="watchlist.reveal").exists()


def test_reveal_is_a_post(administrator_client, entry):
    assert administrator_client.get(reveal_url(entry)).status_code == 405


def test_a_person_entry_has_no_number_to_reveal(administrator_client, zone, kazakh):
    person = watchlist_add(match=WatchlistMatch.PERSON, family_name="Abenova", birth_date=kazakh.traveller.birth_date,
                           reason="Court order", acting_user=zone.administrator)  # fmt: skip
    response = administrator_client.post(reveal_url(person), follow=True)
    assert str(WATCHLIST_ENTRY_HAS_NO_NUMBER) in response.content.decode()
    assert not AuditEntry.objects.filter(action="watchlist.reveal").exists()


def test_the_added_message_names_the_entry_masked(administrator_client, zone):
    body = {"entry-match": "document", "entry-document_type": "passport", "entry-document_issuing_country": "KZ",
            "entry-document_number": "N7654321", "entry-reason": "Reported stolen"}  # fmt: skip
    html = administrator_client.post(reverse("crossings:operations-watchlist"), body, follow=True).content.decode()
    assert "Watchlist entry added: Passport KZ ••••4321." in html
    assert "N7654321" not in html
