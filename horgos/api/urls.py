from django.urls import path
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from horgos.api import views

router = DefaultRouter()
router.register("users", views.UserViewSet, basename="user")

urlpatterns = [
    path("me/", views.me, name="api-me"),
    path("auth/token/", obtain_auth_token, name="api-token"),
    *router.urls,
]
