import logging
import sys

from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.defaults import page_not_found as html_page_not_found
from django.views.defaults import permission_denied as html_permission_denied

from horgos import selectors, services
from horgos.choices import Role
from horgos.errors import SERVER_ERROR, api_error, database_unavailable, is_api, service_unavailable
from horgos.forms import LockoutCountedPasswordChangeForm, PasswordConfirmForm
from horgos.lockout import client_address
from horgos.pages import confirmation_next, posted
from horgos.reauth import mark_reauthenticated, reauth_required

auth_log = logging.getLogger("horgos.auth")


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
    context = {"api_token": selectors.api_token_personal(user=request.user)}
    if request.user.role == Role.ADMINISTRATOR:
        context["user_counts"] = selectors.user_counts_by_role()
        context["recent_audit_entries"] = selectors.audit_entries_recent()
    return render(request, f"home/{request.user.role}.html", context)


@login_required
@never_cache
def account(request: HttpRequest) -> HttpResponse:
    """Who you are, your password and your API token (never its secret, which was shown once)."""
    return render(request, "home/account.html", {"api_token": selectors.api_token_personal(user=request.user)})


@login_required
@never_cache
@require_POST
@reauth_required
def api_token_rotate(request: HttpRequest) -> HttpResponse:
    """Issue a new personal API token (the previous one stops working) and show its secret, this once: the answer
    is the account page itself, never a redirect, so the secret is kept in no session, message or history."""
    issued = services.api_token_issue_personal(user=request.user, acting_user=request.user)
    context = {"api_token": issued.token, "issued_secret": issued.secret}
    return render(request, "home/account.html", context)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
def password_confirm(request: HttpRequest) -> HttpResponse:
    """ "Confirm your password" before a sensitive action (horgos.reauth), then back to `next`. The password is
    checked like a sign-in, so wrong ones count towards the lockout."""
    back = confirmation_next(request, "home")
    form = PasswordConfirmForm(posted(request))
    if form.is_valid():
        user = authenticate(request, username=request.user.get_username(), password=form.cleaned_data["password"])
        if user is not None and user.pk == request.user.pk:
            mark_reauthenticated(request)
            return redirect(back)
        form.add_error("password", PasswordConfirmForm.WRONG_PASSWORD)
    return render(request, "registration/password_confirm.html", {"form": form, "next": back})


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's password page, through the service: the new password ends the account's personal API tokens and
    is audited and logged; this session stays signed in (the account's other sessions end). A wrong old password
    counts towards the sign-in lockout."""

    form_class = LockoutCountedPasswordChangeForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        services.user_change_password(
            user=form.user, password=form.cleaned_data["new_password1"], acting_user=self.request.user
        )
        update_session_auth_hash(self.request, form.user)
        auth_log.info("password changed: user=%s ip=%s", form.user.get_username(), client_address(self.request))
        return redirect(self.get_success_url())


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
