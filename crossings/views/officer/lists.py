"""Officers' and administrators' lists: who is inside the zone, overstays, and today's crossings at a checkpoint.

Each is a filtered, sortable, paged table (crossings.filtersets, crossings.tables) over a selector's rows;
`?export=csv` downloads every filtered row instead.
"""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from crossings import selectors, tables
from crossings.filtersets import InsideFilterSet, OverstayFilterSet, TodayFilterSet
from crossings.selectors import lists as list_selectors
from horgos.choices import Role
from horgos.pages import FilteredTableView

PAGE_SIZE = 50


class StaffListView(FilteredTableView):
    """A filtered, sortable, paged table for officers and administrators, with its CSV download."""

    allowed_roles = (Role.OFFICER, Role.ADMINISTRATOR)


class VisitListView(StaffListView):
    def get_filterset_kwargs(self, filterset_class):
        return {**super().get_filterset_kwargs(filterset_class), "now": self.now}

    def get_table_kwargs(self):
        return {**super().get_table_kwargs(), "now": self.now}


class InsideView(VisitListView):
    """Everyone inside the zone now, with the days they have left."""

    template_name = "crossings/lists/inside.html"
    table_class = tables.InsideTable
    table_caption = _("People inside the zone")
    filterset_class = InsideFilterSet
    export_name = "inside"

    def get_queryset(self):
        return selectors.visits_inside(now=self.now)


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
