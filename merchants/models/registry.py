"""The registry: merchants (businesses and their lifecycle), their staff, their shops, and notifications.

The predicates every read and write shares are queryset methods here: who may see which rows
(`visible_to`), what the public catalogue shows (`in_catalogue`), a licence running out
(`with_licence_status`, `licence_expiring`, `licence_expired`), rows counted by state, and shops in the
order of their units.
"""

from datetime import date, timedelta

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import (
    BooleanField,
    Case,
    CharField,
    Count,
    ExpressionWrapper,
    F,
    Func,
    IntegerField,
    Q,
    Value,
    When,
)
from django.db.models.functions import Cast, Substr
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from horgos.choices import Role
from merchants.choices import MemberRole, MerchantState, NotificationKind, ShopState, UnitState, ZoneSide


class StateCountsQuerySet(models.QuerySet):
    def counts_by_state(self) -> list[dict]:
        """Every state of the model's `state` choices, in order, with how many of these rows are in it (zero
        included): [{"state", "label", "count"}]."""
        counts = dict(self.order_by().values_list("state").annotate(count=Count("pk")))
        choices = self.model._meta.get_field("state").choices
        return [{"state": value, "label": label, "count": counts.get(value, 0)} for value, label in choices]


class MerchantQuerySet(models.QuerySet):
    def visible_to(self, user) -> "MerchantQuerySet":
        """Row-level scoping, in one place: administrators see every merchant, a merchant user their own, anyone
        else none. Pages and API start from it, so another merchant's row is not found (404), never forbidden
        (which would say that it exists)."""
        if not user.is_authenticated:
            return self.none()
        if user.role == Role.ADMINISTRATOR:
            return self.all()
        return self.filter(members__user=user)

    def approved(self) -> "MerchantQuerySet":
        return self.filter(state=MerchantState.APPROVED)

    def with_licence_status(self, today: date | None = None) -> "MerchantQuerySet":
        """Annotated with how long the licence still runs on `today` (default: the local day):
        `licence_days_left`, `licence_expired` and `licence_expiring` (within MERCHANT_LICENCE_WARNING_DAYS)."""
        today = today or timezone.localdate()
        expired, expiring = _licence_conditions(today)
        # date - date is a number of days in PostgreSQL.
        days_left = Func(F("licence_valid_until"), Value(today), arg_joiner=" - ", template="(%(expressions)s)")
        return self.annotate(
            licence_days_left=ExpressionWrapper(days_left, output_field=IntegerField()),
            licence_expired=ExpressionWrapper(expired, output_field=BooleanField()),
            licence_expiring=ExpressionWrapper(expiring, output_field=BooleanField()),
        )

    def licence_expired(self, today: date | None = None) -> "MerchantQuerySet":
        return self.filter(_licence_conditions(today or timezone.localdate())[0])

    def licence_expiring(self, today: date | None = None) -> "MerchantQuerySet":
        """Licences that end within the warning window: from `today` to MERCHANT_LICENCE_WARNING_DAYS later."""
        return self.filter(_licence_conditions(today or timezone.localdate())[1])


def _licence_conditions(today: date) -> tuple[Q, Q]:
    """(expired, expiring) on `today`, the one definition of both."""
    warning_until = today + timedelta(days=settings.MERCHANT_LICENCE_WARNING_DAYS)
    return Q(licence_valid_until__lt=today), Q(licence_valid_until__gte=today, licence_valid_until__lte=warning_until)


