"""Listing moderation, for administrators: the listings submitted for review as a filtered, paged table whose rows
can be approved or rejected (with a reason) many at once, and each listing's own page (photo, descriptions) with
its Approve and Reject buttons. htmx swaps the one listing's item there; a plain form comes back to the page it was
sent from."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.pages import FilteredTableView, confirmation_next, is_htmx, redirect_back
from merchants.filtersets import ModerationFilterSet
from merchants.forms import ModerationBulkForm, ReasonForm
from merchants.models import Listing
from merchants.pages import administrators_only, next_url, render_page, texts_of, titles_of, with_languages
from merchants.selectors import registry as selectors
from merchants.services import listings as listing_services
from merchants.services.moderation import APPROVE, listings_moderate
from merchants.tables import MODERATION_FORM_ID, ModerationTable

LISTING_DONE = {
    "approve": _("Listing approved: %(title)s."),
    "reject": _("Listing rejected: %(title)s."),
}
LISTING_REFUSED = {
    "approve": _("Not approved: %(title)s: %(reason)s"),
    "reject": _("Not rejected: %(title)s: %(reason)s"),
}


def _bulk_done(action: str, count: int) -> str:
    if action == APPROVE:
        return ngettext("%(count)d listing approved.", "%(count)d listings approved.", count) % {"count": count}
    return ngettext("%(count)d listing rejected.", "%(count)d listings rejected.", count) % {"count": count}


class ModerationView(FilteredTableView):
    """Listings waiting for review, oldest first, filtered and paged; POST (to the same address, so the filters and
    the page stay) approves or rejects the listings chosen with the checkboxes, one service call and one audit row
    each, and reports what was done and what was refused."""

    allowed_roles = (Role.ADMINISTRATOR,)
    template_name = "merchants/administrator/moderation.html"
    table_class = ModerationTable
    table_caption = _("Listings to review")
    filterset_class = ModerationFilterSet
    bulk_form = None

    def get_queryset(self):
        return selectors.submitted_listings(self.request.user)

    def get_table_kwargs(self):
        # After a refused POST, the listings that were chosen stay chosen.
        chosen = set(self.bulk_form.data.getlist("listings")) if self.bulk_form is not None else set()
        return {**super().get_table_kwargs(), "next_url": self.request.get_full_path(), "chosen": chosen}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = self.bulk_form or ModerationBulkForm(listings=Listing.objects.none())
        context.update(bulk_form=form, bulk_form_id=MODERATION_FORM_ID)
        return context

    def post(self, request, *args, **kwargs):
        form = ModerationBulkForm(request.POST, listings=selectors.moderated_listings(request.user))
        if form.is_valid():
            try:
                report = listings_moderate(
                    listings=form.cleaned_data["listings"],
                    action=form.cleaned_data["action"],
                    reason=form.cleaned_data["reason"],
                    acting_user=request.user,
                )
            except ValidationError as error:
                show_service_error(form, error)
            else:
                if report.done:
                    messages.success(request, _bulk_done(report.action, len(report.done)))
                for listing, reason in report.refused:
                    refused = LISTING_REFUSED[report.action]
                    messages.error(request, refused % {"title": listing.title, "reason": reason})
                return redirect(request.get_full_path())
        self.bulk_form = form
        return self.get(request, *args, **kwargs)


moderation = ModerationView.as_view()


def _moderation_item(listing: Listing, *, form: ReasonForm | None = None) -> dict[str, Any]:
    return {
        "listing": with_languages(listing),
        "titles": titles_of(listing),
        "descriptions": texts_of(listing, "description"),
        "form": form or ReasonForm.for_row(row=f"listing_{listing.pk}"),
    }


@administrators_only
@require_GET
def listing_review(request: HttpRequest, pk: int) -> HttpResponse:
    """One listing as the merchant wrote it (photo, titles and descriptions in every language, product group,
    origin, price), with Approve and Reject (with a reason); Back returns to the table as it was."""
    listing = get_object_or_404(selectors.moderated_listings(request.user), pk=pk)
    back = confirmation_next(request, reverse("merchants:registry-moderation"))
    context = {**_moderation_item(listing), "next_url": back, "back_url": back}
    return render_page(request, "merchants/administrator/moderation_listing.html", context)


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
