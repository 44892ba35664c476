"""The administrators' registry pages: applications, merchants and their lifecycle, listing moderation, shops.

Every page and every POST is for administrators only (anonymous visitors go to the login page, other roles
get 403). Rows come from the scoping selectors (`merchants_visible_to` and friends), writes go through one
service each; a service's ValidationError is shown in the page that sent the form. The small reads only
these pages need sit under "Reads".
"""

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db.models import CharField, Count, F, Func, Q, QuerySet, Value
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path, reverse
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.models import AuditEntry
from horgos.pages import is_htmx, paginate, posted_next, redirect_back
from horgos.roles import role_required
from merchants.choices import ListingState, MerchantState, ShopState, ZoneSide
from merchants.models import Listing, Merchant, Shop
from merchants.selectors import listings_visible_to, merchants_visible_to, shops_visible_to
from merchants.services import listings as listing_services
from merchants.services import registry as registry_services
from merchants.views.catalogue import titles_of

administrators_only = role_required(Role.ADMINISTRATOR)

HISTORY_PAGE_SIZE = 25
MERCHANT_TARGET_TYPE = Merchant._meta.label_lower  # "merchants.merchant": the merchant's rows in the audit log

# The lifecycle buttons, in the order they are offered; which ones a merchant gets comes from the
# service's TRANSITIONS (the one place that says which move starts from which state).
LIFECYCLE_ACTIONS = ("approve", "reject", "suspend", "reinstate")
LIFECYCLE_SERVICES = {
    "approve": registry_services.merchant_approve,
    "reject": registry_services.merchant_reject,
    "suspend": registry_services.merchant_suspend,
    "reinstate": registry_services.merchant_reinstate,
}
LIFECYCLE_BUTTONS = {
    "approve": _("Approve"),
    "reject": _("Reject"),
    "suspend": _("Suspend"),
    "reinstate": _("Reinstate"),
}
LIFECYCLE_REASON_LABELS = {
    "reject": _("Reason for the rejection"),
    "suspend": _("Reason for the suspension"),
}
LIFECYCLE_DONE = {
    "approve": _("%(merchant)s is approved."),
    "reject": _("%(merchant)s is rejected."),
    "suspend": _("%(merchant)s is suspended."),
    "reinstate": _("%(merchant)s is reinstated."),
}
LIFECYCLE_FAILED = _("%(merchant)s: “%(action)s” did not happen.")
# Where a lifecycle form was sent from, so an error is shown on that page.
FROM_APPLICATIONS, FROM_MERCHANT = "applications", "merchant"

AUDIT_ACTIONS = {
    "merchant.apply": _("Applied"),
    "merchant.approve": _("Approved"),
    "merchant.reject": _("Rejected"),
    "merchant.suspend": _("Suspended"),
    "merchant.reinstate": _("Reinstated"),
    "merchant.update": _("Profile changed"),
    "member.invite": _("Staff member added"),
    "member.remove": _("Staff member removed"),
}

LISTING_DONE = {
    "approve": _("Listing approved: %(title)s."),
    "reject": _("Listing rejected: %(title)s."),
}

ALL = [("", _("All"))]


# --- Forms ---------------------------------------------------------------------------------------------


class ReasonForm(forms.Form):
    """The reason for a rejection or a suspension. Whether one is needed is the service's rule; the
    `required` attribute only saves a round trip in the browser."""

    reason = forms.CharField(
        label=_("Reason"),
        max_length=300,
        required=False,
        widget=forms.TextInput(attrs={"required": True, "autocomplete": "off"}),
    )


class MerchantFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), choices=ALL + MerchantState.choices, required=False)
    country = LazyTypedChoiceField(label=_("Country"), choices=[("", _("All")), *countries], required=False)
    q = forms.CharField(
        label=_("Name or registration number"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"type": "search"}),
    )


