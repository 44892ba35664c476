"""The public catalogue pages: search in every language, filters, one listing, one shop, one merchant."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from merchants.choices import ListingState, MerchantState, ShopState, ZoneSide
from merchants.filtersets import PRICE_RANGE_REVERSED
from merchants.selectors import catalogue as catalogue_selectors
from tests.merchants.factories import ListingFactory, MerchantFactory, ShopFactory
from tests.merchants.pages import html, url

pytestmark = pytest.mark.django_db

APPROVED = ListingState.APPROVED


def card_links(page: str) -> list[int]:
    """The listings shown as cards, in order, by their id."""
    return [int(pk) for pk in re.findall(r'<a class="cat-card-link" href="/catalogue/listings/(\d+)/">', page)]


@pytest.fixture
def anonymous(signed_in):
    return signed_in(None)


@pytest.fixture
def shelf(market):
    """Catalogue listings of the market's two approved merchants, and listings that must never be public."""
    kz_shop = ShopFactory(merchant=market.b, unit_code="C1-1-001", side=ZoneSide.KZ, name="Steppe Felt")
    suspended = MerchantFactory(trade_name="Quiet Traders", state=MerchantState.SUSPENDED, state_reason="Audit")
    closed_shop = ShopFactory(merchant=market.a, unit_code="B2-9-001", state=ShopState.CLOSED)
    suspended_shop = ShopFactory(merchant=suspended, unit_code="B3-1-001")
    return {
        "tea": ListingFactory(
            shop=market.shop_a, state=APPROVED, title_en="Fujian green tea", title_zh_hans="福建绿茶叶",
            description_ru="Зелёный чай из провинции Фуцзянь", price=Decimal("88.00"), origin_country="CN",
        ),
        "boots": ListingFactory(
            shop=kz_shop, state=APPROVED, title_en="", title_ru="Войлочные сапоги", title_kk="Киіз етік",
            hs_code="610910", origin_country="KZ", price=Decimal("120.00"),
        ),
        "draft": ListingFactory(shop=market.shop_a, title_en="Secret draft сапоги 绿茶"),
        "submitted": ListingFactory(shop=market.shop_a, state=ListingState.SUBMITTED, title_en="Waiting сапоги 绿茶"),
        "rejected": ListingFactory(
            shop=market.shop_a, state=ListingState.REJECTED, rejection_reason="Fake", title_en="Refused сапоги 绿茶"
        ),
        "suspended": ListingFactory(shop=suspended_shop, state=APPROVED, title_en="Suspended сапоги 绿茶"),
        "closed": ListingFactory(shop=closed_shop, state=APPROVED, title_en="Closed shop сапоги 绿茶"),
        "kz_shop": kz_shop,
        "closed_shop": closed_shop,
        "suspended_shop": suspended_shop,
        "suspended_merchant": suspended,
    }  # fmt: skip


HIDDEN = ["draft", "submitted", "rejected", "suspended", "closed"]


def search(client, **query) -> list[int]:
    response = client.get(url("catalogue"), query)
    assert response.status_code == 200
    return card_links(html(response))


# --- search ------------------------------------------------------------------------------------------


def test_anonymous_visitor_sees_every_catalogue_listing_and_the_figures(shelf, anonymous):
    response = anonymous.get(url("catalogue"))
    page = html(response)
    assert set(card_links(page)) == {shelf["tea"].pk, shelf["boots"].pk}
    assert "<strong>2</strong> products" in page  # the figures count catalogue listings only
    assert "<strong>2</strong> countries of origin" in page
    assert "2 products found" in page


def test_search_finds_a_listing_by_a_russian_word(shelf, anonymous):
    assert search(anonymous, q="сапоги") == [shelf["boots"].pk]


def test_search_finds_a_listing_by_a_chinese_substring(shelf, anonymous):
    assert search(anonymous, q="绿茶") == [shelf["tea"].pk]


