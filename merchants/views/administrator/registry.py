"""The administrators' registry of merchants: applications, the merchants list, one merchant with its history,
and the lifecycle moves (approve, reject, suspend, reinstate), each confirmed on a page of its own.

Every page and every POST is for administrators only (anonymous visitors go to the login page, other roles
get 403). Rows come from the registry selectors, writes go through one service each; a service's
ValidationError is shown on the confirmation page that sent the form.
"""

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from horgos.forms import ConfirmForm, show_service_error
from horgos.pages import confirmation_next, paged_table, paginate, posted, render_confirmation
from merchants.filtersets import MerchantFilterSet
from merchants.models import Merchant
from merchants.pages import administrators_only, render_page
from merchants.selectors import registry as selectors
from merchants.selectors import staff_of
from merchants.services import registry as registry_services
from merchants.tables import MerchantHistoryTable, MerchantShopTable, MerchantTable

HISTORY_PAGE_SIZE = 25

# The lifecycle buttons, in the order they are offered; which ones a merchant gets comes from the
# service's TRANSITIONS (the one place that says which move starts from which state). Each opens a confirmation
# page (`lifecycle_view`), which asks for the reason where the service needs one.
LIFECYCLE_ACTIONS = ("approve", "reject", "suspend", "reinstate")
LIFECYCLE_SERVICES = {
    "approve": registry_services.merchant_approve,
    "reject": registry_services.merchant_reject,
    "suspend": registry_services.merchant_suspend,
    "reinstate": registry_services.merchant_reinstate,
}
LIFECYCLE_BUTTONS = {
    "approve": _("Approve…"),
    "reject": _("Reject…"),
    "suspend": _("Suspend…"),
    "reinstate": _("Reinstate…"),
}
LIFECYCLE_TITLES = {
    "approve": _("Approve %(merchant)s?"),
    "reject": _("Reject the application of %(merchant)s?"),
    "suspend": _("Suspend %(merchant)s?"),
    "reinstate": _("Reinstate %(merchant)s?"),
}
LIFECYCLE_QUESTIONS = {
    "approve": _("The merchant can then open shops and offer listings; its owner is notified."),
    "reject": _("The application is refused; its owner is notified with the reason."),
    "suspend": _(
        "The merchant's shops and listings stop trading until it is reinstated; its owner is notified with the reason."
    ),
    "reinstate": _("The merchant can trade again; its owner is notified."),
}
LIFECYCLE_CONFIRM = {
    "approve": _("Approve the merchant"),
    "reject": _("Reject the application"),
    "suspend": _("Suspend the merchant"),
    "reinstate": _("Reinstate the merchant"),
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


def _needs_reason(action: str) -> bool:
    return registry_services.TRANSITIONS[action][2]


def _lifecycle_buttons(merchant: Merchant, back: str) -> list[dict[str, Any]]:
    """The moves allowed from the merchant's state, each a link to its confirmation page that comes back to `back`."""
    query = urlencode({"next": back})
    return [
        {
            "action": action,
            "label": LIFECYCLE_BUTTONS[action],
            "url": reverse(f"merchants:registry-merchant-{action}", args=[merchant.pk]) + f"?{query}",
            "destructive": _needs_reason(action),
        }
        for action in LIFECYCLE_ACTIONS
        if merchant.state in registry_services.TRANSITIONS[action][0]
    ]


# --- Applications --------------------------------------------------------------------------------------


def _render_applications(request: HttpRequest) -> HttpResponse:
    page = paginate(request, selectors.pending_merchants(request.user))
    back = request.get_full_path()
    rows = [{"merchant": merchant, "buttons": _lifecycle_buttons(merchant, back)} for merchant in page]
    return render_page(request, "merchants/administrator/applications.html", {"page": page, "rows": rows})


@administrators_only
@require_GET
def applications(request: HttpRequest) -> HttpResponse:
    """Merchants waiting for approval, oldest application first, each with Approve and Reject (both confirmed;
    a rejection with its reason)."""
    return _render_applications(request)


# --- Merchants -----------------------------------------------------------------------------------------


@administrators_only
@require_GET
def merchant_list(request: HttpRequest) -> HttpResponse:
    """Every merchant, filtered by state, country, and name or registration number."""
    merchants = selectors.merchants_with_shop_counts(request.user)
    filterset = MerchantFilterSet(request.GET, queryset=merchants, request=request)
    table = paged_table(request, MerchantTable(filterset.qs, caption=_("Merchants")))
    context = {"filter_form": filterset.form, "table": table}
    return render_page(request, "merchants/administrator/merchants.html", context)


def _render_merchant(request: HttpRequest, merchant: Merchant) -> HttpResponse:
    shops = MerchantShopTable(selectors.merchant_shops(merchant), caption=_("Shops"))
    history = MerchantHistoryTable(selectors.merchant_history(merchant), caption=_("History"))
    context = {
        "merchant": merchant,
        "members": staff_of(merchant),
        "shops_table": paged_table(request, shops, paginate=False),
        "listing_counts": selectors.merchant_listing_counts(merchant),
        "history_table": paged_table(request, history, size=HISTORY_PAGE_SIZE),
        "buttons": _lifecycle_buttons(merchant, request.get_full_path()),
    }
    return render_page(request, "merchants/administrator/merchant.html", context)


@administrators_only
@require_GET
def merchant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A merchant's profile, staff, shops, listings by state, history, and the lifecycle buttons of its state."""
    return _render_merchant(request, get_object_or_404(selectors.registry_merchants(request.user), pk=pk))


def lifecycle_view(action: str):
    """The view of one lifecycle move (administrators): GET asks for confirmation (and the reason, where the
    service needs one), POST moves the merchant; a refusal is shown on the confirmation page again."""

    @administrators_only
    @require_http_methods(["GET", "POST"])
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        merchant = get_object_or_404(selectors.registry_merchants(request.user), pk=pk)
        detail = reverse("merchants:registry-merchant", args=[merchant.pk])
        back = confirmation_next(request, detail)
        form = ConfirmForm(posted(request), reason_label=LIFECYCLE_REASON_LABELS.get(action))
        if form.is_valid():
            kwargs = {"merchant": merchant, "acting_user": request.user}
            if _needs_reason(action):
                kwargs["reason"] = form.reason
            try:
                merchant = LIFECYCLE_SERVICES[action](**kwargs)
            except ValidationError as error:
                show_service_error(form, error)
                merchant.refresh_from_db()
            else:
                messages.success(request, LIFECYCLE_DONE[action] % {"merchant": merchant})
                return redirect(back)
        return render_confirmation(
            request,
            title=LIFECYCLE_TITLES[action] % {"merchant": merchant.trade_name},
            question=LIFECYCLE_QUESTIONS[action],
            confirm_label=LIFECYCLE_CONFIRM[action],
            form=form,
            cancel_url=back,
            facts=[
                (_("Legal name"), merchant.legal_name),
                (_("Country"), merchant.country.name),
                (_("Registration number"), merchant.registration_number),
                (_("State"), merchant.get_state_display()),
            ],
            destructive=_needs_reason(action),
        )

    view.__name__ = f"merchant_{action}"
    view.__doc__ = f"GET: confirm; POST: {action} the merchant (administrators)."
    return view
