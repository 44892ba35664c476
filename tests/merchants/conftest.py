"""Fixtures the merchants tests share. Page tests sign in with tests/conftest.py's `signed_in(user)`."""

from types import SimpleNamespace

import pytest

from merchants.choices import MemberRole
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


@pytest.fixture
def clerk_a(market):
    """A clerk on merchant A's staff."""
    return OwnerFactory(merchant=market.a, role=MemberRole.CLERK).user


@pytest.fixture
def owner_client(market, signed_in):
    """Pages as merchant A's owner."""
    return signed_in(market.owner_a)


@pytest.fixture
def administrator_client(market, signed_in):
    """Pages as the market's administrator."""
    return signed_in(market.administrator)


@pytest.fixture
def media_roots(settings, tmp_path):
    """Uploads of this test under its own directory: public (listing photos) and private (import files)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private"
    return SimpleNamespace(public=settings.MEDIA_ROOT, private=settings.PRIVATE_MEDIA_ROOT)
