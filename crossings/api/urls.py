from rest_framework.routers import SimpleRouter

from crossings.api import views

router = SimpleRouter()
router.register("checkpoints", views.CheckpointViewSet, basename="checkpoint")
router.register("lanes", views.LaneViewSet, basename="lane")
router.register("travellers", views.TravellerViewSet, basename="traveller")
router.register("crossings", views.CrossingViewSet, basename="crossing")
router.register("visits", views.VisitViewSet, basename="visit")
router.register("watchlist", views.WatchlistViewSet, basename="watchlist")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("figures", views.FiguresViewSet, basename="figures")
