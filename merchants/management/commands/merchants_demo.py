"""Demo data for `make run`: the HS reference data, six approved merchants from five countries and one
pending application, their owners, twelve shops on both sides of the zone and about two hundred listings.

Idempotent: when any merchant exists the command leaves the registry as it is. Deterministic: the same
listings, prices and states come out on every machine (a fixed seed). Rows are written in bulk, in one
transaction, so the command takes a second or two; the demo user `merchant` (from `load_demo_users`),
when present, becomes an owner of the first merchant.
"""

import random
from datetime import timedelta
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from horgos.choices import Role
from horgos.models import User
from merchants.choices import ListingState, MemberRole, MerchantState, NotificationKind, ZoneSide
from merchants.models import HsHeading, Listing, Merchant, MerchantMember, Notification, Shop

DEMO_PASSWORD = "horgos-demo"  # the same as load_demo_users
DEMO_SEED = 2026
EXISTING_DEMO_USER = "merchant"

# Each merchant: its owner (username, first and last name), its registry fields, the languages its listings
# are written in, its shops (unit code, side, name, area in m²) and the products every shop of it sells.
MERCHANTS = [
    {
        "owner": ("altyn.dala", "Aigerim", "Seitkali"),
        "merchant": {
            "legal_name": "ТОО «Алтын Дала Трейд»",
            "trade_name": "Altyn Dala",
            "country": "KZ",
            "registration_number": "180940012345",
            "licence_number": "KZ-HRG-2023-0142",
            "contact_person": "Айгерим Сейтқали",
            "phone": "+7 727 355 1020",
            "email": "sales@altyndala.kz",
            "address": "Horgos ICBC, building C1, Kazakh side",
        },
        "languages": ("kk", "ru", "en"),
        "shops": [
            ("C1-1-021", ZoneSide.KZ, "Altyn Dala · market hall", "38.00"),
            ("C1-2-007", ZoneSide.KZ, "Altyn Dala · second floor", "24.50"),
        ],
        "products": [
            "honey",
            "candies",
            "chocolate",
            "cranberries",
            "felt_slippers",
            "toffees",
            "shyrdak",
            "apple_jam",
        ],
    },
    {
        "owner": ("silkroad", "Fang", "Wang"),
        "merchant": {
            "legal_name": "霍尔果斯丝路商贸有限公司",
            "trade_name": "Silk Road Trading 丝路商贸",
            "country": "CN",
            "registration_number": "91654004MA78K3QX2R",
            "licence_number": "654004-2022-00817",
            "contact_person": "王芳 Wang Fang",
            "phone": "+86 999 888 1234",
            "email": "trade@silkroad-horgos.cn",
            "address": "Horgos ICBC, building A1, Chinese side",
        },
        "languages": ("zh_hans", "en", "ru"),
        "shops": [
            ("A1-1-001", ZoneSide.CN, "丝路商贸 Silk Road · shop 1", "64.00"),
            ("A1-1-002", ZoneSide.CN, "丝路商贸 Silk Road · shop 2", "52.00"),
            ("A1-2-010", ZoneSide.CN, "丝路商贸 Silk Road · upstairs", "31.00"),
        ],
        "products": [
            "smartphone",
            "earbuds",
            "smartwatch",
            "power_bank",
            "tshirt",
            "trousers",
            "sneakers",
            "suitcase",
            "toy_car",
        ],
    },
    {
        "owner": ("tianshan.tea", "Lei", "Zhao"),
        "merchant": {
            "legal_name": "伊犁天山茶业有限公司",
            "trade_name": "Tianshan Tea 天山茶业",
            "country": "CN",
            "registration_number": "91654002MA79T4LW6C",
            "licence_number": "654002-2021-00390",
            "contact_person": "赵磊 Zhao Lei",
            "phone": "+86 999 802 5566",
            "email": "shop@tianshantea.cn",
            "address": "Horgos ICBC, building A2, Chinese side",
        },
        "languages": ("zh_hans", "ru", "kk", "en"),
        "shops": [
            ("A2-1-005", ZoneSide.CN, "天山茶庄 Tianshan Tea House", "28.00"),
            ("B1-1-003", ZoneSide.CN, "天山茶庄 Tianshan Tea · B1", "22.00"),
        ],
        "products": ["green_tea", "jasmine_tea", "oolong_tea", "puer_tea", "porcelain_cups", "clay_teapot"],
    },
    {
        "owner": ("sibirsky.dom", "Dmitry", "Volkov"),
        "merchant": {
            "legal_name": "ООО «Сибирский Торговый Дом»",
            "trade_name": "Sibirsky Dom",
            "country": "RU",
            "registration_number": "5406812345",
            "licence_number": "RU-54-2022-11873",
            "contact_person": "Дмитрий Волков",
            "phone": "+7 383 210 4455",
            "email": "export@sibdom.ru",
            "address": "Horgos ICBC, building D1, Kazakh side",
        },
        "languages": ("ru", "en", "kk"),
        "shops": [("D1-1-011", ZoneSide.KZ, "Сибирский Дом", "46.00")],
        "products": [
            "russian_chocolate",
            "korovka",
            "pine_nuts",
            "buckwheat",
            "hand_cream",
            "face_cream",
            "pavlovo_shawl",
            "matryoshka",
        ],
    },
    {
        "owner": ("samarkand.silk", "Dilnoza", "Karimova"),
        "merchant": {
            "legal_name": "OOO «Samarqand Ipak Yo'li»",
            "trade_name": "Samarkand Silk",
            "country": "UZ",
            "registration_number": "305784112",
            "licence_number": "UZ-SAM-2023-0456",
            "contact_person": "Dilnoza Karimova",
            "phone": "+998 66 233 4567",
            "email": "info@samarkandsilk.uz",
            "address": "Horgos ICBC, building C3, Kazakh side",
        },
        "languages": ("ru", "en"),
        "shops": [
            ("C3-1-102", ZoneSide.KZ, "Samarkand Silk · Kazakh side", "33.00"),
            ("B2-2-014", ZoneSide.CN, "Samarkand Silk · Chinese side", "29.50"),
        ],
        "products": [
            "apricots",
            "raisins",
            "almonds",
            "dried_melon",
            "silk_scarf",
            "suzani_cushion",
            "bed_linen",
            "ceramic_plate",
        ],
    },
    {
        "owner": ("anatolia", "Emre", "Yilmaz"),
        "merchant": {
            "legal_name": "Anadolu Tekstil Dış Ticaret A.Ş.",
            "trade_name": "Anatolia Tekstil",
            "country": "TR",
            "registration_number": "0680412345",
            "licence_number": "TR-IST-2022-7781",
            "contact_person": "Emre Yılmaz",
            "phone": "+90 212 555 0199",
            "email": "export@anatoliatekstil.com.tr",
            "address": "Horgos ICBC, buildings B2 and D2",
        },
        "languages": ("en", "ru"),
        "shops": [
            ("B2-1-015", ZoneSide.CN, "Anatolia · Chinese side", "41.00"),
            ("D2-2-030", ZoneSide.KZ, "Anatolia · Kazakh side", "27.00"),
        ],
        "products": [
            "towel",
            "bathrobe",
            "dress",
            "leather_shoes",
            "turkish_delight",
            "baklava",
            "turkish_coffee",
            "olive_soap",
            "hazelnuts",
            "rize_tea",
        ],
    },
]

