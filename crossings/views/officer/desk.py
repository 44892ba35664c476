"""The lane desk: an officer picks a lane once, then scans (or types) a document and presses Enter.

The scan field takes a document number or the machine readable zone a reader types. The result
replaces the result area without a page reload (htmx); the live panel refreshes on its own.
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from crossings import selectors
from crossings.forms import DeskLaneForm, RegisterForm, ScanForm
from crossings.models import Alert, Crossing, Lane, TravelDocument
from crossings.mrz import MrzError, looks_like_mrz, parse_mrz
from crossings.selectors import dashboard
from crossings.services.desk import crossing_record_at_lane, traveller_register_and_cross
from crossings.services.watchlist import alert_acknowledge
from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.pages import is_htmx
from horgos.roles import role_required

SESSION_LANE = "desk_lane_id"
CHOOSE_LANE_FIRST = _("Choose your lane first.")
NOT_FOUND = _("No document with this number is registered. Register the traveller below.")
SEVERAL_FOUND = _("Several documents have this number. Choose the one in hand.")
# The register form calls the service's fields by the names the desk shows.
REGISTER_FIELDS = {"number": "document_number", "guardians": None}

desk_page = role_required(Role.OFFICER, Role.ADMINISTRATOR)


def _chosen_lane(request: HttpRequest) -> Lane | None:
    return dashboard.desk_lane(request.user, request.session.get(SESSION_LANE))


def at_chosen_lane(view: Callable) -> Callable:
    """For the desk's actions: the view gets the lane the user chose; without one, nothing is recorded."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        lane = _chosen_lane(request)
        if lane is None:
            return _result(request, {"error": CHOOSE_LANE_FIRST}, status=400)
        return view(request, lane, *args, **kwargs)

    return wrapped


def _desk_page(request: HttpRequest, result: dict | None = None, status: int = 200) -> HttpResponse:
    """The whole desk; with a result when an action was posted without htmx (its scripts not loaded yet)."""
    lane = _chosen_lane(request)
    context = {
        "lane": lane,
        "lane_form": DeskLaneForm(lanes=dashboard.desk_lanes(request.user), initial={"lane": lane}),
        "scan_form": ScanForm(),
        "assigned": request.user.role == Role.ADMINISTRATOR or selectors.officer_checkpoint(request.user) is not None,
        **dashboard.live_panel(request.user, lane),
        "result": result,
        **(result or {}),
    }
    return render(request, "crossings/desk/desk.html", context, status=status)


@desk_page
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    return _desk_page(request)


@desk_page
@require_POST
def desk_choose_lane(request: HttpRequest) -> HttpResponse:
    form = DeskLaneForm(request.POST, lanes=dashboard.desk_lanes(request.user))
    if form.is_valid():
        request.session[SESSION_LANE] = form.cleaned_data["lane"].pk
    else:
        messages.error(request, CHOOSE_LANE_FIRST)
    return redirect("crossings:desk")


