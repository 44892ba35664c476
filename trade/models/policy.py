"""Policy data of the duty-free trade: the allowance per side, and the dated exchange rates into CNY."""

from datetime import date
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from crossings.choices import CheckpointCode
from trade.choices import AllowancePeriod

BASE_CURRENCY = "CNY"
currency_code = RegexValidator(r"^[A-Z]{3}$", _("Write the currency as its ISO 4217 code, e.g. EUR."))


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=14, decimal_places=2, **kwargs)


def weight_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(verbose_name, max_digits=10, decimal_places=3, **kwargs)


class AllowancePolicyQuerySet(models.QuerySet):
    def in_force_on(self, *, side: str, day: date) -> "AllowancePolicy | None":
        """The policy of `side` in force on `day`: the latest that took effect on or before it."""
        return self.filter(side=side, effective_from__lte=day).order_by("-effective_from").first()


class AllowancePolicy(models.Model):
    """How much a person may buy duty-free before leaving into one side, per period; effective-dated.

    China: CNY 8,000 per local calendar day. Kazakhstan: EUR 1,500 and 50 kg per calendar month; on goods above it
    30 % of the excess value is due, at least EUR 4 per kg over the weight limit. Periods are taken in the zone of
    the checkpoint the traveller leaves by.
    """

    side = models.CharField(
        _("side the traveller leaves into"), max_length=2, choices=CheckpointCode.choices, db_index=True
    )
    effective_from = models.DateField(_("in force from"))
    period = models.CharField(_("period"), max_length=5, choices=AllowancePeriod.choices)
    currency = models.CharField(_("currency"), max_length=3, validators=[currency_code], default=BASE_CURRENCY)
    value_limit = money_field(_("value limit"), validators=[MinValueValidator(Decimal("0.01"))])
    weight_limit_kg = weight_field(
        _("weight limit (kg)"), null=True, blank=True, validators=[MinValueValidator(Decimal("0.001"))]
    )
    duty_rate = models.DecimalField(
        _("duty on the excess value"),
        max_digits=5,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("A share: 0.3000 is 30 %."),
    )
    duty_minimum_per_kg = money_field(
        _("duty at least, per kg over the weight limit"), default=Decimal("0"), validators=[MinValueValidator(0)]
    )
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("added by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    objects = AllowancePolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("allowance policy")
        verbose_name_plural = _("allowance policies")
        ordering = ["side", "-effective_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["side", "effective_from"],
                name="allowance_policy_one_per_side_and_day",
                violation_error_message=_("A policy for this side already takes effect on that day."),
            ),
            models.CheckConstraint(condition=models.Q(side__in=CheckpointCode.values), name="allowance_policy_side"),
            models.CheckConstraint(
                condition=models.Q(period__in=AllowancePeriod.values), name="allowance_policy_period"
            ),
            models.CheckConstraint(condition=models.Q(value_limit__gt=0), name="allowance_policy_value_positive"),
            models.CheckConstraint(
                condition=models.Q(weight_limit_kg__isnull=True) | models.Q(weight_limit_kg__gt=0),
                name="allowance_policy_weight_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(duty_rate__gte=0, duty_minimum_per_kg__gte=0), name="allowance_policy_duty"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.side} {self.effective_from}: {self.value_limit} {self.currency}"


class ExchangeRateQuerySet(models.QuerySet):
    def in_force_on(self, *, currency: str, day: date) -> "ExchangeRate | None":
        """The rate of `currency` used on `day`: the latest entered for that day or before."""
        return self.filter(currency=currency, day__lte=day).order_by("-day").first()


class ExchangeRate(models.Model):
    """How many CNY one unit of a currency is worth, from a day on (until the next rate of that currency)."""

    currency = models.CharField(_("currency"), max_length=3, validators=[currency_code])
    day = models.DateField(_("day"))
    rate_to_cny = models.DecimalField(
        _("CNY per unit"), max_digits=14, decimal_places=6, validators=[MinValueValidator(Decimal("0.000001"))]
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("entered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)

    objects = ExchangeRateQuerySet.as_manager()

    class Meta:
        verbose_name = _("exchange rate")
        verbose_name_plural = _("exchange rates")
        ordering = ["currency", "-day"]
        constraints = [
            models.UniqueConstraint(
                fields=["currency", "day"],
                name="exchange_rate_one_per_currency_and_day",
                violation_error_message=_("This currency already has a rate for that day."),
            ),
            models.CheckConstraint(condition=models.Q(rate_to_cny__gt=0), name="exchange_rate_positive"),
            models.CheckConstraint(
                condition=~models.Q(currency=BASE_CURRENCY), name="exchange_rate_not_of_the_base_currency"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.currency} {self.day}: {self.rate_to_cny}"
