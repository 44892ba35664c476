"""An administrator reveals a watchlist entry's document number in place, in a real browser: masked until asked,
shown once asked, and the reveal audited."""

import pytest

from crossings.choices import WatchlistMatch
from crossings.services.watchlist import watchlist_add
from horgos.models import AuditEntry
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


def test_administrator_reveals_a_watchlist_number_in_place(page, zone, live_server):
    entry = watchlist_add(match=WatchlistMatch.DOCUMENT, document_type="passport", document_issuing_country="KZ",
                          document_number="N7654321", reason="Stolen", acting_user=zone.administrator)  # fmt: skip
    sign_in(page, zone.administrator.username, TEST_PASSWORD)
    page.goto(f"{live_server.url}/crossings/operations/watchlist/{entry.pk}/")
    facts = page.locator("dl.facts")
    assert "••••4321" in facts.inner_text() and "N7654321" not in page.content()
    page.evaluate("window.pageMarker = 1")
    page.get_by_role("button", name="Show the full document number of this entry").click()
    page.wait_for_selector(".document-number.revealed :text('N7654321')")
    assert page.evaluate("window.pageMarker") == 1  # htmx swapped the number in: no page load
    assert AuditEntry.objects.filter(action="watchlist.reveal", target_id=str(entry.pk)).count() == 1
