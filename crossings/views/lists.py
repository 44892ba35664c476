"""Officers' and administrators' lists: who is inside the zone, overstays, a traveller's page (document numbers
masked, revealed one at a time and audited), today's crossings at a checkpoint, and hourly charts.

Views parse the query string, check the role and hand over to crossings.selectors.lists (reads), the
document service (the audited reveal) and crossings.tables (how rows render and export).
"""

import django_filters
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import path
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin

from crossings import tables
from crossings.choices import CheckpointCode
from crossings.filtersets import CrossingFilterSet, InsideFilterSet, OverstayFilterSet
from crossings.models import Traveller
from crossings.selectors import lists as list_selectors
from crossings.services.documents import document_reveal
from horgos.choices import Role
from horgos.exports import csv_response
from horgos.pages import is_htmx
from horgos.roles import RoleRequiredMixin, role_required
from horgos.tables import table_csv_rows

STAFF = (Role.OFFICER, Role.ADMINISTRATOR)
PAGE_SIZE = 50
HISTORY_PAGE_SIZE = 20


# --- filters ---------------------------------------------------------------------------------------


class TodayFilterSet(CrossingFilterSet):
    """Today's crossings at one checkpoint. The view scopes the rows to the checkpoint (an officer's own, or an
    administrator's choice); the lanes offered are that checkpoint's."""

    checkpoint = django_filters.ChoiceFilter(
        choices=CheckpointCode.choices, label=_("Checkpoint"), empty_label=None, method="filter_checkpoint"
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
        labels = {
            "direction": _("Direction"),
            "outcome": _("Outcome"),
            "lane": _("Lane"),
            "refusal_reason": _("Refusal reason"),
        }
        for name, label in labels.items():
            self.filters[name].label = label
            self.filters[name].extra["empty_label"] = _("Any")

    def filter_checkpoint(self, queryset, name, value):
        return queryset  # the rows are already the chosen checkpoint's


# --- list pages -------------------------------------------------------------------------------------


class StaffListView(RoleRequiredMixin, SingleTableMixin, FilterView):
    """A filtered, sortable, paged table for officers and administrators; `?export=csv` downloads every
    filtered row instead (in the same order)."""

    allowed_roles = STAFF
    table_pagination = {"per_page": PAGE_SIZE}
    table_caption = ""
    export_name = ""

    def setup(self, request, *args, **kwargs):
        super().setup(request, *args, **kwargs)
        self.now = timezone.now()
        self.exporting = bool(self.export_name) and request.GET.get("export") == "csv"

    def get_table_kwargs(self):
        return {"caption": self.table_caption}

    def get_table_pagination(self, table):
        return False if self.exporting else super().get_table_pagination(table)

    def render_to_response(self, context, **response_kwargs):
        if self.exporting:
            filename = f"{self.export_name}-{timezone.localdate(self.now):%Y-%m-%d}.csv"
            return csv_response(table_csv_rows(context["table"]), filename)
        return super().render_to_response(context, **response_kwargs)


class VisitListView(StaffListView):
    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "now": self.now}


class InsideView(VisitListView):
    """Everyone inside the zone now, with the days they have left."""

    template_name = "crossings/lists/inside.html"
    table_class = tables.InsideTable
    table_caption = _("People inside the zone")
    filterset_class = InsideFilterSet
    export_name = "inside"

    def get_queryset(self):
        return list_selectors.inside_visits(now=self.now)


class OverstaysView(VisitListView):
    """Open visits past their deadline, longest overstay first."""

    template_name = "crossings/lists/overstays.html"
    table_class = tables.OverstayTable
    table_caption = _("Overstays")
    filterset_class = OverstayFilterSet

    def get_queryset(self):
        return list_selectors.overstay_visits(now=self.now)


class TodayView(StaffListView):
    """The crossings of the current local day at the officer's own checkpoint (administrators choose one)."""

    template_name = "crossings/lists/today.html"
    table_class = tables.TodayCrossingTable
    table_caption = _("Today's crossings")
    filterset_class = TodayFilterSet

    def get(self, request, *args, **kwargs):
        self.checkpoint = list_selectors.checkpoint_for_today(
            request.user, requested_code=request.GET.get("checkpoint", "")
        )
        if self.checkpoint is None:
            return render(request, self.template_name, {"checkpoint": None})
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return list_selectors.crossings_of_today(checkpoint=self.checkpoint, now=self.now)

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        choose_checkpoint = self.request.user.role == Role.ADMINISTRATOR
        if choose_checkpoint:
            # Show the checkpoint actually displayed (CN unless another was chosen) as the selected one.
            kwargs["data"] = self.request.GET.copy()
            kwargs["data"]["checkpoint"] = self.checkpoint.code
        return {**kwargs, "checkpoint": self.checkpoint, "choose_checkpoint": choose_checkpoint}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["checkpoint"] = self.checkpoint
        context["local_today"] = self.checkpoint.local_date(self.now)
        context["summary"] = tables.DirectionSummaryTable(
            list_selectors.crossing_summary_today(checkpoint=self.checkpoint, now=self.now),
            caption=_("Today's crossings by direction"),
        )
        return context


