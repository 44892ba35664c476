"""One FilterSet per list, shared by the API and the pages, with the caps that keep every value valid."""

from datetime import datetime

import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crossings.choices import CheckpointCode, CrossingKind, Direction, LaneGroup, Outcome, RefusalReason, VisitState
from crossings.models import Alert, Crossing, Lane, Visit, WatchlistEntry
from crossings.nationalities import nationalities
from horgos.forms import ManyOptionsSelect

# Far beyond any stay limit, and small enough that "today + N days" stays a valid date.
DAYS_LEFT_MAX = 3660
YES, NO = "true", "false"


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


class TodayFilterSet(CrossingFilterSet):
    """Today's crossings at one checkpoint. The view scopes the rows to the checkpoint (an officer's own, or an
    administrator's choice); the lanes offered are that checkpoint's."""

    checkpoint = django_filters.ChoiceFilter(
        choices=CheckpointCode.choices, label=_("Checkpoint"), empty_label=None, method="filter_checkpoint"
    )
    # Declared here, not inherited: an inherited filter is the parent's object, whose form field, once built (the
    # API schema builds it), keeps the label of the language it was built in; these build their own, translated.
    direction = django_filters.ChoiceFilter(choices=Direction.choices, label=_("Direction"), empty_label=_("Any"))
    outcome = django_filters.ChoiceFilter(choices=Outcome.choices, label=_("Outcome"), empty_label=_("Any"))
    lane = django_filters.ModelChoiceFilter(queryset=Lane.objects.none(), label=_("Lane"), empty_label=_("Any"))
    refusal_reason = django_filters.ChoiceFilter(
        choices=RefusalReason.choices, label=_("Refusal reason"), empty_label=_("Any")
    )
    kind = None
    local_date_from = None
    local_date_to = None
    occurred_after = None
    occurred_before = None

    class Meta(CrossingFilterSet.Meta):
        fields = ["checkpoint", "direction", "outcome", "lane", "refusal_reason"]

    def __init__(self, *args, checkpoint, choose_checkpoint: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not choose_checkpoint:
            del self.filters["checkpoint"]
        self.filters["lane"].queryset = checkpoint.lanes.order_by("direction", "code")

    def filter_checkpoint(self, queryset, name, value):
        return queryset  # the rows are already the chosen checkpoint's


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


class IntegerFilter(django_filters.NumberFilter):
    field_class = forms.IntegerField


class CountryCodeField(django_filters.fields.ChoiceField):
    """A country code in either case, as API clients send it ("kz" is KZ)."""

    widget = ManyOptionsSelect  # some 250 nationalities: Django's Select renders two templates per option

    def to_python(self, value):
        return super().to_python(value).upper()


class CountryCodeFilter(django_filters.ChoiceFilter):
    field_class = CountryCodeField


class InsideFilterSet(django_filters.FilterSet):
    """Who is inside the zone now: the page `/crossings/inside/` and the API `visits/inside/` alike. Days left and
    overstay narrow through the visits' queryset methods, the one place that counts them (local days of the entry
    checkpoint)."""

    nationality = CountryCodeFilter(
        field_name="traveller__nationality", choices=nationalities, label=_("Nationality"), empty_label=_("Any")
    )
    checkpoint = django_filters.ChoiceFilter(
        field_name="checkpoint__code", choices=CheckpointCode.choices, label=_("Checkpoint"), empty_label=_("Any")
    )
    days_left_at_most = IntegerFilter(
        label=_("Days left, at most"), min_value=0, max_value=DAYS_LEFT_MAX, method="filter_days_left"
    )
    overstay = django_filters.ChoiceFilter(
        choices=[(YES, _("Yes")), (NO, _("No"))], label=_("Overstay"), empty_label=_("Any"), method="filter_overstay"
    )

    class Meta:
        model = Visit
        fields = ["nationality", "checkpoint", "days_left_at_most", "overstay"]

    def __init__(self, *args, now: datetime | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.now = now or timezone.now()

    def filter_days_left(self, queryset, name, value):
        return queryset.days_left_at_most(value, self.now)

    def filter_overstay(self, queryset, name, value):
        return queryset.overstaying_at(self.now) if value == YES else queryset.within_stay_at(self.now)


class OverstayFilterSet(InsideFilterSet):
    """Overstays: the page `/crossings/overstays/` and the API `visits/overstays/`."""

    days_left_at_most = None
    overstay = None

    class Meta(InsideFilterSet.Meta):
        fields = ["nationality", "checkpoint"]
