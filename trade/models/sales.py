"""Duty-free sales and the allowance ledger they count against."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crossings.choices import CheckpointCode
from crossings.models import TravelDocument, Traveller, Visit
from horgos.choices import Role
from merchants.models import HsHeading, Listing, Shop
from trade.choices import SaleState
from trade.models.policy import BASE_CURRENCY, AllowancePolicy, money_field, weight_field


class AllowanceLedger(models.Model):
    """What one person has used of one side's allowance in one period (a local day for CN, a month for KZ).

    The limits are copied from the policy in force when the period began, in the policy's currency. A sale locks
    this row, and the CHECK constraints keep the use within the limits: two shops selling to one person at the
    same moment can never both pass it.
    """

    traveller = models.ForeignKey(
        Traveller, verbose_name=_("traveller"), on_delete=models.PROTECT, related_name="allowance_ledgers"
    )
    side = models.CharField(_("side"), max_length=2, choices=CheckpointCode.choices)
    period_start = models.DateField(_("period from"), help_text=_("The local day, or the first day of the month."))
    policy = models.ForeignKey(AllowancePolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+")
    currency = models.CharField(_("currency"), max_length=3)
    value_limit = money_field(_("value limit"))
    weight_limit_kg = weight_field(_("weight limit (kg)"), null=True, blank=True)
    value_used = money_field(_("value used"), default=Decimal("0"))
    value_used_cny = money_field(_("value used (CNY)"), default=Decimal("0"))
    weight_used_kg = weight_field(_("weight used (kg)"), default=Decimal("0"))

    class Meta:
        verbose_name = _("allowance ledger")
        verbose_name_plural = _("allowance ledgers")
        ordering = ["-period_start", "traveller_id", "side"]
        constraints = [
            models.UniqueConstraint(fields=["traveller", "side", "period_start"], name="ledger_one_per_period"),
            models.CheckConstraint(
                condition=models.Q(value_used__gte=0, value_used__lte=models.F("value_limit")),
                name="ledger_value_within_limit",
            ),
            models.CheckConstraint(
                condition=models.Q(weight_used_kg__gte=0)
                & (models.Q(weight_limit_kg__isnull=True) | models.Q(weight_used_kg__lte=models.F("weight_limit_kg"))),
                name="ledger_weight_within_limit",
            ),
            models.CheckConstraint(condition=models.Q(value_used_cny__gte=0), name="ledger_cny_not_negative"),
            models.CheckConstraint(condition=models.Q(side__in=CheckpointCode.values), name="ledger_side_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.traveller_id} {self.side} {self.period_start}: {self.value_used}/{self.value_limit}"

    @property
    def value_remaining(self) -> Decimal:
        return self.value_limit - self.value_used

    @property
    def weight_remaining_kg(self) -> Decimal | None:
        return None if self.weight_limit_kg is None else self.weight_limit_kg - self.weight_used_kg


class SaleQuerySet(models.QuerySet):
    def visible_to(self, user) -> "SaleQuerySet":
        """Administrators see every sale; a merchant's staff the sales of their own merchant's shops; others none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMINISTRATOR:
            return self
        if user.role == Role.MERCHANT:
            return self.filter(shop__merchant__members__user=user)
        return self.none()

    def recorded(self) -> "SaleQuerySet":
        return self.filter(state=SaleState.RECORDED)


