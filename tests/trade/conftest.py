from datetime import date
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.core.management import call_command

from crossings.services.crossings import crossing_record_entry
from merchants.choices import ListingState
from tests.crossings.factories import DocumentFactory, TravellerFactory
from tests.factories import AdministratorFactory, OfficerFactory
from tests.merchants.factories import ListingFactory, OwnerFactory, ShopFactory, load_some_hs
from trade.services.policy import exchange_rate_set
from trade.services.sales import SaleLineInput, sale_record
from trade.services.shipments import ShipmentLineInput, shipment_register

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
    return crossing_record_entry(document=trade.passport, lane=trade.zone.lane(checkpoint, lane), acting_user=officer)


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


@pytest.fixture
def shipping(db):
    """Two approved merchants (A, B), each with an owner and a shop; A has a green tea listing (HS 090210, CNY 88.00,
    0.25 kg a unit); an administrator and an officer."""
    load_some_hs()
    owners = [OwnerFactory(), OwnerFactory()]
    shops = [ShopFactory(merchant=owner.merchant) for owner in owners]
    return SimpleNamespace(
        merchants=[owner.merchant for owner in owners],
        owners=[owner.user for owner in owners],
        tea=ListingFactory(shop=shops[0], title_en="Green tea", title_ru="Зелёный чай"),
        tea_b=ListingFactory(shop=shops[1], title_en="Tea of B"),
        administrator=AdministratorFactory(),
        officer=OfficerFactory(),
    )


SHIPMENT_LINES = [
    # (HS code, description, origin, quantity, value CNY, net weight kg): Chinese, Russian and Kazakh text.
    ("090210", "绿茶 (龙井)", "CN", 120, "10560.00", "30.000"),
    ("610910", "Футболки хлопковые", "KZ", 300, "9000.50", "75.500"),
    ("090210", "Көк шай, қағаз қорапта", "KZ", 10, "880.00", "2.500"),
]


def ship(shipping, *, merchant=0, reference="EXP-0001", lines=None, registered_at=None, **fields):
    """Register a shipment of merchant `merchant` (0: A, 1: B) by its owner; lines as in SHIPMENT_LINES."""
    rows = SHIPMENT_LINES if lines is None else lines
    given = {
        "consignee_name": "Tashkent Trade House LLC",
        "consignee_country": "UZ",
        "corridor": "central_asia",
        "transport_mode": "road",
        **fields,
    }
    return shipment_register(
        merchant=shipping.merchants[merchant],
        reference=reference,
        lines=[
            row
            if isinstance(row, ShipmentLineInput)
            else ShipmentLineInput(
                hs_code=row[0],
                description=row[1],
                origin_country=row[2],
                quantity=row[3],
                value_cny=Decimal(row[4]),
                net_weight_kg=Decimal(row[5]),
            )
            for row in rows
        ],
        acting_user=shipping.owners[merchant],
        at=registered_at,
        **given,
    )
