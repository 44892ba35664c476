from rest_framework.routers import SimpleRouter

from trade.api import views

router = SimpleRouter()
router.register("sales", views.SaleViewSet, basename="sale")
router.register("allowance-policies", views.AllowancePolicyViewSet, basename="allowance-policy")
router.register("exchange-rates", views.ExchangeRateViewSet, basename="exchange-rate")
router.register("shipments", views.ShipmentViewSet, basename="shipment")