# --- the traveller page and the audited reveal --------------------------------------------------------


@role_required(*STAFF)
@never_cache
@require_GET
def traveller_detail(request: HttpRequest, pk: int) -> HttpResponse:
    traveller = get_object_or_404(Traveller, pk=pk)
    page = list_selectors.traveller_page(traveller)
    visits = tables.TravellerVisitTable(
        page["visits"], now=timezone.now(), prefix="visits-", caption=_("Visits to the zone")
    )
    crossings = tables.TravellerCrossingTable(page["crossings"], prefix="crossings-", caption=_("Crossings"))
    for table in (visits, crossings):
        RequestConfig(request, paginate={"per_page": HISTORY_PAGE_SIZE}).configure(table)
    context = {**page, "traveller": traveller, "visits_table": visits, "crossings_table": crossings}
    return render(request, "crossings/lists/traveller.html", context)


@role_required(*STAFF)
@never_cache
@require_POST
def document_number(request: HttpRequest, pk: int, document_pk: int) -> HttpResponse:
    """The full number of one document (audited); a fragment for htmx, a small page without JavaScript."""
    document = list_selectors.traveller_document(traveller_id=pk, document_id=document_pk)
    if document is None:
        raise Http404
    number = document_reveal(document=document, officer=request.user)
    template = "_document_number.html" if is_htmx(request) else "document_reveal.html"
    context = {"document": document, "traveller": document.traveller, "number": number}
    return render(request, f"crossings/lists/{template}", context)


# --- charts -----------------------------------------------------------------------------------------


def _series_labels(item: dict) -> tuple[str, str]:
    return (
        _gettext("Today (%(day)s)") % {"day": date_format(item["today"], "SHORT_DATE_FORMAT")},
        _gettext("Same weekday last week (%(day)s)") % {"day": date_format(item["last_week"], "SHORT_DATE_FORMAT")},
    )


@role_required(*STAFF)
@require_GET
def charts(request: HttpRequest) -> HttpResponse:
    """Admitted crossings per local hour at each checkpoint, today against the same weekday a week earlier."""
    panels = []
    for item in list_selectors.hourly_traffic():
        today_label, last_week_label = _series_labels(item)
        rows = [
            {"hour": hour, "today": today, "last_week": last_week}
            for hour, today, last_week in zip(
                list_selectors.HOURS_OF_DAY, item["today_counts"], item["last_week_counts"], strict=True
            )
        ]
        table = tables.HourlyCountTable(
            rows,
            today_header=today_label,
            last_week_header=last_week_label,
            caption=_gettext("Admitted crossings per hour at %(checkpoint)s") % {"checkpoint": item["checkpoint"]},
        )
        panels.append({**item, "table": table, "today_total": sum(item["today_counts"])})
    return render(request, "crossings/lists/charts.html", {"panels": panels})


@role_required(*STAFF)
@never_cache
@require_GET
def charts_data(request: HttpRequest) -> JsonResponse:
    """The numbers of the charts page, for Chart.js: per checkpoint, two series of 24 local hours."""
    checkpoints = []
    for item in list_selectors.hourly_traffic():
        today_label, last_week_label = _series_labels(item)
        checkpoints.append(
            {
                "code": item["checkpoint"].code,
                "name": item["checkpoint"].name,
                "time_zone": item["checkpoint"].time_zone,
                "labels": list_selectors.HOURS_OF_DAY,
                "datasets": [
                    {"key": "today", "day": item["today"], "label": today_label, "data": item["today_counts"]},
                    {
                        "key": "last_week",
                        "day": item["last_week"],
                        "label": last_week_label,
                        "data": item["last_week_counts"],
                    },
                ],
            }
        )
    return JsonResponse({"labels": list_selectors.HOURS_OF_DAY, "checkpoints": checkpoints})


urlpatterns = [
    path("inside/", InsideView.as_view(), name="inside"),
    path("overstays/", OverstaysView.as_view(), name="overstays"),
    path("today/", TodayView.as_view(), name="today"),
    path("travellers/<int:pk>/", traveller_detail, name="traveller"),
    path("travellers/<int:pk>/documents/<int:document_pk>/reveal/", document_number, name="document-reveal"),
    path("charts/", charts, name="charts"),
    path("charts/data/", charts_data, name="charts-data"),
]
