from rest_framework.routers import SimpleRouter

from merchants.api import views

router = SimpleRouter()
router.register("merchants", views.MerchantViewSet, basename="merchant")
router.register("shops", views.ShopViewSet, basename="shop")
router.register("listings", views.ListingViewSet, basename="listing")
router.register("catalogue", views.CatalogueViewSet, basename="catalogue")
