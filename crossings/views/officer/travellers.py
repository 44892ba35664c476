"""Finding a traveller, and a traveller's page, for officers and administrators: documents with masked numbers
(revealed one at a time, audited), visits, crossings and alerts."""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_tables2 import RequestConfig

from crossings import tables
from crossings.forms import TravellerSearchForm
from crossings.models import Traveller
from crossings.selectors import lists as list_selectors
from crossings.services.documents import document_reveal
from horgos.choices import Role
from horgos.pages import is_htmx
from horgos.reauth import reauth_required
from horgos.roles import role_required

HISTORY_PAGE_SIZE = 20

staff_page = role_required(Role.OFFICER, Role.ADMINISTRATOR)


@staff_page
@never_cache
@require_http_methods(["GET", "POST"])
def traveller_search(request: HttpRequest) -> HttpResponse:
    """Look a traveller up without recording anything: the empty form (GET), the travellers found (POST, so that a
    document number never stands in a URL), each leading to their page."""
    form = TravellerSearchForm(request.POST if request.method == "POST" else None)
    results = list_selectors.traveller_search_results(**form.cleaned_data) if form.is_valid() else None
    return render(request, "crossings/lists/traveller_search.html", {"form": form, "results": results})


@staff_page
@never_cache
@require_GET
def traveller_detail(request: HttpRequest, pk: int) -> HttpResponse:
    traveller = get_object_or_404(Traveller, pk=pk)
    now = timezone.now()
    page = list_selectors.traveller_page(traveller, now=now)
    visits = tables.TravellerVisitTable(page["visits"], now=now, prefix="visits-", caption=_("Visits to the zone"))
    crossings = tables.TravellerCrossingTable(page["crossings"], prefix="crossings-", caption=_("Crossings"))
    for table in (visits, crossings):
        RequestConfig(request, paginate={"per_page": HISTORY_PAGE_SIZE}).configure(table)
    context = {**page, "traveller": traveller, "visits_table": visits, "crossings_table": crossings}
    return render(request, "crossings/lists/traveller.html", context)


@staff_page
@never_cache
@require_POST
@reauth_required
def document_number(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """The full number of one document (audited); a fragment for htmx, a small page without JavaScript. Only with
    the password typed in the last few minutes (horgos.reauth): else the confirmation page, and back here."""
    document = list_selectors.traveller_document(traveller_id=pk, document_id=document_pk)
    if document is None:
        raise Http404
    number = document_reveal(document=document, acting_user=request.user)
    template = "_document_number.html" if is_htmx(request) else "document_reveal.html"
    context = {"document": document, "traveller": document.traveller, "number": number}
    return render(request, f"crossings/lists/{template}", context)
