"""The public catalogue: search, one listing, one shop, one merchant. Anyone may read it, signed in or not.

Only catalogue listings appear (approved listings of approved merchants' open shops: the selectors'
`catalogue_listings`), so a draft, a rejected listing or a suspended merchant's listing is simply not
found (404). With tens of thousands of listings every page reads through the indexed selectors, one
page of rows at a time, with the related rows it shows joined in (no query per row).
"""

from typing import Any

from django import forms
from django.core.paginator import Page
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from django_countries import countries
from django_countries.fields import LazyTypedChoiceField

from horgos.pages import paginate
from merchants.choices import MerchantState, ShopState, ZoneSide
from merchants.models import HsChapter, Listing, Merchant, Shop
from merchants.selectors import catalogue_figures, catalogue_listings, catalogue_search, hs_chapters_in_use

PAGE_SIZE = 24
ANY = [("", _("Any"))]
PRICE_RANGE_REVERSED = _("The highest price is below the lowest price.")

# The languages a listing is written in: the suffix of its fields, the language code for `lang`, the name.
LISTING_LANGUAGES = (
    ("en", "en", _("English")),
    ("zh_hans", "zh-Hans", _("Chinese")),
    ("kk", "kk", _("Kazakh")),
    ("ru", "ru", _("Russian")),
)


class CatalogueSearchForm(forms.Form):
    """The catalogue's filters. Each is optional; a value that cannot be searched for is a form error."""

    q = forms.CharField(
        label=_("Words"),
        max_length=200,
        required=False,
        help_text=_("In any language: English, Chinese, Kazakh or Russian."),
        widget=forms.TextInput(attrs={"type": "search"}),
    )
    hs_chapter = forms.ChoiceField(label=_("Product group (HS chapter)"), required=False)
    origin_country = LazyTypedChoiceField(label=_("Country of origin"), required=False)
    price_min = forms.DecimalField(
        label=_("Lowest price (CNY)"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    price_max = forms.DecimalField(
        label=_("Highest price (CNY)"), min_value=0, max_digits=12, decimal_places=2, required=False
    )
    side = forms.ChoiceField(label=_("Side of the zone"), choices=ANY + ZoneSide.choices, required=False)

    def __init__(self, *args, chapters: list[HsChapter], **kwargs):
        super().__init__(*args, **kwargs)
        # Built per request, so chapter and country names are in the visitor's language.
        self.fields["hs_chapter"].choices = ANY + [
            (chapter.code, f"{chapter.code} · {chapter.name}") for chapter in chapters
        ]
        self.fields["origin_country"].choices = ANY + list(countries)
        for name in ("price_min", "price_max"):
            self.fields[name].widget.attrs.update({"inputmode": "decimal", "step": "0.01"})

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and high < low:
            self.add_error("price_max", PRICE_RANGE_REVERSED)
        return cleaned

    def search_arguments(self) -> dict[str, Any]:
        """The cleaned filters as `catalogue_search` takes them."""
        data = self.cleaned_data
        return {
            "words": data.get("q") or "",
            "hs_chapter": data.get("hs_chapter") or "",
            "origin_country": data.get("origin_country") or "",
            "price_min": data.get("price_min"),
            "price_max": data.get("price_max"),
            "side": data.get("side") or "",
        }


def titles_of(listing: Listing) -> list[dict[str, str]]:
    """Every title the listing has, with its language: [{"lang", "language", "title"}]."""
    return [
        {"lang": lang, "language": language, "title": getattr(listing, f"title_{suffix}")}
        for suffix, lang, language in LISTING_LANGUAGES
        if getattr(listing, f"title_{suffix}")
    ]


def _shown_language(listing: Listing, kind: str) -> str:
    """The language code (for `lang`) of the title or description that `Listing.title` / `.description` shows:
    the visitor's language when the listing has it, else the first one written."""
    text = getattr(listing, kind)
    active = (translation.get_language() or "en").replace("-", "_").lower()
    for suffix, lang, _language in sorted(LISTING_LANGUAGES, key=lambda item: item[0] != active):
        if text and getattr(listing, f"{kind}_{suffix}") == text:
            return lang
    return ""


def _with_languages(listing: Listing) -> Listing:
    listing.title_lang = _shown_language(listing, "title")
    listing.description_lang = _shown_language(listing, "description")
    return listing


def _page(request: HttpRequest, listings: QuerySet[Listing]) -> Page:
    page = paginate(request, listings, size=PAGE_SIZE)
    page.object_list = [_with_languages(listing) for listing in page.object_list]
    return page


def _newest_first(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    return listings.order_by("-updated_at", "-id")


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    """Search the catalogue: words in every language, product group, origin, price range and side of the zone."""
    form = CatalogueSearchForm(request.GET or None, chapters=list(hs_chapters_in_use()))
    if form.is_bound and not form.is_valid():
        page = None  # the filters are shown with their errors; no results for filters that mean nothing
    else:
        arguments = form.search_arguments() if form.is_bound else {}
        page = _page(request, catalogue_search(**arguments))
    context = {"form": form, "page": page, "figures": catalogue_figures(), "searching": form.is_bound}
    return render(request, "merchants/catalogue/search.html", context)


@require_GET
def listing_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One catalogue listing; anything not in the catalogue is 404."""
    listing = _with_languages(get_object_or_404(catalogue_listings(), pk=pk))
    return render(request, "merchants/catalogue/listing.html", {"listing": listing, "titles": titles_of(listing)})


@require_GET
def shop_detail(request: HttpRequest, unit_code: str) -> HttpResponse:
    """An open shop of an approved merchant, with its catalogue listings."""
    shop = get_object_or_404(
        Shop.objects.select_related("merchant"),
        unit_code=unit_code.upper(),
        state=ShopState.OPEN,
        merchant__state=MerchantState.APPROVED,
    )
    page = _page(request, _newest_first(catalogue_listings().filter(shop=shop)))
    return render(request, "merchants/catalogue/shop.html", {"shop": shop, "page": page})


@require_GET
def merchant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An approved merchant, its open shops and its catalogue listings."""
    merchant = get_object_or_404(Merchant, pk=pk, state=MerchantState.APPROVED)
    context = {
        "merchant": merchant,
        "shops": merchant.shops.filter(state=ShopState.OPEN).order_by("unit_code"),
        "page": _page(request, _newest_first(catalogue_listings().filter(shop__merchant=merchant))),
    }
    return render(request, "merchants/catalogue/merchant.html", context)


urlpatterns = [
    path("catalogue/", catalogue, name="catalogue"),
    path("catalogue/listings/<int:pk>/", listing_detail, name="catalogue-listing"),
    path("catalogue/shops/<str:unit_code>/", shop_detail, name="catalogue-shop"),
    path("catalogue/merchants/<int:pk>/", merchant_detail, name="catalogue-merchant"),
]
