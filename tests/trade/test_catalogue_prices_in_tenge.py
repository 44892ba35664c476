"""The public catalogue shows a CNY price's approximate value in tenge at trade's latest rate (through
horgos.extensions: merchants never imports trade), and nothing while no tenge rate is known."""

import re
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from horgos.extensions import price_conversions
from merchants.choices import ListingState
from tests.merchants.factories import ListingFactory, ShopFactory, load_some_hs
from trade.models import ExchangeRate

pytestmark = pytest.mark.django_db


@pytest.fixture
def honey(db):
    load_some_hs()
    return ListingFactory(shop=ShopFactory(), state=ListingState.APPROVED, price=Decimal("1234.00"))


def rate(currency: str, day: date, cny: str) -> ExchangeRate:
    return ExchangeRate.objects.create(currency=currency, day=day, rate_to_cny=Decimal(cny))


def approximate(page: str) -> list[str]:
    return re.findall(r'<span aria-hidden="true">≈ ([^<]*)</span>', page)


def test_no_tenge_rate_shows_no_tenge_price(signed_in, honey):
    # Given only a euro rate
    rate("EUR", timezone.localdate(), "7.80")
    # Then the catalogue and the listing show the CNY price alone
    client = signed_in(None)
    assert approximate(client.get("/catalogue/").content.decode()) == []
    page = client.get(f"/catalogue/listings/{honey.pk}/").content.decode()
    assert "1234.00 CNY" in page
    assert approximate(page) == []


def test_the_latest_tenge_rate_converts_the_price(signed_in, honey):
    # Given an old tenge rate, the latest one, and one entered for a day still to come
    today = timezone.localdate()
    rate("KZT", today - timedelta(days=30), "0.0125")
    rate("KZT", today - timedelta(days=1), "0.0140")  # 1 CNY = 71.43 ₸
    rate("KZT", today + timedelta(days=1), "0.0200")
    client = signed_in(None)
    # Then the card and the listing show 1234 / 0.0140 = 88 142.857… ≈ 88 143 ₸, marked approximate
    assert approximate(client.get("/catalogue/").content.decode()) == ["88,143 ₸"]
    page = client.get(f"/catalogue/listings/{honey.pk}/").content.decode()
    assert approximate(page) == ["88,143 ₸"]
    assert "approximately 88,143 KZT at the exchange rate of" in page
    # And in Russian the thousands are grouped as Russians write them
    client.cookies["django_language"] = "ru"
    assert approximate(client.get("/catalogue/").content.decode()) == ["88\xa0143 ₸"]


def test_the_conversion_comes_through_the_extension_registry():
    # trade registers its provider when it starts; it answers nothing without a rate
    assert price_conversions(day=date(2026, 1, 1)) == []
    rate("KZT", date(2026, 1, 1), "0.0140")
    (conversion,) = price_conversions(day=date(2026, 1, 1))
    assert (conversion.currency, conversion.symbol, conversion.convert(Decimal("1.00"))) == ("KZT", "₸", 71)
