"""The administrators' registry of merchants: applications, the merchants list, one merchant with its history,
and the lifecycle buttons (approve, reject, suspend, reinstate).

Every page and every POST is for administrators only (anonymous visitors go to the login page, other roles
get 403). Rows come from the registry selectors, writes go through one service each; a service's
ValidationError is shown on the page that sent the form.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from horgos.forms import show_service_error
from horgos.pages import paged_table, paginate, redirect_back
from merchants.filtersets import MerchantFilterSet
from merchants.forms import ReasonForm
from merchants.models import Merchant
from merchants.pages import administrators_only, next_url, render_page
from merchants.selectors import registry as selectors
from merchants.selectors import staff_of
from merchants.services import registry as registry_services
from merchants.tables import MerchantHistoryTable, MerchantShopTable, MerchantTable

HISTORY_PAGE_SIZE = 25

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


def _needs_reason(action: str) -> bool:
    return registry_services.TRANSITIONS[action][2]


def _lifecycle_forms(merchant: Merchant, failed: FailedAction | None) -> list[dict[str, Any]]:
    """The buttons allowed from the merchant's state, each with its (reason) form; a refused one bound again."""
    buttons = []
    for action in LIFECYCLE_ACTIONS:
        if merchant.state not in registry_services.TRANSITIONS[action][0]:
            continue
        if failed is not None and failed.merchant.pk == merchant.pk and failed.action == action:
            form = failed.form
        else:
            form = ReasonForm.for_row(row=f"{action}_{merchant.pk}")
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


# --- Applications --------------------------------------------------------------------------------------


def _render_applications(request: HttpRequest, failed: FailedAction | None = None) -> HttpResponse:
    page = paginate(request, selectors.pending_merchants(request.user))
    rows = [{"merchant": merchant, "buttons": _lifecycle_forms(merchant, failed)} for merchant in page]
    context = {
        "page": page,
        "rows": rows,
        "failed": failed,
        "return_to": FROM_APPLICATIONS,
        "next_url": next_url(request, reverse("merchants:registry-applications")),
    }
    return render_page(request, "merchants/administrator/applications.html", context)


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
    merchants = selectors.merchants_with_shop_counts(request.user)
    filterset = MerchantFilterSet(request.GET, queryset=merchants, request=request)
    table = paged_table(request, MerchantTable(filterset.qs, caption=_("Merchants")))
    context = {"filter_form": filterset.form, "table": table}
    return render_page(request, "merchants/administrator/merchants.html", context)


def _render_merchant(request: HttpRequest, merchant: Merchant, failed: FailedAction | None = None) -> HttpResponse:
    shops = MerchantShopTable(selectors.merchant_shops(merchant), caption=_("Shops"))
    history = MerchantHistoryTable(selectors.merchant_history(merchant), caption=_("History"))
    context = {
        "merchant": merchant,
        "members": staff_of(merchant),
        "shops_table": paged_table(request, shops, paginate=False),
        "listing_counts": selectors.merchant_listing_counts(merchant),
        "history_table": paged_table(request, history, size=HISTORY_PAGE_SIZE),
        "buttons": _lifecycle_forms(merchant, failed),
        "failed": failed,
        "return_to": FROM_MERCHANT,
        "next_url": next_url(request, reverse("merchants:registry-merchant", args=[merchant.pk])),
    }
    return render_page(request, "merchants/administrator/merchant.html", context)


@administrators_only
@require_GET
def merchant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A merchant's profile, staff, shops, listings by state, history, and the lifecycle buttons of its state."""
    return _render_merchant(request, get_object_or_404(selectors.registry_merchants(request.user), pk=pk))


def lifecycle_view(action: str):
    """The POST view of one lifecycle button (administrators); errors are shown on the page the form came from."""

    @administrators_only
    @require_POST
    def view(request: HttpRequest, pk: int) -> HttpResponse:
        merchant = get_object_or_404(selectors.registry_merchants(request.user), pk=pk)
        form = ReasonForm.for_row(request.POST, row=f"{action}_{merchant.pk}")
        if form.is_valid():
            kwargs = {"merchant": merchant, "acting_user": request.user}
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
