"""What merchants sell: listings, classified by the Harmonized System (HS 2022) reference data."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.contrib.postgres.search import SearchQuery, SearchVector, SearchVectorField
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Lower, NullIf, Upper
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from horgos.search import TEXT_JOINER, CjkGrams, Fold, JoinedTexts, is_short_cjk_query
from merchants.choices import CatalogueSort, ListingState, MerchantState, ShopState, StockLevel
from merchants.models.registry import Merchant, Shop, StateCountsQuerySet

LANGUAGE_SUFFIXES = ("en", "zh_hans", "kk", "ru")
TITLE_FIELDS = tuple(f"title_{suffix}" for suffix in LANGUAGE_SUFFIXES)
DESCRIPTION_FIELDS = tuple(f"description_{suffix}" for suffix in LANGUAGE_SUFFIXES)
# What a merchant writes of a listing (the shop, the photo and the moderation aside): the service takes these,
# the API shows them and listing files hold them, in this order.
EDITABLE_FIELDS = (
    *TITLE_FIELDS,
    *DESCRIPTION_FIELDS,
    "hs_code",
    "origin_country",
    "price",
    "unit_weight_kg",
    "stock_quantity",
)
# What a merchant may change on an approved listing without sending it back to review: the public sees only
# "in stock", "few left" or "out of stock" of it, nothing a moderator checks.
UNREVIEWED_FIELDS = ("stock_quantity",)
# At most this many units left: the public catalogue says "few left".
FEW_LEFT = 5


def catalogue_search_vector() -> SearchVector:
    """Titles and descriptions in every language, as written (the `simple` configuration) but folded
    (`horgos.search.Fold`: ё→е, Kazakh letters to those typed without them): stored as `Listing.search_vector`,
    GIN-indexed, it answers the catalogue's word queries, which are folded the same way."""
    return SearchVector(*(Fold(field) for field in (*TITLE_FIELDS, *DESCRIPTION_FIELDS)), config="simple")


def joined_folded_titles() -> Upper:
    """Every title, joined (`horgos.search.JoinedTexts`), folded and in capitals: stored as
    `Listing.folded_titles`, trigram-indexed, it answers substring search, which folds the query the same way."""
    return Upper(Fold(JoinedTexts(*TITLE_FIELDS)))


class HsChapter(models.Model):
    """A chapter of the Harmonized System (two digits), named in the four languages."""

    code = models.CharField(_("chapter"), max_length=2, unique=True)
    name_en = models.CharField(_("name in English"), max_length=400)
    name_zh_hans = models.CharField(_("name in Chinese"), max_length=400)
    name_kk = models.CharField(_("name in Kazakh"), max_length=400)
    name_ru = models.CharField(_("name in Russian"), max_length=400)

    class Meta:
        verbose_name = _("HS chapter")
        verbose_name_plural = _("HS chapters")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def name(self) -> str:
        language = (translation.get_language() or "en").replace("-", "_").lower()
        return getattr(self, f"name_{language}", "") or self.name_en


class HsHeading(models.Model):
    """A heading of the Harmonized System (four digits): the first four digits of a listing's HS code."""

    code = models.CharField(_("heading"), max_length=4, unique=True)
    chapter = models.ForeignKey(HsChapter, verbose_name=_("chapter"), on_delete=models.PROTECT, related_name="headings")
    name_en = models.CharField(_("name in English"), max_length=400)

    class Meta:
        verbose_name = _("HS heading")
        verbose_name_plural = _("HS headings")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} {self.name_en}"


