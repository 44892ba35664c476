"""The administrators' registry pages: applications, merchants and their lifecycle, moderation, the shop map."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from horgos import pages
from horgos.audit import REASON_REQUIRED
from horgos.choices import AuditAction
from horgos.models import AuditEntry
from merchants.choices import ListingState, MerchantState, ShopState, ZoneSide
from merchants.models import Listing, Merchant
from merchants.services import listings as listing_services
from merchants.services import registry as registry_services
from merchants.services.moderation import NOTHING_CHOSEN
from merchants.services.notifications import notification_mark_read
from merchants.views.administrator import moderation as moderation_views
from merchants.views.administrator import registry as registry_views
from tests.merchants.factories import ListingFactory, MerchantFactory, OwnerFactory, ShopFactory
from tests.merchants.pages import html, table_rows, url

pytestmark = pytest.mark.django_db


def pending_merchant(trade_name: str, *, applied_days_ago: int = 0) -> Merchant:
    merchant = OwnerFactory(merchant=MerchantFactory(trade_name=trade_name, state=MerchantState.PENDING)).merchant
    Merchant.objects.filter(pk=merchant.pk).update(created_at=timezone.now() - timedelta(days=applied_days_ago))
    return merchant


def submitted(listing: Listing, *, by) -> Listing:
    return listing_services.listing_submit(listing=listing, acting_user=by)


def audit_count() -> int:
    return AuditEntry.objects.count()


# --- permissions: every page and every POST, every kind of caller ------------------------------------

CALLERS = [(None, 302), ("owner_a", 403), ("officer", 403), ("administrator", 200)]
PAGES = ["registry-applications", "registry-merchants", "registry-merchant", "registry-moderation", "registry-shops"]


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize(("caller", "status"), CALLERS)
def test_pages_are_for_administrators_only(market, signed_in, page, caller, status):
    args = (market.a.pk,) if page == "registry-merchant" else ()
    response = signed_in(getattr(market, caller) if caller else None).get(url(page, *args))
    assert response.status_code == status
    if caller is None:
        assert response.url.startswith(reverse("login"))


def write_request(name: str, market) -> tuple[str, dict]:
    """The URL and body of one write of the registry pages, with the rows it needs."""
    if name in ("approve", "reject"):
        merchant = pending_merchant("Caravan Goods")
        return url(f"registry-merchant-{name}", merchant.pk), {"reason": "Licence unreadable"}
    if name == "suspend":
        return url("registry-merchant-suspend", market.a.pk), {"reason": "Unpaid rent"}
    if name == "reinstate":
        registry_services.merchant_suspend(merchant=market.b, acting_user=market.administrator, reason="Audit")
        return url("registry-merchant-reinstate", market.b.pk), {}
    listing = submitted(market.listing_a, by=market.owner_a)
    return url(f"registry-listing-{name.removeprefix('listing-')}", listing.pk), {"reason": "Blurry photo"}


WRITES = ["approve", "reject", "suspend", "reinstate", "listing-approve", "listing-reject"]


@pytest.mark.parametrize("write", WRITES)
@pytest.mark.parametrize(
    ("caller", "status"), [(None, 302), ("owner_a", 403), ("officer", 403), ("administrator", 302)]
)
def test_writes_are_for_administrators_only(market, signed_in, write, caller, status):
    # Given the rows the write needs
    path, body = write_request(write, market)
    audited_before = audit_count()
    # When the caller posts it
    response = signed_in(getattr(market, caller) if caller else None).post(path, body)
    # Then only an administrator's write happens (every write is audited); the others write nothing
    assert response.status_code == status
    if caller is None:
        assert response.url.startswith(reverse("login"))
    if caller == "administrator":
        assert audit_count() > audited_before
        assert not response.url.startswith(reverse("login"))
    else:
        assert audit_count() == audited_before


@pytest.mark.parametrize("write", ["listing-approve", "listing-reject"])
def test_write_endpoints_refuse_get(market, administrator_client, write):
    path, _body = write_request(write, market)
    assert administrator_client.get(path).status_code == 405


@pytest.mark.parametrize("write", ["approve", "reject", "suspend", "reinstate"])
def test_a_lifecycle_move_is_confirmed_on_a_page_of_its_own_before_it_happens(market, administrator_client, write):
    # Given a merchant the move applies to
    path, _body = write_request(write, market)
    audited_before = audit_count()
    # When the administrator follows the move's button (a link)
    response = administrator_client.get(path + "?next=" + url("registry-applications"))
    # Then a confirmation page says what will happen, asks the reason where one is needed, and nothing happened yet
    assert response.status_code == 200
    page = html(response)
    assert f'<form method="post" action="{path}"' in page
    assert f'href="{url("registry-applications")}"' in page  # Cancel goes back where the button was
    assert ('name="reason"' in page) == (write in ("reject", "suspend"))
    assert audit_count() == audited_before


# --- applications -------------------------------------------------------------------------------------


def test_applications_lists_pending_merchants_oldest_first(market, administrator_client):
    # Given two applications (the older one created last) and approved merchants
    newer = pending_merchant("Newer Caravan", applied_days_ago=1)
    older = pending_merchant("Older Caravan", applied_days_ago=5)
    # When the administrator opens the applications page
    page = html(administrator_client.get(url("registry-applications")))
    # Then only the pending merchants are listed, oldest first, each with its approve and reject forms
    assert page.index("Older Caravan") < page.index("Newer Caravan")
    assert market.a.trade_name not in page
    for merchant in (older, newer):
        assert f'href="{url("registry-merchant-approve", merchant.pk)}?next=' in page
        assert f'href="{url("registry-merchant-reject", merchant.pk)}?next=' in page
    assert "suspend/" not in page


def test_approve_is_confirmed_then_done_from_the_applications_page(market, administrator_client):
    merchant = pending_merchant("Caravan Goods")
    applications = url("registry-applications")
    # When the administrator confirms the approval (the page's Approve button leads to the confirmation)
    confirmation = html(administrator_client.get(url("registry-merchant-approve", merchant.pk), {"next": applications}))
    assert "Approve Caravan Goods?" in confirmation
    response = administrator_client.post(url("registry-merchant-approve", merchant.pk), {"next": applications})
    # Then the merchant is approved, audited, and the administrator is back on the list with a message
    assert response.status_code == 302 and response.url == applications
    merchant.refresh_from_db()
    assert merchant.state == MerchantState.APPROVED
    entry = AuditEntry.objects.get(action="merchant.approve", target_id=str(merchant.pk))
    assert entry.actor == market.administrator
    followed = html(administrator_client.get(applications))
    assert "Caravan Goods is approved." in followed
    assert f'id="merchant-{merchant.pk}"' not in followed


@pytest.mark.parametrize("reason", ["", "   "])
def test_reject_without_a_reason_shows_the_error_and_changes_nothing(market, administrator_client, reason):
    merchant = pending_merchant("Caravan Goods")
    audited_before = audit_count()
    # When the administrator rejects without a reason
    response = administrator_client.post(
        url("registry-merchant-reject", merchant.pk), {"reason": reason, "next": url("registry-applications")}
    )
    # Then the confirmation page is shown again with the service's message beside the reason, nothing changed
    assert response.status_code == 200
    page = html(response)
    assert str(REASON_REQUIRED) in page
    assert 'class="field field-invalid"' in page
    assert "Reject the application of Caravan Goods?" in page
    merchant.refresh_from_db()
    assert (merchant.state, merchant.state_reason) == (MerchantState.PENDING, "")
    assert audit_count() == audited_before
    # and it still comes back to the applications page once done
    assert f'name="next" value="{url("registry-applications")}"' in page


def test_reject_with_a_reason_keeps_it_in_the_audit_row(market, administrator_client):
    merchant = pending_merchant("Caravan Goods")
    response = administrator_client.post(
        url("registry-merchant-reject", merchant.pk),
        {"reason": " Licence unreadable ", "next": url("registry-applications")},
    )
    assert response.status_code == 302 and response.url == url("registry-applications")
    merchant.refresh_from_db()
    assert (merchant.state, merchant.state_reason) == (MerchantState.REJECTED, "Licence unreadable")
    assert AuditEntry.objects.get(action="merchant.reject", target_id=str(merchant.pk)).reason == "Licence unreadable"


def test_a_move_the_state_does_not_allow_is_refused_in_the_page(market, administrator_client):
    # Given an approved merchant (approve starts from pending only)
    audited_before = audit_count()
    response = administrator_client.post(url("registry-merchant-approve", market.a.pk))
    # Then the confirmation page says why, and nothing changed
    assert response.status_code == 200
    page = html(response)
    assert 'role="alert"' in page and "cannot be approved" in page
    market.a.refresh_from_db()
    assert market.a.state == MerchantState.APPROVED
    assert audit_count() == audited_before


def test_a_confirmation_never_sends_the_administrator_off_the_site(market, administrator_client):
    merchant = pending_merchant("Caravan Goods")
    page = html(
        administrator_client.get(url("registry-merchant-approve", merchant.pk), {"next": "https://evil.example/"})
    )
    main = page.split('<main id="main"')[1]
    assert "evil.example" not in main
    assert f'href="{url("registry-merchant", merchant.pk)}"' in main


# --- merchants list -----------------------------------------------------------------------------------


def test_merchant_list_filters_by_state_country_and_search(market, administrator_client):
    pending_merchant("Caravan Goods")
    chinese = MerchantFactory(trade_name="Dragon Gate", country="CN", registration_number="91650000X")

    def names(query: dict) -> set[str]:
        page = html(administrator_client.get(url("registry-merchants"), query))
        return {name for name in ("Caravan Goods", "Dragon Gate", market.a.trade_name) if name in page}

    assert names({}) == {"Caravan Goods", "Dragon Gate", market.a.trade_name}
    assert names({"state": "pending"}) == {"Caravan Goods"}
    assert names({"country": "CN"}) == {"Dragon Gate"}
    assert names({"q": "dragon"}) == {"Dragon Gate"}
    assert names({"q": chinese.registration_number[:6].lower()}) == {"Dragon Gate"}
    assert names({"state": "suspended"}) == set()


def test_merchant_list_is_paginated(market, administrator_client, monkeypatch):
    monkeypatch.setattr(pages, "PAGE_SIZE", 2)
    MerchantFactory(trade_name="Zz Last Merchant")
    first = html(administrator_client.get(url("registry-merchants")))
    last = html(administrator_client.get(url("registry-merchants"), {"page": 2}))
    assert "Page 1 of 2" in first and "Zz Last Merchant" not in first
    assert "Zz Last Merchant" in last


def test_merchant_list_rows_are_headed_by_the_trade_name_and_name_their_cells(market, administrator_client):
    # When an administrator opens the merchants list
    page = html(administrator_client.get(url("registry-merchants")))
    # Then it is the registry's stacked table: each row headed by its merchant, each other cell named by its column
    assert '<table class="table reg-table reg-table-stack">' in page
    link = f'<a href="{url("registry-merchant", market.a.pk)}">{market.a.trade_name}</a>'
    assert f'<th scope="row">{link}</th>' in page
    for label in ("Legal name", "Country", "Registration number", "State", "Shops"):
        assert f'<td data-label="{label}"' in page
    assert '<td data-label="Shops" class="num">' in page
    # and the state is the registry's badge, in words
    assert '<span class="reg-state reg-state-approved"><span aria-hidden="true">✓</span> Approved</span>' in page


def test_merchant_list_ignores_an_unknown_filter_value_without_failing(market, administrator_client):
    response = administrator_client.get(url("registry-merchants"), {"state": "bogus", "country": "XX"})
    assert response.status_code == 200
    assert "Select a valid choice" in html(response)


# --- one merchant: profile, staff, shops, listing counts, history, lifecycle ----------------------------


def test_merchant_page_shows_profile_staff_shops_and_listing_counts(market, administrator_client):
    ListingFactory(shop=market.shop_a, state=ListingState.APPROVED)
    ListingFactory(shop=market.shop_a, state=ListingState.APPROVED)
    page = html(administrator_client.get(url("registry-merchant", market.a.pk)))
    assert market.a.legal_name in page and market.a.registration_number in page
    assert market.owner_a.username in page and "Owner" in page
    assert market.shop_a.unit_code in page and market.shop_b.unit_code not in page
    counts = dict(re.findall(r"<dt>([^<]+)</dt><dd class=\"num-left\">(\d+)</dd>", page))
    assert counts == {"Draft": "1", "Submitted for review": "0", "Approved": "2", "Rejected": "0"}


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (MerchantState.PENDING, {"approve", "reject"}),
        (MerchantState.APPROVED, {"suspend"}),
        (MerchantState.SUSPENDED, {"reinstate"}),
        (MerchantState.REJECTED, set()),
    ],
)
def test_merchant_page_offers_the_moves_of_its_state(market, administrator_client, state, allowed):
    merchant = MerchantFactory(state=state, state_reason="" if state in ("pending", "approved") else "Because")
    page = html(administrator_client.get(url("registry-merchant", merchant.pk)))
    offered = {
        action for action in registry_views.LIFECYCLE_ACTIONS if url(f"registry-merchant-{action}", merchant.pk) in page
    }
    assert offered == allowed


def test_suspend_needs_a_reason_then_suspend_and_reinstate_from_the_merchant_page(market, administrator_client):
    detail = url("registry-merchant", market.a.pk)
    audited_before = audit_count()
    # When the administrator suspends without a reason
    response = administrator_client.post(url("registry-merchant-suspend", market.a.pk), {"reason": "", "next": detail})
    # Then the confirmation page shows the error and nothing changed
    assert response.status_code == 200
    assert str(REASON_REQUIRED) in html(response)
    assert "Reason for the suspension" in html(response)
    market.a.refresh_from_db()
    assert market.a.state == MerchantState.APPROVED and audit_count() == audited_before
    # When they give one
    response = administrator_client.post(
        url("registry-merchant-suspend", market.a.pk), {"reason": "Unpaid rent", "next": detail}
    )
    assert response.status_code == 302 and response.url == detail
    market.a.refresh_from_db()
    assert (market.a.state, market.a.state_reason) == (MerchantState.SUSPENDED, "Unpaid rent")
    assert AuditEntry.objects.get(action="merchant.suspend", target_id=str(market.a.pk)).reason == "Unpaid rent"
    # Then only reinstating is offered, and it is confirmed too
    page = html(administrator_client.get(detail))
    assert url("registry-merchant-reinstate", market.a.pk) in page
    assert url("registry-merchant-suspend", market.a.pk) not in page
    administrator_client.post(url("registry-merchant-reinstate", market.a.pk), {"next": detail})
    market.a.refresh_from_db()
    assert (market.a.state, market.a.state_reason) == (MerchantState.APPROVED, "")


def test_merchant_history_is_its_audit_rows_newest_first(market, administrator_client):
    registry_services.merchant_suspend(merchant=market.a, acting_user=market.administrator, reason="Unpaid rent")
    registry_services.merchant_reinstate(merchant=market.a, acting_user=market.administrator)
    registry_services.merchant_suspend(merchant=market.b, acting_user=market.administrator, reason="Other merchant")
    page = html(administrator_client.get(url("registry-merchant", market.a.pk)))
    history = page[page.index('id="merchant-history"') :]
    rows = re.findall(r'<tr class="reg-history-entry[^"]*">(.*?)</tr>', history, re.S)
    assert len(rows) == 2  # the merchant's own rows only
    assert "Reinstated" in rows[0] and "Suspended" in rows[1]
    assert market.administrator.username in rows[0]
    assert "Unpaid rent" in rows[1] and "Approved → Suspended" in rows[1]
    assert "Other merchant" not in page


def test_merchant_history_names_every_action_by_its_label_never_its_code(market, administrator_client):
    # Given the merchant's staff read their notifications (an action the history page had no words for)
    registry_services.merchant_suspend(merchant=market.a, acting_user=market.administrator, reason="Unpaid rent")
    notification_mark_read(merchant=market.a, acting_user=market.owner_a)
    # Then its history says what happened in words
    page = html(administrator_client.get(url("registry-merchant", market.a.pk)))
    history = page[page.index('id="merchant-history"') :]
    assert str(AuditAction.NOTIFICATION_MARK_READ.label) in history
    assert AuditAction.NOTIFICATION_MARK_READ.value not in history


# --- moderation ---------------------------------------------------------------------------------------


def test_moderation_is_a_table_of_submitted_listings_oldest_first(market, administrator_client):
    market.listing_b.title_ru = "Войлочные сапоги"
    market.listing_b.save()
    later = submitted(market.listing_a, by=market.owner_a)
    earlier = submitted(market.listing_b, by=market.owner_b)
    Listing.objects.filter(pk=earlier.pk).update(submitted_at=later.submitted_at - timedelta(hours=1))
    ListingFactory(shop=market.shop_a, title_en="Still a draft")
    response = administrator_client.get(url("registry-moderation"))
    assert table_rows(response) == [earlier, later]
    page = html(response)
    assert "Still a draft" not in page
    first, second = page.index(f'id="listing-{earlier.pk}"'), page.index(f'id="listing-{later.pk}"')
    row = page[first:second]
    for text in ("Kazakh felt boots", market.shop_b.unit_code, market.b.trade_name, "090210",
                 "Coffee, tea, maté and spices", "China", "88.00"):  # fmt: skip
        assert text in row
    # Each row has its box for the bulk form and a link to the whole listing
    assert f'name="listings" value="{earlier.pk}" form="moderation-bulk"' in row
    assert f'href="{url("registry-listing", earlier.pk)}?next=' in row
    assert '<form id="moderation-bulk" method="post"' in page


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"a", "b", "c"}),
        ({"q": "boots"}, {"b"}),
        ({"merchant": "B"}, {"b"}),
        ({"hs_chapter": "61"}, {"c"}),
        ({"origin_country": "KZ"}, {"c"}),
        ({"waiting": "7"}, {"a"}),
        ({"waiting": "3", "merchant": "A"}, {"a"}),
    ],
)
def test_moderation_filters(market, administrator_client, query, expected):
    # Given three listings waiting: A's tea for ten days, B's boots and A's Kazakh T-shirt since today
    shirt = ListingFactory(shop=market.shop_a, title_en="Felt T-shirt", hs_code="610910", origin_country="KZ")
    listings = {
        "a": submitted(market.listing_a, by=market.owner_a),
        "b": submitted(market.listing_b, by=market.owner_b),
        "c": submitted(shirt, by=market.owner_a),
    }
    Listing.objects.filter(pk=listings["a"].pk).update(submitted_at=timezone.now() - timedelta(days=10))
    merchants = {"A": market.a.pk, "B": market.b.pk}
    if "merchant" in query:
        query = {**query, "merchant": merchants[query["merchant"]]}
    response = administrator_client.get(url("registry-moderation"), query)
    assert {listing.pk for listing in table_rows(response)} == {listings[key].pk for key in expected}


def test_moderation_is_paged_and_keeps_the_filters_on_the_way_to_a_listing_and_back(
    market, administrator_client, monkeypatch
):
    monkeypatch.setattr(moderation_views.ModerationView, "table_pagination", {"per_page": 1})
    first = submitted(market.listing_a, by=market.owner_a)
    second = submitted(market.listing_b, by=market.owner_b)
    Listing.objects.filter(pk=first.pk).update(submitted_at=second.submitted_at - timedelta(hours=1))
    response = administrator_client.get(url("registry-moderation"), {"page": 2, "origin_country": "CN"})
    assert table_rows(response) == [second]
    back = url("registry-moderation") + "?page=2&origin_country=CN"
    listing_page = html(administrator_client.get(url("registry-listing", second.pk), {"next": back}))
    assert f'href="{back.replace("&", "&amp;")}"' in listing_page


def test_a_listing_opens_whole_before_the_decision(market, administrator_client):
    market.listing_b.title_ru = "Войлочные сапоги"
    market.listing_b.description_en = "Hand-made from sheep's wool."
    market.listing_b.description_ru = "Ручная работа из овечьей шерсти."
    market.listing_b.save()
    listing = submitted(market.listing_b, by=market.owner_b)
    page = html(administrator_client.get(url("registry-listing", listing.pk)))
    for text in ("Kazakh felt boots", "Войлочные сапоги", "Hand-made from sheep&#x27;s wool.",
                 "Ручная работа из овечьей шерсти.", market.shop_b.unit_code, market.b.trade_name, "090210",
                 "Coffee, tea, maté and spices", "China", "88.00 CNY", "No photo"):  # fmt: skip
        assert text in page
    assert f'hx-post="{url("registry-listing-approve", listing.pk)}"' in page
    assert f'hx-post="{url("registry-listing-reject", listing.pk)}"' in page


def bulk(client, action: str, listings, *, reason: str = "", query: str = ""):
    body = {"action": action, "reason": reason, "listings": [listing.pk for listing in listings]}
    return client.post(url("registry-moderation") + query, body)


def test_approving_many_at_once_writes_one_audit_row_each_and_says_so(market, administrator_client):
    chosen = [submitted(market.listing_a, by=market.owner_a), submitted(market.listing_b, by=market.owner_b)]
    response = bulk(administrator_client, "approve", chosen, query="?origin_country=CN")
    # Then both are approved, each with its own audit row, and the page (its filters kept) says how many
    assert response.status_code == 302 and response.url == url("registry-moderation") + "?origin_country=CN"
    assert set(Listing.objects.values_list("state", flat=True)) == {ListingState.APPROVED}
    assert AuditEntry.objects.filter(action="listing.approve").count() == 2
    assert "2 listings approved." in html(administrator_client.get(response.url))


def test_rejecting_many_needs_a_reason_and_keeps_the_choice_meanwhile(market, administrator_client):
    chosen = [submitted(market.listing_a, by=market.owner_a), submitted(market.listing_b, by=market.owner_b)]
    audited_before = audit_count()
    response = bulk(administrator_client, "reject", chosen[:1], reason="  ")
    assert response.status_code == 200
    page = html(response)
    assert str(REASON_REQUIRED) in page
    assert f'value="{chosen[0].pk}" form="moderation-bulk" id="pick-{chosen[0].pk}" checked' in page
    assert f'value="{chosen[1].pk}" form="moderation-bulk" id="pick-{chosen[1].pk}" aria-label' in page
    assert audit_count() == audited_before
    assert set(Listing.objects.values_list("state", flat=True)) == {ListingState.SUBMITTED}
    # With a reason, each is rejected with it, in its audit row too
    bulk(administrator_client, "reject", chosen, reason="Photos missing")
    for listing in chosen:
        listing.refresh_from_db()
        assert (listing.state, listing.rejection_reason) == (ListingState.REJECTED, "Photos missing")
    assert (
        list(AuditEntry.objects.filter(action="listing.reject").values_list("reason", flat=True))
        == ["Photos missing"] * 2
    )


def test_a_bulk_action_reports_the_listings_it_could_not_move(market, administrator_client):
    waiting = submitted(market.listing_a, by=market.owner_a)
    already = submitted(market.listing_b, by=market.owner_b)
    listing_services.listing_approve(listing=already, acting_user=market.administrator)
    response = bulk(administrator_client, "reject", [waiting, already], reason="Duplicate")
    page = html(administrator_client.get(response.url))
    assert "1 listing rejected." in page
    assert "Not rejected: Kazakh felt boots:" in page
    already.refresh_from_db()
    assert already.state == ListingState.APPROVED


def test_a_bulk_action_needs_a_listing_and_only_for_administrators(market, administrator_client, signed_in):
    listing = submitted(market.listing_a, by=market.owner_a)
    response = bulk(administrator_client, "approve", [])
    assert response.status_code == 200 and str(NOTHING_CHOSEN) in html(response)
    assert bulk(signed_in(market.owner_a), "approve", [listing]).status_code == 403
    assert administrator_client.get(url("registry-listing", listing.pk)).status_code == 200
    assert signed_in(market.owner_a).get(url("registry-listing", listing.pk)).status_code == 403


def test_moderation_approve_with_htmx_swaps_the_item(market, administrator_client):
    listing = submitted(market.listing_a, by=market.owner_a)
    response = administrator_client.post(url("registry-listing-approve", listing.pk), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    fragment = html(response)
    assert fragment.lstrip().startswith(f'<li class="card reg-item reg-listing" id="listing-{listing.pk}">')
    assert "<html" not in fragment and "Approved" in fragment and 'role="status"' in fragment
    listing.refresh_from_db()
    assert listing.state == ListingState.APPROVED


def test_moderation_approve_without_javascript_goes_back(market, administrator_client):
    listing = submitted(market.listing_a, by=market.owner_a)
    back = url("registry-moderation") + "?page=1"
    response = administrator_client.post(url("registry-listing-approve", listing.pk), {"next": back})
    assert response.status_code == 302 and response.url == back
    listing.refresh_from_db()
    assert listing.state == ListingState.APPROVED
    assert "Listing approved: Green tea from Fujian." in html(administrator_client.get(back))


def test_moderation_refuses_a_foreign_next(market, administrator_client):
    listing = submitted(market.listing_a, by=market.owner_a)
    response = administrator_client.post(url("registry-listing-approve", listing.pk), {"next": "https://evil.example/"})
    assert response.url == url("registry-moderation")


@pytest.mark.parametrize("htmx", [True, False])
def test_moderation_reject_needs_a_reason(market, administrator_client, htmx):
    listing = submitted(market.listing_a, by=market.owner_a)
    audited_before = audit_count()
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = administrator_client.post(
        url("registry-listing-reject", listing.pk), {"reason": " ", "next": url("registry-moderation")}, **headers
    )
    if htmx:
        assert response.status_code == 200
        page = html(response)
    else:
        assert response.status_code == 302
        page = html(administrator_client.get(response.url))
    assert str(listing_services.REASON_REQUIRED) in page
    listing.refresh_from_db()
    assert listing.state == ListingState.SUBMITTED and audit_count() == audited_before


@pytest.mark.parametrize("htmx", [True, False])
def test_moderation_reject_with_a_reason(market, administrator_client, htmx):
    listing = submitted(market.listing_a, by=market.owner_a)
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    response = administrator_client.post(
        url("registry-listing-reject", listing.pk), {"reason": "Blurry photo"}, **headers
    )
    listing.refresh_from_db()
    assert (listing.state, listing.rejection_reason) == (ListingState.REJECTED, "Blurry photo")
    if htmx:
        assert "Rejected" in html(response) and "Blurry photo" in html(response)
    else:
        assert response.status_code == 302


def test_moderating_a_listing_twice_says_why_not(market, administrator_client):
    listing = submitted(market.listing_a, by=market.owner_a)
    administrator_client.post(url("registry-listing-approve", listing.pk), HTTP_HX_REQUEST="true")
    response = administrator_client.post(
        url("registry-listing-reject", listing.pk), {"reason": "Late"}, HTTP_HX_REQUEST="true"
    )
    assert str(listing_services.CANNOT_REVIEW) in html(response)
    listing.refresh_from_db()
    assert listing.state == ListingState.APPROVED


# --- the shop map -------------------------------------------------------------------------------------

UNIT_GRID = re.compile(r'<ol class="reg-units" aria-labelledby="building-(\w+) floor-\w+-(\d+)">(.*?)</ol>', re.S)
UNIT_CELL = re.compile(
    r'<li class="reg-unit reg-unit-(\w+)" data-unit="([^"]+)">.*?<span class="reg-unit-state">(.*?)</span>.*?</li>',
    re.S,
)


def shop_map(page: str) -> dict[tuple[str, int], list[tuple[str, str, str]]]:
    """The map's cells by (building, floor): [(unit code, status, state text)]."""
    return {
        (building, int(floor)): [
            (code, status, re.sub(r"<[^>]+>", "", text).strip()) for status, code, text in UNIT_CELL.findall(cells)
        ]
        for building, floor, cells in UNIT_GRID.findall(page)
    }