def test_search_finds_words_of_a_description_in_another_language(shelf, anonymous):
    assert search(anonymous, q="Фуцзянь") == [shelf["tea"].pk]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"hs_chapter": "61"}, {"boots"}),
        ({"hs_chapter": "09"}, {"tea"}),
        ({"origin_country": "KZ"}, {"boots"}),
        ({"price_min": "100"}, {"boots"}),
        ({"price_max": "100"}, {"tea"}),
        ({"price_min": "90", "price_max": "100"}, set()),
        ({"side": "KZ"}, {"boots"}),
        ({"side": "CN", "q": "сапоги"}, set()),
    ],
)
def test_filters_narrow_the_results(shelf, anonymous, query, expected):
    assert set(search(anonymous, **query)) == {shelf[name].pk for name in expected}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"price_min": "-1"}, "greater than or equal to 0"),
        ({"hs_chapter": "99"}, "Select a valid choice"),
        ({"origin_country": "XX"}, "Select a valid choice"),
        ({"price_min": "ten"}, "Enter a number"),
        ({"price_min": "100", "price_max": "10"}, str(PRICE_RANGE_REVERSED)),
    ],
)
def test_invalid_filters_are_form_errors_not_server_errors(shelf, anonymous, query, message):
    response = anonymous.get(url("catalogue"), query)
    assert response.status_code == 200
    page = html(response)
    assert message in page and 'class="field-error"' in page
    assert card_links(page) == []


@pytest.mark.parametrize("hidden", HIDDEN)
def test_listings_outside_the_catalogue_never_appear(shelf, anonymous, hidden):
    for words in ("сапоги", "绿茶", shelf[hidden].title_en):
        assert shelf[hidden].pk not in search(anonymous, q=words)
    assert shelf[hidden].pk not in search(anonymous)


def test_chapters_are_named_in_the_visitors_language(shelf, anonymous):
    page = html(anonymous.get(url("catalogue"), HTTP_ACCEPT_LANGUAGE="ru"))
    assert '<option value="09">09 · Кофе, чай, мате и пряности</option>' in page
    page = html(anonymous.get(url("catalogue"), HTTP_ACCEPT_LANGUAGE="en"))
    assert '<option value="09">09 · Coffee, tea, maté and spices</option>' in page


def test_cards_show_title_price_origin_shop_and_a_placeholder_photo(shelf, anonymous):
    page = html(anonymous.get(url("catalogue"), {"q": "сапоги"}, HTTP_ACCEPT_LANGUAGE="ru"))
    card = page[page.index('<li class="cat-card">') :]
    for text in ("Войлочные сапоги", "120,00 CNY", "Казахстан", "C1-1-001", "Нет фото"):
        assert text in card
    assert f'href="{url("catalogue-shop", "C1-1-001")}"' in card


def test_cards_and_listing_page_show_the_photo_when_there_is_one(market, anonymous):
    listing = ListingFactory(
        shop=market.shop_a,
        state=APPROVED,
        photo="listings/2026/05/tea.jpg",
        thumbnail="listings/thumbnails/2026/05/tea-thumb.jpg",
    )
    card = html(anonymous.get(url("catalogue")))
    assert '<img class="cat-card-image" src="/media/listings/thumbnails/2026/05/tea-thumb.jpg"' in card
    assert "No photo" not in card
    page = html(anonymous.get(url("catalogue-listing", listing.pk)))
    assert '<img src="/media/listings/2026/05/tea.jpg" alt="Green tea">' in page


def test_card_title_follows_the_visitors_language(shelf, anonymous):
    page = html(anonymous.get(url("catalogue"), {"q": "сапоги"}, HTTP_ACCEPT_LANGUAGE="kk"))
    assert '<span class="cat-card-title" lang="kk">Киіз етік</span>' in page


def test_results_are_paginated_24_to_a_page(market, anonymous):
    for number in range(25):
        ListingFactory(shop=market.shop_a, state=APPROVED, title_en=f"Teapot {number}")
    first = html(anonymous.get(url("catalogue")))
    second = html(anonymous.get(url("catalogue"), {"page": 2}))
    assert len(card_links(first)) == 24 and len(card_links(second)) == 1
    assert "Page 1 of 2" in first and "25 products found" in first
    assert not set(card_links(first)) & set(card_links(second))


