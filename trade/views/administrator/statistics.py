"""The trade statistics page (administrators): sales so far this year against the same period before, by side and
merchant country, the top origins and HS chapters, allowance use and shipments; each table downloadable as CSV.
Every figure comes from the trade statistics tables (trade.selectors.figures)."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from crossings.forms import StatisticsFilterForm
from horgos.choices import Role
from horgos.db_routers import reads_from_replica
from horgos.exports import csv_response
from horgos.roles import role_required
from trade.selectors import figures

TABLES = {
    "side": ("by_side", "side"),
    "countries": ("by_merchant_country", "merchant_country"),
    "origins": ("origins", "origin_country"),
    "chapters": ("chapters", "hs_chapter__code"),
}


def _rows(name: str, overview: dict) -> list[list]:
    key, field = TABLES[name]
    return [
        [field, _("Value (CNY)"), _("Weight (kg)"), _("Units")],
        *[[row["key"], row["value_cny"], row["weight_kg"], row["units"]] for row in overview[key]],
    ]


@role_required(Role.ADMINISTRATOR)
@reads_from_replica()
def trade_statistics(request: HttpRequest) -> HttpResponse:
    form = StatisticsFilterForm(request.GET or None, choose_checkpoint=False)
    last_filled = figures.trade_last_filled_day()
    context = {"form": form, "last_filled": last_filled}
    if last_filled is None or (form.is_bound and not form.is_valid()):
        return render(request, "trade/administrator/statistics.html", context, status=400 if form.errors else 200)
    as_of = min((form.cleaned_data.get("as_of") if form.is_bound else None) or last_filled, last_filled)
    overview = figures.trade_overview(as_of)
    export = request.GET.get("export", "")
    if export in TABLES:
        return csv_response(_rows(export, overview), f"trade-{export}-{as_of:%Y-%m-%d}.csv")
    context.update(overview=overview, as_of=as_of)
    return render(request, "trade/administrator/statistics.html", context)