PENDING_APPLICATION = {
    "owner": ("zhetisu.felt", "Nurlan", "Abenov"),
    "merchant": {
        "legal_name": "ИП «Жетісу Киіз»",
        "trade_name": "Zhetisu Felt",
        "country": "KZ",
        "registration_number": "850312300456",
        "licence_number": "KZ-ALM-2025-0311",
        "contact_person": "Нұрлан Әбенов",
        "phone": "+7 728 224 0911",
        "email": "zhetisu.felt@mail.kz",
        "address": "Zharkent, Zhibek Zholy 14",
    },
}


def _pack(grams: int, scale: float = 1) -> tuple:
    """A variant by weight: its words in English, Russian, Kazakh and Chinese, and its price/weight scale."""
    if grams >= 1000 and grams % 1000 == 0:
        kilos = grams // 1000
        return (f"{kilos} kg", f"{kilos} кг", f"{kilos} кг", f"{kilos}公斤", scale)
    return (f"{grams} g", f"{grams} г", f"{grams} г", f"{grams}克", scale)


def _size(size: str) -> tuple:
    return (f"size {size}", f"размер {size}", f"өлшемі {size}", f"{size}码", 1)


def _product(*, hs: str, origin: str, price: str, weight: str, variants: list[tuple], **texts: tuple) -> dict:
    """A product: its (title, description) in each language given as keyword, e.g. ru=("Мёд", "...")."""
    return {
        "hs": hs,
        "origin": origin,
        "price": price,
        "weight": weight,
        "title": {language: text[0] for language, text in texts.items()},
        "description": {language: text[1] for language, text in texts.items()},
        "variants": variants,
    }