class ShopFilterForm(forms.Form):
    side = forms.ChoiceField(label=_("Side of the zone"), choices=ALL + ZoneSide.choices, required=False)
    building = forms.ChoiceField(label=_("Building"), choices=ALL, required=False)

    def __init__(self, *args, buildings: list[str], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = ALL + [(building, building) for building in buildings]


def _reason_form(data=None, *, prefix_id: str) -> ReasonForm:
    """A reason form whose input id is unique on the page (one form per row), while its name stays `reason`."""
    return ReasonForm(data, auto_id=f"id_{prefix_id}_%s")


# --- Helpers -------------------------------------------------------------------------------------------


def _next_url(request: HttpRequest, page_url: str) -> str:
    """Where the page's buttons come back to: the page itself; for a page shown again after a refused POST,
    the page that POST came from (the POST's own address only accepts POSTs)."""
    if request.method == "POST":
        return posted_next(request) or page_url
    return request.get_full_path()


@dataclass
class FailedAction:
    """A lifecycle form that the service refused, to show again with its error on the page it came from."""

    merchant: Merchant
    action: str
    form: ReasonForm
    messages: list[str] = field(default_factory=list)

    @property
    def summary(self) -> str:
        return LIFECYCLE_FAILED % {"merchant": self.merchant, "action": LIFECYCLE_BUTTONS[self.action]}


def _allowed_actions(merchant: Merchant) -> list[str]:
    return [action for action in LIFECYCLE_ACTIONS if merchant.state in registry_services.TRANSITIONS[action][0]]


def _needs_reason(action: str) -> bool:
    return registry_services.TRANSITIONS[action][2]


def _lifecycle_forms(merchant: Merchant, failed: FailedAction | None) -> list[dict[str, Any]]:
    """The buttons allowed from the merchant's state, each with its (reason) form; a refused one bound again."""
    buttons = []
    for action in _allowed_actions(merchant):
        if failed is not None and failed.merchant.pk == merchant.pk and failed.action == action:
            form = failed.form
        else:
            form = _reason_form(prefix_id=f"{action}_{merchant.pk}")
        buttons.append(
            {
                "action": action,
                "label": LIFECYCLE_BUTTONS[action],
                "url": reverse(f"merchants:registry-merchant-{action}", args=[merchant.pk]),
                "needs_reason": _needs_reason(action),
                "reason_label": LIFECYCLE_REASON_LABELS.get(action, ""),
                "form": form,
            }
        )
    return buttons


# --- Reads ---------------------------------------------------------------------------------------------


def _pending_merchants(user) -> QuerySet[Merchant]:
    return merchants_visible_to(user).filter(state=MerchantState.PENDING).order_by("created_at", "id")


def _merchants_filtered(user, filters: dict[str, str]) -> QuerySet[Merchant]:
    merchants = merchants_visible_to(user).annotate(shop_count=Count("shops"))
    if filters.get("state"):
        merchants = merchants.filter(state=filters["state"])
    if filters.get("country"):
        merchants = merchants.filter(country=filters["country"])
    words = (filters.get("q") or "").strip()
    if words:
        merchants = merchants.filter(
            Q(trade_name__icontains=words) | Q(legal_name__icontains=words) | Q(registration_number__icontains=words)
        )
    return merchants.order_by("trade_name", "id")


def _listing_counts(merchant: Merchant) -> list[dict[str, Any]]:
    """How many of the merchant's listings are in each state (every state named, zero included)."""
    counted = dict(
        Listing.objects.filter(shop__merchant=merchant)
        .order_by()
        .values("state")
        .annotate(count=Count("id"))
        .values_list("state", "count")
    )
    return [{"state": state, "label": label, "count": counted.get(state, 0)} for state, label in ListingState.choices]


def _merchant_history(merchant: Merchant) -> QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(target_type=MERCHANT_TARGET_TYPE, target_id=str(merchant.pk)).order_by(
        "-occurred_at", "-id"
    )


def _submitted_listings(user) -> QuerySet[Listing]:
    return listings_visible_to(user).filter(state=ListingState.SUBMITTED).order_by("submitted_at", "id")


def _buildings(user) -> list[str]:
    """Every building that has a shop: the first part of the unit codes (B2 of B2-1-015)."""
    building = Func(F("unit_code"), Value("-"), Value(1), function="split_part", output_field=CharField())
    codes = shops_visible_to(user).order_by().annotate(building=building).values_list("building", flat=True)
    return sorted(set(codes), key=_building_key)


def _building_key(building: str) -> tuple[str, int]:
    return building[:1], int(building[1:] or 0)


def _unit_key(shop: Shop) -> tuple:
    building, floor, unit = shop.unit_code.split("-")
    return (*_building_key(building), int(floor), int(unit))


# --- Presenting ----------------------------------------------------------------------------------------


def _value_label(name: str, value: Any) -> Any:
    """A stored value as people read it: the label of a state, else the value itself."""
    if name == "state" and value in MerchantState.values:
        return MerchantState(value).label
    return "—" if value in (None, "") else value


def _field_label(name: str) -> str:
    try:
        return str(Merchant._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a key of `changes` that is not a merchant field (e.g. "user") reads as it is
        return name


def change_lines(changes: dict[str, Any]) -> list[dict[str, Any]]:
    """An audit row's `changes` as lines: {"field", "before", "after"} for a change, {"field", "value"} otherwise."""
    lines = []
    for name, value in (changes or {}).items():
        if isinstance(value, dict) and set(value) == {"before", "after"}:
            lines.append(
                {
                    "field": _field_label(name),
                    "before": _value_label(name, value["before"]),
                    "after": _value_label(name, value["after"]),
                }
            )
        else:
            lines.append({"field": _field_label(name), "value": _value_label(name, value)})
    return lines


@dataclass
class UnitCell:
    """One unit on the shop map: the shop in it and whether it trades, as words (the colour only repeats them)."""

    shop: Shop
    status: str
    label: str
    note: str = ""


def _unit_cell(shop: Shop) -> UnitCell:
    if shop.state == ShopState.CLOSED:
        return UnitCell(shop, "vacant", _gettext("Vacant"), _gettext("Shop closed"))
    if shop.merchant.state != MerchantState.APPROVED:
        note = _gettext("Merchant %(state)s") % {"state": shop.merchant.get_state_display().lower()}
        return UnitCell(shop, "inactive", _gettext("Inactive"), note)
    return UnitCell(shop, "trading", _gettext("Trading"))


def _shop_map(cells: list[UnitCell]) -> list[dict[str, Any]]:
    """The units by building and floor: [{"building", "floors": [{"floor", "cells": [UnitCell]}]}]."""
    by_building: dict[str, dict[int, list[UnitCell]]] = defaultdict(lambda: defaultdict(list))
    for cell in sorted(cells, key=lambda cell: _unit_key(cell.shop)):
        by_building[cell.shop.building][cell.shop.floor].append(cell)
    return [
        {
            "building": building,
            "floors": [{"floor": floor, "cells": cells} for floor, cells in sorted(floors.items())],
        }
        for building, floors in sorted(by_building.items(), key=lambda item: _building_key(item[0]))
    ]


# --- Applications --------------------------------------------------------------------------------------


def _render_applications(request: HttpRequest, failed: FailedAction | None = None) -> HttpResponse:
    page = paginate(request, _pending_merchants(request.user))
    rows = [{"merchant": merchant, "buttons": _lifecycle_forms(merchant, failed)} for merchant in page]
    context = {
        "page": page,
        "rows": rows,
        "failed": failed,
        "return_to": FROM_APPLICATIONS,
        "next_url": _next_url(request, reverse("merchants:registry-applications")),
    }
    return render(request, "merchants/operations/applications.html", context)


@administrators_only
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    """Merchants waiting for approval, oldest application first, each with Approve and Reject (with a reason)."""
    return _render_applications(request)


# --- Merchants -----------------------------------------------------------------------------------------


@administrators_only
@require_GET
def merchant_list(request: HttpRequest) -> HttpResponse:
    """Every merchant, filtered by state, country, and name or registration number."""
    filter_form = MerchantFilterForm(request.GET)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    page = paginate(request, _merchants_filtered(request.user, filters))
    return render(request, "merchants/operations/merchants.html", {"filter_form": filter_form, "page": page})


def _render_merchant(request: HttpRequest, merchant: Merchant, failed: FailedAction | None = None) -> HttpResponse:
    history = paginate(request, _merchant_history(merchant).select_related("actor"), size=HISTORY_PAGE_SIZE)
    entries = [
        {"entry": entry, "action": AUDIT_ACTIONS.get(entry.action, entry.action), "lines": change_lines(entry.changes)}
        for entry in history
    ]
    context = {
        "merchant": merchant,
        "members": merchant.members.select_related("user").order_by("role", "user__username"),
        "shops": merchant.shops.order_by("unit_code"),
        "listing_counts": _listing_counts(merchant),
        "history": history,
        "entries": entries,
        "buttons": _lifecycle_forms(merchant, failed),
        "failed": failed,
        "return_to": FROM_MERCHANT,
        "next_url": _next_url(request, reverse("merchants:registry-merchant", args=[merchant.pk])),
    }
    return render(request, "merchants/operations/merchant.html", context)


@administrators_only
@require_GET
def merchant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A merchant's profile, staff, shops, listings by state, history, and the lifecycle buttons of its state."""
    return _render_merchant(request, get_object_or_404(merchants_visible_to(request.user), pk=pk))


def _lifecycle_view(action: str):
    @administrators_only
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        merchant = get_object_or_404(merchants_visible_to(request.user), pk=pk)
        form = _reason_form(request.POST, prefix_id=f"{action}_{merchant.pk}")
        if form.is_valid():
            kwargs = {"merchant": merchant, "administrator": request.user}
            if _needs_reason(action):
                kwargs["reason"] = form.cleaned_data["reason"]
            try:
                merchant = LIFECYCLE_SERVICES[action](**kwargs)
            except ValidationError as error:
                show_service_error(form, error)
            else:
                messages.success(request, LIFECYCLE_DONE[action] % {"merchant": merchant})
                return redirect_back(request, reverse("merchants:registry-merchant", args=[merchant.pk]))
        # Refused: the page the form came from, again, with the error beside the button and above the page.
        failed = FailedAction(
            merchant=merchant,
            action=action,
            form=form,
            messages=[str(error) for errors in form.errors.values() for error in errors],
        )
        if request.POST.get("return_to") == FROM_APPLICATIONS:
            return _render_applications(request, failed)
        merchant.refresh_from_db()
        return _render_merchant(request, merchant, failed)

    view.__name__ = f"merchant_{action}"
    view.__doc__ = f"POST: {action} the merchant (administrators); errors are shown on the page the form came from."
    return view


# --- Moderation ----------------------------------------------------------------------------------------


def _moderation_item(listing: Listing, *, form: ReasonForm | None = None) -> dict[str, Any]:
    return {
        "listing": listing,
        "titles": titles_of(listing),
        "form": form or _reason_form(prefix_id=f"listing_{listing.pk}"),
    }


@administrators_only
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    """Listings submitted for review, oldest first, each with Approve and Reject (with a reason)."""
    page = paginate(request, _submitted_listings(request.user))
    items = [_moderation_item(listing) for listing in page]
    context = {"page": page, "items": items, "next_url": request.get_full_path()}
    return render(request, "merchants/operations/moderation.html", context)


def _moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve or reject one listing. htmx gets the listing's item back (outcome or error), a plain form a
    redirect to the page it came from, with the outcome or error as a message."""
    listing = get_object_or_404(listings_visible_to(request.user), pk=pk)
    form = _reason_form(request.POST, prefix_id=f"listing_{listing.pk}")
    if form.is_valid():
        try:
            if action == "approve":
                listing = listing_services.listing_approve(listing=listing, administrator=request.user)
            else:
                listing = listing_services.listing_reject(
                    listing=listing, administrator=request.user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            show_service_error(form, error)
    done = not form.errors
    if is_htmx(request):
        listing = get_object_or_404(listings_visible_to(request.user), pk=pk)
        context = {
            **_moderation_item(listing, form=form),
            "done": done,
            "next_url": _next_url(request, reverse("merchants:registry-moderation")),
        }
        return render(request, "merchants/operations/_moderation_item.html", context)
    if done:
        messages.success(request, LISTING_DONE[action] % {"title": listing.title})
    else:
        errors = " ".join(str(error) for errors in form.errors.values() for error in errors)
        messages.error(request, f"{listing.title}: {errors}")
    return redirect_back(request, reverse("merchants:registry-moderation"))


@administrators_only
@require_POST
def listing_approve(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, "approve")


@administrators_only
@require_POST
def listing_reject(request: HttpRequest, pk: int) -> HttpResponse:
    return _moderate(request, pk, "reject")


# --- Shops ---------------------------------------------------------------------------------------------


@administrators_only
@require_GET
def shops(request: HttpRequest) -> HttpResponse:
    """The shop registry as a map of units by building and floor, and the same shops as a table below."""
    buildings = _buildings(request.user)
    filter_form = ShopFilterForm(request.GET, buildings=buildings)
    filters = filter_form.cleaned_data if filter_form.is_valid() else {}
    selected = shops_visible_to(request.user)
    if filters.get("side"):
        selected = selected.filter(side=filters["side"])
    if filters.get("building"):
        selected = selected.filter(unit_code__startswith=f"{filters['building']}-")
    cells = [_unit_cell(shop) for shop in sorted(selected, key=_unit_key)]
    context = {
        "filter_form": filter_form,
        "shop_map": _shop_map(cells),
        "table": paginate(request, cells),
        "shop_count": len(cells),
    }
    return render(request, "merchants/operations/shops.html", context)


urlpatterns = [
    path("registry/applications/", applications, name="registry-applications"),
    path("registry/merchants/", merchant_list, name="registry-merchants"),
    path("registry/merchants/<int:pk>/", merchant_detail, name="registry-merchant"),
    *[
        path(f"registry/merchants/<int:pk>/{action}/", _lifecycle_view(action), name=f"registry-merchant-{action}")
        for action in LIFECYCLE_ACTIONS
    ],
    path("registry/moderation/", moderation, name="registry-moderation"),
    path("registry/moderation/<int:pk>/approve/", listing_approve, name="registry-listing-approve"),
    path("registry/moderation/<int:pk>/reject/", listing_reject, name="registry-listing-reject"),
    path("registry/shops/", shops, name="registry-shops"),
]
