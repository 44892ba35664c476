from datetime import date
from decimal import Decimal

import factory

from merchants.choices import MemberRole, MerchantState, ZoneSide
from merchants.models import HsChapter, HsHeading, Listing, Merchant, MerchantMember, Shop
from tests.factories import MerchantUserFactory

# A business applying to trade in the zone, as merchant_apply takes it.
APPLICATION = {
    "legal_name": "Altyn Dala Trading LLP",
    "trade_name": "Altyn Dala",
    "country": "kz",
    "registration_number": "bin 990140000123",
    "licence_number": "KZ-77-1234",
    "licence_valid_until": date(2029, 12, 31),
    "contact_person": "Dana Serikova",
    "phone": "+7 701 555 0101",
    "email": "dana@altyndala.kz",
    "address": "Horgos ICBC, building B2, unit 14",
    "username": "dana",
    "password": "Camel-Caravan-2027",
}


class MerchantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Merchant

    legal_name = factory.Sequence(lambda n: f"Silk Road Trading {n} LLP")
    trade_name = factory.Sequence(lambda n: f"Silk Road {n}")
    country = "KZ"
    registration_number = factory.Sequence(lambda n: f"BIN{n:09d}")
    licence_number = factory.Sequence(lambda n: f"LIC-{n:05d}")
    licence_valid_until = date(2030, 1, 1)
    contact_person = "Aigerim Sadykova"
    phone = "+7 727 123 4567"
    email = factory.Sequence(lambda n: f"shop{n}@example.kz")
    address = "Horgos ICBC, building B2"
    state = MerchantState.APPROVED


class OwnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MerchantMember

    user = factory.SubFactory(MerchantUserFactory)
    merchant = factory.SubFactory(MerchantFactory)
    role = MemberRole.OWNER


class ShopFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Shop

    # Units 900-999 of B2-1 are left to tests that name their units; the sequence runs through the session.
    unit_code = factory.Sequence(lambda n: f"B2-1-{n % 900:03d}")
    side = ZoneSide.CN
    merchant = factory.SubFactory(MerchantFactory)
    name = factory.Sequence(lambda n: f"Shop {n}")
    area_m2 = Decimal("42.50")
    opened_on = date(2025, 5, 1)


class ListingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Listing

    shop = factory.SubFactory(ShopFactory)
    title_en = "Green tea"
    hs_code = "090210"
    hs_heading = factory.LazyAttribute(lambda listing: HsHeading.objects.get(code=listing.hs_code[:4]))
    origin_country = "CN"
    price = Decimal("88.00")
    unit_weight_kg = Decimal("0.250")
    stock_quantity = 100


def load_some_hs() -> None:
    """A few real chapters and headings, enough for tests that don't load the whole nomenclature."""
    tea = HsChapter.objects.create(
        code="09", name_en="Coffee, tea, maté and spices", name_zh_hans="咖啡、茶、马黛茶及调味香料",
        name_kk="Кофе, шай, мате және дәмдеуіштер", name_ru="Кофе, чай, мате и пряности",
    )  # fmt: skip
    clothes = HsChapter.objects.create(
        code="61", name_en="Articles of apparel, knitted or crocheted", name_zh_hans="针织或钩编的服装及衣着附件",
        name_kk="Трикотаж киім", name_ru="Предметы одежды трикотажные",
    )  # fmt: skip
    HsHeading.objects.create(code="0902", chapter=tea, name_en="Tea, whether or not flavoured")
    HsHeading.objects.create(code="6109", chapter=clothes, name_en="T-shirts, singlets and other vests, knitted")