class ListingQuerySet(StateCountsQuerySet):
    def visible_to(self, user) -> "ListingQuerySet":
        """The listings of the merchants `user` may see (`MerchantQuerySet.visible_to`): an administrator all, a
        merchant user their merchant's, anyone else none."""
        return self.filter(shop__merchant__in=Merchant.objects.visible_to(user))

    def in_catalogue(self) -> "ListingQuerySet":
        """What the public catalogue shows: approved listings of approved merchants' open shops."""
        return self.filter(
            state=ListingState.APPROVED, shop__state=ShopState.OPEN, shop__merchant__state=MerchantState.APPROVED
        )

    def matching(self, words: str) -> "ListingQuerySet":
        """Listings whose titles or descriptions, in any language as written (full-text, `simple`), match the
        words; text without spaces between words (Chinese) also matches inside titles (trigram-indexed). Text and
        words are folded alike ("мед" finds "мёд", "кант" finds "қант"). One or two Chinese characters, too short
        for trigrams, are looked up among the titles' CJK grams instead: the same rows, through an index."""
        words = words.strip()
        if not words:
            return self
        folded_words = Fold(Value(words))
        by_words = Q(search_vector=SearchQuery(folded_words, config="simple", search_type="websearch"))
        if is_short_cjk_query(words):  # folding and capitals leave CJK characters as they are
            return self.filter(by_words | Q(title_cjk_grams__contains=[words]))
        if TEXT_JOINER in words:  # a control character, never typed into a title: matched by the words alone
            return self.filter(by_words)
        return self.filter(by_words | Q(folded_titles__contains=Upper(folded_words)))

    def sorted_by(self, sort: str) -> "ListingQuerySet":
        """In a `CatalogueSort` order; the name is the title a visitor reads (`Listing.title`: their language's,
        else the first one written)."""
        if sort == CatalogueSort.PRICE_ASCENDING:
            return self.order_by("price", "-id")
        if sort == CatalogueSort.PRICE_DESCENDING:
            return self.order_by("-price", "-id")
        if sort == CatalogueSort.NAME:
            language = (translation.get_language() or "en").replace("-", "_").lower()
            preferred = [f"title_{language}"] if f"title_{language}" in TITLE_FIELDS else []
            titles = [NullIf(field, Value("")) for field in (*preferred, *TITLE_FIELDS)]
            return self.annotate(shown_title=Coalesce(*titles)).order_by(Lower("shown_title"), "id")
        return self.order_by("-updated_at", "-id")


