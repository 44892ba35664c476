"""A sale takes its quantities off the listings' stock in its own transaction; a sale beyond the stock is refused
naming the listing (400 on the API, a form error at the till); a voided sale puts the stock back."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import F

from crossings.services.crossings import crossing_record_entry
from merchants.models import Listing
from tests.crossings.conftest import beijing
from tests.crossings.factories import DocumentFactory, TravellerFactory
from tests.trade.conftest import enter, sell
from tests.trade.test_sale_pages import NEW, till
from tests.trade.test_sales_api import body
from trade.models import AllowanceLedger, Sale, SaleLine
from trade.services.sales import BEYOND_STOCK, SaleLineInput, sale_record, sale_void

pytestmark = pytest.mark.django_db


def stock_of(listing) -> int:
    return Listing.objects.values_list("stock_quantity", flat=True).get(pk=listing.pk)


def set_stock(listing, quantity: int) -> None:
    Listing.objects.filter(pk=listing.pk).update(stock_quantity=quantity)


def beyond(listing, *, stock: int, quantity: int) -> str:
    return str(BEYOND_STOCK % {"listing": listing.title_en, "stock": stock, "quantity": quantity})


def test_a_sale_takes_each_listings_quantity_off_its_stock(trade, at):
    # Given 100 kettles and 100 stickers on hand
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    # When a sale has two lines of kettles and one of stickers
    sell(trade, (trade.kettle, 2), (trade.sticker, 5), (trade.kettle, 1))
    # Then the stock is what is left after it
    assert (stock_of(trade.kettle), stock_of(trade.sticker), stock_of(trade.kettle_b)) == (97, 95, 100)


def test_a_sale_beyond_the_stock_is_refused_naming_the_listing_and_writes_nothing(trade, at):
    # Given two kettles on hand
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    set_stock(trade.kettle, 2)
    # When a sale asks for three (besides stickers, which are there)
    with pytest.raises(ValidationError) as refused:
        sell(trade, (trade.sticker, 1), (trade.kettle, 3))
    # Then it is refused saying which listing and how many are left, and nothing is written or taken off
    assert refused.value.message_dict["lines"] == [beyond(trade.kettle, stock=2, quantity=3)]
    assert "Only 2 of “Kettle” left in stock: the sale asks for 3." in refused.value.messages
    assert not Sale.objects.exists() and not SaleLine.objects.exists() and not AllowanceLedger.objects.exists()
    assert (stock_of(trade.kettle), stock_of(trade.sticker)) == (2, 100)
    # And the last two can be sold
    sell(trade, (trade.kettle, 2))
    assert stock_of(trade.kettle) == 0


def test_voiding_a_sale_puts_its_units_back_in_stock(trade, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    set_stock(trade.kettle, 3)
    sale = sell(trade, (trade.kettle, 2), (trade.sticker, 4), (trade.kettle, 1))
    assert (stock_of(trade.kettle), stock_of(trade.sticker)) == (0, 96)
    sale_void(sale=sale, reason="Customer returned everything", acting_user=trade.clerks[0])
    assert (stock_of(trade.kettle), stock_of(trade.sticker)) == (3, 100)


def test_the_stock_cannot_go_below_zero_in_the_database(trade):
    with pytest.raises(IntegrityError, match="listing_stock_not_negative"), transaction.atomic():
        Listing.objects.filter(pk=trade.kettle.pk).update(stock_quantity=F("stock_quantity") - 101)


def test_the_api_answers_a_sale_beyond_the_stock_with_400_naming_the_listing(trade, at, api_client_for):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    set_stock(trade.kettle, 1)
    response = api_client_for(trade.clerks[0]).post("/api/v1/sales/", body(trade, quantity=2), format="json")
    assert response.status_code == 400
    assert beyond(trade.kettle, stock=1, quantity=2) in response.content.decode()
    assert not Sale.objects.exists() and stock_of(trade.kettle) == 1


def test_the_till_shows_a_sale_beyond_the_stock_as_a_form_error(trade, at, signed_in):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    set_stock(trade.kettle, 1)
    form = signed_in(trade.clerks[0]).get(NEW).content.decode()
    assert f"Kettle · 1000.00 CNY · {trade.shops[0].unit_code} · 1 in stock" in form
    page = signed_in(trade.clerks[0]).post(NEW, till(trade, lines=((trade.kettle, 2),), button="confirm"))
    assert page.status_code == 400
    assert "Only 1 of “Kettle” left in stock: the sale asks for 2." in page.content.decode()
    assert not Sale.objects.exists() and stock_of(trade.kettle) == 1


@pytest.mark.django_db(transaction=True)
def test_two_sales_racing_for_the_last_unit_exactly_one_succeeds(trade, at):
    # Given one kettle left and two buyers inside, at two tills of the shop at the same moment
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    other = TravellerFactory(nationality="KZ", family_name="Serikov")
    other_passport = DocumentFactory(
        traveller=other, issuing_country="KZ", number="N7654321", valid_until=date(2032, 1, 1)
    )
    crossing_record_entry(
        document=other_passport, lane=trade.zone.lane("CN", "E-F01"), acting_user=trade.zone.cn_officer
    )
    set_stock(trade.kettle, 1)
    barrier = threading.Barrier(2)
    outcomes = []

    def sell_one(number, document):
        try:
            barrier.wait(timeout=20)
            sale_record(
                shop=trade.shops[0],
                document=document,
                receipt_number=f"RACE-{number}",
                lines=[SaleLineInput(trade.kettle, 1)],
                acting_user=trade.clerks[0],
            )
            outcomes.append("sold")
        except ValidationError as refused:
            outcomes.append(refused.message_dict["lines"][0])
        finally:
            connection.close()

    threads = [
        threading.Thread(target=sell_one, args=(number, document))
        for number, document in enumerate((trade.passport, other_passport))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    # Then exactly one sells it, the other is refused naming the kettle, and none is left
    assert sorted(outcomes) == sorted(["sold", beyond(trade.kettle, stock=0, quantity=1)])
    assert Sale.objects.count() == 1 and stock_of(trade.kettle) == 0
