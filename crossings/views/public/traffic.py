"""The public traffic page: this year's crossings so far, growth on the year before, the months of both years, and
each checkpoint's hours and coming closures. Counts only, never a person; the figures are cached (a cache that is
out of reach means they are computed, never an error)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from crossings.selectors import figures
from crossings.selectors.operations import closures_around, weekly_hours


@require_GET
def traffic(request: HttpRequest) -> HttpResponse:
    numbers = figures.cached_public_figures()
    context = {
        "numbers": numbers,
        "week": weekly_hours(),
        "closures": closures_around(timezone.now())["upcoming_closures"][:10],
    }
    if numbers:
        months = list(range(1, 13))
        context["chart"] = {"months": months, "this_year": numbers["this_year"], "last_year": numbers["last_year"]}
        context["month_rows"] = list(zip(months, numbers["last_year"], numbers["this_year"], strict=True))
        context["this_year"] = int(numbers["as_of"][:4])
    return render(request, "crossings/public/traffic.html", context)
