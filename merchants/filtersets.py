"""One FilterSet per list, shared by the page and the API, with the caps that keep every value valid.

| list | page | API |
|---|---|---|
| merchants | /registry/merchants/ | /api/v1/merchants/ |
| shops | /registry/shops/ (side, building, floor, unit state, merchant: `ShopMapFilterSet`) | /api/v1/shops/ |
| a merchant's listings | /portal/listings/ | /api/v1/listings/ |
| the public catalogue | /catalogue/ | /api/v1/catalogue/ |
| listings waiting for review | /registry/moderation/ | |

A page shows a value that cannot be used as an error beside its field and filters by the others; the API
answers it with 400. Choices that depend on the caller (a merchant's own shops) come from `visible_to`, so
another merchant's shop is not a valid choice, never a hint that it exists.
"""

from datetime import timedelta

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from horgos.forms import ManyOptionsSelect
from merchants.choices import CatalogueSort, ListingState, MerchantState, ShopState, UnitState, YesNo, ZoneSide
from merchants.forms import ShopChoiceField
from merchants.models import Listing, Merchant, Shop
from merchants.models.catalogue import DESCRIPTION_FIELDS, TITLE_FIELDS
from merchants.selectors.catalogue import hs_chapters
from merchants.selectors.registry import shop_buildings, shop_floors

ALL = _("All")
ANY = _("Any")
PRICE_RANGE_REVERSED = _("The highest price is below the lowest price.")
# The API's spelling of a boolean, read as the page's yes and no.
YES_NO_ALIASES = {"true": YesNo.YES, "1": YesNo.YES, "false": YesNo.NO, "0": YesNo.NO}


class CountryCodeField(django_filters.fields.ChoiceField):
    """A country as its two-letter code, in either case, or its three-letter one ("kz", "KAZ": KZ)."""

    widget = ManyOptionsSelect  # some 250 countries

    def to_python(self, value):
        value = super().to_python(value)
        return countries.alpha2(value) or value


class CountryCodeFilter(django_filters.ChoiceFilter):
    field_class = CountryCodeField


class YesNoField(django_filters.fields.ChoiceField):
    """yes or no, as the pages write it; true/false and 1/0 too, as API clients write a boolean."""

    def to_python(self, value):
        value = super().to_python(value)
        return YES_NO_ALIASES.get(value.lower(), value)


class YesNoFilter(django_filters.ChoiceFilter):
    field_class = YesNoField

    def filter(self, queryset, value):
        if value in (None, ""):
            return queryset
        return queryset.filter(**{self.field_name: value == YesNo.YES})


class ShopFilter(django_filters.ModelChoiceFilter):
    field_class = ShopChoiceField


def search_input() -> forms.TextInput:
    return forms.TextInput(attrs={"type": "search"})


def visible_shops(request):
    return Shop.objects.visible_to(request.user).order_by("unit_code") if request else Shop.objects.none()


def visible_merchants(request):
    return Merchant.objects.visible_to(request.user) if request else Merchant.objects.none()


def merchants_by_name(request):
    """The options of a merchant filter: the merchants the user may see, by trade name, only that read."""
    return visible_merchants(request).order_by("trade_name").only("trade_name")


class MerchantChoiceField(django_filters.fields.ModelChoiceField):
    """A merchant among all the zone's (some 1,200 on an administrator's page), named by its trade name."""

    widget = ManyOptionsSelect

    def label_from_instance(self, merchant: Merchant) -> str:
        return merchant.trade_name


class MerchantFilter(django_filters.ModelChoiceFilter):
    field_class = MerchantChoiceField


