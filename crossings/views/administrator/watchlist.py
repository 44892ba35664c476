"""The watchlist: entries in force or to come, ended ones, each entry with its hits, and a form to add one. Document
numbers are shown masked; an entry's page reveals its full number, audited."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from crossings.forms import WatchlistEntryForm
from crossings.models import WatchlistEntry
from crossings.selectors import operations as operations_selectors
from crossings.services.documents import watchlist_entry_reveal
from crossings.services.watchlist import watchlist_add, watchlist_deactivate
from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.pages import is_htmx, paginate, posted, redirect_back, show_error
from horgos.reauth import reauth_required
from horgos.roles import role_required

administrators_only = role_required(Role.ADMINISTRATOR)


@administrators_only
@require_http_methods(["GET", "POST"])
def watchlist(request: HttpRequest) -> HttpResponse:
    """Active and ended watchlist entries with their hits; POST adds an entry."""
    form = WatchlistEntryForm(posted(request), prefix="entry", time_zone_name=timezone.get_current_timezone_name())
    if request.method == "POST" and form.is_valid():
        try:
            entry = watchlist_add(acting_user=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_error(form, error)
        else:
            label = operations_selectors.watchlist_entry_label(entry)
            messages.success(request, _("Watchlist entry added: %(entry)s.") % {"entry": label})
            return redirect("crossings:operations-watchlist")
    now = timezone.now()
    context = {
        "form": form,
        "now": now,
        "active_entries": operations_selectors.watchlist_not_ended(now),
        "inactive_page": paginate(request, operations_selectors.watchlist_ended(now)),
    }
    return render(request, "crossings/operations/watchlist.html", context)


@administrators_only
@require_GET
def watchlist_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """One watchlist entry and every hit it raised."""
    entry = get_object_or_404(operations_selectors.watchlist_entries_with_hits(), pk=pk)
    now = timezone.now()
    context = {
        "entry": entry,
        "is_active": entry.is_active_at(now),
        "may_deactivate": entry.may_be_deactivated_at(now),
        "hits": paginate(request, operations_selectors.watchlist_entry_hits(entry)),
    }
    return render(request, "crossings/operations/watchlist_entry.html", context)


@administrators_only
@require_POST
def watchlist_entry_deactivate(request: HttpRequest, pk: int) -> HttpResponse:
    entry = get_object_or_404(WatchlistEntry, pk=pk)
    try:
        watchlist_deactivate(entry=entry, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    else:
        label = operations_selectors.watchlist_entry_label(entry)
        messages.success(request, _("Watchlist entry deactivated: %(entry)s.") % {"entry": label})
    return redirect_back(request, "crossings:operations-watchlist")


@administrators_only
@never_cache
@require_POST
@reauth_required
def watchlist_entry_number(request: HttpRequest, pk: int) -> HttpResponse:
    """The full document number of an entry (audited): a fragment for htmx, a small page without JavaScript."""
    entry = get_object_or_404(WatchlistEntry, pk=pk)
    try:
        number = watchlist_entry_reveal(entry=entry, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
        return redirect("crossings:operations-watchlist-entry", pk=entry.pk)
    if is_htmx(request):
        return render(request, "crossings/lists/_document_number.html", {"number": number})
    return render(request, "crossings/operations/watchlist_number.html", {"entry": entry, "number": number})
