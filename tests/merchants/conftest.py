from types import SimpleNamespace

import pytest

from tests.factories import AdministratorFactory, OfficerFactory
from tests.merchants.factories import ListingFactory, OwnerFactory, ShopFactory, load_some_hs


@pytest.fixture
def market(db):
    """Two approved merchants (A and B), each with an owner, a shop and a draft listing; an administrator."""
    load_some_hs()
    owner_a, owner_b = OwnerFactory(), OwnerFactory()
    shop_a, shop_b = ShopFactory(merchant=owner_a.merchant), ShopFactory(merchant=owner_b.merchant)
    return SimpleNamespace(
        a=owner_a.merchant,
        b=owner_b.merchant,
        owner_a=owner_a.user,
        owner_b=owner_b.user,
        shop_a=shop_a,
        shop_b=shop_b,
        listing_a=ListingFactory(shop=shop_a, title_en="Green tea from Fujian"),
        listing_b=ListingFactory(shop=shop_b, title_en="Kazakh felt boots"),
        administrator=AdministratorFactory(),
        officer=OfficerFactory(),
    )
