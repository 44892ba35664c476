"""Exchange rates: entered by administrators or imported from CSV, all or nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import CommandError, call_command

from horgos.models import AuditEntry
from tests.factories import AdministratorFactory, OfficerFactory
from trade.models import ExchangeRate
from trade.services.policy import exchange_rate_set, exchange_rates_import

pytestmark = pytest.mark.django_db


def test_an_administrator_enters_and_corrects_a_rate_audited():
    administrator = AdministratorFactory()
    exchange_rate_set(currency="eur", day=date(2026, 5, 1), rate_to_cny=Decimal("7.8"), acting_user=administrator)
    exchange_rate_set(currency="EUR", day=date(2026, 5, 1), rate_to_cny=Decimal("7.81"), acting_user=administrator)
    rate = ExchangeRate.objects.get()
    assert (rate.currency, rate.rate_to_cny) == ("EUR", Decimal("7.810000"))
    changes = AuditEntry.objects.filter(action="exchange_rate.set").order_by("id").last().changes
    assert changes["rate_to_cny"] == {"before": "7.800000", "after": "7.81"}


def test_only_administrators_enter_rates():
    with pytest.raises(PermissionDenied):
        exchange_rate_set(
            currency="EUR", day=date(2026, 5, 1), rate_to_cny=Decimal("7.8"), acting_user=OfficerFactory()
        )


def test_a_csv_of_rates_is_entered_whole():
    content = b"currency,day,rate_to_cny\nEUR,2026-05-01,7.8012\nkzt,2026-05-01,0.0141\n"
    report = exchange_rates_import(content=content, acting_user=AdministratorFactory())
    assert (report.entered, report.problems) == (2, [])
    assert set(ExchangeRate.objects.values_list("currency", flat=True)) == {"EUR", "KZT"}


def test_a_csv_with_a_bad_row_enters_nothing_and_says_which_rows():
    content = "currency,day,rate_to_cny\nEUR,2026-05-01,7.8\nEURO,2026-05-02,7.9\nUSD,1 May,7.1\nKZT,2026-05-01,-1\n"
    report = exchange_rates_import(content=content.encode(), acting_user=AdministratorFactory())
    assert [number for number, _ in report.problems] == [3, 4, 5]
    assert "ISO 4217" in report.problems[0][1]
    assert "YYYY-MM-DD" in report.problems[1][1]
    assert "above zero" in report.problems[2][1]
    assert not ExchangeRate.objects.exists()


def test_the_command_imports_and_fails_loudly(tmp_path):
    good = tmp_path / "rates.csv"
    good.write_text("currency,day,rate_to_cny\nEUR,2026-05-01,7.8\n")
    call_command("trade_import_rates", str(good), verbosity=0)
    assert ExchangeRate.objects.count() == 1
    bad = tmp_path / "bad.csv"
    bad.write_text("cur,day\nEUR,2026-05-01\n")
    with pytest.raises(CommandError, match="line 1: The first line must be"):
        call_command("trade_import_rates", str(bad))
    with pytest.raises(CommandError, match="cannot read"):
        call_command("trade_import_rates", str(tmp_path / "missing.csv"))
