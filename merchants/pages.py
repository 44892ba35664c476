"""What the merchants app's pages share (beside horgos.pages): who may open them (administrators, a merchant's
staff), where a page's buttons come back to, and the languages a listing's texts are written in."""

from collections.abc import Callable, Iterable
from functools import wraps

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone, translation
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from horgos.choices import Role
from horgos.extensions import price_conversions
from horgos.pages import posted_next
from horgos.roles import role_required
from merchants.choices import ListingImportState, ListingState, MerchantState, ShopState
from merchants.models import Listing
from merchants.selectors import membership_of

NO_MEMBERSHIP_TEMPLATE = "merchants/merchant/no_membership.html"

# The states templates compare with (`{% if listing.state == ListingState.APPROVED %}`), never a literal value.
STATES = {
    "ListingImportState": ListingImportState,
    "ListingState": ListingState,
    "MerchantState": MerchantState,
    "ShopState": ShopState,
}

# The registry's pages: anonymous visitors go to the login page, other roles get 403.
administrators_only = role_required(Role.ADMINISTRATOR)

# The languages a listing is written in: the suffix of its fields, the language code for `lang`, the name.
LISTING_LANGUAGES = (
    ("en", "en", _("English")),
    ("zh_hans", "zh-Hans", _("Chinese")),
    ("kk", "kk", _("Kazakh")),
    ("ru", "ru", _("Russian")),
)


def render_page(request: HttpRequest, template: str, context: dict | None = None, status: int | None = None):
    """`render`, with the merchants' states in the context for the template's comparisons."""
    return render(request, template, {**STATES, **(context or {})}, status=status)


def merchant_staff_only(view: Callable) -> Callable:
    """Merchant users on a merchant's staff; the view gets their membership (its merchant and user loaded) after
    the request. Anonymous visitors go to the login page, other roles get 403, a merchant user on no staff a
    clear 403 page."""

    @role_required(Role.MERCHANT)
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        membership = membership_of(request.user)
        if membership is None:
            return render_page(request, NO_MEMBERSHIP_TEMPLATE, status=403)
        return view(request, membership, *args, **kwargs)

    return wrapped


def next_url(request: HttpRequest, page_url: str) -> str:
    """Where the page's buttons come back to: the page itself; for a page shown again after a refused POST,
    the page that POST came from (the POST's own address only accepts POSTs)."""
    if request.method == "POST":
        return posted_next(request) or page_url
    return request.get_full_path()


def titles_of(listing: Listing) -> list[dict[str, str]]:
    """Every title the listing has, with its language: [{"lang", "language", "title"}]."""
    return [{**text, "title": text["text"]} for text in texts_of(listing, "title")]


def texts_of(listing: Listing, kind: str) -> list[dict[str, str]]:
    """Every `kind` ("title", "description") the listing has, with its language: [{"lang", "language", "text"}]."""
    return [
        {"lang": lang, "language": language, "text": getattr(listing, f"{kind}_{suffix}")}
        for suffix, lang, language in LISTING_LANGUAGES
        if getattr(listing, f"{kind}_{suffix}")
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


def with_languages(listing: Listing) -> Listing:
    """The listing, with the `lang` of the title and description it shows (`title_lang`, `description_lang`)."""
    listing.title_lang = _shown_language(listing, "title")
    listing.description_lang = _shown_language(listing, "description")
    return listing


def report_submitted(request: HttpRequest, outcome) -> None:
    """Say what a bulk submission (`merchants.services.listings.listings_submit`) did: how many listings went to
    review, and each refused one with the reason."""
    if outcome.submitted:
        count = len(outcome.submitted)
        messages.success(
            request,
            ngettext("%(count)d listing submitted for review.", "%(count)d listings submitted for review.", count)
            % {"count": count},
        )
    for listing, reason in outcome.refused:
        messages.error(
            request, gettext("“%(title)s” was not submitted: %(reason)s") % {"title": listing.title, "reason": reason}
        )
    if not outcome.submitted and not outcome.refused:
        messages.info(request, gettext("There was no listing to submit."))


def with_approximate_prices(listings: Iterable[Listing]) -> None:
    """Give each listing `approximate_prices`: its CNY price in the currencies other apps convert to (trade: tenge
    at the latest exchange rate, through horgos.extensions), each {"amount", "symbol", "currency", "day"}; an empty
    list when no rate is known. One look-up of the rates for all the listings."""
    conversions = price_conversions(day=timezone.localdate())
    for listing in listings:
        listing.approximate_prices = [
            {
                "amount": conversion.convert(listing.price),
                "symbol": conversion.symbol,
                "currency": conversion.currency,
                "day": conversion.day,
            }
            for conversion in conversions
        ]
