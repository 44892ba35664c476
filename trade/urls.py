from django.urls import path

from trade.views.administrator import policy
from trade.views.administrator import shipments as administrator_shipments
from trade.views.administrator import statistics as trade_statistics
from trade.views.merchant import sales
from trade.views.merchant import shipments as merchant_shipments

app_name = "trade"

urlpatterns = [
    path("sales/", sales.SaleListView.as_view(), name="sales"),
    path("sales/new/", sales.sale_new, name="sale-new"),
    path("sales/<int:pk>/", sales.sale_detail, name="sale"),
    path("sales/<int:pk>/void/", sales.sale_void_view, name="sale-void"),
    path("rates/", policy.rates, name="rates"),
    path("policies/", policy.policies, name="policies"),
    path("shuttle-traders/", policy.flags, name="flags"),
    path("statistics/", trade_statistics.trade_statistics, name="statistics"),
    path("shipments/", merchant_shipments.ShipmentListView.as_view(), name="shipments"),
    path("shipments/new/", merchant_shipments.shipment_new, name="shipment-new"),
    path("shipments/<int:pk>/", merchant_shipments.shipment_detail, name="shipment"),
    path("shipments/<int:pk>/advance/", merchant_shipments.shipment_advance_view, name="shipment-advance"),
    path("shipments/<int:pk>/hold/", merchant_shipments.shipment_hold_view, name="shipment-hold"),
    path("shipments/<int:pk>/release/", merchant_shipments.shipment_release_view, name="shipment-release"),
    path("shipments/<int:pk>/delete/", merchant_shipments.shipment_delete_view, name="shipment-delete"),
    path(
        "shipments/<int:pk>/declaration.<str:file_format>",
        merchant_shipments.shipment_declaration,
        name="shipment-declaration",
    ),
    path("administration/shipments/", administrator_shipments.AllShipmentsView.as_view(), name="all-shipments"),
]