def test_the_catalogue_page_reads_a_fixed_number_of_queries(market, anonymous, django_assert_num_queries):
    """No query per card: the page costs the same with 1 result as with 24."""
    ListingFactory(shop=market.shop_a, state=APPROVED)
    with CaptureQueriesContext(connection) as one:
        assert len(card_links(html(anonymous.get(url("catalogue"))))) == 1
    other_shop = ShopFactory(merchant=market.b)
    for number in range(30):
        ListingFactory(shop=other_shop if number % 2 else market.shop_a, state=APPROVED, origin_country="KZ")
    cache.clear()  # both requests count the figures
    with CaptureQueriesContext(connection) as many:
        assert len(card_links(html(anonymous.get(url("catalogue"))))) == 24
    assert len(many) == len(one)
    # The figures come from the cache now: the chapters, the (capped) count, one page of rows, the day's tenge rate
    with django_assert_num_queries(4):
        anonymous.get(url("catalogue"), {"q": "tea", "page": 2})
    ListingFactory(shop=market.shop_a, state=APPROVED, title_zh_hans="绿茶")
    with django_assert_num_queries(4):  # the same with one Chinese character (the grams index)
        assert len(card_links(html(anonymous.get(url("catalogue"), {"q": "茶"})))) == 1


def test_a_search_with_more_matches_than_the_cap_says_so_and_pages_through_the_first_ones(
    market, anonymous, monkeypatch
):
    # Given 27 listings, and matches counted up to 25
    monkeypatch.setattr(catalogue_selectors, "CATALOGUE_COUNT_CAP", 25)
    listings = [ListingFactory(shop=market.shop_a, state=APPROVED, title_en=f"Teapot {n}") for n in range(27)]
    newest_first = [listing.pk for listing in reversed(listings)]
    # When a visitor searches for them all
    first = html(anonymous.get(url("catalogue"), {"q": "teapot"}))
    second = html(anonymous.get(url("catalogue"), {"q": "teapot", "page": 2}))
    # Then the page says there are more than 25, and its two pages hold the 25 newest
    assert "More than 25 products found" in first and "Only the first 25 are shown" in first
    assert "Page 1 of 2" in first and "27 products" not in first
    assert card_links(first) + card_links(second) == newest_first[:25]
    # And with no more than the cap, the count is exact as before ("Teapot 2" and "Teapot 20" to "Teapot 26")
    narrower = html(anonymous.get(url("catalogue"), {"q": "teapot 2"}))
    assert "8 products found" in narrower and "More than" not in narrower


def test_the_catalogue_figures_are_counted_once_a_minute(market, anonymous):
    # Given a catalogue page read once (its figures counted)
    ListingFactory(shop=market.shop_a, state=APPROVED)
    assert "<strong>1</strong> product" in html(anonymous.get(url("catalogue")))
    # When the page is read again
    with CaptureQueriesContext(connection) as queries:
        page = html(anonymous.get(url("catalogue")))
    # Then the figures come from the cache: no query counts distinct shops
    assert "<strong>1</strong> product" in page
    assert not [query["sql"] for query in queries if "COUNT(DISTINCT" in query["sql"]]


# --- one listing -------------------------------------------------------------------------------------


