"""Listing moderation, for administrators: listings submitted for review, each approved or rejected (with a
reason) in one click. htmx swaps the one listing's item; a plain form comes back to the page it was sent from."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from horgos.forms import show_service_error
from horgos.pages import is_htmx, paginate, redirect_back
from merchants.forms import ReasonForm
from merchants.models import Listing
from merchants.pages import administrators_only, next_url, render_page, titles_of
from merchants.selectors import registry as selectors
from merchants.services import listings as listing_services

LISTING_DONE = {
    "approve": _("Listing approved: %(title)s."),
    "reject": _("Listing rejected: %(title)s."),
}


def _moderation_item(listing: Listing, *, form: ReasonForm | None = None) -> dict[str, Any]:
    return {
        "listing": listing,
        "titles": titles_of(listing),
        "form": form or ReasonForm.for_row(row=f"listing_{listing.pk}"),
    }


@administrators_only
@require_GET
def moderation(request: HttpRequest) -> HttpResponse:
    """Listings submitted for review, oldest first, each with Approve and Reject (with a reason)."""
    page = paginate(request, selectors.submitted_listings(request.user))
    items = [_moderation_item(listing) for listing in page]
    context = {"page": page, "items": items, "next_url": request.get_full_path()}
    return render_page(request, "merchants/administrator/moderation.html", context)


def _moderate(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Approve or reject one listing. htmx gets the listing's item back (outcome or error), a plain form a
    redirect to the page it came from, with the outcome or error as a message."""
    listing = get_object_or_404(selectors.moderated_listings(request.user), pk=pk)
    form = ReasonForm.for_row(request.POST, row=f"listing_{listing.pk}")
    if form.is_valid():
        try:
            if action == "approve":
                listing = listing_services.listing_approve(listing=listing, acting_user=request.user)
            else:
                listing = listing_services.listing_reject(
                    listing=listing, acting_user=request.user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            show_service_error(form, error)
    done = not form.errors
    if is_htmx(request):
        listing = get_object_or_404(selectors.moderated_listings(request.user), pk=pk)
        context = {
            **_moderation_item(listing, form=form),
            "done": done,
            "next_url": next_url(request, reverse("merchants:registry-moderation")),
        }
        return render_page(request, "merchants/administrator/_moderation_item.html", context)
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
