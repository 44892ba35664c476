"""Public self-registration: a business applies to trade in the zone; an administrator decides."""

from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_http_methods

from horgos.forms import show_service_error
from horgos.throttling import throttle_posts
from merchants.forms import MerchantApplicationForm
from merchants.pages import render_page
from merchants.selectors import applicant_of
from merchants.services.registry import merchant_apply


@require_http_methods(["GET", "POST"])
@throttle_posts("merchant_apply")
def apply(request: HttpRequest) -> HttpResponse:
    if request.user.is_authenticated:
        return redirect("home")
    form = MerchantApplicationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = {name: value for name, value in form.cleaned_data.items() if name != "password_again"}
        try:
            merchant = merchant_apply(**data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            # Signed in at once, the owner sees the application's state in the portal.
            login(request, applicant_of(merchant), backend="django.contrib.auth.backends.ModelBackend")
            return redirect("merchants:portal")
    return render_page(request, "merchants/public/apply.html", {"form": form}, status=400 if form.errors else 200)
