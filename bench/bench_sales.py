"""Concurrent duty-free sales to one buyer: 8 clients, each a clerk at a shop of a different merchant, ring up sales
to the same traveller through the API (gunicorn with 3 workers, as in docker-compose), each with its own
Idempotency-Key, until the buyer's allowance runs out. The allowance must never be exceeded (the ledger is locked and
CHECK-backed); the refusals are counted, and the rate of recorded sales is the figure (target ≥ 100 sales/s).

Builds its data in a scratch database: the zone's and trade's reference data, 8 approved merchants with a shop and a
listing in stock each, and a buyer inside the zone (entered through the Chinese checkpoint, whose allowance is
CNY 8,000.00 a day without a weight limit). Run by `make bench`; alone: `python bench/bench_sales.py`.
"""

import http.client
import json
import os
import resource
import statistics
import sys
import threading
import time
import uuid
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.test")

from bench.harness import report
from bench.scratch import scratch_database

CLIENTS = 8
SALES_PER_CLIENT = 250
PRICE = Decimal("6.00")  # 8,000.00 / 6.00: 1,333 sales fit, the rest of the 2,000 are refused
TARGET_SALES_PER_SECOND = 100
HOST = "horgos.example.org"


def build():
    """The zone, 8 merchants with a shop and a listing each, their clerks' API tokens, and a buyer inside the zone."""
    from django.core.management import call_command
    from django.utils import timezone

    from crossings.models import Checkpoint, Lane, OfficerAssignment
    from crossings.services.crossings import crossing_record_entry
    from horgos.services import api_token_issue_personal
    from merchants.choices import ListingState
    from tests.crossings.factories import DocumentFactory, TravellerFactory
    from tests.factories import OfficerFactory
    from tests.merchants.factories import ListingFactory, OwnerFactory, ShopFactory, load_some_hs

    call_command("migrate", verbosity=0)
    call_command("crossings_load_reference", verbosity=0)
    call_command("trade_load_reference", verbosity=0)
    load_some_hs()
    clerks = []
    for _ in range(CLIENTS):
        owner = OwnerFactory()
        shop = ShopFactory(merchant=owner.merchant)
        listing = ListingFactory(
            shop=shop, price=PRICE, unit_weight_kg=Decimal("0.100"), stock_quantity=100_000, state=ListingState.APPROVED
        )
        token = api_token_issue_personal(user=owner.user, acting_user=owner.user).secret
        clerks.append({"token": token, "shop": shop.pk, "listing": listing.pk})
    passport = DocumentFactory(
        traveller=TravellerFactory(nationality="KZ"), issuing_country="KZ", valid_until=date(2032, 1, 1)
    )
    checkpoint = Checkpoint.objects.get(code="CN")
    # Entered at the last 10:00 local time: within the checkpoint's hours, and within the 24 hours a crossing may
    # be recorded after it happened (yesterday's 10:00 was past them once the run started after 10:00 in Beijing)
    local_now = timezone.localtime(timezone.now(), checkpoint.zone)
    entered_at = local_now.replace(hour=10, minute=0, second=0, microsecond=0)
    if entered_at > local_now:
        entered_at -= timedelta(days=1)
    officer = OfficerFactory()
    OfficerAssignment.objects.create(officer=officer, checkpoint=checkpoint)
    lane = Lane.objects.get(checkpoint=checkpoint, code="E-F01")
    entry = crossing_record_entry(document=passport, lane=lane, at=entered_at, acting_user=officer)
    if entry.outcome != "admitted":
        raise SystemExit(f"the buyer was not admitted: {entry.outcome}")
    document = {"document_type": passport.document_type, "issuing_country": "KZ", "number": passport.number}
    return clerks, document, passport.traveller_id


def sell(port: int, clerk: dict, document: dict, receipt: str) -> tuple[int, float]:
    body = {"shop": clerk["shop"], "document": document, "receipt_number": receipt,
            "lines": [{"listing": clerk["listing"], "quantity": 1}]}  # fmt: skip
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", "Content-Type": "application/json",
               "Authorization": f"Token {clerk['token']}", "Idempotency-Key": str(uuid.uuid4())}  # fmt: skip
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("POST", "/api/v1/sales/", json.dumps(body), headers)
        response = connection.getresponse()
        response.read()
    finally:
        connection.close()
    return response.status, time.perf_counter() - started


