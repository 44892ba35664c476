"""A merchant's shipments: the list (filters, CSV), registering one with its lines, and its page with the customs
timeline, the step buttons, hold and release, and the declaration downloads.

The list and registration are for a merchant's staff. The shipment's page and its buttons serve administrators too
(they reach every shipment, as `Shipment.objects.visible_to` says): another merchant's shipment is a 404 for a
merchant user. Views parse the input, call one service or selector and render; a service's refusal is shown on the
form, or as a message for a button.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.pages import FilteredTableView, posted, show_error
from horgos.roles import role_required
from trade.declarations import declaration_response
from trade.filtersets import ShipmentFilterSet
from trade.forms import LINES_OFFERED, AdvanceForm, HoldForm, ShipmentForm, shipment_line_formset
from trade.models import Shipment
from trade.selectors.shipments import (
    listings_to_ship,
    membership_of,
    shipment_details_visible_to,
    shipments_visible_to,
    timeline_steps,
)
from trade.services import shipments as shipment_services
from trade.tables import ShipmentTable, duration_text

SHIPMENT_ROLES = (Role.MERCHANT, Role.ADMINISTRATOR)
DECLARATION_FORMATS = ("xlsx", "pdf")


class ShipmentListView(FilteredTableView):
    """The merchant's shipments, newest first, filtered; `?export=csv` downloads them."""

    allowed_roles = (Role.MERCHANT,)
    template_name = "trade/merchant/shipments.html"
    table_class = ShipmentTable
    table_caption = gettext_lazy("Shipments")
    filterset_class = ShipmentFilterSet
    export_name = "shipments"

    def get_queryset(self):
        return shipments_visible_to(self.request.user)

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "exclude": ("merchant",)}


def _lines_offered(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("lines", LINES_OFFERED))
    except ValueError:
        return LINES_OFFERED


@role_required(Role.MERCHANT)
@require_http_methods(["GET", "POST"])
def shipment_new(request: HttpRequest) -> HttpResponse:
    """Register a shipment of the user's own merchant, with its lines."""
    membership = membership_of(request.user)
    if membership is None:
        raise PermissionDenied(shipment_services.NOT_YOUR_SHIPMENT)
    data = posted(request)
    form = ShipmentForm(data)
    lines = shipment_line_formset(data, listings=listings_to_ship(request.user), lines=_lines_offered(request))
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        try:
            shipment = shipment_services.shipment_register(
                merchant=membership.merchant,
                acting_user=request.user,
                lines=lines.line_inputs(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("Shipment %(reference)s registered.") % {"reference": shipment.reference})
            return redirect("trade:shipment", pk=shipment.pk)
    context = {"form": form, "lines": lines, "more_lines": len(lines.forms) + LINES_OFFERED}
    return render(request, "trade/merchant/shipment_form.html", context)


def _shipment_page(request: HttpRequest, shipment, *, hold_form: HoldForm | None = None) -> HttpResponse:
    context = {
        "shipment": shipment,
        "is_merchant": request.user.role == Role.MERCHANT,
        "steps": timeline_steps(shipment),
        "clearance_time": duration_text(shipment.clearance_time),
        "hold_form": hold_form or HoldForm(),
        "status": 400 if hold_form is not None else 200,
    }
    return render(request, "trade/merchant/shipment.html", context, status=context.pop("status"))


@role_required(*SHIPMENT_ROLES)
@require_GET
def shipment_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The shipment, its lines and its timeline, with the buttons for what may happen next."""
    return _shipment_page(request, get_object_or_404(shipment_details_visible_to(request.user), pk=pk))


def _visible_shipment(request: HttpRequest, pk: int) -> Shipment:
    """The shipment, among those the user may see: another merchant's is a 404 whatever the form holds."""
    return get_object_or_404(shipments_visible_to(request.user), pk=pk)


def _record(request: HttpRequest, shipment: Shipment, service, success: str, **arguments) -> HttpResponse:
    """Record a timeline entry through `service`; its refusal becomes a message on the shipment's page, its
    success the message `success` (with the reference and the step reached)."""
    try:
        shipment = service(shipment=shipment, acting_user=request.user, **arguments)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, success % {"reference": shipment, "step": shipment.get_step_display()})
    return redirect("trade:shipment", pk=shipment.pk)


@role_required(*SHIPMENT_ROLES)
@require_POST
def shipment_advance_view(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = _visible_shipment(request, pk)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        show_error(request, ValidationError(form.errors["step"]))
        return redirect("trade:shipment", pk=pk)
    return _record(
        request,
        shipment,
        shipment_services.shipment_advance,
        _("Shipment %(reference)s: %(step)s."),
        step=form.cleaned_data["step"],
    )


@role_required(*SHIPMENT_ROLES)
@require_POST
def shipment_hold_view(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = _visible_shipment(request, pk)
    form = HoldForm(request.POST)
    if form.is_valid():
        return _record(
            request,
            shipment,
            shipment_services.shipment_hold,
            _("Shipment %(reference)s is held."),
            reason=form.cleaned_data["reason"],
        )
    shipment = get_object_or_404(shipment_details_visible_to(request.user), pk=pk)
    return _shipment_page(request, shipment, hold_form=form)


@role_required(*SHIPMENT_ROLES)
@require_POST
def shipment_release_view(request: HttpRequest, pk: int) -> HttpResponse:
    return _record(
        request,
        _visible_shipment(request, pk),
        shipment_services.shipment_release,
        _("Shipment %(reference)s is released."),
    )


@role_required(Role.MERCHANT)
@require_POST
def shipment_delete_view(request: HttpRequest, pk: int) -> HttpResponse:
    shipment = get_object_or_404(shipments_visible_to(request.user), pk=pk)
    try:
        shipment_services.shipment_delete(shipment=shipment, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
        return redirect("trade:shipment", pk=pk)
    messages.success(request, _("Shipment %(reference)s deleted.") % {"reference": shipment.reference})
    return redirect("trade:shipments")


@role_required(*SHIPMENT_ROLES)
@require_GET
def shipment_declaration(request: HttpRequest, pk: int, file_format: str) -> HttpResponse:
    """The export declaration draft, as XLSX or PDF, in the language of the page."""
    if file_format not in DECLARATION_FORMATS:
        raise Http404
    return declaration_response(get_object_or_404(shipments_visible_to(request.user), pk=pk), file_format)
