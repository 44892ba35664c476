"""Administrators' pages of the trade's policy data: exchange rates (entered or imported from CSV), allowance
policies, and the shuttle-trader flags of the nightly check."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django_tables2 import RequestConfig

from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.pages import paginate, posted
from horgos.roles import role_required
from trade.forms import AllowancePolicyForm, ExchangeRateForm, RatesFileForm
from trade.selectors.policy import allowance_policies, exchange_rates, shuttle_trader_flags
from trade.services.policy import allowance_policy_add, exchange_rate_set, exchange_rates_import
from trade.tables import ShuttleTraderFlagTable

RATE_ENTERED = _("Rate of %(currency)s from %(day)s entered.")
RATES_IMPORTED = _("%(count)s rates entered from the file.")
RATES_NOT_IMPORTED = _("No rate was entered: the file has problems (listed below).")
POLICY_ADDED = _("Allowance policy added.")


@role_required(Role.ADMINISTRATOR)
def rates(request: HttpRequest) -> HttpResponse:
    """The rates in force, a form to enter one, and a CSV upload (all or nothing); which was sent is told by the
    button's name."""
    entering, uploading = "rate" in request.POST, "upload" in request.POST
    form = ExchangeRateForm(request.POST if entering else None, prefix="rate")
    upload = RatesFileForm(request.POST if uploading else None, request.FILES if uploading else None, prefix="upload")
    context = {"form": form, "upload": upload, "page": paginate(request, exchange_rates())}
    if entering and form.is_valid():
        try:
            rate = exchange_rate_set(**form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, RATE_ENTERED % {"currency": rate.currency, "day": rate.day})
            return redirect("trade:rates")
    if uploading and upload.is_valid():
        report = exchange_rates_import(content=upload.cleaned_data["file"].read(), acting_user=request.user)
        if not report.problems:
            messages.success(request, RATES_IMPORTED % {"count": report.entered})
            return redirect("trade:rates")
        context["problems"] = report.problems
        messages.error(request, RATES_NOT_IMPORTED)
    return render(request, "trade/administrator/rates.html", context, status=400 if request.method == "POST" else 200)


@role_required(Role.ADMINISTRATOR)
def policies(request: HttpRequest) -> HttpResponse:
    form = AllowancePolicyForm(posted(request))
    if form.is_valid():
        try:
            allowance_policy_add(**form.cleaned_data, acting_user=request.user)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, POLICY_ADDED)
            return redirect("trade:policies")
    status = 400 if request.method == "POST" else 200
    return render(
        request, "trade/administrator/policies.html", {"form": form, "policies": allowance_policies()}, status=status
    )


@role_required(Role.ADMINISTRATOR)
def flags(request: HttpRequest) -> HttpResponse:
    table = ShuttleTraderFlagTable(shuttle_trader_flags(), caption=_("Shuttle-trader flags"))
    RequestConfig(request, paginate={"per_page": 50}).configure(table)
    return render(request, "trade/administrator/flags.html", {"table": table})
