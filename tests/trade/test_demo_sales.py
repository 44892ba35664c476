"""Demo sales: spread over the demo history, each within its buyer's allowance, as the till would count them."""

import pytest
from django.core.management import call_command
from django.db.models import F, Sum

from merchants.models import Listing
from trade.choices import SaleState
from trade.demo import demo_sales_generate
from trade.models import AllowanceLedger, ExchangeRate, Sale, SaleLine

pytestmark = pytest.mark.django_db


def test_demo_sales_fit_their_ledgers_and_a_second_run_adds_none(zone):
    call_command("crossings_generate", "--travellers", "300", "--days", "20", "--daily-visits", "60", "--seed", "7",
                 verbosity=0)  # fmt: skip
    call_command("merchants_demo", verbosity=0)
    call_command("trade_load_reference", verbosity=0)
    stock_before = dict(Listing.objects.values_list("pk", "stock_quantity"))
    made = demo_sales_generate(count=400, seed=7)
    assert made > 150
    assert Sale.objects.count() == made
    assert ExchangeRate.objects.filter(currency="EUR").count() >= 20
    # Every ledger holds exactly its recorded sales, within the limits (the CHECKs would have refused otherwise)
    for ledger in AllowanceLedger.objects.all():
        recorded = ledger.sales.filter(state=SaleState.RECORDED).aggregate(value=Sum("charged_value"))
        assert ledger.value_used == (recorded["value"] or 0)
    assert not AllowanceLedger.objects.filter(value_used__gt=F("value_limit")).exists()
    assert Sale.objects.filter(sold_at__lt=F("visit__entered_at")).count() == 0
    # Every listing has what it had less its recorded sales, never below zero, as the till would have left it
    sold = SaleLine.objects.filter(sale__state=SaleState.RECORDED).values("listing").annotate(units=Sum("quantity"))
    sold = {row["listing"]: row["units"] for row in sold}
    assert sold and all(stock_before[pk] >= units for pk, units in sold.items())
    assert dict(Listing.objects.values_list("pk", "stock_quantity")) == {
        pk: quantity - sold.get(pk, 0) for pk, quantity in stock_before.items()
    }
    assert demo_sales_generate(count=400, seed=7) == 0