# Products: HS code, country of origin, price (CNY) and weight (kg) at scale 1, title and description in
# each language (a listing carries those of its merchant's languages), and variants: the variant's words
# in English, Russian, Kazakh and Chinese, added to the title, and the scale of its price and weight.
PRODUCTS = {
    "honey": _product(
        hs="040900",
        origin="KZ",
        price="68.00",
        weight="0.500",
        en=("Altai mountain honey", "Natural honey from the mountain meadows of East Kazakhstan."),
        ru=("Алтайский мёд", "Натуральный мёд с горных лугов Восточного Казахстана."),
        kk=("Алтай балы", "Шығыс Қазақстанның таулы шалғынынан жиналған табиғи бал."),
        zh_hans=("阿尔泰山蜂蜜", "来自哈萨克斯坦东部高山草甸的天然蜂蜜。"),
        variants=[_pack(500), _pack(1000, 1.9), _pack(3000, 5.4)],
    ),
    "candies": _product(
        hs="170490",
        origin="KZ",
        price="42.00",
        weight="0.500",
        en=("Rakhat candy assortment", "An assortment of candies from the Almaty confectionery."),
        ru=("Конфеты «Рахат», ассорти", "Ассорти конфет алматинской кондитерской фабрики."),
        kk=("«Рахат» кәмпиттері", "Алматы кондитерлік фабрикасының кәмпиттер жиынтығы."),
        zh_hans=("拉哈特什锦糖果", "阿拉木图糖果厂什锦糖果。"),
        variants=[_pack(300, 0.6), _pack(500), _pack(1000, 1.9)],
    ),
    "chocolate": _product(
        hs="180632",
        origin="KZ",
        price="18.50",
        weight="0.100",
        en=("Kazakhstan dark chocolate", "Classic dark chocolate, 70 % cocoa."),
        ru=("Шоколад «Казахстан» тёмный", "Классический тёмный шоколад, какао 70 %."),
        kk=("«Қазақстан» қара шоколады", "Классикалық қара шоколад, какао 70 %."),
        zh_hans=("哈萨克斯坦黑巧克力", "经典黑巧克力，可可含量70%。"),
        variants=[_pack(100), ("10 × 100 g", "10 × 100 г", "10 × 100 г", "10×100克", 10)],
    ),
    "cranberries": _product(
        hs="200893",
        origin="KZ",
        price="36.00",
        weight="0.250",
        en=("Dried cranberries", "Sweetened dried cranberries, for baking and with tea."),
        ru=("Клюква сушёная", "Сушёная клюква в сахаре, для выпечки и к чаю."),
        kk=("Кептірілген мүкжидек", "Қантпен кептірілген мүкжидек, тоқашқа және шайға."),
        zh_hans=("蔓越莓干", "加糖蔓越莓干，适合烘焙和配茶。"),
        variants=[_pack(250), _pack(1000, 4)],
    ),
    "felt_slippers": _product(
        hs="640520",
        origin="KZ",
        price="95.00",
        weight="0.400",
        en=("Felt house slippers", "Hand-felted slippers of sheep's wool."),
        ru=("Войлочные тапочки", "Тапочки из овечьего войлока ручной валки."),
        kk=("Киіз үй шәркейі", "Қой жүнінен қолмен басылған киіз шәркей."),
        zh_hans=("毛毡拖鞋", "手工羊毛毡拖鞋。"),
        variants=[_size("38"), _size("41"), _size("44")],
    ),
    "toffees": _product(
        hs="170490",
        origin="KZ",
        price="24.00",
        weight="0.300",
        en=("Balkaymak cream toffees", "Soft toffees made with cream and honey."),
        ru=("Ириски «Балкаймак»", "Мягкие ириски со сливками и мёдом."),
        kk=("«Балқаймақ» ирисі", "Қаймақ пен бал қосылған жұмсақ ирис."),
        zh_hans=("奶油太妃糖", "奶油蜂蜜软太妃糖。"),
        variants=[_pack(300)],
    ),
    "shyrdak": _product(
        hs="570500",
        origin="KZ",
        price="680.00",
        weight="4.000",
        en=("Felt rug with Kazakh ornament", "Hand-sewn felt rug (syrmak) from Zhetysu."),
        ru=("Войлочный ковёр с казахским орнаментом", "Сырмак ручной работы из Жетысу."),
        kk=("Қазақ оюлы сырмақ", "Жетісу шеберлерінің қолдан тігілген сырмағы."),
        zh_hans=("哈萨克图案毛毡地毯", "七河地区手工缝制毛毡地毯。"),
        variants=[
            ("120 × 180 cm", "120 × 180 см", "120 × 180 см", "120×180厘米", 1),
            ("200 × 300 cm", "200 × 300 см", "200 × 300 см", "200×300厘米", 2.6),
        ],
    ),
    "apple_jam": _product(
        hs="200799",
        origin="KZ",
        price="29.00",
        weight="0.450",
        en=("Almaty aport apple jam", "Jam of the famous Almaty aport apples."),
        ru=("Варенье из алматинского апорта", "Варенье из знаменитых алматинских яблок апорт."),
        kk=("Алматы апортынан тосап", "Әйгілі Алматы апортынан жасалған тосап."),
        zh_hans=("阿拉木图苹果果酱", "用著名的阿拉木图阿波尔特苹果制成。"),
        variants=[_pack(450), _pack(900, 1.8)],
    ),
    "smartphone": _product(
        hs="851713",
        origin="CN",
        price="1299.00",
        weight="0.210",
        en=("Smartphone 6.7-inch", "Dual SIM, 5000 mAh battery, Russian and Kazakh menus."),
        ru=("Смартфон 6,7 дюйма", "Две SIM-карты, батарея 5000 мА·ч, меню на русском и казахском."),
        kk=("Смартфон 6,7 дюйм", "Екі SIM-карта, 5000 мА·сағ батарея, орыс және қазақ тілдеріндегі мәзір."),
        zh_hans=("6.7英寸智能手机", "双卡双待，5000毫安电池，支持俄语和哈萨克语。"),
        variants=[("128 GB", "128 ГБ", "128 ГБ", "128GB", 1), ("256 GB", "256 ГБ", "256 ГБ", "256GB", 1.3)],
    ),
    "earbuds": _product(
        hs="851762",
        origin="CN",
        price="159.00",
        weight="0.060",
        en=("Wireless Bluetooth earbuds", "Bluetooth 5.3, active noise cancelling, 30 hours with the case."),
        ru=("Беспроводные Bluetooth-наушники", "Bluetooth 5.3, активное шумоподавление, 30 часов с кейсом."),
        kk=("Сымсыз Bluetooth құлаққаптары", "Bluetooth 5.3, белсенді шу басу, қабымен 30 сағат."),
        zh_hans=("无线蓝牙耳机", "蓝牙5.3，主动降噪，续航30小时。"),
        variants=[("white", "белые", "ақ", "白色", 1), ("black", "чёрные", "қара", "黑色", 1)],
    ),
    "smartwatch": _product(
        hs="851762",
        origin="CN",
        price="399.00",
        weight="0.050",
        en=("Smart watch with heart-rate sensor", "AMOLED screen, GPS, seven days on one charge."),
        ru=("Смарт-часы с пульсометром", "Экран AMOLED, GPS, семь дней без подзарядки."),
        kk=("Пульсометрі бар смарт-сағат", "AMOLED экран, GPS, бір зарядпен жеті күн."),
        zh_hans=("心率智能手表", "AMOLED屏幕，GPS，续航七天。"),
        variants=[("black", "чёрные", "қара", "黑色", 1), ("silver", "серебристые", "күміс түсті", "银色", 1.05)],
    ),
    "power_bank": _product(
        hs="850760",
        origin="CN",
        price="89.00",
        weight="0.350",
        en=("Power bank", "Lithium-ion, two USB outputs, fast charging."),
        ru=("Внешний аккумулятор", "Литий-ионный, два выхода USB, быстрая зарядка."),
        kk=("Сыртқы аккумулятор", "Литий-ионды, екі USB шығысы, жылдам зарядтау."),
        zh_hans=("充电宝", "锂离子电池，双USB输出，支持快充。"),
        variants=[
            ("10,000 mAh", "10 000 мА·ч", "10 000 мА·сағ", "10000毫安", 1),
            ("20,000 mAh", "20 000 мА·ч", "20 000 мА·сағ", "20000毫安", 1.6),
        ],
    ),
    "tshirt": _product(
        hs="610910",
        origin="CN",
        price="39.00",
        weight="0.180",
        en=("Cotton T-shirt", "100 % cotton jersey, unisex fit."),
        ru=("Футболка хлопковая", "100 % хлопок, трикотаж, унисекс."),
        kk=("Мақта футболка", "100 % мақта, трикотаж, унисекс."),
        zh_hans=("纯棉T恤", "100%棉，针织，男女同款。"),
        variants=[
            ("white, M", "белая, M", "ақ, M", "白色 M", 1),
            ("black, L", "чёрная, L", "қара, L", "黑色 L", 1),
            ("blue, XL", "синяя, XL", "көк, XL", "蓝色 XL", 1.05),
        ],
    ),
    "trousers": _product(
        hs="620342",
        origin="CN",
        price="119.00",
        weight="0.550",
        en=("Men's cotton trousers", "Cotton twill, straight cut."),
        ru=("Брюки мужские хлопковые", "Хлопковый твил, прямой крой."),
        kk=("Ерлер мақта шалбары", "Мақта твил, тік пішім."),
        zh_hans=("男士棉质长裤", "斜纹棉布，直筒版型。"),
        variants=[_size("32"), _size("34")],
    ),
    "sneakers": _product(
        hs="640399",
        origin="CN",
        price="259.00",
        weight="0.900",
        en=("Leather sneakers", "Cowhide uppers, rubber soles."),
        ru=("Кроссовки кожаные", "Верх из натуральной кожи, резиновая подошва."),
        kk=("Былғары кроссовкалар", "Табиғи былғары, резеңке табан."),
        zh_hans=("真皮运动鞋", "牛皮鞋面，橡胶鞋底。"),
        variants=[_size("40"), _size("42"), _size("44")],
    ),
    "suitcase": _product(
        hs="420212",
        origin="CN",
        price="329.00",
        weight="3.800",
        en=("Hard-shell suitcase", "Polycarbonate shell, spinner wheels, TSA lock."),
        ru=("Чемодан на колёсах", "Корпус из поликарбоната, поворотные колёса, замок TSA."),
        kk=("Дөңгелекті чемодан", "Поликарбонат корпус, айналмалы дөңгелектер."),
        zh_hans=("拉杆箱", "PC外壳，万向轮，海关锁。"),
        variants=[("20-inch", "20 дюймов", "20 дюйм", "20英寸", 1), ("24-inch", "24 дюйма", "24 дюйм", "24英寸", 1.25)],
    ),
    "toy_car": _product(
        hs="950300",
        origin="CN",
        price="79.00",
        weight="0.700",
        en=("Remote-control toy car", "For children from 6, rechargeable."),
        ru=("Машинка на радиоуправлении", "Для детей от 6 лет, аккумулятор в комплекте."),
        kk=("Радиобасқарылатын ойыншық көлік", "6 жастан асқан балаларға, аккумуляторлы."),
        zh_hans=("遥控汽车玩具", "适合6岁以上儿童，可充电。"),
        variants=[("red", "красная", "қызыл", "红色", 1), ("blue", "синяя", "көк", "蓝色", 1)],
    ),
    "green_tea": _product(
        hs="090210",
        origin="CN",
        price="88.00",
        weight="0.250",
        en=("Longjing green tea", "Spring harvest from the hills of Hangzhou, pan-fired by hand."),
        ru=("Зелёный чай Лунцзин", "Весенний сбор с холмов Ханчжоу, ручная обжарка."),
        kk=("Лунцзин көк шайы", "Ханчжоу төбелерінен көктемгі жинау, қолмен қуырылған."),
        zh_hans=("西湖龙井绿茶", "杭州西湖明前春茶，手工炒制。"),
        variants=[_pack(250), _pack(500, 1.9)],
    ),
    "jasmine_tea": _product(
        hs="090210",
        origin="CN",
        price="56.00",
        weight="0.250",
        en=("Fujian jasmine tea", "Green tea scented with jasmine blossoms."),
        ru=("Жасминовый чай из Фуцзяни", "Зелёный чай, ароматизированный цветами жасмина."),
        kk=("Фуцзянь жасмин шайы", "Жасмин гүлімен хош иістендірілген көк шай."),
        zh_hans=("福建茉莉花茶", "绿茶窨制茉莉花，香气清雅。"),
        variants=[
            _pack(250),
            ("100 g gift box", "100 г, подарочная коробка", "100 г, сыйлық қорабы", "100克礼盒", 0.6),
        ],
    ),
    "oolong_tea": _product(
        hs="090230",
        origin="CN",
        price="128.00",
        weight="0.250",
        en=("Tieguanyin oolong tea", "Rolled oolong from Anxi, floral and sweet."),
        ru=("Улун Тегуаньинь", "Скрученный улун из Аньси, цветочный и сладковатый."),
        kk=("Тегуаньинь улун шайы", "Аньсидің оралған улуны."),
        zh_hans=("安溪铁观音", "安溪乌龙茶，兰花香，回甘。"),
        variants=[_pack(250), _pack(500, 1.9)],
    ),
    "puer_tea": _product(
        hs="090240",
        origin="CN",
        price="168.00",
        weight="0.357",
        en=("Yunnan Pu'er tea cake", "Ripe Pu'er, a 357 g cake pressed in 2019."),
        ru=("Пуэр юньнаньский, блин", "Шу пуэр, блин 357 г, прессовка 2019 года."),
        kk=("Юньнань пуэр шайы", "Шу пуэр, 357 г, 2019 жылы престелген."),
        zh_hans=("云南普洱茶饼", "熟普洱，357克茶饼，2019年压制。"),
        variants=[_pack(357)],
    ),
    "porcelain_cups": _product(
        hs="691110",
        origin="CN",
        price="138.00",
        weight="0.800",
        en=("Jingdezhen porcelain tea cups", "Blue-and-white porcelain, set of six."),
        ru=("Набор чайных чашек из фарфора", "Сине-белый фарфор, шесть чашек."),
        kk=("Фарфор шай кеселер жиынтығы", "Көк-ақ фарфор, алты кесе."),
        zh_hans=("景德镇青花瓷茶杯", "青花瓷，六只装。"),
        variants=[("set of 6", "6 шт.", "6 дана", "六只装", 1)],
    ),
    "clay_teapot": _product(
        hs="691200",
        origin="CN",
        price="260.00",
        weight="0.450",
        en=("Yixing clay teapot", "Handmade purple-clay teapot, 200 ml."),
        ru=("Чайник из исинской глины", "Чайник ручной работы из пурпурной глины, 200 мл."),
        kk=("Исин балшығынан шәйнек", "Қолдан жасалған шәйнек, 200 мл."),
        zh_hans=("宜兴紫砂壶", "手工紫砂壶，200毫升。"),
        variants=[("200 ml", "200 мл", "200 мл", "200毫升", 1)],
    ),
    "russian_chocolate": _product(
        hs="180632",
        origin="RU",
        price="16.00",
        weight="0.100",
        en=("Alenka milk chocolate", "The classic milk chocolate of the Krasny Oktyabr factory."),
        ru=("Шоколад «Алёнка» молочный", "Классический молочный шоколад фабрики «Красный Октябрь»."),
        kk=("«Алёнка» сүт шоколады", "«Красный Октябрь» фабрикасының классикалық сүт шоколады."),
        zh_hans=("阿廖恩卡牛奶巧克力", "红十月工厂经典牛奶巧克力。"),
        variants=[_pack(100), ("15 × 100 g", "15 × 100 г", "15 × 100 г", "15×100克", 15)],
    ),
    "korovka": _product(
        hs="170490",
        origin="RU",
        price="28.00",
        weight="0.250",
        en=("Korovka milk fudge candies", "Milk fudge candies made to the Soviet standard recipe."),
        ru=("Конфеты «Коровка»", "Молочные помадные конфеты по рецепту ГОСТ."),
        kk=("«Коровка» кәмпиттері", "МЕМСТ рецептімен жасалған сүт кәмпиттері."),
        zh_hans=("小母牛牛奶软糖", "按苏联标准配方制作的牛奶软糖。"),
        variants=[_pack(250), _pack(1000, 3.8)],
    ),
    "pine_nuts": _product(
        hs="080292",
        origin="RU",
        price="98.00",
        weight="0.200",
        en=("Siberian pine nuts, shelled", "Harvested in the taiga of the Tomsk region."),
        ru=("Кедровые орехи очищенные", "Урожай тайги Томской области."),
        kk=("Тазартылған самырсын жаңғағы", "Томск облысының тайгасынан жиналған."),
        zh_hans=("西伯利亚松子仁", "采自托木斯克州的针叶林。"),
        variants=[_pack(200), _pack(500, 2.4)],
    ),
    "buckwheat": _product(
        hs="100810",
        origin="RU",
        price="22.00",
        weight="0.900",
        en=("Buckwheat groats", "Whole buckwheat groats, first grade."),
        ru=("Гречка ядрица", "Крупа гречневая, первый сорт."),
        kk=("Қарақұмық жармасы", "Бірінші сұрыпты қарақұмық жармасы."),
        zh_hans=("荞麦米", "一级荞麦米。"),
        variants=[_pack(900)],
    ),
    "hand_cream": _product(
        hs="330499",
        origin="RU",
        price="26.00",
        weight="0.080",
        en=("Sea-buckthorn hand cream", "Nourishing cream with Altai sea-buckthorn oil."),
        ru=("Крем для рук с облепихой", "Питательный крем с маслом алтайской облепихи."),
        kk=("Шырғанақ қосылған қол кремі", "Алтай шырғанақ майы бар қоректендіретін крем."),
        zh_hans=("沙棘护手霜", "含阿尔泰沙棘油的滋养霜。"),
        variants=[("75 ml", "75 мл", "75 мл", "75毫升", 1)],
    ),
    "face_cream": _product(
        hs="330499",
        origin="RU",
        price="64.00",
        weight="0.120",
        en=("Cedar night face cream", "With Siberian cedar oil and chaga extract."),
        ru=("Ночной крем для лица с кедром", "С маслом сибирского кедра и экстрактом чаги."),
        kk=("Самырсын қосылған түнгі бет кремі", "Сібір самырсын майымен."),
        zh_hans=("雪松晚霜", "含西伯利亚雪松油和白桦茸提取物。"),
        variants=[("50 ml", "50 мл", "50 мл", "50毫升", 1)],
    ),
    "pavlovo_shawl": _product(
        hs="621420",
        origin="RU",
        price="420.00",
        weight="0.300",
        en=("Pavlovo Posad wool shawl", "Printed wool shawl with a silk fringe, 125 × 125 cm."),
        ru=("Павловопосадский платок шерстяной", "Набивной шерстяной платок с шёлковой бахромой, 125 × 125 см."),
        kk=("Павлов Посад жүн орамалы", "Жібек шашақты жүн орамал, 125 × 125 см."),
        zh_hans=("巴甫洛夫羊毛披肩", "印花羊毛披肩，丝质流苏，125×125厘米。"),
        variants=[("red", "красный", "қызыл", "红色", 1), ("black", "чёрный", "қара", "黑色", 1)],
    ),
    "matryoshka": _product(
        hs="442090",
        origin="RU",
        price="85.00",
        weight="0.300",
        en=("Matryoshka nesting doll", "Hand-painted lime wood."),
        ru=("Матрёшка", "Липа, ручная роспись."),
        kk=("Матрешка қуыршағы", "Жөке ағашы, қолмен боялған."),
        zh_hans=("俄罗斯套娃", "椴木手绘。"),
        variants=[("5 pieces", "5 мест", "5 дана", "五件套", 1), ("10 pieces", "10 мест", "10 дана", "十件套", 2.5)],
    ),
    "apricots": _product(
        hs="081310",
        origin="UZ",
        price="48.00",
        weight="0.500",
        en=("Uzbek dried apricots", "Sun-dried, no sugar or preservatives."),
        ru=("Курага узбекская", "Солнечная сушка, без сахара и консервантов."),
        kk=("Өзбек қайысы", "Күнде кептірілген, қантсыз."),
        zh_hans=("乌兹别克杏干", "日晒干燥，无糖无防腐剂。"),
        variants=[_pack(500), _pack(1000, 1.9)],
    ),
    "raisins": _product(
        hs="080620",
        origin="UZ",
        price="32.00",
        weight="0.500",
        en=("Golden raisins", "Seedless Kishmish raisins from the Samarkand region."),
        ru=("Изюм золотистый", "Изюм из сорта «Кишмиш», Самаркандская область."),
        kk=("Алтын түсті мейіз", "Самарқанд облысының «Кишмиш» мейізі."),
        zh_hans=("金色葡萄干", "撒马尔罕州无籽葡萄干。"),
        variants=[_pack(500), _pack(1000, 1.9)],
    ),
    "almonds": _product(
        hs="080212",
        origin="UZ",
        price="58.00",
        weight="0.500",
        en=("Shelled almonds", "Sweet almonds from the Fergana valley."),
        ru=("Миндаль очищенный", "Сладкий миндаль из Ферганской долины."),
        kk=("Тазартылған бадам", "Ферғана алқабының тәтті бадамы."),
        zh_hans=("去壳杏仁", "费尔干纳谷地甜杏仁。"),
        variants=[_pack(500)],
    ),
    "dried_melon": _product(
        hs="081340",
        origin="UZ",
        price="38.00",
        weight="0.300",
        en=("Dried melon plait", "Sun-dried Mirzachul melon, braided."),
        ru=("Дыня сушёная, косичка", "Вяленая мирзачульская дыня, плетёная косичкой."),
        kk=("Кептірілген қауын өрімі", "Күнде кептірілген, өрілген қауын."),
        zh_hans=("哈密瓜干辫", "日晒米尔扎丘尔甜瓜，编成辫状。"),
        variants=[_pack(300)],
    ),
    "silk_scarf": _product(
        hs="621410",
        origin="UZ",
        price="186.00",
        weight="0.080",
        en=("Ikat silk scarf", "Pure silk, hand-dyed in Margilan."),
        ru=("Шёлковый платок икат", "Натуральный шёлк, ручное окрашивание, Маргилан."),
        kk=("Икат жібек орамалы", "Табиғи жібек, Марғұланда қолмен боялған."),
        zh_hans=("伊卡特丝巾", "纯丝，马尔吉兰手工染色。"),
        variants=[("blue", "синий", "көк", "蓝色", 1), ("pomegranate red", "гранатовый", "анар түсті", "石榴红", 1)],
    ),
    "suzani_cushion": _product(
        hs="630492",
        origin="UZ",
        price="148.00",
        weight="0.400",
        en=("Suzani embroidered cushion cover", "Cotton, hand embroidery from Bukhara, 45 × 45 cm."),
        ru=("Наволочка с вышивкой сюзане", "Хлопок, ручная вышивка, Бухара, 45 × 45 см."),
        kk=("Сюзане кестелі жастық тысы", "Мақта, Бұхара қол кестесі, 45 × 45 см."),
        zh_hans=("苏扎尼刺绣抱枕套", "棉质，布哈拉手工刺绣，45×45厘米。"),
        variants=[("red", "красная", "қызыл", "红色", 1), ("indigo", "индиго", "индиго", "靛蓝", 1)],
    ),
    "bed_linen": _product(
        hs="630231",
        origin="UZ",
        price="268.00",
        weight="1.900",
        en=("Cotton bed linen set", "Uzbek cotton sateen, 70 × 70 pillowcases."),
        ru=("Комплект постельного белья, хлопок", "Узбекский хлопок, сатин, наволочки 70 × 70."),
        kk=("Мақта төсек жаймасы жиынтығы", "Өзбек мақтасы, сатин."),
        zh_hans=("纯棉床上用品套装", "乌兹别克棉缎纹。"),
        variants=[
            ("single", "1,5-спальный", "бір жарым кісілік", "单人", 1),
            ("double", "2-спальный", "екі кісілік", "双人", 1.3),
        ],
    ),
    "ceramic_plate": _product(
        hs="691200",
        origin="UZ",
        price="74.00",
        weight="0.900",
        en=("Rishtan ceramic platter", "Hand-painted, ishkor glaze, 32 cm across."),
        ru=("Блюдо, риштанская керамика", "Ручная роспись, глазурь ишкор, диаметр 32 см."),
        kk=("Риштан керамика табағы", "Қолмен боялған, диаметрі 32 см."),
        zh_hans=("里什坦陶瓷盘", "手绘，直径32厘米。"),
        variants=[("32 cm", "32 см", "32 см", "32厘米", 1)],
    ),
    "towel": _product(
        hs="630260",
        origin="TR",
        price="58.00",
        weight="0.600",
        en=("Turkish cotton bath towel", "Terry towelling, 600 g/m², from Denizli."),
        ru=("Банное полотенце из турецкого хлопка", "Махровая ткань 600 г/м², Денизли."),
        kk=("Түрік мақтасынан монша сүлгісі", "Махра мата 600 г/м², Денизли."),
        zh_hans=("土耳其棉浴巾", "毛圈布600克/平方米，产自代尼兹利。"),
        variants=[
            ("70 × 140 cm", "70 × 140 см", "70 × 140 см", "70×140厘米", 1),
            ("90 × 150 cm", "90 × 150 см", "90 × 150 см", "90×150厘米", 1.4),
        ],
    ),
    "bathrobe": _product(
        hs="620791",
        origin="TR",
        price="198.00",
        weight="1.200",
        en=("Cotton bathrobe", "Terry cotton, shawl collar, two pockets."),
        ru=("Халат махровый хлопковый", "Махровый хлопок, шалевый воротник, два кармана."),
        kk=("Мақта халат", "Махра мақта, екі қалта."),
        zh_hans=("纯棉浴袍", "毛圈棉，青果领，两个口袋。"),
        variants=[("M", "M", "M", "M", 1), ("XL", "XL", "XL", "XL", 1.1)],
    ),
    "dress": _product(
        hs="620442",
        origin="TR",
        price="239.00",
        weight="0.400",
        en=("Women's cotton summer dress", "Woven cotton poplin, made in Izmir."),
        ru=("Платье летнее хлопковое", "Хлопковый поплин, пошив в Измире."),
        kk=("Әйелдердің мақта жазғы көйлегі", "Мақта поплин, Измирде тігілген."),
        zh_hans=("女士纯棉夏季连衣裙", "纯棉府绸，伊兹密尔制造。"),
        variants=[("S", "S", "S", "S", 1), ("M", "M", "M", "M", 1), ("L", "L", "L", "L", 1)],
    ),
    "leather_shoes": _product(
        hs="640399",
        origin="TR",
        price="389.00",
        weight="1.100",
        en=("Men's leather loafers", "Calf leather, leather soles, handmade in Istanbul."),
        ru=("Лоферы мужские кожаные", "Телячья кожа, кожаная подошва, ручная работа."),
        kk=("Ерлер былғары лоферлері", "Бұзау былғарысы, қолдан жасалған."),
        zh_hans=("男士真皮乐福鞋", "小牛皮，皮底，伊斯坦布尔手工制作。"),
        variants=[_size("41"), _size("43")],
    ),
    "turkish_delight": _product(
        hs="170490",
        origin="TR",
        price="46.00",
        weight="0.500",
        en=("Turkish delight with pistachios", "Rose and pistachio lokum from Gaziantep."),
        ru=("Рахат-лукум с фисташками", "Лукум с розой и фисташками из Газиантепа."),
        kk=("Пісте қосылған рахат-лукум", "Газиантептің раушан мен пісте лукумы."),
        zh_hans=("开心果土耳其软糖", "加济安泰普玫瑰开心果软糖。"),
        variants=[_pack(500), _pack(1000, 1.9)],
    ),
    "baklava": _product(
        hs="190590",
        origin="TR",
        price="88.00",
        weight="0.500",
        en=("Pistachio baklava", "Thin layers of pastry with Antep pistachios."),
        ru=("Пахлава с фисташками", "Тонкое тесто с антепскими фисташками."),
        kk=("Пісте қосылған пахлава", "Антеп пістесі бар жұқа қамыр."),
        zh_hans=("开心果果仁蜜饼", "薄酥皮配安泰普开心果。"),
        variants=[_pack(500)],
    ),
    "turkish_coffee": _product(
        hs="090121",
        origin="TR",
        price="36.00",
        weight="0.250",
        en=("Turkish coffee, finely ground", "Roasted arabica, ground for the cezve."),
        ru=("Кофе по-турецки, мелкий помол", "Обжаренная арабика, помол для джезвы."),
        kk=("Түрік кофесі, ұсақ тартылған", "Қуырылған арабика, джезвеге арналған."),
        zh_hans=("土耳其咖啡粉", "烘焙阿拉比卡，适合土耳其咖啡壶。"),
        variants=[_pack(100, 0.45), _pack(250)],
    ),
    "olive_soap": _product(
        hs="340111",
        origin="TR",
        price="19.00",
        weight="0.150",
        en=("Olive oil soap", "Cold-process soap from Ayvalık olive oil."),
        ru=("Мыло на оливковом масле", "Мыло холодного способа из оливкового масла Айвалыка."),
        kk=("Зәйтүн майынан жасалған сабын", "Айвалық зәйтүн майынан жасалған сабын."),
        zh_hans=("橄榄油香皂", "艾瓦勒克橄榄油冷制皂。"),
        variants=[_pack(150), ("3 × 150 g", "3 × 150 г", "3 × 150 г", "3×150克", 2.8)],
    ),
    "hazelnuts": _product(
        hs="080222",
        origin="TR",
        price="62.00",
        weight="0.500",
        en=("Roasted Giresun hazelnuts", "Shelled, roasted Black Sea hazelnuts."),
        ru=("Фундук жареный из Гиресуна", "Очищенный жареный фундук с Черноморского побережья."),
        kk=("Гиресун қуырылған фундугы", "Қара теңіз жағалауының тазартылған фундугы."),
        zh_hans=("吉雷松烤榛子", "黑海沿岸去壳烤榛子。"),
        variants=[_pack(500)],
    ),
    "rize_tea": _product(
        hs="090240",
        origin="TR",
        price="44.00",
        weight="1.000",
        en=("Rize black tea", "Black tea from the Black Sea slopes of Rize."),
        ru=("Чай чёрный из Ризе", "Чёрный чай с черноморских склонов Ризе."),
        kk=("Ризе қара шайы", "Ризенің Қара теңіз беткейлерінің қара шайы."),
        zh_hans=("里泽红茶", "产自里泽黑海山坡的红茶。"),
        variants=[_pack(1000), _pack(500, 0.55)],
    ),
}
VARIANT_LANGUAGES = ("en", "ru", "kk", "zh_hans")
DEMO_HS_CODES = sorted({product["hs"] for product in PRODUCTS.values()})
REJECTION_REASON = (
    "The HS code does not match the product: fermented (black) tea is 090240, not 090210. Correct it and submit again."
)


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args, **options):
        try:
            call_command("merchants_load_hs", verbosity=0)
        except FileNotFoundError as error:
            self.stderr.write(f"HS reference data not loaded ({error}); using the headings already in the database")
        if Merchant.objects.exists():
            self.stdout.write("merchants present; left as they are")
            return
        headings = {heading.code: heading for heading in HsHeading.objects.filter(code__in=_headings_needed())}
        missing = sorted(set(_headings_needed()) - set(headings))
        if missing:
            raise CommandError(f"HS headings missing for the demo listings: {', '.join(missing)}")
        with transaction.atomic():
            created = self._create(headings)
        self.stdout.write(self.style.SUCCESS(", ".join(f"{count} {what}" for what, count in created.items())))

    def _create(self, headings: dict[str, HsHeading]) -> dict[str, int]:
        rng = random.Random(DEMO_SEED)
        today = timezone.localdate()
        now = timezone.now()
        # One hash for every demo owner: hashing is deliberately slow, and the password is public anyway.
        password = make_password(DEMO_PASSWORD)
        merchants, shops, listings = [], [], []
        for index, spec in enumerate([*MERCHANTS, PENDING_APPLICATION]):
            pending = spec is PENDING_APPLICATION
            merchant = Merchant(
                **spec["merchant"],
                licence_valid_until=today + timedelta(days=400 + 90 * index),
                state=MerchantState.PENDING if pending else MerchantState.APPROVED,
            )
            merchant.full_clean()
            merchant.save()
            merchants.append(merchant)
            username, first_name, last_name = spec["owner"]
            owner = User.objects.filter(username=username, role=Role.MERCHANT).first() or User.objects.create(
                username=username,
                first_name=first_name,
                last_name=last_name,
                email=spec["merchant"]["email"],
                role=Role.MERCHANT,
                password=password,
            )
            if not hasattr(owner, "merchant_membership"):
                MerchantMember.objects.create(user=owner, merchant=merchant, role=MemberRole.OWNER)
            if pending:
                continue
            for unit_code, side, name, area in spec["shops"]:
                shop = Shop(
                    merchant=merchant,
                    unit_code=unit_code,
                    side=side,
                    name=name,
                    area_m2=Decimal(area),
                    opened_on=today - timedelta(days=rng.randint(60, 900)),
                )
                shop.full_clean()
                shop.save()
                shops.append(shop)
                listings += _listings_for(shop, spec, headings, rng)
        _link_demo_user(merchants[0])
        _moderate(listings, rng, now)
        Listing.objects.bulk_create(listings)
        rejected = next(listing for listing in listings if listing.state == ListingState.REJECTED)
        Notification.objects.create(
            merchant=rejected.shop.merchant,
            kind=NotificationKind.LISTING_REJECTED,
            message=f"{rejected.title}: {rejected.rejection_reason}"[:500],
        )
        return {"merchants": len(merchants), "shops": len(shops), "listings": len(listings)}


