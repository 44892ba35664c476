from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from crossings.services.crossings import crossing_record_entry
from merchants.choices import ListingState
from tests.crossings.factories import DocumentFactory, TravellerFactory
from tests.merchants.factories import ListingFactory, OwnerFactory, ShopFactory, load_some_hs
from trade.services.policy import exchange_rate_set
from trade.services.sales import SaleLineInput, sale_record

EUR_RATE = Decimal("7.800000")


# The crossings fixtures the trade tests build on: the zone's reference data and time travel.
from tests.crossings.conftest import at, zone  # noqa: E402, F401


@pytest.fixture
def trade(zone):  # noqa: F811  (the crossings fixture imported above)
    """The zone (crossings reference data), the allowance policies, a EUR rate, two approved merchants with a shop
    and approved listings each (a CNY 1,000.00 kettle of 2 kg; a CNY 0.01 sticker of 1 g), and a Kazakh buyer."""
    call_command("trade_load_reference", verbosity=0)
    exchange_rate_set(currency="EUR", day=date(2020, 1, 1), rate_to_cny=EUR_RATE, acting_user=None)
    load_some_hs()
    owners = [OwnerFactory(), OwnerFactory()]
    shops = [ShopFactory(merchant=owner.merchant) for owner in owners]

    def listing(shop, price, weight, title):
        return ListingFactory(
            shop=shop, price=Decimal(price), unit_weight_kg=Decimal(weight), title_en=title, state=ListingState.APPROVED
        )

    buyer = TravellerFactory(nationality="KZ", family_name="Abenova")
    return SimpleNamespace(
        zone=zone,
        clerks=[owner.user for owner in owners],
        shops=shops,
        kettle=listing(shops[0], "1000.00", "2.000", "Kettle"),
        sticker=listing(shops[0], "0.01", "0.001", "Sticker"),
        kettle_b=listing(shops[1], "1000.00", "2.000", "Kettle B"),
        passport=DocumentFactory(
            traveller=buyer, issuing_country="KZ", number="N1234567", valid_until=date(2032, 1, 1)
        ),
    )


def enter(trade, checkpoint="CN"):
    lane, officer = ("E-F01", trade.zone.cn_officer) if checkpoint == "CN" else ("E-C01", trade.zone.kz_officer)
    return crossing_record_entry(document=trade.passport, lane=trade.zone.lane(checkpoint, lane), officer=officer)


def sell(trade, *lines, shop=0, receipt=None):
    """Record a sale at shop `shop` of (listing, quantity[, unit price]) lines."""
    sell.counter = getattr(sell, "counter", 0) + 1
    return sale_record(
        shop=trade.shops[shop],
        document=trade.passport,
        receipt_number=receipt or f"R-{sell.counter}",
        lines=[SaleLineInput(line[0], line[1], *(Decimal(line[2]),) if len(line) > 2 else ()) for line in lines],
        acting_user=trade.clerks[shop],
    )