def _result(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    """The result area for htmx; the whole desk with the result in it for a plain form post."""
    if not is_htmx(request):
        return _desk_page(request, context, status=status)
    return render(request, "crossings/desk/_result.html", context, status=status)


def _crossing_result(request: HttpRequest, crossing: Crossing) -> HttpResponse:
    return _result(request, dashboard.desk_crossing(crossing))


def _register_form_result(request: HttpRequest, form: RegisterForm, message=None, status: int = 200) -> HttpResponse:
    return _result(request, {"register_form": form, "message": message}, status=status)


@desk_page
@require_POST
@at_chosen_lane
def desk_scan(request: HttpRequest, lane: Lane) -> HttpResponse:
    """One scan and Enter: record the crossing for a known document, or say what to do instead."""
    form = ScanForm(request.POST)
    if not form.is_valid():
        return _result(request, {"error": form.errors["scan"][0]}, status=400)
    scanned = form.cleaned_data["scan"]
    if looks_like_mrz(scanned):
        return _scan_mrz(request, lane, scanned)
    documents = list(selectors.document_find(number=scanned)[:5])
    if len(documents) == 1:
        return _record(request, documents[0], lane)
    if len(documents) > 1:
        return _result(request, {"choices": documents, "message": SEVERAL_FOUND})
    form = RegisterForm(initial={"document_number": scanned.upper()}, checkpoint=lane.checkpoint)
    return _register_form_result(request, form, NOT_FOUND)


def _scan_mrz(request: HttpRequest, lane: Lane, scanned: str) -> HttpResponse:
    """Parse and verify the zone; a known document crosses, an unknown one is registered from it and crosses."""
    try:
        zone = parse_mrz(scanned, today=lane.checkpoint.local_date(timezone.now()))
    except MrzError as error:
        return _result(request, {"rescan": str(error)}, status=422)
    document = selectors.document_get(
        document_type=zone.document_type, issuing_country=zone.issuing_country, number=zone.number
    )
    if document is not None:
        return _record(request, document, lane)
    try:
        crossing = traveller_register_and_cross(
            lane=lane,
            family_name=zone.family_name,
            given_names=zone.given_names,
            nationality=zone.nationality,
            birth_date=zone.birth_date,
            sex=zone.sex,
            document_type=zone.document_type,
            document_number=zone.number,
            document_issuing_country=zone.issuing_country,
            document_valid_until=zone.valid_until,
            acting_user=request.user,
        )
    except ValidationError as error:
        return _result(request, {"error": " ".join(error.messages)}, status=400)
    return _crossing_result(request, crossing)


def _record(request: HttpRequest, document: TravelDocument, lane: Lane) -> HttpResponse:
    try:
        crossing = crossing_record_at_lane(document=document, lane=lane, acting_user=request.user)
    except ValidationError as error:
        return _result(request, {"error": " ".join(error.messages)}, status=400)
    return _crossing_result(request, crossing)


@desk_page
@require_POST
@at_chosen_lane
def desk_record_document(request: HttpRequest, lane: Lane, document_id: int) -> HttpResponse:
    """The officer chose one of several documents with the scanned number."""
    return _record(request, get_object_or_404(TravelDocument, pk=document_id), lane)


@desk_page
@require_POST
@at_chosen_lane
def desk_register(request: HttpRequest, lane: Lane) -> HttpResponse:
    """The inline form: register the traveller and their document, then record the crossing, in one step."""
    form = RegisterForm(request.POST, checkpoint=lane.checkpoint)
    if not form.is_valid():
        return _register_form_result(request, form, status=400)
    try:
        crossing = traveller_register_and_cross(lane=lane, acting_user=request.user, **form.cleaned_data)
    except ValidationError as error:
        show_service_error(form, error, field_map=REGISTER_FIELDS)
        return _register_form_result(request, form, status=400)
    return _crossing_result(request, crossing)


@desk_page
@require_POST
def desk_acknowledge_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert.objects.visible_to(request.user), pk=alert_id)  # another checkpoint's: 404
    try:
        alert = alert_acknowledge(alert=alert, acting_user=request.user)
    except ValidationError:
        alert.refresh_from_db()  # acknowledged meanwhile, e.g. from another desk: show who did
    if not is_htmx(request):
        return redirect("crossings:desk")
    return render(request, "crossings/desk/_alert.html", {"alert": alert})


@desk_page
@require_GET
def desk_live(request: HttpRequest) -> HttpResponse:
    return render(request, "crossings/desk/_live_panel.html", dashboard.live_panel(request.user, _chosen_lane(request)))


@desk_page
@require_POST
def desk_live_acknowledge_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    """An open alert acknowledged from the live panel (htmx): the panel again, without it. Only an officer of the
    alert's checkpoint or an administrator finds it (another checkpoint's is a 404); without JavaScript the panel's
    form posts to the alerts page's action instead."""
    alert = get_object_or_404(Alert.objects.visible_to(request.user), pk=alert_id)  # another checkpoint's: 404
    error = ""
    try:
        alert_acknowledge(alert=alert, acting_user=request.user)
    except ValidationError as refusal:
        error = " ".join(refusal.messages)  # acknowledged meanwhile, e.g. from another desk
    context = {**dashboard.live_panel(request.user, _chosen_lane(request)), "panel_error": error}
    return render(request, "crossings/desk/_live_panel.html", context)
