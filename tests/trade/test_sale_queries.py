"""The API sale's hot path: one transaction and a fixed number of queries, trade's cached reference data (allowance
policies and exchange rates, trade.selectors.reference) following every change at once, and the lean answer equal to
the serializer's (bench/bench_sales.py measures the rate)."""

import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.renderers import JSONRenderer

from crossings.selectors import reference
from crossings.services.crossings import crossing_record_exit
from tests.crossings.conftest import almaty, beijing
from tests.crossings.test_entry_queries import statements, transactions
from tests.trade.conftest import enter, sell
from tests.trade.test_sales_api import body
from trade.api.serializers import SaleSerializer, recorded_sale_data
from trade.models import AllowanceLedger, Sale
from trade.services import sales as sale_services
from trade.services.policy import allowance_policy_add, exchange_rate_set

SALES = "/api/v1/sales/"
# What one recorded sale costs through the API, reference data cached, counting every statement but the savepoints:
# the token, the key's claim (lock and insert in one statement), the document with the buyer's open visit, the
# listings of all the lines, the shop with its merchant and the clerk's place on its staff, the ledger of the period,
# the sale, its lines, the stock of all the listings, the audit row, the stored response, and the allowance charged.
SALE_QUERIES = 12
# The same with the transaction's BEGIN and COMMIT and the service's savepoint and its release, as
# django_assert_num_queries counts them in a transactional test.
SALE_QUERIES_ALL = SALE_QUERIES + 4


@pytest.fixture
def clerk(trade, at, api_client_for):
    """The first shop's clerk, with a buyer inside through the Chinese checkpoint who bought once already (the
    ledger of the day exists, and this process holds the reference data)."""
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    client = api_client_for(trade.clerks[0])
    warm = client.post(SALES, body(trade, listing=trade.sticker, receipt="WARM-1"), format="json")
    assert warm.status_code == 201, warm.json()
    return client


def two_lines(trade, receipt):
    return {**body(trade, receipt=receipt), "lines": [
        {"listing": trade.kettle.pk, "quantity": 1}, {"listing": trade.sticker.pk, "quantity": 3}]}  # fmt: skip


@pytest.mark.django_db(transaction=True)
def test_an_api_sale_is_one_transaction_with_a_fixed_query_count_whatever_its_lines(trade, clerk):
    for receipt, sale in (("ONE-1", body(trade, receipt="ONE-1")), ("TWO-1", two_lines(trade, "TWO-1"))):
        # When a sale of one line, then of two, is recorded with an Idempotency-Key
        with CaptureQueriesContext(connection) as queries:
            response = clerk.post(SALES, sale, format="json", HTTP_IDEMPOTENCY_KEY=receipt)
        # Then it is recorded in one transaction (claim, sale, audit, charge and stored response together)
        assert response.status_code == 201, response.json()
        assert transactions(queries) == 1, statements(queries)
        assert len(statements(queries)) == SALE_QUERIES, "\n".join(statements(queries))
        # And the allowance is charged by the last statement, after the answer is stored: the ledger row's lock is held
        # only until the commit
        assert statements(queries)[-2].startswith('UPDATE "horgos_idempotencykey"')
        assert statements(queries)[-1].startswith('UPDATE "trade_allowanceledger"')


@pytest.mark.django_db(transaction=True)
def test_an_api_sale_makes_the_same_number_of_queries_counted_by_django(trade, clerk, django_assert_num_queries):
    with django_assert_num_queries(SALE_QUERIES_ALL):
        response = clerk.post(SALES, two_lines(trade, "TWO-2"), format="json", HTTP_IDEMPOTENCY_KEY="TWO-2")
    assert response.status_code == 201


def test_the_recorded_sale_answer_equals_the_serializers(trade, at):
    # Given two sales: one in CNY through the Chinese checkpoint, one in EUR (with a rate) through the Kazakh one
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sales = [sell(trade, (trade.kettle, 1), (trade.sticker, 3))]
    at(beijing(2026, 5, 12, 11, 0))
    crossing_record_exit(
        document=trade.passport, lane=trade.zone.lane("CN", "X-F01"), acting_user=trade.zone.cn_officer
    )
    at(almaty(2026, 5, 13, 9, 0))
    enter(trade, checkpoint="KZ")
    sales.append(sell(trade, (trade.kettle_b, 2), shop=1))
    # Then the answer built from what each sale holds equals the serializer's answer on the sale read afresh
    for sale in sales:
        answer = json.loads(JSONRenderer().render(recorded_sale_data(sale)))
        assert answer == json.loads(JSONRenderer().render(SaleSerializer(Sale.objects.get(pk=sale.pk)).data))
    assert [len(json.loads(JSONRenderer().render(recorded_sale_data(sale)))["lines"]) for sale in sales] == [2, 1]
    assert sales[1].rate_to_cny is not None


