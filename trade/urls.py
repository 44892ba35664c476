from django.urls import path

from trade.views.administrator import policy
from trade.views.merchant import sales

app_name = "trade"

urlpatterns = [
    path("sales/", sales.SaleListView.as_view(), name="sales"),
    path("sales/new/", sales.sale_new, name="sale-new"),
    path("sales/<int:pk>/", sales.sale_detail, name="sale"),
    path("sales/<int:pk>/void/", sales.sale_void_view, name="sale-void"),
    path("rates/", policy.rates, name="rates"),
    path("policies/", policy.policies, name="policies"),
    path("shuttle-traders/", policy.flags, name="flags"),
]
