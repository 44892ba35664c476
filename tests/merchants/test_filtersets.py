"""One FilterSet per list, used by the page and the API alike: the same filters, values and caps in both."""

import pytest

from merchants.choices import ListingState, ZoneSide
from merchants.filtersets import PRICE_RANGE_REVERSED
from tests.merchants.factories import ListingFactory, MerchantFactory, ShopFactory
from tests.merchants.pages import table_rows

pytestmark = pytest.mark.django_db


def titles(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {row["title"] for row in response.json()["results"]}


IN_STOCK, OUT_OF_STOCK = {"Green tea from Fujian"}, {"Silk scarf"}


@pytest.mark.parametrize(
    ("value", "expected"), [("no", OUT_OF_STOCK), ("false", OUT_OF_STOCK), ("yes", IN_STOCK), ("true", IN_STOCK)]
)
def test_listing_stock_filter_reads_the_pages_and_the_apis_spelling(market, api_client_for, signed_in, value, expected):
    # Given a listing out of stock beside the market's listing in stock
    ListingFactory(shop=market.shop_a, title_en="Silk scarf", stock_quantity=0)
    # Then the API and the portal page filter alike, whether asked yes/no or true/false
    assert titles(api_client_for(market.owner_a).get("/api/v1/listings/", {"in_stock": value})) == expected
    page = signed_in(market.owner_a).get("/portal/listings/", {"in_stock": value})
    assert {listing.title_en for listing in table_rows(page)} == expected


def test_listing_filter_by_another_merchants_shop_is_400_in_the_api_as_on_the_page(market, api_client_for):
    response = api_client_for(market.owner_a).get("/api/v1/listings/", {"shop": market.shop_b.pk})
    assert response.status_code == 400
    assert "shop" in response.json()["error"]["fields"]
    own = api_client_for(market.owner_a).get("/api/v1/listings/", {"shop": market.shop_a.pk})
    assert titles(own) == {"Green tea from Fujian"}


def test_merchant_search_words_work_in_the_api_as_on_the_registry_page(market, api_client_for):
    MerchantFactory(trade_name="Dragon Gate", country="CN", registration_number="91650000X")
    response = api_client_for(market.administrator).get("/api/v1/merchants/", {"q": "dragon"})
    assert [row["trade_name"] for row in response.json()["results"]] == ["Dragon Gate"]
    response = api_client_for(market.administrator).get("/api/v1/merchants/", {"country": "cn"})
    assert [row["trade_name"] for row in response.json()["results"]] == ["Dragon Gate"]


def test_shops_filter_by_building_in_the_api_as_on_the_shop_map(market, api_client_for):
    ShopFactory(merchant=market.a, unit_code="B10-1-001", side=ZoneSide.KZ)
    client = api_client_for(market.administrator)
    response = client.get("/api/v1/shops/", {"building": "B10"})
    assert [row["unit_code"] for row in response.json()["results"]] == ["B10-1-001"]
    assert client.get("/api/v1/shops/", {"building": "Z9"}).status_code == 400


def test_catalogue_api_refuses_a_reversed_price_range_as_the_page_does(market, api_client):
    ListingFactory(shop=market.shop_a, state=ListingState.APPROVED)
    response = api_client.get("/api/v1/catalogue/", {"price_min": "100", "price_max": "10"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["price_max"] == [str(PRICE_RANGE_REVERSED)]
    assert api_client.get("/api/v1/catalogue/", {"origin_country": "kaz"}).status_code == 200
