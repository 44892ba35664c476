"""The merchant portal as merchants found it (issue #12), in a real browser: edits typed before "Save and submit for
review" are kept, the listings search and tick boxes, and the unread count, at 1280 px and on a 375 px phone."""

import pytest

from merchants.choices import ListingState, NotificationKind
from merchants.models import Listing
from merchants.services.notifications import notification_add
from tests.browser.conftest import sign_in
from tests.factories import TEST_PASSWORD
from tests.merchants.factories import ListingFactory, OwnerFactory, ShopFactory, load_some_hs

pytestmark = pytest.mark.django_db(transaction=True)

LANGUAGES = ("en", "zh-hans", "kk", "ru")


def sideways_scroll(page) -> int:
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def open_draft(page) -> Listing:
    """A merchant's draft "Green tea" (10 in stock), open in its form."""
    load_some_hs()
    owner = OwnerFactory()
    listing = ListingFactory(shop=ShopFactory(merchant=owner.merchant), title_en="Green tea", stock_quantity=10)
    sign_in(page, owner.user.username, TEST_PASSWORD)
    page.wait_for_url("**/portal/")
    page.goto(f"/portal/listings/{listing.pk}/")
    return listing


def test_edits_typed_before_submitting_are_saved_with_the_submission(page, live_server):
    # Given a draft open in its form
    listing = open_draft(page)
    # When the merchant types a new title and stock, then presses "Save and submit for review" (no "Save" first)
    page.get_by_label("Title in English").fill("Green tea, first flush")
    page.get_by_label("Quantity in stock").fill("36")
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_load_state()
    # Then the typed text is what went to review
    listing.refresh_from_db()
    assert (listing.state, listing.title_en, listing.stock_quantity) == (
        ListingState.SUBMITTED,
        "Green tea, first flush",
        36,
    )
    assert "saved and submitted for review" in page.locator(".messages").inner_text()


def test_a_refused_edit_is_shown_and_nothing_is_submitted(page, live_server):
    listing = open_draft(page)
    page.get_by_label("Title in English").fill("Green tea, renamed")
    page.get_by_label("HS code").fill("999999")
    page.get_by_role("button", name="Save and submit for review").click()
    page.wait_for_load_state()
    assert "is not an HS 2022 code" in page.locator("main").inner_text()
    assert page.get_by_label("Title in English").input_value() == "Green tea, renamed"
    listing.refresh_from_db()
    assert (listing.state, listing.title_en) == (ListingState.DRAFT, "Green tea")


@pytest.mark.parametrize("width", [1280, 375])
def test_search_tick_and_submit_with_the_unread_count_in_four_languages(browser, live_server, width):
    # Given a merchant with three drafts, one of them out of stock, and two unread notifications
    load_some_hs()
    owner = OwnerFactory()
    shop = ShopFactory(merchant=owner.merchant)
    tea = ListingFactory(shop=shop, title_en="Green tea", title_ru="Зелёный чай")
    ListingFactory(shop=shop, title_en="Black tea", stock_quantity=0)
    ListingFactory(shop=shop, title_en="Felt slippers, hand-made in the Altai mountains", hs_code="610910")
    for number in range(2):
        notification_add(merchant=owner.merchant, kind=NotificationKind.LISTING_APPROVED, message=f"N{number}")
    context = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": width, "height": 800}, is_mobile=width < 600
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    sign_in(page, owner.user.username, TEST_PASSWORD)
    page.wait_for_url("**/portal/")

    # The listings page fits the screen in every language, with the unread count beside "Notifications"
    for language in LANGUAGES:
        context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        page.goto("/portal/listings/")
        assert sideways_scroll(page) <= 0, f"the listings page in {language} scrolls sideways at {width} px"
        assert page.locator(".portal-nav .nav-badge").inner_text().startswith("2")
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])

    # When the merchant searches by a Russian word, ticks the tea found and submits it
    page.goto("/portal/listings/")
    page.get_by_label("Words or HS code").fill("чай")
    page.get_by_role("button", name="Filter").click()
    page.wait_for_url("**q=*")
    assert page.locator("table tbody tr").count() == 1
    page.get_by_label("Select “Green tea”").check()
    page.get_by_role("button", name="Submit the selected listings for review").click()
    page.wait_for_load_state()
    # Then only it is submitted, and the page says so
    assert "1 listing submitted for review." in page.locator(".messages").inner_text()
    assert Listing.objects.get(pk=tea.pk).state == ListingState.SUBMITTED
    assert Listing.objects.filter(state=ListingState.DRAFT).count() == 2

    # And once the notifications are read, the count is gone
    page.goto("/portal/notifications/")
    page.get_by_role("button", name="Mark all as read").click()
    page.wait_for_load_state()
    assert page.locator(".nav-badge").count() == 0
    context.close()