class Sale(models.Model):
    """A duty-free receipt: lines of one shop's approved listings sold to a buyer inside the zone, counted against
    the allowance of the side the buyer will leave by (the checkpoint of their open visit)."""

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.PROTECT, related_name="sales")
    receipt_number = models.CharField(_("receipt number"), max_length=40)
    buyer = models.ForeignKey(Traveller, verbose_name=_("buyer"), on_delete=models.PROTECT, related_name="purchases")
    document = models.ForeignKey(TravelDocument, verbose_name=_("document"), on_delete=models.PROTECT, related_name="+")
    visit = models.ForeignKey(Visit, verbose_name=_("visit"), on_delete=models.PROTECT, related_name="purchases")
    sold_at = models.DateTimeField(_("sold at"))
    side = models.CharField(_("counts against the side"), max_length=2, choices=CheckpointCode.choices)
    ledger = models.ForeignKey(
        AllowanceLedger, verbose_name=_("ledger"), on_delete=models.PROTECT, related_name="sales"
    )
    total_cny = money_field(_("total (CNY)"), validators=[MinValueValidator(0)])
    total_weight_kg = weight_field(_("total weight (kg)"), validators=[MinValueValidator(0)])
    charged_value = money_field(
        _("allowance used"), help_text=_("The total in the allowance's currency, at the rate of the sale's local day.")
    )
    charged_currency = models.CharField(_("allowance currency"), max_length=3)
    rate_to_cny = models.DecimalField(
        _("exchange rate used (CNY per unit)"), max_digits=14, decimal_places=6, null=True, blank=True
    )
    state = models.CharField(_("state"), max_length=10, choices=SaleState.choices, default=SaleState.RECORDED)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    voided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("voided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    voided_at = models.DateTimeField(_("voided at"), null=True, blank=True)
    void_reason = models.CharField(_("reason for voiding"), max_length=300, blank=True)

    objects = SaleQuerySet.as_manager()

    class Meta:
        verbose_name = _("sale")
        verbose_name_plural = _("sales")
        ordering = ["-sold_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shop", "receipt_number"],
                name="sale_receipt_unique_per_shop",
                violation_error_message=_("This shop already has a receipt with this number."),
            ),
            models.CheckConstraint(condition=models.Q(state__in=SaleState.values), name="sale_state_valid"),
            models.CheckConstraint(condition=models.Q(side__in=CheckpointCode.values), name="sale_side_valid"),
            models.CheckConstraint(
                condition=models.Q(total_cny__gte=0, total_weight_kg__gte=0, charged_value__gte=0),
                name="sale_totals_not_negative",
            ),
            models.CheckConstraint(
                condition=models.Q(
                    state=SaleState.RECORDED, voided_by__isnull=True, voided_at__isnull=True, void_reason=""
                )
                | (
                    models.Q(state=SaleState.VOIDED, voided_by__isnull=False, voided_at__isnull=False)
                    & ~models.Q(void_reason="")
                ),
                name="sale_voided_by_whom_when_why",
            ),
        ]
        indexes = [
            models.Index(fields=["shop", "sold_at"], name="sale_shop_time_idx"),
            models.Index(fields=["buyer", "sold_at"], name="sale_buyer_time_idx"),
            models.Index(fields=["sold_at"], name="sale_time_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.shop.unit_code} #{self.receipt_number}"

    @property
    def is_voided(self) -> bool:
        return self.state == SaleState.VOIDED

    @property
    def in_base_currency(self) -> bool:
        return self.charged_currency == BASE_CURRENCY


class SaleLine(models.Model):
    """One listing on a receipt: quantity times the unit price (CNY), and the weight it adds. The goods' origin and
    HS heading are kept as they were when sold: a later edit of the listing changes no past sale or figure."""

    sale = models.ForeignKey(Sale, verbose_name=_("sale"), on_delete=models.CASCADE, related_name="lines")
    listing = models.ForeignKey(Listing, verbose_name=_("listing"), on_delete=models.PROTECT, related_name="+")
    origin_country = CountryField(_("country of origin"))
    hs_heading = models.ForeignKey(HsHeading, verbose_name=_("HS heading"), on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    unit_price_cny = money_field(_("unit price (CNY)"), validators=[MinValueValidator(0)])
    line_total_cny = money_field(_("line total (CNY)"))
    line_weight_kg = weight_field(_("line weight (kg)"))

    class Meta:
        verbose_name = _("sale line")
        verbose_name_plural = _("sale lines")
        ordering = ["sale", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="sale_line_quantity_positive"),
            models.CheckConstraint(
                condition=models.Q(unit_price_cny__gte=0, line_weight_kg__gte=0), name="sale_line_not_negative"
            ),
            models.CheckConstraint(
                condition=models.Q(line_total_cny=models.F("quantity") * models.F("unit_price_cny")),
                name="sale_line_total_is_quantity_times_price",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.listing_id}"

    @classmethod
    def of(cls, listing: Listing, *, quantity: int, unit_price_cny: Decimal | None = None) -> "SaleLine":
        """A line selling `quantity` of `listing` at its price (or the one given), as the listing is now."""
        unit_price = listing.price if unit_price_cny is None else unit_price_cny
        return cls(
            listing=listing,
            origin_country=listing.origin_country,
            hs_heading_id=listing.hs_heading_id,
            quantity=quantity,
            unit_price_cny=unit_price,
            line_total_cny=unit_price * quantity,
            line_weight_kg=listing.unit_weight_kg * quantity,
        )
