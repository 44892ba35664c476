from django.urls import path
from rest_framework.routers import DefaultRouter

from crossings.api.urls import router as crossings_router
from horgos.api import views
from merchants.api.urls import router as merchants_router
from trade.api.urls import router as trade_router

# One API root listing every app's endpoints; each app keeps its own router.
router = DefaultRouter()
router.register("users", views.UserViewSet, basename="user")
router.registry.extend(crossings_router.registry)
router.registry.extend(merchants_router.registry)
router.registry.extend(trade_router.registry)

urlpatterns = [
    path("me/", views.me, name="api-me"),
    path("auth/token/", views.api_token_obtain, name="api-token"),
    *router.urls,
]
