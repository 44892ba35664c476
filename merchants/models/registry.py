"""The registry: merchants (businesses and their lifecycle), their staff, their shops, and notifications."""

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from merchants.choices import MemberRole, MerchantState, NotificationKind, ShopState, ZoneSide


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

    def __str__(self) -> str:
        return f"{self.merchant}: {self.get_kind_display()}"
