"""One FilterSet per list of the trade, shared by the pages and the API, with the caps that keep every value valid."""

from datetime import date

import django_filters
from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from crossings.choices import CheckpointCode
from horgos.choices import Role
from merchants.models import Merchant
from trade.choices import Corridor, SaleState
from trade.models import FORWARD_STEPS, Sale, Shipment

YES, NO = "true", "false"
EARLIEST_DAY, LATEST_DAY = date(2000, 1, 1), date(2999, 12, 31)
SEARCH_MAX_LENGTH = 100


class CappedDateField(forms.DateField):
    widget = forms.DateInput(attrs={"type": "date"})
    default_validators = [MinValueValidator(EARLIEST_DAY), MaxValueValidator(LATEST_DAY)]


class CappedDateFilter(django_filters.DateFilter):
    field_class = CappedDateField


class SaleFilterSet(django_filters.FilterSet):
    """Sales: a merchant's own (the view scopes them) or all of them for administrators."""

    state = django_filters.ChoiceFilter(choices=SaleState.choices, label=_("State"), empty_label=_("Any"))
    side = django_filters.ChoiceFilter(choices=CheckpointCode.choices, label=_("Counts against"), empty_label=_("Any"))
    shop = django_filters.CharFilter(
        field_name="shop__unit_code", lookup_expr="iexact", label=_("Shop unit"), max_length=20
    )
    receipt_number = django_filters.CharFilter(lookup_expr="icontains", label=_("Receipt number"), max_length=40)
    sold_from = CappedDateFilter(field_name="sold_at", lookup_expr="date__gte", label=_("Sold from"))
    sold_to = CappedDateFilter(field_name="sold_at", lookup_expr="date__lte", label=_("Sold until"))

    class Meta:
        model = Sale
        fields = ["state", "side", "shop", "receipt_number", "sold_from", "sold_to"]


class ShipmentFilterSet(django_filters.FilterSet):
    """Shipments: the merchant's list, the administrators' list (who may also choose the merchant) and the API."""

    q = django_filters.CharFilter(
        label=_("Reference or consignee"), max_length=SEARCH_MAX_LENGTH, method="filter_words"
    )
    merchant = django_filters.ModelChoiceFilter(
        queryset=Merchant.objects.order_by("trade_name", "id"), label=_("Merchant"), empty_label=_("Any")
    )
    corridor = django_filters.ChoiceFilter(choices=Corridor.choices, label=_("Corridor"), empty_label=_("Any"))
    step = django_filters.ChoiceFilter(
        choices=[(step.value, step.label) for step in FORWARD_STEPS], label=_("Step"), empty_label=_("Any")
    )
    held = django_filters.ChoiceFilter(
        choices=[(YES, _("Yes")), (NO, _("No"))], label=_("Held"), empty_label=_("Any"), method="filter_held"
    )
    registered_from = CappedDateFilter(field_name="registered_at", lookup_expr="date__gte", label=_("Registered from"))
    registered_until = CappedDateFilter(
        field_name="registered_at", lookup_expr="date__lte", label=_("Registered until")
    )

    class Meta:
        model = Shipment
        fields = ["q", "merchant", "corridor", "step", "held", "registered_from", "registered_until"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self.request, "user", None)
        if user is not None and getattr(user, "role", None) != Role.ADMINISTRATOR:
            # A merchant's staff see only their own merchant's shipments: there is nothing to choose.
            del self.filters["merchant"]

    def filter_words(self, queryset, name, value):
        words = value.strip()
        if not words:
            return queryset
        return queryset.filter(Q(reference__icontains=words) | Q(consignee_name__icontains=words))

    def filter_held(self, queryset, name, value):
        return queryset.filter(held=value == YES)
