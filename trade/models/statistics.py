"""Trade statistics: sales, allowance use and onward shipments per local day, filled nightly from the recorded
(not voided) sales and the shipments' customs timeline, and read by every dashboard, report and public figure.

The trade keeps one clock per side of the zone, the zone of that side's checkpoint (CN: Beijing time, KZ: Almaty
time), and its fill state and dirty days are keyed by the side's code:
- a sale counts on the local day of its shop's side (`Shop.side`): where the till stands;
- its allowance use counts on the side it was charged to (`Sale.side`, the checkpoint the buyer leaves by), on that
  side's local day: the day its allowance period is taken in;
- onward shipments belong to no side; they count on the Chinese side's clock (Beijing time), which is the site's own
  time zone, the one every shipment page and declaration shows their moments in.

Each side's day is refilled whole in one transaction (trade.services.statistics). `TradeStatisticsFillState` says
up to which local day a side is filled; a service that changes a day already filled (a voided sale, a shipment step
recorded for an earlier day) adds a `TradeStatisticsDirtyDay`, recomputed on the next run.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from crossings.choices import CheckpointCode
from merchants.models import HsChapter, Shop
from trade.models.policy import money_field, weight_field


def side_field(verbose_name=None) -> models.CharField:
    return models.CharField(verbose_name or _("side"), max_length=2, choices=CheckpointCode.choices)


class DayOfSide(models.Model):
    """A row of one local day on one side of the zone: what the sales and allowance tables share."""

    local_date = models.DateField(_("local day"))
    side = side_field()

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return f"{self.side} {self.local_date}"


class DailySaleCount(DayOfSide):
    """Recorded sales of one local day at one shop (on its side's clock), by the origin and HS chapter of the goods:
    the receipts with a line in the cell, the units, their value (CNY) and weight.

    A receipt with lines of two origins or chapters counts in both cells: receipts add up across shops, not across
    origins or chapters (`DailyShopSaleCount` has each receipt once); values, weights and units add up everywhere.
    The merchant's country is the shop's merchant's, kept here so figures by country need no join.
    """

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    merchant_country = CountryField(_("merchant's country"))
    origin_country = CountryField(_("country of origin"))
    hs_chapter = models.ForeignKey(HsChapter, on_delete=models.CASCADE, related_name="+")
    sales = models.PositiveIntegerField(_("sales"))
    units = models.PositiveIntegerField(_("units"))
    value_cny = money_field(_("value (CNY)"))
    weight_kg = weight_field(_("weight (kg)"))

    class Meta:
        verbose_name = _("daily sale count")
        verbose_name_plural = _("daily sale counts")
        constraints = [
            models.UniqueConstraint(
                fields=["local_date", "shop", "origin_country", "hs_chapter"], name="daily_sale_cell"
            )
        ]
        indexes = [models.Index(fields=["side", "local_date"], name="daily_sale_day_idx")]


class DailyShopSaleCount(DayOfSide):
    """Recorded sales (receipts) of one local day at one shop, each counted once, with their buyers (people), value
    (CNY) and weight: trade totals by day, shop and merchant country."""

    shop = models.ForeignKey(Shop, on_delete=models.CASCADE, related_name="+")
    merchant_country = CountryField(_("merchant's country"))
    sales = models.PositiveIntegerField(_("sales"))
    buyers = models.PositiveIntegerField(_("buyers"))
    value_cny = money_field(_("value (CNY)"))
    weight_kg = weight_field(_("weight (kg)"))

    class Meta:
        verbose_name = _("daily shop sale count")
        verbose_name_plural = _("daily shop sale counts")
        constraints = [models.UniqueConstraint(fields=["local_date", "shop"], name="daily_shop_sale_cell")]
        indexes = [models.Index(fields=["side", "local_date"], name="daily_shop_sale_day_idx")]


class DailyAllowanceUse(DayOfSide):
    """The allowance used on one local day of the side it was charged to, in the allowance's currency (a side
    changes currency only with a new policy): recorded sales, buyers (people), the charged value, its value in CNY
    and the weight."""

    currency = models.CharField(_("allowance currency"), max_length=3)
    sales = models.PositiveIntegerField(_("sales"))
    buyers = models.PositiveIntegerField(_("buyers"))
    charged_value = money_field(_("allowance used"))
    value_cny = money_field(_("value (CNY)"))
    weight_kg = weight_field(_("weight (kg)"))

    class Meta:
        verbose_name = _("daily allowance use")
        verbose_name_plural = _("daily allowance uses")
        constraints = [models.UniqueConstraint(fields=["local_date", "side", "currency"], name="daily_allowance_cell")]


class DailyShipmentCount(models.Model):
    """Onward shipments declared and cleared on one local day (Beijing time, the Chinese side's clock), with the total
    clearance time (cleared − declared) of those cleared that day: the average is the total over `cleared`."""

    local_date = models.DateField(_("local day"), unique=True)
    declared = models.PositiveIntegerField(_("declared"))
    cleared = models.PositiveIntegerField(_("cleared"))
    clearance_seconds = models.PositiveBigIntegerField(_("total clearance time (seconds)"))

    class Meta:
        verbose_name = _("daily shipment count")
        verbose_name_plural = _("daily shipment counts")

    def __str__(self) -> str:
        return f"{self.local_date}: {self.declared} declared, {self.cleared} cleared"


class TradeStatisticsFillState(models.Model):
    """Up to which local day a side's trade statistics are filled (on that side's clock)."""

    side = models.CharField(_("side"), max_length=2, choices=CheckpointCode.choices, unique=True)
    last_filled = models.DateField(_("last local day filled"))
    filled_at = models.DateTimeField(_("filled at"), auto_now=True)

    class Meta:
        verbose_name = _("trade statistics fill state")
        verbose_name_plural = _("trade statistics fill states")

    def __str__(self) -> str:
        return f"{self.side} {self.last_filled}"


class TradeStatisticsDirtyDay(models.Model):
    """A local day of a side's trade statistics changed after it was filled: the next run recomputes it."""

    side = side_field()
    local_date = models.DateField(_("local day"))
    marked_at = models.DateTimeField(_("marked at"), auto_now_add=True)

    class Meta:
        verbose_name = _("trade day to recompute")
        verbose_name_plural = _("trade days to recompute")
        constraints = [models.UniqueConstraint(fields=["side", "local_date"], name="trade_dirty_day_once")]

    def __str__(self) -> str:
        return f"{self.side} {self.local_date}"
