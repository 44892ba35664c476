"""Administrators' pages about access: the sign-in lockouts in force (with a confirmation, and a reason, to lift
one) and the machine clients' API tokens (issue one, shown once; revoke one, with a reason)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from horgos import selectors, services
from horgos.choices import ApiTokenKind, Role
from horgos.forms import ConfirmForm, MachineTokenForm, show_service_error
from horgos.lockout import lockout_release, lockouts_current
from horgos.models import ApiToken
from horgos.pages import confirmation_next, posted, render_confirmation
from horgos.reauth import reauth_required
from horgos.roles import role_required

administrators_only = role_required(Role.ADMINISTRATOR)
LOCKOUT_KINDS = {"username": _("Account"), "ip_address": _("Address")}


@administrators_only
@never_cache
def lockouts(request: HttpRequest) -> HttpResponse:
    """Every account and address locked out of signing in now, each with a button to lift the lock."""
    return render(request, "horgos/access/lockouts.html", {"lockouts": lockouts_current()})


@administrators_only
@require_http_methods(["GET", "POST"])
def lockout_release_view(request: HttpRequest) -> HttpResponse:
    """The confirmation of lifting one lockout (`?kind=username|ip_address&value=…`), with the reason the audit
    row keeps; POST lifts it."""
    kind, value = request.GET.get("kind", ""), request.GET.get("value", "")
    if kind not in LOCKOUT_KINDS or not value:
        raise Http404
    back = confirmation_next(request, reverse("access-lockouts"))
    form = ConfirmForm(posted(request), reason_label=_("Reason for lifting the lock"))
    if form.is_valid():
        try:
            lockout_release(kind=kind, value=value, reason=form.reason, acting_user=request.user)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("%(value)s can sign in again.") % {"value": value})
            return redirect(back)
    return render_confirmation(
        request,
        title=_("Lift the sign-in lock on %(value)s?") % {"value": value},
        question=_(
            "Sign-in is allowed again at once and the failed attempts are forgotten. Lift a lock only when you know "
            "who failed to sign in, and why."
        ),
        confirm_label=_("Lift the lock"),
        form=form,
        cancel_url=back,
        facts=[(LOCKOUT_KINDS[kind], value)],
        query={"kind": kind, "value": value},
    )


@administrators_only
@never_cache
@require_http_methods(["GET", "POST"])
def machine_tokens(request: HttpRequest) -> HttpResponse:
    """Machine clients' tokens with their last use; POST issues one (after a recent password) and shows its
    secret once, on the answer to that POST."""
    form = MachineTokenForm(posted(request))
    if request.method == "POST":
        return _machine_token_issue(request, form)
    context = {"form": form, "tokens": selectors.api_tokens_machine(), "issued": None}
    return render(request, "horgos/access/machine_tokens.html", context)


@reauth_required
def _machine_token_issue(request: HttpRequest, form: MachineTokenForm) -> HttpResponse:
    issued = None
    if form.is_valid():
        try:
            issued = services.api_token_issue_machine(
                user=form.cleaned_data["user"], name=form.cleaned_data["name"], acting_user=request.user
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            form = MachineTokenForm()
    context = {"form": form, "tokens": selectors.api_tokens_machine(), "issued": issued}
    return render(request, "horgos/access/machine_tokens.html", context, status=200 if issued else 400)


@administrators_only
@require_http_methods(["GET", "POST"])
def machine_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation of revoking a machine token, with the reason the audit row keeps; POST revokes it."""
    token = get_object_or_404(ApiToken.objects.select_related("user"), pk=pk, kind=ApiTokenKind.MACHINE)
    back = confirmation_next(request, reverse("access-machine-tokens"))
    form = ConfirmForm(posted(request), reason_label=_("Reason for revoking the token"))
    if form.is_valid():
        try:
            services.api_token_revoke(token=token, reason=form.reason, acting_user=request.user)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The token %(name)s no longer works.") % {"name": token.name})
            return redirect(back)
    return render_confirmation(
        request,
        title=_("Revoke the token %(name)s?") % {"name": token.name},
        question=_("The machine using it is refused from its next request on. This cannot be undone."),
        confirm_label=_("Revoke the token"),
        form=form,
        cancel_url=back,
        facts=[
            (_("Account"), token.user.get_username()),
            (_("Token"), f"{token.prefix}…"),
            (_("Last used"), token.last_used_at or "—"),
        ],
        destructive=True,
    )