def _headings_needed() -> list[str]:
    return sorted({code[:4] for code in DEMO_HS_CODES})


def _listings_for(shop: Shop, spec: dict, headings: dict[str, HsHeading], rng: random.Random) -> list[Listing]:
    """A listing for each variant of each of the merchant's products (its shops carry the whole range),
    titled and described in the merchant's languages, priced a little differently in each shop."""
    listings = []
    for key in spec["products"]:
        product = PRODUCTS[key]
        for variant in product["variants"]:
            words = dict(zip(VARIANT_LANGUAGES, variant[:4], strict=True))
            scale = Decimal(str(variant[4]))
            price = Decimal(product["price"]) * scale * Decimal(rng.randint(92, 112)) / 100
            texts = {}
            for language in spec["languages"]:
                separator = " " if language == "zh_hans" else ", "
                texts[f"title_{language}"] = f"{product['title'][language]}{separator}{words[language]}"
                texts[f"description_{language}"] = product["description"][language]
            listings.append(
                Listing(
                    shop=shop,
                    **texts,
                    hs_code=product["hs"],
                    hs_heading=headings[product["hs"][:4]],
                    origin_country=product["origin"],
                    price=price.quantize(Decimal("0.01")),
                    unit_weight_kg=(Decimal(product["weight"]) * scale).quantize(Decimal("0.001")),
                    in_stock=rng.random() > 0.1,
                )
            )
    return listings


