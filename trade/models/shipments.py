"""Onward shipments: consignments leaving the zone for Central Asia, West Asia and Europe, their lines, and their
customs timeline (registered → declared → [inspected] → cleared → departed, with holds and releases on the way)."""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from horgos.choices import Role
from merchants.models import HsHeading, Listing, Merchant
from trade.choices import Corridor, ShipmentStep, TransportMode
from trade.models.policy import BASE_CURRENCY, money_field, weight_field

# The forward steps in their order, and the moment column of each on the shipment.
FORWARD_STEPS = (
    ShipmentStep.REGISTERED,
    ShipmentStep.DECLARED,
    ShipmentStep.INSPECTED,
    ShipmentStep.CLEARED,
    ShipmentStep.DEPARTED,
)
STEP_TIME_FIELDS = {step: f"{step}_at" for step in FORWARD_STEPS}
# The steps a shipment may move on to from each step. Inspection may be skipped: not every consignment is inspected.
NEXT_STEPS = {
    ShipmentStep.REGISTERED: (ShipmentStep.DECLARED,),
    ShipmentStep.DECLARED: (ShipmentStep.INSPECTED, ShipmentStep.CLEARED),
    ShipmentStep.INSPECTED: (ShipmentStep.CLEARED,),
    ShipmentStep.CLEARED: (ShipmentStep.DEPARTED,),
    ShipmentStep.DEPARTED: (),
}
# Steps that may happen any number of times; every forward step happens once at most.
REPEATABLE_STEPS = (ShipmentStep.HELD, ShipmentStep.RELEASED)


def _times_reached(*reached: str, optional: tuple[str, ...] = ()) -> Q:
    """The moments of `reached` steps are set and those of the later ones are not (`optional` ones may be either)."""
    condition = Q()
    for step in FORWARD_STEPS[1:]:
        if step in optional:
            continue
        condition &= Q(**{f"{STEP_TIME_FIELDS[step]}__isnull": step not in reached})
    return condition


def _not_before(later: str, earlier: str) -> Q:
    return Q(**{f"{later}__isnull": True}) | Q(**{f"{earlier}__isnull": True}) | Q(**{f"{later}__gte": F(earlier)})


class ShipmentQuerySet(models.QuerySet):
    def visible_to(self, user) -> "ShipmentQuerySet":
        """Administrators see every shipment; a merchant's staff their own merchant's; everyone else none."""
        if not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMINISTRATOR:
            return self
        if user.role == Role.MERCHANT:
            return self.filter(merchant__members__user=user)
        return self.none()

    def with_totals(self) -> "ShipmentQuerySet":
        """Each shipment with `line_count`, `total_value_cny` and `total_net_weight_kg` of its lines."""
        return self.annotate(
            line_count=models.Count("lines"),
            total_value_cny=models.Sum("lines__value_cny"),
            total_net_weight_kg=models.Sum("lines__net_weight_kg"),
        )

    def average_clearance_time(self) -> timedelta | None:
        """The mean of cleared − declared over the shipments of this queryset that are cleared; None if none is."""
        return self.filter(cleared_at__isnull=False).aggregate(average=models.Avg(F("cleared_at") - F("declared_at")))[
            "average"
        ]