class Listing(models.Model):
    """A product a shop sells: titled in at least one language, classified, priced in CNY, moderated.

    draft → submitted → approved | rejected; an approved listing that is edited goes back to submitted.
    """

    shop = models.ForeignKey(Shop, verbose_name=_("shop"), on_delete=models.CASCADE, related_name="listings")
    title_en = models.CharField(_("title in English"), max_length=200, blank=True)
    title_zh_hans = models.CharField(_("title in Chinese"), max_length=200, blank=True)
    title_kk = models.CharField(_("title in Kazakh"), max_length=200, blank=True)
    title_ru = models.CharField(_("title in Russian"), max_length=200, blank=True)
    description_en = models.TextField(_("description in English"), blank=True)
    description_zh_hans = models.TextField(_("description in Chinese"), blank=True)
    description_kk = models.TextField(_("description in Kazakh"), blank=True)
    description_ru = models.TextField(_("description in Russian"), blank=True)
    hs_code = models.CharField(
        _("HS code"), max_length=6, validators=[RegexValidator(r"^[0-9]{6}$", _("An HS code has six digits."))]
    )
    hs_heading = models.ForeignKey(HsHeading, verbose_name=_("HS heading"), on_delete=models.PROTECT, related_name="+")
    origin_country = CountryField(_("country of origin"))
    price = models.DecimalField(_("price (CNY)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(0)])
    unit_weight_kg = models.DecimalField(
        _("unit weight (kg)"), max_digits=10, decimal_places=3, validators=[MinValueValidator(0)]
    )
    # Units on hand: a sale takes its quantity off in the sale's transaction (never below zero: the CHECK
    # constraint is the last word), a voided sale puts it back, the merchant sets it after counting.
    stock_quantity = models.IntegerField(_("quantity in stock"), default=0, validators=[MinValueValidator(0)])
    photo = models.ImageField(_("photo"), upload_to="listings/%Y/%m/", blank=True)
    thumbnail = models.ImageField(_("thumbnail"), upload_to="listings/thumbnails/%Y/%m/", blank=True)
    state = models.CharField(_("state"), max_length=10, choices=ListingState.choices, default=ListingState.DRAFT)
    # The bulk import that created the listing (as a draft), if one did: its drafts can be submitted together.
    listing_import = models.ForeignKey(
        "merchants.ListingImport",
        verbose_name=_("imported from"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listings",
    )
    # What word queries match (`catalogue_search_vector`), kept by PostgreSQL on every write: a row the indexes
    # found is checked against the stored vector, never by folding and splitting eight texts again.
    search_vector = models.GeneratedField(
        expression=catalogue_search_vector(),
        output_field=SearchVectorField(),
        db_persist=True,
        verbose_name=_("search words"),
    )
    # Every title folded, in capitals, joined (`folded_titles`), kept by PostgreSQL on every write: one trigram
    # index over it answers substring search, and a row the planner checks compares one stored text.
    folded_titles = models.GeneratedField(
        expression=joined_folded_titles(),
        output_field=models.TextField(),
        db_persist=True,
        verbose_name=_("titles, folded"),
    )
    # The CJK characters and pairs of characters of every title (`horgos.search.CjkGrams`), kept by PostgreSQL
    # itself on every write: GIN-indexed, it answers one- and two-character Chinese queries (`matching`).
    title_cjk_grams = models.GeneratedField(
        expression=CjkGrams(*TITLE_FIELDS),
        output_field=ArrayField(models.TextField()),
        db_persist=True,
        verbose_name=_("CJK characters of the titles"),
    )
    rejection_reason = models.CharField(_("rejection reason"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    objects = ListingQuerySet.as_manager()

    class Meta:
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        ordering = ["-updated_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(title_en="", title_zh_hans="", title_kk="", title_ru=""),
                name="listing_has_a_title",
                violation_error_message=_("Give the listing a title in at least one language."),
            ),
            models.CheckConstraint(condition=models.Q(price__gte=0), name="listing_price_not_negative"),
            models.CheckConstraint(condition=models.Q(unit_weight_kg__gte=0), name="listing_weight_not_negative"),
            models.CheckConstraint(condition=models.Q(state__in=ListingState.values), name="listing_state_valid"),
            models.CheckConstraint(
                condition=models.Q(stock_quantity__gte=0),
                name="listing_stock_not_negative",
                violation_error_message=_("The quantity in stock cannot be below zero."),
            ),
            models.CheckConstraint(
                condition=~models.Q(state=ListingState.REJECTED) | ~models.Q(rejection_reason=""),
                name="listing_rejection_has_reason",
            ),
        ]
        indexes = [
            # The catalogue's default order (`catalogue_listings`, `sorted_by`), approved listings only: a page of
            # 24 reads 24 index entries (and the rows a search filters out on the way) instead of sorting every
            # match; the catalogue's filters keep their own indexes for the searches with few matches.
            models.Index(
                F("updated_at").desc(),
                F("id").desc(),
                condition=Q(state=ListingState.APPROVED),
                name="listing_catalogue_newest_idx",
            ),
            models.Index(fields=["state", "shop"], name="listing_state_shop_idx"),
            models.Index(fields=["origin_country", "state"], name="listing_origin_idx"),
            models.Index(fields=["hs_code"], name="listing_hs_code_idx"),
            models.Index(fields=["price"], name="listing_price_idx"),
            GinIndex(fields=["search_vector"], name="listing_search_idx"),
            # Substring search on titles runs on trigrams: Chinese has no spaces between words, and a
            # partial word ("сапог") should find its longer forms. One index over every title, stored folded.
            GinIndex(OpClass("folded_titles", name="gin_trgm_ops"), name="listing_folded_titles_trgm_idx"),
            # One and two Chinese characters: trigrams cannot index them (horgos.search.CjkGrams).
            GinIndex(fields=["title_cjk_grams"], name="listing_title_cjk_grams_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def title(self) -> str:
        """The title in the active language, else the first one the merchant wrote."""
        language = (translation.get_language() or "en").replace("-", "_").lower()
        preferred = getattr(self, f"title_{language}", "")
        return preferred or next((getattr(self, field) for field in TITLE_FIELDS if getattr(self, field)), "")

    @property
    def in_stock(self) -> bool:
        return self.stock_quantity > 0

    @property
    def stock_level(self) -> "StockLevel":
        """What the public is told of the stock: in stock, few left (at most FEW_LEFT), or out of stock."""
        if self.stock_quantity <= 0:
            return StockLevel.OUT
        return StockLevel.FEW if self.stock_quantity <= FEW_LEFT else StockLevel.IN

    @property
    def description(self) -> str:
        language = (translation.get_language() or "en").replace("-", "_").lower()
        preferred = getattr(self, f"description_{language}", "")
        return preferred or next((getattr(self, field) for field in DESCRIPTION_FIELDS if getattr(self, field)), "")
