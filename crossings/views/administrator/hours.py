"""Opening hours and closures: each checkpoint's week (one small form per weekday, in the checkpoint's local
time), the closures in force, to come and lately ended, and a form to add one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crossings.choices import Weekday
from crossings.forms import ClosureForm, OpeningHoursForm
from crossings.models import Checkpoint, Closure
from crossings.selectors import operations as operations_selectors
from crossings.services.reference import closure_add, closure_remove, opening_hours_set
from horgos.choices import Role
from horgos.forms import ConfirmForm, show_service_error
from horgos.pages import confirmation_next, posted, render_confirmation
from horgos.roles import role_required

administrators_only = role_required(Role.ADMINISTRATOR)

# The form of one weekday that was posted and failed: (checkpoint code, weekday, bound form).
BoundHours = tuple[str, int, OpeningHoursForm]


def _hours_form_id(code: str, weekday: int) -> str:
    return f"hours-{code}-{weekday}"


def _hours_table(bound: BoundHours | None = None) -> list[dict]:
    """Each checkpoint's week with a form per weekday: the posted one as it was, the others showing the hours."""
    week = operations_selectors.weekly_hours()
    for checkpoint_week in week:
        code = checkpoint_week["checkpoint"].code
        for row in checkpoint_week["rows"]:
            hours, form_id = row["hours"], _hours_form_id(code, row["weekday"])
            if bound is not None and bound[:2] == (code, row["weekday"]):
                form = bound[2]
            else:
                initial = {"opens_at": hours.opens_at, "closes_at": hours.closes_at} if hours else None
                form = OpeningHoursForm(prefix=form_id, form_id=form_id, initial=initial)
            row.update(form=form, form_id=form_id)
    return week


def _render_hours(
    request: HttpRequest, *, bound_hours: BoundHours | None = None, closure_form: ClosureForm | None = None
) -> HttpResponse:
    context = {
        "checkpoints": _hours_table(bound_hours),
        "closure_form": closure_form or ClosureForm(prefix="closure"),
        "recent_days": operations_selectors.RECENT_CLOSURE_DAYS,
        **operations_selectors.closures_around(timezone.now()),
    }
    return render(request, "crossings/operations/hours.html", context)


@administrators_only
@require_GET
def hours(request: HttpRequest) -> HttpResponse:
    """Weekly hours per checkpoint (one small form per weekday), closures, and a form to add one."""
    return _render_hours(request)


@administrators_only
@require_POST
def hours_set(request: HttpRequest, checkpoint: str, weekday: int) -> HttpResponse:
    checkpoint = get_object_or_404(Checkpoint, code=checkpoint.upper())
    if weekday not in Weekday.values:
        raise Http404
    form_id = _hours_form_id(checkpoint.code, weekday)
    form = OpeningHoursForm(request.POST, prefix=form_id, form_id=form_id)
    if form.is_valid():
        try:
            opening_hours_set(checkpoint=checkpoint, weekday=weekday, acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Hours of %(checkpoint)s on %(weekday)s saved.")
                % {"checkpoint": checkpoint.code, "weekday": Weekday(weekday).label},
            )
            return redirect(reverse("crossings:operations-hours") + f"#row-{form_id}")
    return _render_hours(request, bound_hours=(checkpoint.code, weekday, form))


@administrators_only
@require_POST
def closure_add_view(request: HttpRequest) -> HttpResponse:
    form = ClosureForm(request.POST, prefix="closure")
    if form.is_valid():
        try:
            closure = closure_add(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Closure of %(checkpoint)s added: %(reason)s.")
                % {"checkpoint": closure.checkpoint.code, "reason": closure.reason},
            )
            return redirect(reverse("crossings:operations-hours") + "#closures")
    return _render_hours(request, closure_form=form)


@administrators_only
@require_http_methods(["GET", "POST"])
def closure_remove_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The confirmation of removing a closure, with the reason the audit row keeps; POST removes it."""
    closure = get_object_or_404(Closure.objects.select_related("checkpoint"), pk=pk)
    back = confirmation_next(request, reverse("crossings:operations-hours") + "#closures")
    form = ConfirmForm(posted(request), reason_label=_("Reason for lifting the closure"))
    if form.is_valid():
        try:
            closure_remove(closure=closure, acting_user=request.user, reason=form.reason)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Closure of %(checkpoint)s removed: %(reason)s.")
                % {"checkpoint": closure.checkpoint.code, "reason": closure.reason},
            )
            return redirect(back)
    checkpoint = closure.checkpoint
    return render_confirmation(
        request,
        title=_("Remove the closure of %(checkpoint)s?") % {"checkpoint": closure.checkpoint.code},
        question=_("The checkpoint follows its weekly opening hours again for this time."),
        confirm_label=_("Remove the closure"),
        form=form,
        cancel_url=back,
        facts=[
            (_("Checkpoint"), closure.checkpoint.name),
            (_("Starts (local time)"), date_format(checkpoint.local(closure.starts_at), "Y-m-d H:i")),
            (_("Ends (local time)"), date_format(checkpoint.local(closure.ends_at), "Y-m-d H:i")),
            (_("Reason"), closure.reason),
        ],
        destructive=True,
    )
