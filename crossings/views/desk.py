"""The lane desk: an officer picks a lane once, then scans (or types) a document and presses Enter.

The scan field takes a document number or the machine readable zone a reader types. The result
replaces the result area without a page reload (htmx); the live panel refreshes on its own.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from crossings import selectors
from crossings.choices import DocumentType
from crossings.forms import DeskLaneForm, RegisterForm, ScanForm
from crossings.models import Alert, Checkpoint, Lane, TravelDocument
from crossings.mrz import MrzError, looks_like_mrz, parse_mrz
from crossings.selectors import dashboard
from crossings.services.desk import crossing_record_at_lane, traveller_register_and_cross
from crossings.services.watchlist import alert_acknowledge
from horgos.choices import Role
from horgos.roles import role_required

SESSION_LANE = "desk_lane_id"
CHOOSE_LANE_FIRST = _("Choose your lane first.")
NOT_FOUND = _("No document with this number is registered. Register the traveller below.")
SEVERAL_FOUND = _("Several documents have this number. Choose the one in hand.")

desk_page = role_required(Role.OFFICER, Role.ADMINISTRATOR)


def _desk_lanes(user):
    """The lanes a user may work at: their checkpoint's, or every lane for an administrator."""
    lanes = Lane.objects.select_related("checkpoint").order_by("checkpoint__code", "direction", "code")
    if user.role == Role.ADMINISTRATOR:
        return lanes
    checkpoint = selectors.officer_checkpoint(user)
    return lanes.filter(checkpoint=checkpoint) if checkpoint else lanes.none()


def _chosen_lane(request: HttpRequest) -> Lane | None:
    lane = _desk_lanes(request.user).filter(pk=request.session.get(SESSION_LANE)).first()
    return lane if lane and selectors.user_may_act_on_lane(request.user, lane) else None


def _panel_checkpoint(request: HttpRequest, lane: Lane | None) -> Checkpoint | None:
    if lane is not None:
        return lane.checkpoint
    return selectors.officer_checkpoint(request.user) or Checkpoint.objects.order_by("code").first()


def _live_context(checkpoint: Checkpoint | None) -> dict:
    if checkpoint is None:
        return {"panel_checkpoint": None}
    return {
        "panel_checkpoint": checkpoint,
        "recent_lanes": dashboard.recent_crossings_by_lane(checkpoint=checkpoint),
        "recent_minutes": dashboard.RECENT_MINUTES,
        "inside": dashboard.inside_now_by_nationality(),
        "today": dashboard.today_by_direction(checkpoint=checkpoint),
        "alerts": dashboard.open_alerts(checkpoint=checkpoint)[:10],
    }


@desk_page
@require_GET
def desk(request: HttpRequest) -> HttpResponse:
    lane = _chosen_lane(request)
    context = {
        "lane": lane,
        "lane_form": DeskLaneForm(lanes=_desk_lanes(request.user), initial={"lane": lane}),
        "scan_form": ScanForm(),
        "assigned": request.user.role == Role.ADMINISTRATOR or selectors.officer_checkpoint(request.user) is not None,
        **_live_context(_panel_checkpoint(request, lane)),
    }
    return render(request, "crossings/desk/desk.html", context)


@desk_page
@require_POST
def desk_choose_lane(request: HttpRequest) -> HttpResponse:
    form = DeskLaneForm(request.POST, lanes=_desk_lanes(request.user))
    if form.is_valid():
        request.session[SESSION_LANE] = form.cleaned_data["lane"].pk
    else:
        messages.error(request, CHOOSE_LANE_FIRST)
    return redirect("crossings:desk")


def _result(request: HttpRequest, context: dict, status: int = 200) -> HttpResponse:
    return render(request, "crossings/desk/_result.html", context, status=status)


def _crossing_result(request: HttpRequest, crossing) -> HttpResponse:
    visit = getattr(crossing, "opened_visit", None) or getattr(crossing, "closed_visit", None)
    now = timezone.now()
    return _result(
        request,
        {
            "crossing": crossing,
            "traveller": crossing.traveller,
            "document": crossing.document,
            "visit": visit,
            "days_left": visit.days_left_at(now) if visit and visit.state == "open" else None,
            "age": crossing.traveller.age_on(crossing.lane.checkpoint.local_date(now)),
            "document_valid": crossing.document.is_valid_on(crossing.lane.checkpoint.local_date(now)),
            "alert": getattr(crossing, "alert", None),
        },
    )


