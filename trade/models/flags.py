"""Shuttle traders: people whose pattern of entries and duty-free purchases suggests trading rather than shopping."""

from decimal import ROUND_HALF_UP, Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from crossings.models import Traveller


def _percent(share: Decimal) -> Decimal:
    return (share * 100).quantize(Decimal("1"), rounding=ROUND_HALF_UP)


class ShuttleTraderPolicyQuerySet(models.QuerySet):
    def in_force_on(self, day) -> "ShuttleTraderPolicy | None":
        return self.filter(effective_from__lte=day).order_by("-effective_from").first()


class ShuttleTraderPolicy(models.Model):
    """When a pattern counts as trading (policy data, effective-dated): at least `min_entries` entries into the zone
    within `window_days`, and on more than `share_of_visits` of those visits purchases above `share_of_allowance` of
    the allowance."""

    effective_from = models.DateField(_("in force from"), unique=True)
    window_days = models.PositiveSmallIntegerField(
        _("window (days)"), validators=[MinValueValidator(1), MaxValueValidator(366)]
    )
    min_entries = models.PositiveSmallIntegerField(_("entries at least"), validators=[MinValueValidator(2)])
    share_of_allowance = models.DecimalField(
        _("purchases above this share of the allowance"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
        help_text=_("0.500 is half the allowance of the visit's period."),
    )
    share_of_visits = models.DecimalField(
        _("on more than this share of the visits"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )

    objects = ShuttleTraderPolicyQuerySet.as_manager()

    class Meta:
        verbose_name = _("shuttle-trader policy")
        verbose_name_plural = _("shuttle-trader policies")
        ordering = ["-effective_from"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(window_days__gte=1, min_entries__gte=2), name="shuttle_policy_counts_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(share_of_allowance__gte=0, share_of_allowance__lte=1)
                & models.Q(share_of_visits__gte=0, share_of_visits__lte=1),
                name="shuttle_policy_shares_between_0_and_1",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.effective_from}: {self.min_entries} entries in {self.window_days} days"


class ShuttleTraderFlagQuerySet(models.QuerySet):
    def current(self) -> "ShuttleTraderFlagQuerySet":
        """Each flagged traveller's latest flag."""
        return self.order_by("traveller_id", "-flagged_on").distinct("traveller_id")


class ShuttleTraderFlag(models.Model):
    """A traveller flagged by the nightly check, with the figures that triggered it, so the flag explains itself."""

    traveller = models.ForeignKey(
        Traveller, verbose_name=_("traveller"), on_delete=models.PROTECT, related_name="shuttle_trader_flags"
    )
    flagged_on = models.DateField(_("flagged on"))
    policy = models.ForeignKey(
        ShuttleTraderPolicy, verbose_name=_("policy"), on_delete=models.PROTECT, related_name="+"
    )
    window_start = models.DateField(_("window from"))
    entries = models.PositiveIntegerField(_("entries in the window"))
    heavy_visits = models.PositiveIntegerField(_("visits with large purchases"))
    largest_share = models.DecimalField(_("largest share of an allowance used"), max_digits=6, decimal_places=3)
    flagged_at = models.DateTimeField(_("flagged at"), auto_now=True)

    objects = ShuttleTraderFlagQuerySet.as_manager()

    class Meta:
        verbose_name = _("shuttle-trader flag")
        verbose_name_plural = _("shuttle-trader flags")
        ordering = ["-flagged_on", "traveller_id"]
        constraints = [
            models.UniqueConstraint(fields=["traveller", "flagged_on"], name="shuttle_flag_one_per_traveller_and_day"),
            models.CheckConstraint(
                condition=models.Q(heavy_visits__lte=models.F("entries")), name="shuttle_flag_heavy_within_entries"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.traveller_id} {self.flagged_on}"

    @property
    def explanation(self) -> str:
        """Which figures triggered the flag, in words."""
        return _(
            "%(entries)s entries in %(days)s days (from %(start)s); on %(heavy)s of those visits purchases above "
            "%(share)s %% of the allowance (largest: %(largest)s %%)."
        ) % {
            "entries": self.entries,
            "days": self.policy.window_days,
            "start": date_format(self.window_start, "SHORT_DATE_FORMAT"),
            "heavy": self.heavy_visits,
            "share": number_format(_percent(self.policy.share_of_allowance)),
            "largest": number_format(_percent(self.largest_share)),
        }
