"""One FilterSet per list, shared by the pages and the API, with the caps that keep every value valid."""

import django_filters
from django.utils.translation import gettext_lazy as _

from crossings.choices import CheckpointCode
from trade.choices import SaleState
from trade.models import Sale


class SaleFilterSet(django_filters.FilterSet):
    """Sales: a merchant's own (the view scopes them) or all of them for administrators."""

    state = django_filters.ChoiceFilter(choices=SaleState.choices, label=_("State"), empty_label=_("Any"))
    side = django_filters.ChoiceFilter(choices=CheckpointCode.choices, label=_("Counts against"), empty_label=_("Any"))
    shop = django_filters.CharFilter(field_name="shop__unit_code", lookup_expr="iexact", label=_("Shop unit"))
    receipt_number = django_filters.CharFilter(lookup_expr="icontains", label=_("Receipt number"), max_length=40)
    sold_from = django_filters.DateFilter(field_name="sold_at", lookup_expr="date__gte", label=_("Sold from"))
    sold_to = django_filters.DateFilter(field_name="sold_at", lookup_expr="date__lte", label=_("Sold until"))

    class Meta:
        model = Sale
        fields = ["state", "side", "shop", "receipt_number", "sold_from", "sold_to"]
