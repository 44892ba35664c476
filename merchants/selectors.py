"""Reads of the merchants app: who belongs to which merchant, row-level scoping, the public catalogue."""

from decimal import Decimal

from django.contrib.postgres.search import SearchQuery
from django.db.models import Count, Q, QuerySet

from horgos.choices import Role
from merchants.choices import ListingState, MemberRole, MerchantState, ShopState
from merchants.models import HsChapter, Listing, Merchant, MerchantMember, Notification, Shop
from merchants.models.catalogue import TITLE_FIELDS, catalogue_search_vector


def membership_of(user) -> MerchantMember | None:
    if not user.is_authenticated or user.role != Role.MERCHANT:
        return None
    return MerchantMember.objects.select_related("merchant").filter(user=user).first()


def merchant_of(user) -> Merchant | None:
    membership = membership_of(user)
    return membership.merchant if membership else None


def is_owner(user, merchant: Merchant) -> bool:
    membership = membership_of(user)
    return membership is not None and membership.merchant_id == merchant.pk and membership.role == MemberRole.OWNER


# Row-level scoping, in one place: administrators see every row, a merchant user their merchant's
# rows only, everyone else none. Views and API viewsets start from these querysets, so another
# merchant's row is simply not found (404), never forbidden (which would say that it exists).


def merchants_visible_to(user) -> QuerySet[Merchant]:
    if user.is_authenticated and user.role == Role.ADMINISTRATOR:
        return Merchant.objects.all()
    return Merchant.objects.filter(members__user=user) if user.is_authenticated else Merchant.objects.none()


def shops_visible_to(user) -> QuerySet[Shop]:
    return Shop.objects.filter(merchant__in=merchants_visible_to(user)).select_related("merchant")


def listings_visible_to(user) -> QuerySet[Listing]:
    return Listing.objects.filter(shop__merchant__in=merchants_visible_to(user)).select_related(
        "shop__merchant", "hs_heading__chapter"
    )


def notifications_of(merchant: Merchant) -> QuerySet[Notification]:
    return merchant.notifications.all()


# The public catalogue: approved listings of approved merchants' open shops.


def catalogue_listings() -> QuerySet[Listing]:
    return Listing.objects.filter(
        state=ListingState.APPROVED,
        shop__state=ShopState.OPEN,
        shop__merchant__state=MerchantState.APPROVED,
    ).select_related("shop__merchant", "hs_heading__chapter")


def catalogue_search(
    *,
    words: str = "",
    hs_chapter: str = "",
    origin_country: str = "",
    price_min: Decimal | None = None,
    price_max: Decimal | None = None,
    side: str = "",
) -> QuerySet[Listing]:
    """Catalogue listings matching every given filter. Words match titles and descriptions in every
    language as written (full-text, `simple`); text without spaces between words (Chinese) also
    matches inside titles (trigram-indexed substring)."""
    listings = catalogue_listings()
    if words.strip():
        query = SearchQuery(words.strip(), config="simple", search_type="websearch")
        by_words = Q(search=query)
        in_titles = Q()
        for field in TITLE_FIELDS:
            in_titles |= Q(**{f"{field}__icontains": words.strip()})
        listings = listings.annotate(search=catalogue_search_vector()).filter(by_words | in_titles)
    if hs_chapter:
        listings = listings.filter(hs_code__startswith=hs_chapter)
    if origin_country:
        listings = listings.filter(origin_country=origin_country.upper())
    if price_min is not None:
        listings = listings.filter(price__gte=price_min)
    if price_max is not None:
        listings = listings.filter(price__lte=price_max)
    if side:
        listings = listings.filter(shop__side=side)
    return listings.order_by("-updated_at", "-id")


def catalogue_figures() -> dict[str, int]:
    """Counts for the public pages: products, countries of origin, shops and merchants in the catalogue."""
    listings = catalogue_listings()
    return listings.aggregate(
        products=Count("id"),
        countries=Count("origin_country", distinct=True),
        shops=Count("shop", distinct=True),
        merchants=Count("shop__merchant", distinct=True),
    )


def hs_chapters_in_use() -> QuerySet[HsChapter]:
    return HsChapter.objects.order_by("code")
