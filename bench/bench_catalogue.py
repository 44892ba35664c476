"""The public catalogue with 50,000 listings: how long a search takes, by kind of filter.

Builds 50,000 approved listings (titles in Russian, Kazakh, Chinese and English) in a scratch
database, then times the catalogue's FilterSet + the first page, as the catalogue page runs it (matches counted up
to CATALOGUE_COUNT_CAP, the first 24 in the default order), and prints p50 per query. Side by side in the same
rounds, the way it was before: an exact count, and the first page without the index of the default order
(dropped in a transaction rolled back after each round). Run by `make bench`.
"""

import os
import random
import statistics
import sys
import time
from datetime import date
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")

from bench.harness import report
from bench.scratch import scratch_database

LISTINGS = 50_000
ROUNDS = 15
WORDS = {
    "ru": ["сапоги", "чай", "мёд", "ковёр", "платок", "кофе", "шоколад", "халат"],
    "kk": ["етік", "шай", "бал", "кілем", "орамал", "кофе", "шоколад", "шапан"],
    "zh": ["靴子", "绿茶", "蜂蜜", "地毯", "围巾", "咖啡", "巧克力", "长袍"],
    "en": ["boots", "tea", "honey", "carpet", "scarf", "coffee", "chocolate", "robe"],
}


def build(rng: random.Random) -> None:
    from django.core.management import call_command

    from merchants.models import HsHeading, Listing, Merchant, Shop

    call_command("migrate", verbosity=0)
    call_command("merchants_load_hs", verbosity=0)
    headings = list(HsHeading.objects.all()[:300])
    merchants = Merchant.objects.bulk_create(
        Merchant(
            legal_name=f"M{n}",
            trade_name=f"M{n}",
            country="KZ",
            registration_number=f"R{n}",
            licence_number="L",
            licence_valid_until=date(2030, 1, 1),
            contact_person="C",
            phone="+77000000000",
            email="m@example.kz",
            address="A",
            state="approved",
        )
        for n in range(200)
    )
    shops = Shop.objects.bulk_create(
        Shop(
            unit_code=f"B{n % 9 + 1}-{n % 3 + 1}-{n:03d}",
            side="CN" if n % 2 else "KZ",
            merchant=merchants[n % 200],
            name=f"Shop {n}",
            area_m2=Decimal("30"),
            opened_on=date(2025, 1, 1),
        )
        for n in range(1000)
    )

    batch = []
    for n in range(LISTINGS):
        index = rng.randrange(8)
        heading = rng.choice(headings)
        batch.append(
            Listing(
                shop=shops[n % 1000],
                title_ru=f"{WORDS['ru'][index]} {n}",
                title_kk=WORDS["kk"][index],
                title_zh_hans=f"优质{WORDS['zh'][index]}{n % 97}",
                title_en=f"{WORDS['en'][index]} no. {n}",
                description_ru="Ручная работа, доставка по зоне.",
                hs_code=f"{heading.code}00",
                hs_heading=heading,
                origin_country=rng.choice(["KZ", "CN", "RU", "UZ", "TR", "DE"]),
                price=Decimal(rng.randrange(5, 5000)),
                unit_weight_kg=Decimal("0.5"),
                state="approved",
            )
        )
    Listing.objects.bulk_create(batch, batch_size=5000)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # as autovacuum would have by now


# The index of the catalogue's default order (merchants/migrations/0010): "before" runs without it.
ORDER_INDEX = "listing_catalogue_newest_idx"


def without_order_index(run):
    """`run()` with the order index dropped, in a transaction rolled back afterwards."""
    from django.db import connection, transaction

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"DROP INDEX {ORDER_INDEX}")
        result = run()
        transaction.set_rollback(True)
    return result


def timed(name: str, search) -> None:
    from merchants.selectors.catalogue import CATALOGUE_COUNT_CAP

    def before():
        rows = search()
        count = rows.count()
        list(rows[:24])
        return count

    def after():
        rows = search()
        count = rows[: CATALOGUE_COUNT_CAP + 1].count()
        list(rows[:24])
        return count

    durations = {"before": [], "after": []}
    for _ in range(ROUNDS):  # alternated, so that both meet the same load
        started = time.perf_counter()
        count = without_order_index(before)
        durations["before"].append((time.perf_counter() - started) * 1000)
        started = time.perf_counter()
        counted = after()
        durations["after"].append((time.perf_counter() - started) * 1000)
    was, now = (statistics.median(durations[key]) for key in ("before", "after"))
    shown = f"more than {CATALOGUE_COUNT_CAP:,}" if counted > CATALOGUE_COUNT_CAP else f"{counted:,}"
    report(
        measure=f"catalogue search at {LISTINGS:,} listings: {name}",
        figures=f"{count:,} found ({shown} shown); p50 {now:.1f} ms (count up to {CATALOGUE_COUNT_CAP:,} + first "
        f"page of 24) vs {was:.1f} ms before (exact count, no order index); {ROUNDS} rounds each, alternated",
        ratio=f"{now / was:.2f}x before",
        target="p50 < 200 ms",
        met=now < 200,
    )


def measure() -> None:
    import django

    django.setup()
    from merchants.filtersets import CatalogueFilterSet
    from merchants.selectors.catalogue import catalogue_listings

    def catalogue_search(**query):
        return CatalogueFilterSet(query or None, queryset=catalogue_listings()).qs

    build(random.Random(7))
    print(f"catalogue benchmark: {LISTINGS:,} approved listings, count + first page of 24")
    timed("no filter", lambda: catalogue_search())
    timed("Russian word: сапоги", lambda: catalogue_search(q="сапоги"))
    timed("Kazakh word: кілем", lambda: catalogue_search(q="кілем"))
    timed("English word: carpet", lambda: catalogue_search(q="carpet"))
    timed("Chinese word (3 characters): 巧克力", lambda: catalogue_search(q="巧克力"))
    timed("Chinese substring: 绿茶", lambda: catalogue_search(q="绿茶"))
    timed("Chinese, one character: 茶", lambda: catalogue_search(q="茶"))
    timed("a word few listings have: 12345", lambda: catalogue_search(q="12345"))
    timed("HS chapter 09 + price 100-400", lambda: catalogue_search(hs_chapter="09", price_min=100, price_max=400))
    timed("origin KZ, side CN", lambda: catalogue_search(origin_country="KZ", side="CN"))
    timed("sorted by price, no filter", lambda: catalogue_search(sort="price"))


def main() -> None:
    with scratch_database(f"horgos_bench_catalogue_{os.getpid()}"):
        measure()


if __name__ == "__main__":
    main()
