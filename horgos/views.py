import sys

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django.views.defaults import page_not_found as html_page_not_found
from django.views.defaults import permission_denied as html_permission_denied
from rest_framework.authtoken.models import Token

from horgos import selectors, services
from horgos.choices import Role
from horgos.errors import SERVER_ERROR, api_error, database_unavailable, is_api, service_unavailable


def landing(request: HttpRequest) -> HttpResponse:
    """The public page about the zone; signed-in users go straight to their home page."""
    if request.user.is_authenticated:
        return redirect("home")
    return render(request, "landing.html")


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """Each role's own home page. An officer's is the lane desk, where the working day happens."""
    if request.user.role == Role.OFFICER:
        return redirect("crossings:desk")
    if request.user.role == Role.MERCHANT:
        return redirect("merchants:portal")
    context = {"api_token": Token.objects.filter(user=request.user).first()}
    if request.user.role == Role.ADMINISTRATOR:
        context["user_counts"] = selectors.user_counts_by_role()
        context["recent_audit_entries"] = selectors.audit_entries_recent()
    return render(request, f"home/{request.user.role}.html", context)


@login_required
def account(request: HttpRequest) -> HttpResponse:
    """Who you are, your password and your API token."""
    return render(request, "home/account.html", {"api_token": Token.objects.filter(user=request.user).first()})


@login_required
@require_POST
def api_token_rotate(request: HttpRequest) -> HttpResponse:
    services.user_rotate_api_token(user=request.user)
    messages.success(request, _("A new API token was created. The previous one no longer works."))
    return redirect("account")


@never_cache
@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and docker healthchecks: 200 when the database and the broker answer, else 503."""
    checks = {
        "database": "ok" if selectors.database_is_up() else "unavailable",
        "broker": "ok" if selectors.broker_is_up() else "unavailable",
    }
    healthy = all(state == "ok" for state in checks.values())
    return JsonResponse(
        {"status": "ok" if healthy else "unavailable", "checks": checks}, status=200 if healthy else 503
    )


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(404)
    return html_page_not_found(request, exception)


def permission_denied(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(403)
    return html_permission_denied(request, exception)


def bad_request(request: HttpRequest, exception: Exception) -> HttpResponse:
    if is_api(request):
        return api_error(400)
    return HttpResponse(_("Bad request."), status=400, content_type="text/plain; charset=utf-8")


def server_error(request: HttpRequest) -> HttpResponse:
    """A plain answer that needs no database: 503 when the database is out of reach, else 500."""
    if database_unavailable(sys.exc_info()[1]):
        return service_unavailable(request)
    if is_api(request):
        return api_error(500)
    return HttpResponse(str(SERVER_ERROR), status=500, content_type="text/plain; charset=utf-8")
