"""Sales to one buyer from many tills: the allowance is charged by the sale's last write, and a sale that no longer
fits by then is refused with nothing written (bench/bench_sales.py measures the rate)."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from horgos.models import AuditEntry
from merchants.models import Listing
from tests.crossings.conftest import beijing
from tests.trade.conftest import enter, sell
from trade.models import AllowanceLedger, Sale, SaleLine
from trade.services import sales as sale_services
from trade.services.sales import AllowanceExceeded

pytestmark = pytest.mark.django_db
# The sale's own work: the shop with its merchant and the clerk's place on its staff, the visit, the ledger of the
# period (made only by the period's first sale); the sale, its line, the stock, the audit row; the allowance charged
# last; and the savepoint of the service's transaction and its release. (The policy comes from the cache.)
QUERIES_PER_SALE = 10


def test_a_sale_that_no_longer_fits_when_charged_is_refused_and_writes_nothing(trade, at, monkeypatch):
    # Given a buyer with CNY 1,000 left, and a till that read the ledger before another till's sale took it
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sell(trade, (trade.kettle, 7))
    ledger = AllowanceLedger.objects.get()
    read_before = AllowanceLedger.objects.get(pk=ledger.pk)
    AllowanceLedger.objects.filter(pk=ledger.pk).update(value_used=Decimal("7500.00"))  # the other till's sale
    monkeypatch.setattr(sale_services, "_ledger_of_period", lambda **_: read_before)
    stock, audits = Listing.objects.get(pk=trade.kettle_b.pk).stock_quantity, AuditEntry.objects.count()
    # When it sells CNY 1,000
    with pytest.raises(AllowanceExceeded) as refused:
        sell(trade, (trade.kettle_b, 1), shop=1)
    # Then it is refused at the charge, saying what remains now, and the sale, its line, stock and audit are undone
    assert refused.value.remaining["remaining_cny"] == Decimal("500.00")
    assert "CNY 500.00" in refused.value.messages[0]
    assert Sale.objects.count() == 1 and SaleLine.objects.count() == 1
    assert Listing.objects.get(pk=trade.kettle_b.pk).stock_quantity == stock
    assert AuditEntry.objects.count() == audits
    assert AllowanceLedger.objects.get().value_used == Decimal("7500.00")


def test_a_sale_charges_the_ledger_last_and_makes_a_fixed_number_of_queries(trade, at):
    at(beijing(2026, 5, 12, 10, 0))
    enter(trade)
    sell(trade, (trade.kettle, 1))  # the ledger of the day exists
    with CaptureQueriesContext(connection) as queries:
        sell(trade, (trade.kettle, 1))
    statements = [query["sql"] for query in queries]
    assert len(statements) == QUERIES_PER_SALE, "\n".join(statements)
    # The ledger row is written by the last statement before the savepoint is released: its lock is held the least
    assert statements[-2].startswith('UPDATE "trade_allowanceledger"')
    assert not [sql for sql in statements if "FOR UPDATE" in sql]
    assert AllowanceLedger.objects.get().value_used == Decimal("2000.00")