class MerchantFilterSet(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(label=_("State"), choices=MerchantState.choices, empty_label=ALL)
    country = CountryCodeFilter(label=_("Country"), choices=countries, empty_label=ALL)
    q = django_filters.CharFilter(
        label=_("Name or registration number"), max_length=100, method="filter_words", widget=search_input()
    )

    class Meta:
        model = Merchant
        fields = ["state", "country", "q"]

    def filter_words(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(
            Q(trade_name__icontains=words) | Q(legal_name__icontains=words) | Q(registration_number__icontains=words)
        )


class ShopFilterSet(django_filters.FilterSet):
    side = django_filters.ChoiceFilter(label=_("Side of the zone"), choices=ZoneSide.choices, empty_label=ALL)
    building = django_filters.ChoiceFilter(label=_("Building"), empty_label=ALL, method="filter_building")
    state = django_filters.ChoiceFilter(label=_("State"), choices=ShopState.choices)
    merchant = django_filters.ModelChoiceFilter(label=_("Merchant"), queryset=visible_merchants)

    class Meta:
        model = Shop
        fields = ["side", "building", "state", "merchant"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once per list: the buildings that have a shop (B2 before B10).
        self.form.fields["building"].choices = [(building, building) for building in shop_buildings()]

    def filter_building(self, queryset, name, value: str):
        return queryset.in_building(value)


class ShopMapFilterSet(ShopFilterSet):
    """The administrators' shop map: by side of the zone, building, floor, the unit's state on the map (UnitState,
    annotated by `ShopQuerySet.with_unit_state`) and merchant."""

    floor = django_filters.ChoiceFilter(label=_("Floor"), empty_label=ALL, method="filter_floor")
    state = django_filters.ChoiceFilter(
        label=_("State"), field_name="unit_state", choices=UnitState.choices, empty_label=ALL
    )
    merchant = MerchantFilter(label=_("Merchant"), queryset=merchants_by_name, empty_label=ALL)

    class Meta(ShopFilterSet.Meta):
        fields = ["side", "building", "floor", "state", "merchant"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["floor"].choices = [(str(floor), floor) for floor in shop_floors()]

    def filter_floor(self, queryset, name, value: str):
        return queryset.filter(unit_floor=int(value))


class ListingFilterSet(django_filters.FilterSet):
    """A merchant's own listings (portal and API): words of the titles and descriptions in any language, or the
    start of the HS code; state, shop and stock."""

    q = django_filters.CharFilter(
        label=_("Words or HS code"), max_length=100, method="filter_words", widget=search_input()
    )
    state = django_filters.ChoiceFilter(label=_("State"), choices=ListingState.choices, empty_label=ALL)
    shop = ShopFilter(label=_("Shop"), queryset=visible_shops, empty_label=ALL)
    in_stock = YesNoFilter(
        label=_("In stock"),
        choices=[(YesNo.YES, _("In stock")), (YesNo.NO, _("Out of stock"))],
        empty_label=ALL,
        method="filter_in_stock",
    )

    class Meta:
        model = Listing
        fields = ["q", "state", "shop", "in_stock"]

    def filter_in_stock(self, queryset, name, value: str):
        """yes: at least one unit on hand; no: none."""
        return queryset.filter(stock_quantity__gt=0) if value == YesNo.YES else queryset.filter(stock_quantity=0)

    def filter_words(self, queryset, name, value: str):
        """Every word must appear (in any case) in a title or description of any language, or begin the HS code
        (digits, dots and spaces as in "0902.10"). A merchant's range is small: plain substring matches suffice."""
        for word in value.split():
            in_texts = Q()
            for field in (*TITLE_FIELDS, *DESCRIPTION_FIELDS):
                in_texts |= Q(**{f"{field}__icontains": word})
            code = word.replace(".", "")
            if code.isdigit():
                in_texts |= Q(hs_code__startswith=code)
            queryset = queryset.filter(in_texts)
        return queryset


class CatalogueFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("price_min"), cleaned.get("price_max")
        if low is not None and high is not None and high < low:
            self.add_error("price_max", PRICE_RANGE_REVERSED)
        return cleaned


def price_filter(label, lookup_expr: str) -> django_filters.NumberFilter:
    return django_filters.NumberFilter(
        label=label,
        field_name="price",
        lookup_expr=lookup_expr,
        min_value=0,
        max_digits=12,
        decimal_places=2,
        widget=forms.NumberInput(attrs={"inputmode": "decimal", "step": "0.01"}),
    )


class CatalogueFilterSet(django_filters.FilterSet):
    """The public catalogue's filters, each optional: words in any of the four languages, product group, origin,
    price range and side of the zone."""

    q = django_filters.CharFilter(
        label=_("Words"),
        max_length=200,
        method="filter_words",
        help_text=_("In any language: English, Chinese, Kazakh or Russian."),
        widget=search_input(),
    )
    hs_chapter = django_filters.ChoiceFilter(
        label=_("Product group (HS chapter)"),
        field_name="hs_code",
        lookup_expr="startswith",
        empty_label=ANY,
        widget=ManyOptionsSelect,  # 97 chapters
    )
    origin_country = CountryCodeFilter(label=_("Country of origin"), choices=countries, empty_label=ANY)
    price_min = price_filter(_("Lowest price (CNY)"), "gte")
    price_max = price_filter(_("Highest price (CNY)"), "lte")
    side = django_filters.ChoiceFilter(
        label=_("Side of the zone"), field_name="shop__side", choices=ZoneSide.choices, empty_label=ANY
    )
    sort = django_filters.ChoiceFilter(
        label=_("Sort by"), choices=CatalogueSort.choices, empty_label=None, method="filter_sort"
    )

    class Meta:
        model = Listing
        fields = ["q", "hs_chapter", "origin_country", "price_min", "price_max", "side", "sort"]
        form = CatalogueFilterForm

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Read once per request, so the chapters are named in the visitor's language.
        self.form.fields["hs_chapter"].choices = [
            (chapter.code, f"{chapter.code} · {chapter.name}") for chapter in hs_chapters()
        ]

    def filter_words(self, queryset, name, value):
        return queryset.matching(value)

    def filter_sort(self, queryset, name, value):
        return queryset.sorted_by(value)


# How long a listing has waited for review: the value is the least number of days.
SUBMISSION_AGES = [
    ("1", _("Waiting 1 day or more")),
    ("3", _("Waiting 3 days or more")),
    ("7", _("Waiting a week or more")),
    ("14", _("Waiting two weeks or more")),
]


class ModerationFilterSet(django_filters.FilterSet):
    """The administrators' moderation queue: words of the titles or descriptions, merchant, product group, origin
    and how long the listing has waited."""

    q = django_filters.CharFilter(label=_("Words"), max_length=200, method="filter_words", widget=search_input())
    merchant = MerchantFilter(
        label=_("Merchant"), field_name="shop__merchant", queryset=merchants_by_name, empty_label=ALL
    )
    hs_chapter = django_filters.ChoiceFilter(
        label=_("Product group (HS chapter)"),
        field_name="hs_code",
        lookup_expr="startswith",
        empty_label=ANY,
        widget=ManyOptionsSelect,  # 97 chapters
    )
    origin_country = CountryCodeFilter(label=_("Country of origin"), choices=countries, empty_label=ANY)
    waiting = django_filters.ChoiceFilter(
        label=_("Submitted"), choices=SUBMISSION_AGES, empty_label=ANY, method="filter_waiting"
    )

    class Meta:
        model = Listing
        fields = ["q", "merchant", "hs_chapter", "origin_country", "waiting"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.form.fields["hs_chapter"].choices = [
            (chapter.code, f"{chapter.code} · {chapter.name}") for chapter in hs_chapters()
        ]

    def filter_words(self, queryset, name, value):
        return queryset.matching(value)

    def filter_waiting(self, queryset, name, value: str):
        return queryset.filter(submitted_at__lte=timezone.now() - timedelta(days=int(value)))
