"""The public catalogue: search, one listing, one shop, one merchant. Anyone may read it, signed in or not.

Only catalogue listings appear (`Listing.objects.in_catalogue()`: approved listings of approved merchants'
open shops), so a draft, a rejected listing or a suspended merchant's listing is simply not found (404). With
tens of thousands of listings every page reads through the indexed selectors, one page of rows at a time,
with the related rows it shows joined in (no query per row).
"""

from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from horgos.pages import paginate
from merchants.filtersets import CatalogueFilterSet
from merchants.models import Listing
from merchants.pages import render_page, titles_of, with_approximate_prices, with_languages
from merchants.selectors import catalogue as selectors

PAGE_SIZE = 24


def _page(request: HttpRequest, listings: QuerySet[Listing], *, cap: int | None = None) -> Page:
    page = paginate(request, listings, size=PAGE_SIZE, cap=cap)
    page.object_list = [with_languages(listing) for listing in page.object_list]
    with_approximate_prices(page.object_list)
    return page


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Search the catalogue: words in every language, product group, origin, price range and side of the zone."""
    filterset = CatalogueFilterSet(request.GET or None, queryset=selectors.catalogue_listings(), request=request)
    if filterset.is_bound and not filterset.is_valid():
        page = None  # the filters are shown with their errors; no results for filters that mean nothing
    else:
        page = _page(request, filterset.qs, cap=selectors.CATALOGUE_COUNT_CAP)
    context = {
        "form": filterset.form,
        "page": page,
        "figures": selectors.cached_catalogue_figures(),
        "searching": filterset.is_bound,
    }
    return render_page(request, "merchants/public/catalogue.html", context)


@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One catalogue listing; anything not in the catalogue is 404."""
    listing = with_languages(get_object_or_404(selectors.catalogue_listings(), pk=pk))
    with_approximate_prices([listing])
    return render_page(request, "merchants/public/listing.html", {"listing": listing, "titles": titles_of(listing)})


@require_GET
def shop_detail(request: HttpRequest, unit_code: str) -> HttpResponse:
    """An open shop of an approved merchant, with its catalogue listings."""
    shop = get_object_or_404(selectors.catalogue_shops(), unit_code=unit_code.upper())
    page = _page(request, selectors.shop_catalogue(shop))
    return render_page(request, "merchants/public/shop.html", {"shop": shop, "page": page})


@require_GET
def merchant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An approved merchant, its open shops and its catalogue listings."""
    merchant = get_object_or_404(selectors.catalogue_merchants(), pk=pk)
    context = {
        "merchant": merchant,
        "shops": selectors.merchant_open_shops(merchant),
        "page": _page(request, selectors.merchant_catalogue(merchant)),
    }
    return render_page(request, "merchants/public/merchant.html", context)
