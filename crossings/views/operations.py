"""The administrators' operational pages: lanes, opening hours and closures, the watchlist, users, alerts.

Every page and every POST is for administrators only (anonymous visitors go to the login page, other
roles get 403). Views parse the input, call one service and render; a service's ValidationError is
shown on the form (or as a message for a button). The reads only these pages need sit under "Reads".
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crossings.forms import (
    AlertFilterForm,
    ClosureForm,
    LaneForm,
    LaneStateForm,
    OfficerCheckpointForm,
    OfficerCreateForm,
    OpeningHoursForm,
    UserFilterForm,
    WatchlistEntryForm,
)
from crossings.models import Alert, Checkpoint, Closure, Lane, OpeningHours, WatchlistEntry
from crossings.selectors import operations as operations_selectors
from crossings.services import reference
from crossings.services.watchlist import alert_acknowledge, watchlist_add, watchlist_deactivate
from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.models import User
from horgos.pages import is_htmx, paginate, posted, redirect_back, show_error
from horgos.roles import role_required
from horgos.services import user_deactivate, user_reactivate

administrators_only = role_required(Role.ADMINISTRATOR)

WEEKDAYS = OpeningHours._meta.get_field("weekday").choices


# --- Helpers -------------------------------------------------------------------------------------------


def _hours_table(bound: tuple[str, int, OpeningHoursForm] | None = None) -> list[dict]:
    """Each checkpoint's week: a row per weekday with its hours (None: closed) and its form."""
    table = []
    for checkpoint in Checkpoint.objects.order_by("code").prefetch_related("opening_hours"):
        by_weekday = {hours.weekday: hours for hours in checkpoint.opening_hours.all()}
        rows = []
        for weekday, label in WEEKDAYS:
            hours = by_weekday.get(weekday)
            form_id = _hours_form_id(checkpoint.code, weekday)
            if bound is not None and bound[:2] == (checkpoint.code, weekday):
                form = bound[2]
            else:
                initial = {"opens_at": hours.opens_at, "closes_at": hours.closes_at} if hours else None
                form = OpeningHoursForm(prefix=form_id, form_id=form_id, initial=initial)
            rows.append({"weekday": weekday, "label": label, "hours": hours, "form": form, "form_id": form_id})
        table.append({"checkpoint": checkpoint, "rows": rows})
    return table


def _hours_form_id(code: str, weekday: int) -> str:
    return f"hours-{code}-{weekday}"


# --- Index ---------------------------------------------------------------------------------------------


@administrators_only
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "crossings/operations/index.html")


# --- Lanes ---------------------------------------------------------------------------------------------


@administrators_only
@require_http_methods(["GET", "POST"])
def lanes(request: HttpRequest) -> HttpResponse:
    """Both checkpoints' lanes with an open/close button each; POST adds a lane."""
    form = LaneForm(posted(request), prefix="lane")
    if request.method == "POST" and form.is_valid():
        try:
            lane = reference.lane_create(acting_user=request.user, **form.cleaned_data)
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
    """Open or close a lane, effective at once. htmx gets the lane's row back, a plain form the lanes page."""
    lane = get_object_or_404(Lane.objects.select_related("checkpoint"), pk=pk)
    form = LaneStateForm(request.POST)
    if not form.is_valid():
        return HttpResponseBadRequest(_("Say whether the lane should be open or closed."))
    error = None
    try:
        lane = reference.lane_update(lane=lane, acting_user=request.user, is_open=form.is_open)
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


# --- Opening hours and closures -------------------------------------------------------------------------


