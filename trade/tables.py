"""The tables of the trade's list pages (django-tables2): columns, how cells render and what CSV exports hold.

A sale's times render in the zone of its shop's side of the zone; a shipment's in the site's time zone (it belongs
to no checkpoint); numbers by the active language.
"""

from datetime import datetime, timedelta
from decimal import Decimal

import django_tables2 as tables
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from crossings.models import Checkpoint
from crossings.selectors.lists import mask_document_number
from horgos.tables import ListTable, badge, grouped, local_time, local_time_value
from trade.choices import SaleState, ShipmentStep
from trade.models import Sale, Shipment, ShuttleTraderFlag


class SaleTable(ListTable):
    receipt_number = tables.Column(verbose_name=_("Receipt"), order_by=("receipt_number", "id"))
    shop = tables.Column(verbose_name=_("Shop"), accessor="shop__unit_code")
    sold_at = tables.Column(verbose_name=_("Sold at"))
    buyer = tables.Column(verbose_name=_("Buyer's document"), accessor="document__number", orderable=False)
    side = tables.Column(verbose_name=_("Counts against"))
    total_cny = tables.Column(verbose_name=_("Total (CNY)"), attrs={"td": {"class": "num"}})
    total_weight_kg = tables.Column(verbose_name=_("Weight (kg)"), attrs={"td": {"class": "num"}})
    state = tables.Column(verbose_name=_("State"))

    class Meta(ListTable.Meta):
        model = Sale
        fields = ["receipt_number", "shop", "sold_at", "buyer", "side", "total_cny", "total_weight_kg", "state"]
        order_by = ["-sold_at"]
        empty_text = _("No sales match.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # A shop's times are shown in the zone of its side of the zone (Beijing or Almaty time).
        self.zones = {checkpoint.code: checkpoint.zone for checkpoint in Checkpoint.objects.all()}

    def render_sold_at(self, value, record: Sale) -> str:
        return local_time(value, self.zones[record.shop.side])

    def value_sold_at(self, value, record: Sale) -> str:
        return local_time_value(value, self.zones[record.shop.side])

    def render_receipt_number(self, value, record: Sale) -> str:
        return format_html('<a href="{}">{}</a>', reverse("trade:sale", args=[record.pk]), value)

    def render_total_cny(self, value) -> str:
        return number_format(value, 2, force_grouping=True)

    def value_total_cny(self, value) -> str:
        return str(value)

    def value_receipt_number(self, value: str) -> str:
        return value

    def render_buyer(self, value: str) -> str:
        return mask_document_number(value)

    def value_buyer(self, value: str) -> str:
        return mask_document_number(value)

    def render_side(self, value, record: Sale) -> str:
        return record.get_side_display()

    def render_state(self, value, record: Sale) -> str:
        return badge(record.get_state_display(), "ok" if record.state == SaleState.RECORDED else "warn")

    def value_state(self, value, record: Sale) -> str:
        return str(record.get_state_display())


class ShuttleTraderFlagTable(ListTable):
    flagged_on = tables.DateColumn(verbose_name=_("Flagged on"), format="SHORT_DATE_FORMAT")
    # Names are encrypted at rest: SQL cannot sort by them.
    traveller = tables.Column(verbose_name=_("Traveller"), orderable=False)
    entries = tables.Column(verbose_name=_("Entries"), attrs={"td": {"class": "num"}})
    heavy_visits = tables.Column(verbose_name=_("Visits with large purchases"), attrs={"td": {"class": "num"}})
    explanation = tables.Column(verbose_name=_("Why"), accessor="pk", orderable=False)

    class Meta(ListTable.Meta):
        model = ShuttleTraderFlag
        fields = ["flagged_on", "traveller", "entries", "heavy_visits", "explanation"]
        order_by = ["-flagged_on"]
        empty_text = _("No traveller is flagged.")

    def render_traveller(self, value, record: ShuttleTraderFlag) -> str:
        return format_html('<a href="{}">{}</a>', reverse("crossings:traveller", args=[record.traveller_id]), value)

    def render_entries(self, value: int) -> str:
        return grouped(value)

    def render_explanation(self, value, record: ShuttleTraderFlag) -> str:
        return record.explanation

    def value_explanation(self, value, record: ShuttleTraderFlag) -> str:
        return record.explanation


STEP_BADGES = {
    ShipmentStep.REGISTERED: "neutral",
    ShipmentStep.DECLARED: "warn",
    ShipmentStep.INSPECTED: "warn",
    ShipmentStep.CLEARED: "ok",
    ShipmentStep.DEPARTED: "ok",
}


def duration_text(duration: timedelta | None) -> str:
    """A clearance time as hours and minutes (e.g. "26 h 05 min"); a dash for none."""
    if duration is None:
        return "—"
    minutes = int(duration.total_seconds() // 60)
    return gettext("%(hours)s h %(minutes)02d min") % {"hours": minutes // 60, "minutes": minutes % 60}


def step_badges(shipment: Shipment) -> str:
    """The step reached, and "Held" beside it while the shipment is held."""
    step = badge(shipment.get_step_display(), STEP_BADGES[ShipmentStep(shipment.step)])
    return format_html("{} {}", step, badge(_("Held"), "bad")) if shipment.held else step


class ShipmentTable(ListTable):
    """Shipments, newest first: where each stands on the customs timeline and what it carries."""

    reference = tables.Column(verbose_name=_("Reference"), order_by=("reference", "id"))
    merchant = tables.Column(
        verbose_name=_("Merchant"), accessor="merchant__trade_name", order_by=("merchant__trade_name", "id")
    )
    consignee_name = tables.Column(verbose_name=_("Consignee"), order_by=("consignee_name", "id"))
    consignee_country = tables.Column(
        verbose_name=_("Destination"), accessor="consignee_country__code", order_by=("consignee_country", "id")
    )
    corridor = tables.Column(verbose_name=_("Corridor"), order_by=("corridor", "id"))
    transport_mode = tables.Column(verbose_name=_("Transport"), order_by=("transport_mode", "id"))
    step = tables.Column(verbose_name=_("Step"), order_by=("step", "id"))
    registered_at = tables.Column(verbose_name=_("Registered"), order_by=("registered_at", "id"))
    total_value_cny = tables.Column(
        verbose_name=_("Value (CNY)"), order_by=("total_value_cny", "id"), attrs={"td": {"class": "num"}}
    )
    clearance = tables.Column(
        verbose_name=_("Clearance time"), accessor="cleared_at", order_by=("cleared_at", "id"), default="—"
    )

    class Meta(ListTable.Meta):
        model = Shipment
        fields = ()
        empty_text = _("No shipment matches these filters.")

    def render_reference(self, value: str, record: Shipment) -> str:
        return format_html('<a href="{}">{}</a>', reverse("trade:shipment", args=[record.pk]), value)

    def value_reference(self, value: str) -> str:
        return value

    def render_consignee_country(self, record: Shipment) -> str:
        country = record.consignee_country
        return format_html('{} <span class="muted">({})</span>', country.name, country.code)

    def value_consignee_country(self, record: Shipment) -> str:
        return record.consignee_country.code

    def render_step(self, record: Shipment) -> str:
        return step_badges(record)

    def value_step(self, record: Shipment) -> str:
        held = f" ({gettext('Held')}: {record.hold_reason})" if record.held else ""
        return f"{record.get_step_display()}{held}"

    def render_registered_at(self, value: datetime) -> str:
        return local_time(value, timezone.get_current_timezone())

    def value_registered_at(self, value: datetime) -> str:
        return local_time_value(value, timezone.get_current_timezone())

    def render_total_value_cny(self, value: Decimal | None) -> str:
        return number_format(value or Decimal("0"), 2, force_grouping=True)

    def value_total_value_cny(self, value: Decimal | None) -> str:
        return str(value or Decimal("0.00"))

    def render_clearance(self, record: Shipment) -> str:
        return duration_text(record.clearance_time)

    def value_clearance(self, record: Shipment) -> str:
        return duration_text(record.clearance_time)