def _moderate(listings: list[Listing], rng: random.Random, now) -> None:
    """Most listings approved, some waiting for review, a few drafts, and one black tea rejected for its HS code."""
    for listing in listings:
        draw = rng.random()
        days_ago = rng.randint(1, 120)
        if draw < 0.08:
            listing.state = ListingState.DRAFT
            continue
        listing.submitted_at = now - timedelta(days=days_ago, hours=rng.randint(1, 20))
        if draw < 0.22:
            listing.state = ListingState.SUBMITTED
        else:
            listing.state = ListingState.APPROVED
            listing.reviewed_at = listing.submitted_at + timedelta(hours=rng.randint(2, 40))
    black_tea = next(listing for listing in listings if listing.hs_code == "090240")
    black_tea.hs_code = "090210"  # the merchant's mistake the administrator caught
    black_tea.state = ListingState.REJECTED
    black_tea.rejection_reason = REJECTION_REASON
    black_tea.submitted_at = now - timedelta(days=3)
    black_tea.reviewed_at = now - timedelta(days=2)


def _link_demo_user(merchant: Merchant) -> None:
    """The demo login `merchant`, when it exists and belongs to no merchant yet, becomes an owner here."""
    user = User.objects.filter(username=EXISTING_DEMO_USER, role=Role.MERCHANT).first()
    if user is not None and not MerchantMember.objects.filter(user=user).exists():
        MerchantMember.objects.create(user=user, merchant=merchant, role=MemberRole.OWNER)