def _register_form_result(request: HttpRequest, form: RegisterForm, message=None, status: int = 200) -> HttpResponse:
    return _result(request, {"register_form": form, "message": message}, status=status)


@desk_page
@require_POST
def desk_scan(request: HttpRequest) -> HttpResponse:
    """One scan and Enter: record the crossing for a known document, or say what to do instead."""
    lane = _chosen_lane(request)
    if lane is None:
        return _result(request, {"error": CHOOSE_LANE_FIRST}, status=400)
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
    form = RegisterForm(initial={"document_number": scanned.upper(), "document_type": DocumentType.PASSPORT})
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
            officer=request.user,
            family_name=zone.family_name,
            given_names=zone.given_names,
            nationality=zone.nationality,
            birth_date=zone.birth_date,
            sex=zone.sex,
            document_type=zone.document_type,
            document_number=zone.number,
            document_issuing_country=zone.issuing_country,
            document_valid_until=zone.valid_until,
        )
    except ValidationError as error:
        return _result(request, {"error": " ".join(error.messages)}, status=400)
    return _crossing_result(request, crossing)


def _record(request: HttpRequest, document: TravelDocument, lane: Lane) -> HttpResponse:
    try:
        crossing = crossing_record_at_lane(document=document, lane=lane, officer=request.user)
    except ValidationError as error:
        return _result(request, {"error": " ".join(error.messages)}, status=400)
    return _crossing_result(request, crossing)


@desk_page
@require_POST
def desk_record_document(request: HttpRequest, document_id: int) -> HttpResponse:
    """The officer chose one of several documents with the scanned number."""
    lane = _chosen_lane(request)
    if lane is None:
        return _result(request, {"error": CHOOSE_LANE_FIRST}, status=400)
    return _record(request, get_object_or_404(TravelDocument, pk=document_id), lane)


@desk_page
@require_POST
def desk_register(request: HttpRequest) -> HttpResponse:
    """The inline form: register the traveller and their document, then record the crossing, in one step."""
    lane = _chosen_lane(request)
    if lane is None:
        return _result(request, {"error": CHOOSE_LANE_FIRST}, status=400)
    form = RegisterForm(request.POST)
    if not form.is_valid():
        return _register_form_result(request, form, status=400)
    try:
        crossing = traveller_register_and_cross(lane=lane, officer=request.user, **form.cleaned_data)
    except ValidationError as error:
        for field, field_errors in error.message_dict.items():
            form_field = {"number": "document_number", "guardians": None}.get(field, field)
            form.add_error(form_field if form_field in form.fields else None, field_errors)
        return _register_form_result(request, form, status=400)
    return _crossing_result(request, crossing)


@desk_page
@require_POST
def desk_acknowledge_alert(request: HttpRequest, alert_id: int) -> HttpResponse:
    alert = get_object_or_404(Alert, pk=alert_id)
    try:
        alert = alert_acknowledge(alert=alert, officer=request.user)
    except ValidationError:
        alert.refresh_from_db()  # acknowledged meanwhile, e.g. from another desk: show who did
    return render(request, "crossings/desk/_alert.html", {"alert": alert})


@desk_page
@require_GET
def desk_live(request: HttpRequest) -> HttpResponse:
    return render(
        request, "crossings/desk/_live_panel.html", _live_context(_panel_checkpoint(request, _chosen_lane(request)))
    )


urlpatterns = [
    path("desk/", desk, name="desk"),
    path("desk/lane/", desk_choose_lane, name="desk-lane"),
    path("desk/scan/", desk_scan, name="desk-scan"),
    path("desk/documents/<int:document_id>/record/", desk_record_document, name="desk-record"),
    path("desk/register/", desk_register, name="desk-register"),
    path("desk/alerts/<int:alert_id>/acknowledge/", desk_acknowledge_alert, name="desk-alert-acknowledge"),
    path("desk/live/", desk_live, name="desk-live"),
]
