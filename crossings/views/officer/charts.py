"""Hourly charts for officers and administrators: admitted crossings per local hour at each checkpoint, today
against the same weekday a week earlier, as a page (Chart.js, with the same numbers in tables) and as JSON."""

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from crossings import tables
from crossings.selectors import lists as list_selectors
from horgos.choices import Role
from horgos.roles import role_required

staff_page = role_required(Role.OFFICER, Role.ADMINISTRATOR)


def _series_labels(item: dict) -> tuple[str, str]:
    return (
        _("Today (%(day)s)") % {"day": date_format(item["today"], "SHORT_DATE_FORMAT")},
        _("Same weekday last week (%(day)s)") % {"day": date_format(item["last_week"], "SHORT_DATE_FORMAT")},
    )


@staff_page
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
            caption=_("Admitted crossings per hour at %(checkpoint)s") % {"checkpoint": item["checkpoint"]},
        )
        panels.append({**item, "table": table})
    return render(request, "crossings/lists/charts.html", {"panels": panels})


@staff_page
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
