from rest_framework.routers import SimpleRouter

from trade.api import views

router = SimpleRouter()
router.register("shipments", views.ShipmentViewSet, basename="shipment")
