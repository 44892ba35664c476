from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from horgos import access_views, views

urlpatterns = [
    path("", views.landing, name="landing"),
    path("home/", views.home, name="home"),
    path("account/", views.account, name="account"),
    path("account/api-token/", views.api_token_rotate, name="api-token-rotate"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("accounts/confirm/", views.password_confirm, name="password-confirm"),
    path("access/lockouts/", access_views.lockouts, name="access-lockouts"),
    path("access/lockouts/release/", access_views.lockout_release_view, name="access-lockout-release"),
    path("access/machine-tokens/", access_views.machine_tokens, name="access-machine-tokens"),
    path(
        "access/machine-tokens/<int:pk>/revoke/", access_views.machine_token_revoke, name="access-machine-token-revoke"
    ),
    path("accounts/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("crossings/", include("crossings.urls")),
    path("", include("merchants.urls")),
    path("trade/", include("trade.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/v1/", include("horgos.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    # The split view serves Swagger UI's start-up script at ?script, so the page has none inline (the CSP refuses it).
    path(
        "api/docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", template_name="horgos/api_docs.html"),
        name="api-docs",
    ),
]

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler400 = "horgos.views.bad_request"
handler403 = "horgos.views.permission_denied"
handler404 = "horgos.views.page_not_found"
handler500 = "horgos.views.server_error"