class Shipment(models.Model):
    """A consignment one merchant sends out of the zone: its consignee, corridor and transport, its lines (values in
    CNY), and where it stands on the customs timeline.

    The step only moves forward: registered → declared → inspected → cleared → departed, where inspection may be
    skipped (not every consignment is inspected). The moment of each step reached is kept here (the timeline's
    `ShipmentEvent` rows say who recorded it); CHECK constraints keep the moments consistent with the step and in
    order. A shipment may be held (with a reason) at any step before it departs, and does not move until released.
    """

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="shipments"
    )
    reference = models.CharField(_("reference"), max_length=40)
    consignee_name = models.CharField(_("consignee"), max_length=200)
    consignee_country = CountryField(_("destination country"))
    corridor = models.CharField(_("corridor"), max_length=20, choices=Corridor.choices)
    transport_mode = models.CharField(_("transport mode"), max_length=20, choices=TransportMode.choices)
    currency = models.CharField(_("currency"), max_length=3, default=BASE_CURRENCY, editable=False)
    step = models.CharField(
        _("step"),
        max_length=20,
        choices=[(step.value, step.label) for step in FORWARD_STEPS],
        default=ShipmentStep.REGISTERED,
    )
    held = models.BooleanField(_("held"), default=False)
    hold_reason = models.CharField(_("reason for the hold"), max_length=300, blank=True)
    registered_at = models.DateTimeField(_("registered at"))
    declared_at = models.DateTimeField(_("declared at"), null=True, blank=True)
    inspected_at = models.DateTimeField(_("inspected at"), null=True, blank=True)
    cleared_at = models.DateTimeField(_("cleared at"), null=True, blank=True)
    departed_at = models.DateTimeField(_("departed at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("registered by"), on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    objects = ShipmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["-registered_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "reference"],
                name="shipment_reference_unique_per_merchant",
                violation_error_message=_("Your merchant already has a shipment with this reference."),
            ),
            models.CheckConstraint(condition=~Q(reference=""), name="shipment_has_reference"),
            models.CheckConstraint(condition=Q(corridor__in=Corridor.values), name="shipment_corridor_valid"),
            models.CheckConstraint(
                condition=Q(transport_mode__in=TransportMode.values), name="shipment_transport_mode_valid"
            ),
            models.CheckConstraint(condition=Q(currency=BASE_CURRENCY), name="shipment_values_in_cny"),
            models.CheckConstraint(
                condition=(Q(step=ShipmentStep.REGISTERED) & _times_reached())
                | (Q(step=ShipmentStep.DECLARED) & _times_reached(ShipmentStep.DECLARED))
                | (Q(step=ShipmentStep.INSPECTED) & _times_reached(ShipmentStep.DECLARED, ShipmentStep.INSPECTED))
                | (
                    Q(step=ShipmentStep.CLEARED)
                    & _times_reached(ShipmentStep.DECLARED, ShipmentStep.CLEARED, optional=(ShipmentStep.INSPECTED,))
                )
                | (
                    Q(step=ShipmentStep.DEPARTED)
                    & _times_reached(
                        ShipmentStep.DECLARED,
                        ShipmentStep.CLEARED,
                        ShipmentStep.DEPARTED,
                        optional=(ShipmentStep.INSPECTED,),
                    )
                ),
                name="shipment_step_times_match_step",
            ),
            models.CheckConstraint(
                condition=_not_before("declared_at", "registered_at")
                & _not_before("inspected_at", "declared_at")
                & _not_before("cleared_at", "declared_at")
                & _not_before("cleared_at", "inspected_at")
                & _not_before("departed_at", "cleared_at"),
                name="shipment_step_times_in_order",
            ),
            models.CheckConstraint(
                condition=Q(held=False, hold_reason="")
                | (Q(held=True) & ~Q(hold_reason="") & ~Q(step=ShipmentStep.DEPARTED)),
                name="shipment_hold_has_reason_before_departure",
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "registered_at"], name="shipment_merchant_time_idx"),
            models.Index(fields=["step", "registered_at"], name="shipment_step_time_idx"),
            # The nightly statistics read one day of declarations and clearances at a time.
            models.Index(fields=["declared_at"], name="shipment_declared_idx"),
            models.Index(fields=["cleared_at"], name="shipment_cleared_idx"),
        ]

    def __str__(self) -> str:
        return self.reference

    def next_steps(self) -> tuple[ShipmentStep, ...]:
        """The steps the shipment may move on to now: none while it is held or once it has departed."""
        return () if self.held else NEXT_STEPS[ShipmentStep(self.step)]

    @property
    def is_registered(self) -> bool:
        """Only registered: it may still be changed or deleted."""
        return self.step == ShipmentStep.REGISTERED

    @property
    def may_be_held(self) -> bool:
        return not self.held and self.step != ShipmentStep.DEPARTED

    @property
    def clearance_time(self) -> timedelta | None:
        """How long customs took: cleared − declared; None until the shipment is cleared."""
        if self.cleared_at is None or self.declared_at is None:
            return None
        return self.cleared_at - self.declared_at


class ShipmentLine(models.Model):
    """One kind of goods in a consignment, as the export declaration lists it: HS code, description, origin,
    quantity, value (CNY) and net weight; copied from one of the merchant's listings where it was chosen."""

    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="lines")
    hs_code = models.CharField(
        _("HS code"), max_length=6, validators=[RegexValidator(r"^[0-9]{6}$", _("An HS code has six digits."))]
    )
    hs_heading = models.ForeignKey(HsHeading, verbose_name=_("HS heading"), on_delete=models.PROTECT, related_name="+")
    description = models.CharField(_("description of the goods"), max_length=300)
    origin_country = CountryField(_("country of origin"))
    quantity = models.PositiveIntegerField(_("quantity"), validators=[MinValueValidator(1)])
    value_cny = money_field(_("value (CNY)"), validators=[MinValueValidator(Decimal("0"))])
    net_weight_kg = weight_field(_("net weight (kg)"), validators=[MinValueValidator(Decimal("0"))])
    # The listing the line was copied from; the line keeps its own copy should the listing change or go.
    listing = models.ForeignKey(
        Listing, verbose_name=_("listing"), on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("shipment line")
        verbose_name_plural = _("shipment lines")
        ordering = ["shipment", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="shipment_line_quantity_positive"),
            models.CheckConstraint(
                condition=Q(value_cny__gte=0, net_weight_kg__gte=0), name="shipment_line_not_negative"
            ),
            models.CheckConstraint(condition=Q(hs_code__regex=r"^[0-9]{6}$"), name="shipment_line_hs_code_digits"),
            models.CheckConstraint(condition=~Q(description=""), name="shipment_line_has_description"),
        ]

    def __str__(self) -> str:
        return f"{self.hs_code} {self.description}"


class ShipmentEvent(models.Model):
    """One entry of a shipment's timeline: a step reached, a hold (with its reason) or a release; when it happened
    and who recorded it. Each forward step happens once per shipment (a unique index settles two at once)."""

    shipment = models.ForeignKey(Shipment, verbose_name=_("shipment"), on_delete=models.CASCADE, related_name="events")
    step = models.CharField(_("step"), max_length=20, choices=ShipmentStep.choices)
    at = models.DateTimeField(_("at"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("shipment event")
        verbose_name_plural = _("shipment events")
        ordering = ["shipment", "at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shipment", "step"],
                condition=~Q(step__in=REPEATABLE_STEPS),
                name="shipment_event_once_per_step",
            ),
            models.CheckConstraint(condition=Q(step__in=ShipmentStep.values), name="shipment_event_step_valid"),
            models.CheckConstraint(
                condition=~Q(step=ShipmentStep.HELD) | ~Q(reason=""), name="shipment_event_hold_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.shipment_id} {self.step} {self.at:%Y-%m-%d %H:%M}"