@pytest.fixture
def zone_units(market):
    """Besides the market's B2-1-xxx shops: a second floor of B2, a Kazakh-side building C1, a closed shop
    and a suspended merchant's shop."""
    ShopFactory(merchant=market.a, unit_code="B2-2-001", name="Second floor")
    ShopFactory(merchant=market.a, unit_code="B2-1-900", name="Closed one", state=ShopState.CLOSED)
    ShopFactory(merchant=market.b, unit_code="C1-3-010", name="Steppe shop", side=ZoneSide.KZ)
    suspended = MerchantFactory(trade_name="Quiet Traders", state=MerchantState.SUSPENDED, state_reason="Audit")
    ShopFactory(merchant=suspended, unit_code="B10-1-001", name="Suspended shop")
    return market


def test_shop_map_shows_units_by_building_and_floor(zone_units, administrator_client):
    market = zone_units
    page = html(administrator_client.get(url("registry-shops")))
    grid = shop_map(page)
    # Buildings in natural order (B2 before B10), floors in order, every unit in its own floor's grid
    assert list(grid) == [("B2", 1), ("B2", 2), ("B10", 1), ("C1", 3)]
    b2_first = [code for code, _status, _text in grid[("B2", 1)]]
    assert b2_first == sorted([market.shop_a.unit_code, market.shop_b.unit_code, "B2-1-900"])
    assert grid[("B2", 2)] == [("B2-2-001", "occupied", "Occupied")]
    # A closed shop's unit is vacant, a suspended merchant's closed, said in words and not only by colour
    assert ("B2-1-900", "vacant", "Vacant · Shop closed") in grid[("B2", 1)]
    assert grid[("B10", 1)] == [("B10-1-001", "closed", "Closed · Merchant suspended")]
    # Each unit is a small square (its number and state) that opens, on hover or tap, to its shop and merchant
    cell = page[page.index('data-unit="B2-2-001"') :]
    cell = cell[: cell.index("</li>")]
    assert "<details>" in cell and 'title="B2-2-001 · Second floor · ' in cell
    assert "001 ●" in cell and "Second floor" in cell and market.a.trade_name in cell
    # The legend counts each state
    assert "Occupied (4)" in page and "Vacant (1)" in page and "Closed (1)" in page
    # The table below lists the same units
    table = page[page.index('id="shop-table"') :]
    assert all(code in table for code in ("B2-2-001", "B2-1-900", "C1-3-010", "B10-1-001"))