def run_clients(port: int, clerks: list[dict], document: dict) -> tuple[list[tuple[int, float]], float]:
    answers: list[tuple[int, float]] = []

    def client(number: int) -> None:
        for n in range(SALES_PER_CLIENT):
            answers.append(sell(port, clerks[number], document, f"BENCH-{number}-{n}"))

    threads = [threading.Thread(target=client, args=(number,)) for number in range(CLIENTS)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers, time.perf_counter() - started


def raw_ledger_updates(ledger_id: int, seconds: float = 5.0) -> float:
    """The database's own limit for this shape of work, in the same run: 8 clients each adding to the one ledger row
    in its own transaction (UPDATE + COMMIT), as fast as the row's lock lets them. Undone afterwards."""
    import psycopg2
    from django.db import connection

    parameters = connection.get_connection_params()
    done = []
    deadline = time.perf_counter() + seconds

    def client() -> None:
        raw = psycopg2.connect(**parameters)
        count = 0
        with raw, raw.cursor() as cursor:
            while time.perf_counter() < deadline:
                cursor.execute("UPDATE trade_allowanceledger SET value_used_cny = value_used_cny + 1 WHERE id = %s",
                               [ledger_id])  # fmt: skip
                raw.commit()
                count += 1
            cursor.execute("UPDATE trade_allowanceledger SET value_used_cny = value_used_cny - %s WHERE id = %s",
                           [count, ledger_id])  # fmt: skip
        raw.close()
        done.append(count)

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / seconds


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure() -> None:
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.db.models import Sum

    from tests.horgos.gunicorn import gunicorn_serving, production_env
    from trade.choices import SaleState
    from trade.models import AllowanceLedger, Sale

    clerks, document, buyer = build()
    env = production_env(
        SECRET_KEY=settings.SECRET_KEY,
        FIELD_ENCRYPTION_KEYS=",".join(settings.FIELD_ENCRYPTION_KEYS),
        BLIND_INDEX_KEY=settings.BLIND_INDEX_KEY,
        ALLOWED_HOSTS=HOST,
        # Per-user throttling guards against a runaway client, not a till: 8 tills ringing up as fast as they can
        # would meet its 600 a minute long before the database's limits.
        API_USER_THROTTLE="1000000/minute",
    )
    connection.close()  # the server's workers open their own
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with gunicorn_serving(env, workers=3) as port:
        sell(port, clerks[0], document, "WARM-UP")  # the workers have loaded the application
        answers, seconds = run_clients(port, clerks, document)
    # The workers' CPU, counted once gunicorn has stopped them (their start-up included, about a second each)
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    web_cpu = (cpu_after.ru_utime + cpu_after.ru_stime) - (cpu_before.ru_utime + cpu_before.ru_stime)
    statuses = [status for status, _ in answers]
    recorded, refused = statuses.count(201), statuses.count(409)
    others = len(statuses) - recorded - refused
    ledger = AllowanceLedger.objects.get(traveller_id=buyer)
    charged = Sale.objects.filter(buyer_id=buyer, state=SaleState.RECORDED).aggregate(total=Sum("charged_value"))
    sales = Sale.objects.filter(buyer_id=buyer).count()
    within = ledger.value_used <= ledger.value_limit and ledger.value_used == charged["total"]
    latencies = [elapsed * 1000 for _, elapsed in answers]
    rate = recorded / seconds
    raw = raw_ledger_updates(ledger.pk)
    report(
        measure=f"concurrent sales to one buyer ({CLIENTS} clients, different shops, API with Idempotency-Key)",
        figures=f"{rate:,.0f} sales/s ({recorded:,} recorded, {refused:,} refused as over the allowance, {others} "
        f"other answers; {len(statuses) / seconds:,.0f} requests/s); p50 {statistics.median(latencies):.0f} ms, "
        f"p99 {percentile(latencies, 0.99):.0f} ms; web CPU {web_cpu * 1000 / len(statuses):.1f} ms a request; "
        f"ledger CNY {ledger.value_used} of {ledger.value_limit}; raw UPDATE + COMMIT of the one ledger row from "
        f"{CLIENTS} clients {raw:,.0f}/s; {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}",
        ratio=f"{rate / raw:.3f} of raw; ledger {ledger.value_used / ledger.value_limit:.3f} of the limit",
        target=f"never over the limit; ≥ {TARGET_SALES_PER_SECOND} sales/s",
        met=within and others == 0 and sales == recorded + 1 and rate >= TARGET_SALES_PER_SECOND,
    )


def main() -> None:
    with scratch_database(f"horgos_bench_sales_{os.getpid()}"):
        measure()


if __name__ == "__main__":
    main()
