"""Lanes: both checkpoints' lanes with an open/close button each (closing asks for confirmation and a reason),
and a form to add one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from crossings.forms import LaneForm, LaneStateForm
from crossings.models import Lane
from crossings.selectors import operations as operations_selectors
from crossings.services.reference import lane_create, lane_update
from horgos.choices import Role
from horgos.forms import ConfirmForm, show_service_error
from horgos.pages import confirmation_next, is_htmx, posted, render_confirmation
from horgos.roles import role_required

administrators_only = role_required(Role.ADMINISTRATOR)


@administrators_only
@require_http_methods(["GET", "POST"])
def lanes(request: HttpRequest) -> HttpResponse:
    """Both checkpoints' lanes with an open/close button each; POST adds a lane."""
    form = LaneForm(posted(request), prefix="lane")
    if request.method == "POST" and form.is_valid():
        try:
            lane = lane_create(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Lane %(lane)s added.") % {"lane": lane})
            return redirect("crossings:operations-lanes")
    return render(
        request,
        "crossings/operations/lanes.html",
        {"groups": operations_selectors.lanes_by_checkpoint_and_direction(), "form": form},
    )


@administrators_only
@require_POST
def lane_state(request: HttpRequest, pk: int) -> HttpResponse:
    """Open or close a lane, effective at once. htmx gets the lane's row back, a plain form the lanes page.

    The lanes page opens lanes here; closing needs a reason, so it goes through `lane_close`'s confirmation (a
    close posted here has none, and the service refuses it)."""
    lane = get_object_or_404(Lane, pk=pk)
    form = LaneStateForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Say whether the lane should be open or closed."))
    error = None
    try:
        lane = lane_update(lane=lane, acting_user=request.user, is_open=form.is_open)
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if is_htmx(request):
        return render(request, "crossings/operations/_lane_row.html", {"lane": lane, "error": error, "changed": True})
    if error:
        messages.error(request, error)
    elif lane.is_open:
        messages.success(request, _("Lane %(lane)s is open.") % {"lane": lane})
    else:
        messages.success(request, _("Lane %(lane)s is closed.") % {"lane": lane})
    return redirect(reverse("crossings:operations-lanes") + f"#lane-{lane.pk}")


@administrators_only
@require_http_methods(["GET", "POST"])
def lane_close(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation of closing a lane, with the reason the audit row keeps; POST closes it."""
    lane = get_object_or_404(Lane.objects.select_related("checkpoint"), pk=pk)
    back = confirmation_next(request, reverse("crossings:operations-lanes") + f"#lane-{lane.pk}")
    form = ConfirmForm(posted(request), reason_label=_("Reason for closing the lane"))
    if form.is_valid():
        try:
            lane = lane_update(lane=lane, acting_user=request.user, is_open=False, reason=form.reason)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Lane %(lane)s is closed.") % {"lane": lane})
            return redirect(back)
    return render_confirmation(
        request,
        title=_("Close lane %(lane)s?") % {"lane": lane},
        question=_("The lane closes at once: the next crossing recorded on it is refused, until it is opened again."),
        confirm_label=_("Close the lane"),
        form=form,
        cancel_url=back,
        facts=[
            (_("Checkpoint"), lane.checkpoint.name),
            (_("Lane"), lane.code),
            (_("Serves"), lane.get_group_display()),
            (_("Direction"), lane.get_direction_display()),
        ],
        destructive=True,
    )