def test_listing_page_shows_the_listing(shelf, anonymous, market):
    response = anonymous.get(url("catalogue-listing", shelf["tea"].pk), HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 200
    page = html(response)
    # No Russian title: the title falls back to another language (marked as such); the Russian description is shown
    assert '<h1 lang="en">Fujian green tea</h1>' in page
    assert '<div lang="ru"><p>Зелёный чай из провинции Фуцзянь</p></div>' in page
    # Every title with its language, the HS code with the chapter's name, origin, shop and merchant links
    assert '<dd lang="zh-Hans">福建绿茶叶</dd>' in page and '<dd lang="en">Fujian green tea</dd>' in page
    assert "090210" in page and "Кофе, чай, мате и пряности" in page
    assert f'href="{url("catalogue-shop", market.shop_a.unit_code)}"' in page
    assert f'href="{url("catalogue-merchant", market.a.pk)}"' in page
    assert "Нет фото" in page


def test_listing_page_in_the_visitors_language(shelf, anonymous):
    page = html(anonymous.get(url("catalogue-listing", shelf["boots"].pk), HTTP_ACCEPT_LANGUAGE="kk"))
    assert '<h1 lang="kk">Киіз етік</h1>' in page


@pytest.mark.parametrize("hidden", HIDDEN)
def test_listing_outside_the_catalogue_is_not_found(shelf, anonymous, hidden):
    assert anonymous.get(url("catalogue-listing", shelf[hidden].pk)).status_code == 404


def test_listing_page_is_not_found_once_its_merchant_is_suspended(shelf, anonymous, market):
    assert anonymous.get(url("catalogue-listing", shelf["tea"].pk)).status_code == 200
    market.a.state, market.a.state_reason = MerchantState.SUSPENDED, "Unpaid rent"
    market.a.save()
    assert anonymous.get(url("catalogue-listing", shelf["tea"].pk)).status_code == 404


# --- shops and merchants -----------------------------------------------------------------------------


def test_shop_page_lists_its_catalogue_listings(shelf, anonymous, market):
    response = anonymous.get(url("catalogue-shop", market.shop_a.unit_code))
    assert response.status_code == 200
    assert card_links(html(response)) == [shelf["tea"].pk]


def test_shop_page_takes_the_unit_in_lower_case(shelf, anonymous):
    assert card_links(html(anonymous.get(url("catalogue-shop", "c1-1-001")))) == [shelf["boots"].pk]


def test_merchant_page_lists_its_open_shops_and_catalogue_listings(shelf, anonymous, market):
    page = html(anonymous.get(url("catalogue-merchant", market.b.pk)))
    assert card_links(page) == [shelf["boots"].pk]
    assert "C1-1-001" in page and market.shop_b.unit_code in page
    assert market.b.phone not in page  # contact details are not public


@pytest.mark.parametrize("shop", ["closed_shop", "suspended_shop"])
def test_shop_page_outside_the_catalogue_is_not_found(shelf, anonymous, shop):
    assert anonymous.get(url("catalogue-shop", shelf[shop].unit_code)).status_code == 404


@pytest.mark.parametrize("state", [MerchantState.SUSPENDED, MerchantState.PENDING, MerchantState.REJECTED])
def test_merchant_page_of_a_merchant_not_approved_is_not_found(shelf, anonymous, state):
    merchant = MerchantFactory(state=state, state_reason="" if state == MerchantState.PENDING else "Because")
    assert anonymous.get(url("catalogue-merchant", merchant.pk)).status_code == 404
    assert anonymous.get(url("catalogue-merchant", shelf["suspended_merchant"].pk)).status_code == 404


def test_catalogue_pages_are_public_to_every_role(shelf, market, signed_in):
    for user in (market.owner_a, market.officer, market.administrator):
        client = signed_in(user)
        assert client.get(url("catalogue")).status_code == 200
        assert client.get(url("catalogue-listing", shelf["boots"].pk)).status_code == 200


def test_countries_are_named_in_the_visitors_language_whoever_asked_before(shelf, market, anonymous, signed_in):
    # Given the catalogue's filters already built in English, by the page and by the API's schema
    anonymous.get(url("catalogue"), HTTP_ACCEPT_LANGUAGE="en")
    assert signed_in(market.administrator).get("/api/schema/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    # Then a Russian visitor reads the countries in Russian
    page = html(anonymous.get(url("catalogue"), HTTP_ACCEPT_LANGUAGE="ru"))
    assert '<option value="KZ">Казахстан</option>' in page