def test_shop_map_reads_as_many_statements_for_a_whole_building_as_for_a_few_units(zone_units, administrator_client):
    # Given the map of a few units, read once
    with CaptureQueriesContext(connection) as few:
        administrator_client.get(url("registry-shops"))
    # When a building of forty units of other merchants opens, then the map reads no more statements
    for number in range(40):
        ShopFactory(unit_code=f"B7-{1 + number // 20}-{number:03d}", state=ShopState.CLOSED if number % 7 else "open")
    with CaptureQueriesContext(connection) as many:
        page = html(administrator_client.get(url("registry-shops")))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(shop_map(page)[("B7", 2)]) == 20


@pytest.mark.parametrize(
    ("query", "units"),
    [
        ({"side": "KZ"}, {"C1-3-010"}),
        ({"building": "B10"}, {"B10-1-001"}),
        ({"building": "B2", "side": "KZ"}, set()),
        ({"floor": "2"}, {"B2-2-001"}),
        ({"floor": "3", "building": "C1"}, {"C1-3-010"}),
        ({"state": "vacant"}, {"B2-1-900"}),
        ({"state": "closed"}, {"B10-1-001"}),
        ({"merchant": "b"}, {"B2-1-002", "C1-3-010"}),
    ],
)
def test_shop_filters_narrow_the_map_and_the_table(zone_units, administrator_client, query, units):
    if "merchant" in query:
        query = {"merchant": zone_units.b.pk}
        units = {zone_units.shop_b.unit_code, "C1-3-010"}
    page = html(administrator_client.get(url("registry-shops"), query))
    on_map = {code for cells in shop_map(page).values() for code, _status, _text in cells}
    table = page[page.index('id="shop-table"') :]
    in_table = set(re.findall(r'<th scope="row"><code>([^<]+)</code></th>', table))
    assert on_map == units and in_table == units


def test_shop_filter_with_an_unknown_building_is_a_form_error(zone_units, administrator_client):
    response = administrator_client.get(url("registry-shops"), {"building": "Z9"})
    assert response.status_code == 200 and "Select a valid choice" in html(response)
