"""One FilterSet per model, shared by the API and the pages."""

import django_filters
from django.utils.translation import gettext_lazy as _

from crossings.choices import CheckpointCode, CrossingKind, Direction, LaneGroup, Outcome, RefusalReason, VisitState
from crossings.models import Alert, Crossing, Lane, Visit, WatchlistEntry


class LaneFilterSet(django_filters.FilterSet):
    checkpoint = django_filters.ChoiceFilter(field_name="checkpoint__code", choices=CheckpointCode.choices)
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    group = django_filters.ChoiceFilter(choices=LaneGroup.choices)

    class Meta:
        model = Lane
        fields = ["checkpoint", "direction", "group", "is_open"]


class CrossingFilterSet(django_filters.FilterSet):
    checkpoint = django_filters.ChoiceFilter(
        field_name="lane__checkpoint__code", choices=CheckpointCode.choices, label=_("checkpoint")
    )
    direction = django_filters.ChoiceFilter(choices=Direction.choices)
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices)
    refusal_reason = django_filters.ChoiceFilter(choices=RefusalReason.choices)
    kind = django_filters.ChoiceFilter(choices=CrossingKind.choices)
    local_date_from = django_filters.DateFilter(field_name="local_date", lookup_expr="gte", label=_("local day from"))
    local_date_to = django_filters.DateFilter(field_name="local_date", lookup_expr="lte", label=_("local day to"))
    occurred_after = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="gte")
    occurred_before = django_filters.IsoDateTimeFilter(field_name="occurred_at", lookup_expr="lt")

    class Meta:
        model = Crossing
        fields = ["checkpoint", "lane", "direction", "outcome", "refusal_reason", "kind", "traveller"]


class VisitFilterSet(django_filters.FilterSet):
    checkpoint = django_filters.ChoiceFilter(field_name="checkpoint__code", choices=CheckpointCode.choices)
    state = django_filters.ChoiceFilter(choices=VisitState.choices)
    nationality = django_filters.CharFilter(field_name="traveller__nationality", method="filter_nationality")

    class Meta:
        model = Visit
        fields = ["checkpoint", "state", "nationality", "traveller"]

    def filter_nationality(self, queryset, name, value):
        return queryset.filter(**{name: value.upper()})


class AlertFilterSet(django_filters.FilterSet):
    checkpoint = django_filters.ChoiceFilter(
        field_name="crossing__lane__checkpoint__code", choices=CheckpointCode.choices
    )
    acknowledged = django_filters.BooleanFilter(field_name="acknowledged_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Alert
        fields = ["checkpoint", "acknowledged"]


class WatchlistFilterSet(django_filters.FilterSet):
    class Meta:
        model = WatchlistEntry
        fields = ["match", "document_type"]
