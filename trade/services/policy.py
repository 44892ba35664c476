"""Policy data of the trade, changed by administrators only and audited: allowance policies and exchange rates."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from horgos.audit import audit_record
from horgos.choices import AuditAction, Role
from horgos.errors import constraint_messages
from horgos.models import User
from horgos.roles import require_role
from trade.models import BASE_CURRENCY, AllowancePolicy, ExchangeRate
from trade.models.policy import currency_code

POLICY_DAY_TAKEN = _("A policy for this side already takes effect on that day.")


@transaction.atomic
def allowance_policy_add(
    *,
    side: str,
    effective_from: date,
    period: str,
    value_limit: Decimal,
    acting_user: User | None,
    currency: str = BASE_CURRENCY,
    weight_limit_kg: Decimal | None = None,
    duty_rate: Decimal = Decimal("0"),
    duty_minimum_per_kg: Decimal = Decimal("0"),
) -> AllowancePolicy:
    """A new policy for `side` from `effective_from` on (earlier periods keep theirs). `acting_user` None: the
    reference data loader."""
    if acting_user is not None:
        require_role(acting_user, Role.ADMINISTRATOR)
    policy = AllowancePolicy(
        side=side,
        effective_from=effective_from,
        period=period,
        currency=currency.upper(),
        value_limit=value_limit,
        weight_limit_kg=weight_limit_kg,
        duty_rate=duty_rate,
        duty_minimum_per_kg=duty_minimum_per_kg,
        added_by=acting_user,
    )
    policy.full_clean(validate_constraints=False)
    with constraint_messages({"allowance_policy_one_per_side_and_day": {"effective_from": POLICY_DAY_TAKEN}}):
        policy.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.ALLOWANCE_POLICY_ADD,
        target=policy,
        changes={"side": side, "effective_from": effective_from, "value_limit": value_limit, "currency": currency},
    )
    return policy


@transaction.atomic
def exchange_rate_set(*, currency: str, day: date, rate_to_cny: Decimal, acting_user: User | None) -> ExchangeRate:
    """Enter (or correct) the rate of `currency` from `day` on; the sales already recorded keep the rate they used."""
    if acting_user is not None:
        require_role(acting_user, Role.ADMINISTRATOR)
    currency = currency.strip().upper()
    rate = ExchangeRate.objects.select_for_update(of=("self",)).filter(currency=currency, day=day).first()
    before = rate.rate_to_cny if rate else None
    if rate is None:
        rate = ExchangeRate(currency=currency, day=day)
    rate.rate_to_cny = rate_to_cny
    rate.entered_by = acting_user
    rate.full_clean(validate_constraints=False)
    with constraint_messages({"exchange_rate_one_per_currency_and_day": {"day": _("Try again: entered just now.")}}):
        rate.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.EXCHANGE_RATE_SET,
        target=rate,
        changes={"currency": currency, "day": day, "rate_to_cny": {"before": before, "after": rate_to_cny}},
    )
    return rate


RATES_HEADER = ["currency", "day", "rate_to_cny"]
RATES_BAD_HEADER = _("The first line must be: currency,day,rate_to_cny")
RATES_EMPTY = _("The file holds no rates.")
RATES_NOT_UTF8 = _("The file is not UTF-8 text.")
RATE_BAD_DAY = _("Write the day as YYYY-MM-DD.")
RATE_BAD_NUMBER = _("Write the rate as a number above zero, e.g. 7.8125.")


@dataclass
class RatesImportReport:
    """What an import of exchange rates did: the rates entered, or, when any row is wrong, each row's problems
    (and then nothing is entered)."""

    entered: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def _rate_row(number: int, cells: dict[str, str], report: RatesImportReport) -> tuple[str, date, Decimal] | None:
    currency = (cells.get("currency") or "").strip().upper()
    try:
        currency_code(currency)
        if currency == BASE_CURRENCY:
            raise ValidationError(_("CNY is the base currency: it has no rate."))
    except ValidationError as error:
        report.problems.append((number, error.messages[0]))
        return None
    try:
        day = date.fromisoformat((cells.get("day") or "").strip())
    except ValueError:
        report.problems.append((number, str(RATE_BAD_DAY)))
        return None
    try:
        rate = Decimal((cells.get("rate_to_cny") or "").strip())
    except InvalidOperation:
        rate = Decimal("0")
    if not rate.is_finite() or rate <= 0:
        report.problems.append((number, str(RATE_BAD_NUMBER)))
        return None
    return currency, day, rate


def exchange_rates_import(*, content: bytes, acting_user: User | None) -> RatesImportReport:
    """Enter the rates of a CSV file (`currency,day,rate_to_cny`, as the central bank publishes them): all of them,
    or, when a row is wrong, none, with each row's problem (line numbers as a spreadsheet shows them)."""
    if acting_user is not None:
        require_role(acting_user, Role.ADMINISTRATOR)
    report = RatesImportReport()
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        report.problems.append((0, str(RATES_NOT_UTF8)))
        return report
    reader = csv.DictReader(io.StringIO(text))
    if [name.strip().lower() for name in reader.fieldnames or []] != RATES_HEADER:
        report.problems.append((1, str(RATES_BAD_HEADER)))
        return report
    rows = [row for number, cells in enumerate(reader, start=2) if (row := _rate_row(number, cells, report))]
    if not rows and not report.problems:
        report.problems.append((0, str(RATES_EMPTY)))
    if report.problems:
        return report
    with transaction.atomic():
        for currency, day, rate in rows:
            exchange_rate_set(currency=currency, day=day, rate_to_cny=rate, acting_user=acting_user)
    report.entered = len(rows)
    return report
