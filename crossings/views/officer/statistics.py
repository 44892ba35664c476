"""The statistics page (administrators; an officer sees their own checkpoint): the year-to-date headline against the
same period of the year before, this year against last by month, and the breakdowns, each downloadable as CSV.
Every figure comes from the statistics tables (crossings.selectors.figures), never from the crossings."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from crossings.choices import NationalityGroup, RefusalReason
from crossings.forms import StatisticsFilterForm
from crossings.selectors import figures, officer_checkpoint
from horgos.choices import Role
from horgos.db_routers import reads_from_replica
from horgos.exports import csv_response
from horgos.roles import role_required

EXPORTS = ("checkpoints", "groups", "months", "refusals")


def _rows(export: str, overview: dict) -> list[list]:
    """One of the page's tables as CSV rows, header first."""
    if export == "months":
        monthly = overview["monthly"]
        year = overview["as_of"].year
        return [
            [_("Month"), str(year - 1), str(year)],
            *[[month + 1, monthly["last_year"][month], monthly["this_year"][month]] for month in range(12)],
        ]
    if export == "refusals":
        return [
            [_("Reason"), _("Refusals")],
            *[[RefusalReason(row["reason"]).label, row["refusals"]] for row in overview["refusals"]],
        ]
    items = overview["by_checkpoint"] if export == "checkpoints" else overview["by_group"]
    header = [_("Checkpoint") if export == "checkpoints" else _("Nationality"), _("Crossings so far this year"),
              _("Same period last year"), _("Growth (%)"), _("People so far this year")]  # fmt: skip
    return [
        header,
        *[
            [
                key.name if export == "checkpoints" else NationalityGroup(key).label,
                ytd.crossings,
                ytd.previous_crossings,
                ytd.crossings_growth if ytd.crossings_growth is not None else "",
                ytd.people,
            ]
            for key, ytd in items.items()
        ],
    ]


@role_required(Role.OFFICER, Role.ADMINISTRATOR)
@reads_from_replica()
def statistics(request: HttpRequest) -> HttpResponse:
    is_administrator = request.user.role == Role.ADMINISTRATOR
    form = StatisticsFilterForm(request.GET or None, choose_checkpoint=is_administrator)
    last_filled = figures.last_filled_day()
    context = {"form": form, "last_filled": last_filled}
    if last_filled is None or (form.is_bound and not form.is_valid()):
        return render(request, "crossings/statistics/statistics.html", context, status=400 if form.errors else 200)
    chosen = form.cleaned_data if form.is_bound else {}
    checkpoint = chosen.get("checkpoint") if is_administrator else officer_checkpoint(request.user)
    as_of = min(chosen.get("as_of") or last_filled, last_filled)
    overview = figures.statistics_overview(as_of=as_of, checkpoint=checkpoint)
    export = request.GET.get("export", "")
    if export in EXPORTS:
        return csv_response(_rows(export, overview), f"statistics-{export}-{as_of:%Y-%m-%d}.csv")
    monthly = overview["monthly"]
    context.update(
        overview=overview,
        checkpoint=checkpoint,
        chart={"months": list(range(1, 13)), **monthly},
        month_rows=list(zip(range(1, 13), monthly["last_year"], monthly["this_year"], strict=True)),
        refusals=[{"label": RefusalReason(row["reason"]).label, **row} for row in overview["refusals"]],
    )
    return render(request, "crossings/statistics/statistics.html", context)
