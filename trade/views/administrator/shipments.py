"""Administrators' view of onward shipments: every merchant's, filtered (by merchant too), with a CSV export and
the average clearance time of what the filters select. Each row leads to the shipment's page."""

from django.utils.translation import gettext_lazy as _

from horgos.choices import Role
from horgos.pages import FilteredTableView
from trade.filtersets import ShipmentFilterSet
from trade.selectors.shipments import shipments_visible_to
from trade.tables import ShipmentTable, duration_text


class AllShipmentsView(FilteredTableView):
    allowed_roles = (Role.ADMINISTRATOR,)
    template_name = "trade/administrator/shipments.html"
    table_class = ShipmentTable
    table_caption = _("All shipments")
    filterset_class = ShipmentFilterSet
    export_name = "shipments-all"

    def get_queryset(self):
        return shipments_visible_to(self.request.user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["average_clearance"] = duration_text(context["filter"].qs.average_clearance_time())
        return context
