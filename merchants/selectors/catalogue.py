"""Reads of the public catalogue: approved listings of approved merchants' open shops, one page at a time, with
the rows each card shows joined in (no query per card)."""

from django.core.cache import cache
from django.db.models import Count, QuerySet

from merchants.models import HsChapter, Listing, Merchant, Shop

# A search's matches are counted up to this many: past it the page says "more than 1,000" and shows the first ones.
# An exact count of a broad search reads every matching listing (a word of 12% of 50,000 listings touches nearly
# every block of the table), while a page of 24 in the default order reads a few index entries.
CATALOGUE_COUNT_CAP = 1_000


def catalogue_listings() -> QuerySet[Listing]:
    """Every listing the catalogue shows, newest first."""
    return (
        Listing.objects.in_catalogue()
        .select_related("shop__merchant", "hs_heading__chapter")
        .order_by("-updated_at", "-id")
    )


def catalogue_figures() -> dict[str, int]:
    """Counts for the public pages: products, countries of origin, shops and merchants in the catalogue."""
    return Listing.objects.in_catalogue().aggregate(
        products=Count("id"),
        countries=Count("origin_country", distinct=True),
        shops=Count("shop", distinct=True),
        merchants=Count("shop__merchant", distinct=True),
    )


# The catalogue's figures count every listing it shows (about 100 ms at 50,000 listings): every search page and the
# API show them, so they are kept this long in the cache (a cache out of reach means they are counted).
CATALOGUE_FIGURES_KEY = "catalogue-figures"
CATALOGUE_FIGURES_SECONDS = 60


def cached_catalogue_figures() -> dict[str, int]:
    """`catalogue_figures`, at most CATALOGUE_FIGURES_SECONDS old."""
    return cache.get_or_set(CATALOGUE_FIGURES_KEY, catalogue_figures, CATALOGUE_FIGURES_SECONDS)


def hs_chapters() -> QuerySet[HsChapter]:
    return HsChapter.objects.order_by("code")


def catalogue_shops() -> QuerySet[Shop]:
    """The shops a visitor may open: open shops of approved merchants."""
    return Shop.objects.in_catalogue().select_related("merchant")


def catalogue_merchants() -> QuerySet[Merchant]:
    return Merchant.objects.approved()


def shop_catalogue(shop: Shop) -> QuerySet[Listing]:
    return catalogue_listings().filter(shop=shop)


def merchant_catalogue(merchant: Merchant) -> QuerySet[Listing]:
    return catalogue_listings().filter(shop__merchant=merchant)


def merchant_open_shops(merchant: Merchant) -> QuerySet[Shop]:
    return merchant.shops.in_catalogue().order_by("unit_code")