# --- cached reference data: a change is seen by the very next sale ---------------------------------------------


def test_a_new_allowance_policy_is_applied_by_the_next_sale(trade, at, clerk):
    # Given a new Chinese policy of CNY 500 a day from tomorrow, added while the old one (CNY 8,000) is cached
    allowance_policy_add(side="CN", effective_from=date(2026, 5, 13), period="day", value_limit=Decimal("500.00"),
                         acting_user=trade.zone.administrator)  # fmt: skip
    # When the shop sells a CNY 1,000 kettle tomorrow
    at(beijing(2026, 5, 13, 10, 0))
    response = clerk.post(SALES, body(trade, receipt="NEW-POLICY"), format="json")
    # Then it is refused against the new limit, and nothing remains of it but CNY 500
    assert response.status_code == 409
    assert response.json()["error"]["fields"]["remaining"]["remaining_cny"] == "500.00"


def test_a_corrected_exchange_rate_is_used_by_the_next_sale(trade, at, api_client_for):
    # Given a buyer inside through the Kazakh checkpoint (EUR allowance) who bought once at the cached rate
    at(almaty(2026, 5, 12, 9, 0))
    enter(trade, checkpoint="KZ")
    client = api_client_for(trade.clerks[0])
    first = client.post(SALES, body(trade, listing=trade.sticker, receipt="EUR-1"), format="json").json()
    assert first["rate_to_cny"] == "7.800000"
    # When the administrator enters the day's rate
    exchange_rate_set(currency="EUR", day=date(2026, 5, 12), rate_to_cny=Decimal("8.000000"),
                      acting_user=trade.zone.administrator)  # fmt: skip
    # Then the next sale uses it
    second = client.post(SALES, body(trade, receipt="EUR-2"), format="json").json()
    assert (second["rate_to_cny"], second["charged_value"]) == ("8.000000", "125.00")


def test_a_rate_another_process_announced_is_reloaded(trade, at, clerk):
    # Given this process's cached rate of the day (the Kazakh side's EUR)
    from trade.models import ExchangeRate
    from trade.selectors.reference import cached_exchange_rate_on

    assert cached_exchange_rate_on(currency="EUR", day=date(2026, 5, 12)).rate_to_cny == Decimal("7.800000")
    # When another process enters the day's rate without this process's signals, and names a new version
    ExchangeRate.objects.bulk_create([ExchangeRate(currency="EUR", day=date(2026, 5, 12), rate_to_cny=Decimal("9"))])
    cache.set(reference.VERSION_KEY, "another-process-version", None)
    # Then the next read reloads
    assert cached_exchange_rate_on(currency="EUR", day=date(2026, 5, 12)).rate_to_cny == Decimal("9.000000")


def test_a_sale_refused_at_the_charge_answers_409_and_its_key_replays_that(trade, clerk, monkeypatch):
    # Given a till that read the buyer's ledger before another till's sale left only CNY 500
    ledger = AllowanceLedger.objects.get()
    read_before = AllowanceLedger.objects.get(pk=ledger.pk)
    AllowanceLedger.objects.filter(pk=ledger.pk).update(value_used=Decimal("7500.00"))
    monkeypatch.setattr(sale_services, "_ledger_of_period", lambda **_: read_before)
    # When it sells a CNY 1,000 kettle with an Idempotency-Key (its answer stored before the charge refuses it)
    first = clerk.post(SALES, body(trade, receipt="LATE-1"), format="json", HTTP_IDEMPOTENCY_KEY="late-1")
    # Then the answer is 409 saying what remains, and the retry replays that answer, not the sale's
    assert first.status_code == 409
    assert first.json()["error"]["fields"]["remaining"]["remaining_cny"] == "500.00"
    retry = clerk.post(SALES, body(trade, receipt="LATE-1"), format="json", HTTP_IDEMPOTENCY_KEY="late-1")
    assert (retry.status_code, retry.json(), retry["Idempotent-Replayed"]) == (409, first.json(), "true")
    assert list(Sale.objects.values_list("receipt_number", flat=True)) == ["WARM-1"]