class Merchant(models.Model):
    """A business registered to trade in the zone, with its licence and its approval state.

    pending → approved | rejected; approved → suspended → approved. A rejection or suspension
    carries its reason; only an approved merchant's listings are public and only it may sell.
    """

    legal_name = models.CharField(_("legal name"), max_length=200)
    trade_name = models.CharField(_("trade name"), max_length=200)
    country = CountryField(_("country of registration"))
    registration_number = models.CharField(_("tax or registration number"), max_length=50)
    licence_number = models.CharField(_("business licence number"), max_length=50)
    licence_valid_until = models.DateField(_("licence valid until"))
    contact_person = models.CharField(_("contact person"), max_length=200)
    phone = models.CharField(
        _("phone"),
        max_length=30,
        validators=[RegexValidator(r"^\+?[0-9 ()\-]{6,30}$", _("Enter a phone number, e.g. +7 727 123 4567."))],
    )
    email = models.EmailField(_("e-mail"))
    address = models.CharField(_("address"), max_length=300)
    state = models.CharField(_("state"), max_length=10, choices=MerchantState.choices, default=MerchantState.PENDING)
    state_reason = models.CharField(_("reason"), max_length=300, blank=True)
    state_changed_at = models.DateTimeField(_("state changed at"), auto_now_add=True)
    created_at = models.DateTimeField(_("applied at"), auto_now_add=True)

    objects = MerchantQuerySet.as_manager()

    class Meta:
        verbose_name = _("merchant")
        verbose_name_plural = _("merchants")
        ordering = ["trade_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["country", "registration_number"],
                name="merchant_registration_unique_per_country",
                violation_error_message=_("A merchant with this registration number is already registered."),
            ),
            models.CheckConstraint(condition=models.Q(state__in=MerchantState.values), name="merchant_state_valid"),
            models.CheckConstraint(
                condition=~models.Q(state__in=[MerchantState.REJECTED, MerchantState.SUSPENDED])
                | ~models.Q(state_reason=""),
                name="merchant_refusal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return self.trade_name

    @property
    def is_approved(self) -> bool:
        return self.state == MerchantState.APPROVED


class MerchantMember(models.Model):
    """A merchant user's place on one merchant's staff: its owner or a clerk."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE, related_name="merchant_membership"
    )
    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.CASCADE, related_name="members")
    role = models.CharField(_("role"), max_length=10, choices=MemberRole.choices)
    joined_at = models.DateTimeField(_("joined at"), auto_now_add=True)

    class Meta:
        verbose_name = _("merchant member")
        verbose_name_plural = _("merchant members")
        ordering = ["merchant", "role", "user__username"]
        constraints = [
            models.CheckConstraint(condition=models.Q(role__in=MemberRole.values), name="member_role_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.get_role_display()}, {self.merchant})"

    @property
    def is_owner(self) -> bool:
        return self.role == MemberRole.OWNER


def _unit_code_part(position: int) -> Func:
    """Part `position` (1: building, 2: floor, 3: unit) of a unit code building-floor-unit."""
    return Func(F("unit_code"), Value("-"), Value(position), function="split_part", output_field=CharField())


class ShopQuerySet(StateCountsQuerySet):
    def visible_to(self, user) -> "ShopQuerySet":
        """The shops of the merchants `user` may see (`MerchantQuerySet.visible_to`)."""
        return self.filter(merchant__in=Merchant.objects.visible_to(user))

    def in_catalogue(self) -> "ShopQuerySet":
        """Open shops of approved merchants: those the public catalogue shows."""
        return self.filter(state=ShopState.OPEN, merchant__state=MerchantState.APPROVED)

    def with_unit_parts(self) -> "ShopQuerySet":
        """Annotated with the parts of the unit code as the map reads them: `unit_building` (B10), and as
        numbers for ordering `unit_building_number` (10), `unit_floor` (1) and `unit_number` (15)."""
        building = _unit_code_part(1)
        return self.annotate(
            unit_building=building,
            unit_building_letter=Substr(building, 1, 1),
            unit_building_number=Cast(Substr(building, 2), IntegerField()),
            unit_floor=Cast(_unit_code_part(2), IntegerField()),
            unit_number=Cast(_unit_code_part(3), IntegerField()),
        )

    def with_unit_state(self) -> "ShopQuerySet":
        """Annotated with `unit_state` (UnitState), the shop map's word for the unit: vacant when its shop is
        closed, closed when the shop is open but its merchant may not trade (suspended, not yet approved),
        occupied otherwise."""
        return self.annotate(
            unit_state=Case(
                When(state=ShopState.CLOSED, then=Value(UnitState.VACANT)),
                When(~Q(merchant__state=MerchantState.APPROVED), then=Value(UnitState.CLOSED)),
                default=Value(UnitState.OCCUPIED),
                output_field=CharField(),
            )
        )

    def floors(self) -> list[int]:
        """The floors that have a shop among these, lowest first."""
        return list(self.with_unit_parts().order_by("unit_floor").values_list("unit_floor", flat=True).distinct())

    def in_unit_order(self) -> "ShopQuerySet":
        """By building, floor and unit, each part in the order of its number: B2 before B10, floor 2 before 10."""
        return self.with_unit_parts().order_by(
            "unit_building_letter", "unit_building_number", "unit_floor", "unit_number", "unit_code"
        )

    def buildings(self) -> list[str]:
        """The buildings that have a shop among these, in the order of `in_unit_order`."""
        rows = (
            self.with_unit_parts()
            .order_by("unit_building_letter", "unit_building_number")
            .values_list("unit_building", "unit_building_letter", "unit_building_number")
            .distinct()
        )
        return [building for building, _letter, _number in rows]

    def in_building(self, building: str) -> "ShopQuerySet":
        return self.filter(unit_code__startswith=f"{building}-")


class Shop(models.Model):
    """A unit in the zone, run by one merchant: code building-floor-unit, e.g. B2-1-015."""

    unit_code = models.CharField(
        _("unit code"),
        max_length=20,
        unique=True,
        validators=[
            RegexValidator(
                r"^[A-Z][0-9]{1,2}-[0-9]{1,2}-[0-9]{3}$", _("Write the unit as building-floor-unit, e.g. B2-1-015.")
            )
        ],
    )
    side = models.CharField(_("side of the zone"), max_length=2, choices=ZoneSide.choices)
    merchant = models.ForeignKey(Merchant, verbose_name=_("merchant"), on_delete=models.PROTECT, related_name="shops")
    name = models.CharField(_("shop name"), max_length=200)
    area_m2 = models.DecimalField(_("area (m²)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(1)])
    opened_on = models.DateField(_("opened on"))
    state = models.CharField(_("state"), max_length=10, choices=ShopState.choices, default=ShopState.OPEN)

    objects = ShopQuerySet.as_manager()

    class Meta:
        verbose_name = _("shop")
        verbose_name_plural = _("shops")
        ordering = ["unit_code"]
        constraints = [
            models.CheckConstraint(condition=models.Q(area_m2__gte=1), name="shop_area_positive"),
            models.CheckConstraint(condition=models.Q(side__in=ZoneSide.values), name="shop_side_valid"),
            models.CheckConstraint(condition=models.Q(state__in=ShopState.values), name="shop_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_code} {self.name}"

    @property
    def building(self) -> str:
        return self.unit_code.split("-")[0]

    @property
    def floor(self) -> int:
        return int(self.unit_code.split("-")[1])


class Notification(models.Model):
    """Something a merchant's staff should know: licence expiry, moderation outcomes, state changes."""

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=NotificationKind.choices)
    message = models.CharField(_("message"), max_length=500)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # Makes a nightly warning idempotent: one per merchant, kind and subject (e.g. the licence date).
    dedupe_key = models.CharField(max_length=100, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["merchant", "kind", "dedupe_key"],
                condition=~models.Q(dedupe_key=""),
                name="notification_once_per_subject",
            )
        ]
        indexes = [
            # The unread count beside the notifications link, on every page a merchant's staff opens.
            models.Index(fields=["merchant"], condition=models.Q(read_at__isnull=True), name="notification_unread_idx")
        ]

    def __str__(self) -> str:
        return f"{self.merchant}: {self.get_kind_display()}"
