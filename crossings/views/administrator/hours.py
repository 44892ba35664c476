"""Opening hours and closures: each checkpoint's week (one form for the seven days, in the checkpoint's local
time, saved all or nothing), the closures in force, to come and lately ended, and a form to add one."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crossings.forms import ClosureForm, WeekHoursFormSet
from crossings.models import Checkpoint, Closure
from crossings.selectors import operations as operations_selectors
from crossings.services.reference import WeekHoursRefused, closure_add, closure_remove, opening_hours_set_week
from horgos.choices import Role
from horgos.forms import ConfirmForm, show_service_error
from horgos.pages import confirmation_next, posted, render_confirmation
from horgos.roles import role_required

administrators_only = role_required(Role.ADMINISTRATOR)


def _hours_prefix(code: str) -> str:
    return f"hours-{code}"


def _week_formset(checkpoint_week: dict) -> WeekHoursFormSet:
    initial = [
        {"opens_at": row["hours"].opens_at, "closes_at": row["hours"].closes_at} if row["hours"] else {}
        for row in checkpoint_week["rows"]
    ]
    return WeekHoursFormSet(prefix=_hours_prefix(checkpoint_week["checkpoint"].code), initial=initial)


def _hours_table(bound: tuple[str, WeekHoursFormSet] | None = None) -> list[dict]:
    """Each checkpoint's week with its formset (one form per weekday, beside that day's row): the posted one as it
    was, the others showing the hours in force."""
    week = operations_selectors.weekly_hours()
    for checkpoint_week in week:
        code = checkpoint_week["checkpoint"].code
        formset = bound[1] if bound is not None and bound[0] == code else _week_formset(checkpoint_week)
        checkpoint_week["formset"] = formset
        for row, form in zip(checkpoint_week["rows"], formset.forms, strict=False):  # a tampered count: its error
            row["form"] = form
    return week


def _render_hours(
    request: HttpRequest,
    *,
    bound_week: tuple[str, WeekHoursFormSet] | None = None,
    closure_form: ClosureForm | None = None,
) -> HttpResponse:
    context = {
        "checkpoints": _hours_table(bound_week),
        "closure_form": closure_form or ClosureForm(prefix="closure"),
        "recent_days": operations_selectors.RECENT_CLOSURE_DAYS,
        **operations_selectors.closures_around(timezone.now()),
    }
    return render(request, "crossings/operations/hours.html", context)


@administrators_only
@require_GET
def hours(request: HttpRequest) -> HttpResponse:
    """Weekly hours per checkpoint (one form for its whole week), closures, and a form to add one."""
    return _render_hours(request)


@administrators_only
@require_POST
def hours_set_week(request: HttpRequest, checkpoint: str) -> HttpResponse:
    """Save a checkpoint's whole week at once, all or nothing; each refused day shows its error in its row."""
    checkpoint = get_object_or_404(Checkpoint, code=checkpoint.upper())
    formset = WeekHoursFormSet(request.POST, prefix=_hours_prefix(checkpoint.code))
    if formset.is_valid():
        try:
            opening_hours_set_week(checkpoint=checkpoint, week=formset.week(), acting_user=request.user)
        except WeekHoursRefused as refused:
            for weekday, error in refused.days.items():
                show_service_error(formset.forms[weekday], error)
        else:
            messages.success(request, _("Weekly hours of %(checkpoint)s saved.") % {"checkpoint": checkpoint.code})
            return redirect(reverse("crossings:operations-hours") + f"#hours-{checkpoint.code}")
    return _render_hours(request, bound_week=(checkpoint.code, formset))


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
            (
                _("Starts (local time)"),
                formats.date_format(checkpoint.local(closure.starts_at), "SHORT_DATETIME_FORMAT"),
            ),
            (_("Ends (local time)"), formats.date_format(checkpoint.local(closure.ends_at), "SHORT_DATETIME_FORMAT")),
            (_("Reason"), closure.reason),
        ],
        destructive=True,
    )


def _local_moment(checkpoint, moment) -> str:
    return formats.date_format(checkpoint.local(moment), "SHORT_DATETIME_FORMAT")
