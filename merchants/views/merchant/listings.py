"""A merchant's listings in the portal: the filtered list, writing one (a draft of one of the merchant's own
shops), submitting it for review, deleting it.

For merchant users on a merchant's staff only (`merchant_staff_only`); a listing is always looked up among
the merchant's own (`visible_to`), so another merchant's listing is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from horgos.forms import show_service_error
from horgos.pages import paged_table, posted, redirect_back, show_error
from merchants.choices import ListingState
from merchants.filtersets import ListingFilterSet
from merchants.forms import ListingForm
from merchants.models import MerchantMember
from merchants.pages import merchant_staff_only, render_page, report_submitted
from merchants.selectors import portal as selectors
from merchants.services.listings import (
    SUBMITTABLE,
    listing_create,
    listing_delete,
    listing_submit,
    listing_update,
    listing_update_and_submit,
    listings_submit,
)
from merchants.tables import SUBMIT_FORM_ID, ListingTable

# The name of the listing form's second button: save the edits and submit the listing for review.
SUBMIT_BUTTON = "submit_for_review"


@merchant_staff_only
@require_GET
def listings(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The merchant's listings, searched by words or HS code and filtered by state, shop and stock, with a submit
    button for each draft and tick boxes to submit many."""
    filterset = ListingFilterSet(request.GET, queryset=selectors.own_listings(membership), request=request)
    table = paged_table(request, ListingTable(filterset.qs, caption=_("Listings")))
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "filter_form": filterset.form,
        "table": table,
        "has_shops": selectors.own_shops(membership).exists(),
        "has_submittable": any(row.record.state in SUBMITTABLE for row in table.page.object_list),
        "submit_form_id": SUBMIT_FORM_ID,
    }
    return render_page(request, "merchants/merchant/listings.html", context)


@merchant_staff_only
@require_http_methods(["GET", "POST"])
def listing_new(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """A new listing, saved as a draft of one of the merchant's own shops."""
    form = ListingForm(posted(request), request.FILES or None, shops=selectors.own_shops(membership))
    if request.method == "POST" and form.is_valid():
        try:
            listing = listing_create(
                shop=form.cleaned_data["shop"],
                acting_user=request.user,
                photo=form.cleaned_data["photo"],
                **form.listing_fields(),
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(
                request,
                _("Listing “%(title)s” saved as a draft. Submit it for review to publish it.")
                % {"title": listing.title},
            )
            return redirect("merchants:portal-listing-edit", pk=listing.pk)
    context = {"membership": membership, "merchant": membership.merchant, "form": form, "listing": None}
    return render_page(request, "merchants/merchant/listing_form.html", context)


@merchant_staff_only
@require_http_methods(["GET", "POST"])
def listing_edit(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    """Change a listing; an approved one goes back to review when anything changes. "Save and submit for review"
    (a draft or rejected listing) saves what was typed and submits it in one go; refused edits submit nothing."""
    listing = get_object_or_404(selectors.own_listings(membership), pk=pk)
    form = ListingForm(posted(request), request.FILES or None, initial=ListingForm.initial_for(listing))
    if request.method == "POST" and form.is_valid():
        was_approved = listing.state == ListingState.APPROVED
        photo = form.cleaned_data["photo"]
        changed = form.listing_fields(changed_only=True)
        submit = SUBMIT_BUTTON in request.POST
        if not submit and not changed and photo is None:
            messages.info(request, _("Nothing changed."))
            return redirect("merchants:portal-listing-edit", pk=listing.pk)
        try:
            if submit:
                listing = listing_update_and_submit(listing=listing, acting_user=request.user, photo=photo, **changed)
            else:
                listing = listing_update(listing=listing, acting_user=request.user, photo=photo, **changed)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            if submit and (changed or photo is not None):
                message = _("Listing “%(title)s” saved and submitted for review.")
            elif submit:
                message = _("Listing “%(title)s” submitted for review.")
            elif was_approved and listing.state == ListingState.SUBMITTED:
                message = _("Listing “%(title)s” saved and sent back for review.")
            else:
                message = _("Listing “%(title)s” saved.")
            messages.success(request, message % {"title": listing.title})
            return redirect("merchants:portal-listing-edit", pk=listing.pk)
    context = {
        "membership": membership,
        "merchant": membership.merchant,
        "form": form,
        "listing": listing,
        "submittable": SUBMITTABLE,
        "submit_button": SUBMIT_BUTTON,
    }
    return render_page(request, "merchants/merchant/listing_form.html", context)


@merchant_staff_only
@require_POST
def listing_submit_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    listing = get_object_or_404(selectors.own_listings(membership), pk=pk)
    try:
        listing = listing_submit(listing=listing, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        messages.success(request, _("Listing “%(title)s” submitted for review.") % {"title": listing.title})
    return redirect_back(request, "merchants:portal-listings")


@merchant_staff_only
@require_POST
def listings_submit_view(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """Submit the ticked listings (`listing` ids, among the merchant's own) for review, each on its own."""
    ids = [value for value in request.POST.getlist("listing") if value.isdigit()]
    chosen = selectors.own_listings(membership).filter(pk__in=ids).order_by("id")
    report_submitted(request, listings_submit(listings=chosen, acting_user=request.user))
    return redirect_back(request, "merchants:portal-listings")


@merchant_staff_only
@require_POST
def listing_delete_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    listing = get_object_or_404(selectors.own_listings(membership), pk=pk)
    title = listing.title
    try:
        listing_delete(listing=listing, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
        return redirect("merchants:portal-listing-edit", pk=listing.pk)
    messages.success(request, _("Listing “%(title)s” deleted.") % {"title": title})
    return redirect("merchants:portal-listings")