def _render_hours(
    request: HttpRequest,
    *,
    bound_hours: tuple[str, int, OpeningHoursForm] | None = None,
    closure_form: ClosureForm | None = None,
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
    if weekday > 6:
        raise Http404
    form_id = _hours_form_id(checkpoint.code, weekday)
    form = OpeningHoursForm(request.POST, prefix=form_id, form_id=form_id)
    if form.is_valid():
        try:
            reference.opening_hours_set(
                checkpoint=checkpoint, weekday=weekday, acting_user=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Hours of %(checkpoint)s on %(weekday)s saved.")
                % {"checkpoint": checkpoint.code, "weekday": dict(WEEKDAYS)[weekday]},
            )
            return redirect(reverse("crossings:operations-hours") + f"#row-{form_id}")
    return _render_hours(request, bound_hours=(checkpoint.code, weekday, form))


@administrators_only
@require_POST
def closure_add(request: HttpRequest) -> HttpResponse:
    form = ClosureForm(request.POST, prefix="closure")
    if form.is_valid():
        try:
            closure = reference.closure_add(acting_user=request.user, **form.cleaned_data)
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
@require_POST
def closure_remove(request: HttpRequest, pk: int) -> HttpResponse:
    closure = get_object_or_404(Closure.objects.select_related("checkpoint"), pk=pk)
    try:
        reference.closure_remove(closure=closure, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("Closure of %(checkpoint)s removed: %(reason)s.")
            % {"checkpoint": closure.checkpoint.code, "reason": closure.reason},
        )
    return redirect(reverse("crossings:operations-hours") + "#closures")


# --- Watchlist -----------------------------------------------------------------------------------------


@administrators_only
@require_http_methods(["GET", "POST"])
def watchlist(request: HttpRequest) -> HttpResponse:
    """Active and ended watchlist entries with their hits; POST adds an entry."""
    form = WatchlistEntryForm(posted(request), prefix="entry", time_zone_name=timezone.get_current_timezone_name())
    if request.method == "POST" and form.is_valid():
        try:
            entry = watchlist_add(added_by=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Watchlist entry added: %(entry)s.") % {"entry": entry})
            return redirect("crossings:operations-watchlist")
    now = timezone.now()
    not_ended = Q(active_until__isnull=True) | Q(active_until__gt=now)
    context = {
        "form": form,
        "now": now,
        "active_entries": operations_selectors.watchlist_entries_with_hits()
        .filter(not_ended)
        .order_by("-added_at", "-id"),
        "inactive_page": paginate(
            request,
            operations_selectors.watchlist_entries_with_hits().exclude(not_ended).order_by("-active_until", "-id"),
        ),
    }
    return render(request, "crossings/operations/watchlist.html", context)


@administrators_only
@require_GET
def watchlist_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One watchlist entry and every hit it raised."""
    entry = get_object_or_404(operations_selectors.watchlist_entries_with_hits(), pk=pk)
    hits = entry.alerts.select_related(
        "crossing__lane__checkpoint", "crossing__traveller", "crossing__document", "acknowledged_by"
    ).order_by("-raised_at", "-id")
    context = {"entry": entry, "is_active": entry.is_active_at(timezone.now()), "hits": paginate(request, hits)}
    return render(request, "crossings/operations/watchlist_entry.html", context)


@administrators_only
@require_POST
def watchlist_entry_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WatchlistEntry, pk=pk)
    try:
        watchlist_deactivate(entry=entry, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Watchlist entry deactivated: %(entry)s.") % {"entry": entry})
    return redirect_back(request, "crossings:operations-watchlist")


# --- Users ---------------------------------------------------------------------------------------------


@administrators_only
@require_http_methods(["GET", "POST"])
def users(request: HttpRequest) -> HttpResponse:
    """Every user, filtered by role and status; POST creates a border officer at a checkpoint."""
    create_form = OfficerCreateForm(posted(request), prefix="officer")
    if request.method == "POST" and create_form.is_valid():
        data = create_form.cleaned_data
        try:
            officer = reference.officer_create(
                username=data["username"],
                password=data["password1"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                checkpoint=data["checkpoint"],
                acting_user=request.user,
            )
        except ValidationError as error:
            show_service_error(create_form, error, field_map={"password": "password1"})
        else:
            messages.success(
                request,
                _("Officer %(username)s created at %(checkpoint)s.")
                % {"username": officer.username, "checkpoint": data["checkpoint"].code},
            )
            return redirect("crossings:operations-users")
    filter_form = UserFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = paginate(
        request, operations_selectors.users_list(role=filters.get("role", ""), active=filters.get("active", ""))
    )
    rows = [
        {
            "user": user,
            "checkpoint_form": OfficerCheckpointForm(
                prefix=f"user-{user.pk}",
                initial={"checkpoint": user.officer_assignment.checkpoint.code}
                if hasattr(user, "officer_assignment")
                else None,
            )
            if user.role == Role.OFFICER
            else None,
        }
        for user in page
    ]
    context = {"filter_form": filter_form, "create_form": create_form, "page": page, "rows": rows}
    return render(request, "crossings/operations/users.html", context)


@administrators_only
@require_POST
def user_checkpoint(request: HttpRequest, pk: int) -> HttpResponse:
    """Move an officer to another checkpoint (their next crossing is recorded there)."""
    officer = get_object_or_404(User, pk=pk)
    form = OfficerCheckpointForm(request.POST, prefix=f"user-{officer.pk}")
    if not form.is_valid():
        messages.error(request, " ".join(form.errors.get("checkpoint", [_("Choose a checkpoint.")])))
        return redirect_back(request, "crossings:operations-users")
    try:
        reference.officer_assign(officer=officer, checkpoint=form.cleaned_data["checkpoint"], acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(
            request,
            _("%(username)s now works at %(checkpoint)s.")
            % {"username": officer.username, "checkpoint": form.cleaned_data["checkpoint"].code},
        )
    return redirect_back(request, "crossings:operations-users")


def _set_user_active(request: HttpRequest, pk: int, service, success: str) -> HttpResponse:
    user = get_object_or_404(User, pk=pk)
    try:
        service(user=user, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, success % {"username": user.username})
    return redirect_back(request, "crossings:operations-users")


@administrators_only
@require_POST
def user_deactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_user_active(request, pk, user_deactivate, _("%(username)s can no longer sign in."))


@administrators_only
@require_POST
def user_reactivate_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _set_user_active(request, pk, user_reactivate, _("%(username)s can sign in again."))


# --- Alerts --------------------------------------------------------------------------------------------


@administrators_only
@require_GET
def alerts(request: HttpRequest) -> HttpResponse:
    """Every watchlist alert, open first, filtered by state and checkpoint."""
    filter_form = AlertFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    context = {
        "filter_form": filter_form,
        "page": paginate(
            request,
            operations_selectors.alerts_for_review(
                state=filters.get("state", ""), checkpoint=filters.get("checkpoint")
            ),
        ),
        "open_count": Alert.objects.filter(acknowledged_at__isnull=True).count(),
    }
    return render(request, "crossings/operations/alerts.html", context)


@administrators_only
@require_POST
def alert_acknowledge_view(request: HttpRequest, pk: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=pk)
    try:
        alert_acknowledge(alert=alert, officer=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Alert acknowledged."))
    return redirect_back(request, "crossings:operations-alerts")


urlpatterns = [
    path("operations/", index, name="operations"),
    path("operations/lanes/", lanes, name="operations-lanes"),
    path("operations/lanes/<int:pk>/state/", lane_state, name="operations-lane-state"),
    path("operations/hours/", hours, name="operations-hours"),
    path("operations/hours/<str:checkpoint>/<int:weekday>/", hours_set, name="operations-hours-set"),
    path("operations/closures/", closure_add, name="operations-closure-add"),
    path("operations/closures/<int:pk>/remove/", closure_remove, name="operations-closure-remove"),
    path("operations/watchlist/", watchlist, name="operations-watchlist"),
    path("operations/watchlist/<int:pk>/", watchlist_entry, name="operations-watchlist-entry"),
    path(
        "operations/watchlist/<int:pk>/deactivate/",
        watchlist_entry_deactivate,
        name="operations-watchlist-deactivate",
    ),
    path("operations/users/", users, name="operations-users"),
    path("operations/users/<int:pk>/checkpoint/", user_checkpoint, name="operations-user-checkpoint"),
    path("operations/users/<int:pk>/deactivate/", user_deactivate_view, name="operations-user-deactivate"),
    path("operations/users/<int:pk>/reactivate/", user_reactivate_view, name="operations-user-reactivate"),
    path("operations/alerts/", alerts, name="operations-alerts"),
    path("operations/alerts/<int:pk>/acknowledge/", alert_acknowledge_view, name="operations-alert-acknowledge"),
]
