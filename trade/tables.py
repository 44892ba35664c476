"""The tables of the trade's list pages (django-tables2): columns, cells and what exports hold."""

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from crossings.models import Checkpoint
from crossings.selectors.lists import mask_document_number
from horgos.tables import ListTable, badge, grouped, local_time, local_time_value
from trade.choices import SaleState
from trade.models import Sale, ShuttleTraderFlag


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
    traveller = tables.Column(
        verbose_name=_("Traveller"), order_by=("traveller__family_name", "traveller__given_names")
    )
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
