"""Historical monthly totals: upload a CSV or XLSX file of totals from before go-live (all of it or nothing), read
the report of the upload, and see the imported totals by year. `?template=csv` downloads the columns."""

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from crossings.choices import Direction
from crossings.forms import HistoricalTotalsUploadForm
from crossings.selectors.statistics import HISTORY_COLUMNS, historical_totals_by_year
from crossings.services.history import COLUMNS, historical_totals_import
from horgos.choices import Role
from horgos.exports import csv_response
from horgos.pages import posted
from horgos.roles import role_required

HISTORY_IMPORTED = _("%(file)s imported: %(months)s monthly totals, %(created)s new and %(replaced)s replaced.")
HISTORY_NOT_IMPORTED = _("Nothing was imported: the file has problems, listed below.")
# A report lists at most this many problems; a file with more is mostly wrong in the same few ways.
PROBLEMS_SHOWN = 500
TEMPLATE_NAME = "historical-monthly-totals.csv"
# The template's example rows: what each column holds, written as the import reads it.
TEMPLATE_EXAMPLE = [(2024, 1, "CN", "entry", 412503, 198220), (2024, 1, "CN", "exit", 409871, "")]


@role_required(Role.ADMINISTRATOR)
@require_http_methods(["GET", "POST"])
def history(request: HttpRequest) -> HttpResponse:
    """The upload form, the report of the file just uploaded (each bad row with its number), and the imported
    totals by year."""
    if request.method == "GET" and request.GET.get("template") == "csv":
        return csv_response([COLUMNS, *TEMPLATE_EXAMPLE], TEMPLATE_NAME)
    form = HistoricalTotalsUploadForm(posted(request), request.FILES or None)
    report = None
    if form.is_valid():
        upload = form.cleaned_data["file"]
        report = historical_totals_import(content=upload.read(), filename=upload.name, acting_user=request.user)
        if report.ok:
            counts = {"months": report.imported, "created": report.created, "replaced": report.replaced}
            messages.success(request, HISTORY_IMPORTED % {"file": report.filename, **counts})
            return redirect("crossings:operations-history")
        messages.error(request, HISTORY_NOT_IMPORTED)
    columns = [{"checkpoint": code, "direction": Direction(direction).label} for code, direction in HISTORY_COLUMNS]
    row_problems = report.row_problems if report else []
    context = {
        "form": form,
        "report": report,
        "row_problems": row_problems[:PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(row_problems) - PROBLEMS_SHOWN),
        "columns": columns,
        "years": historical_totals_by_year(),
    }
    status = 400 if request.method == "POST" else 200
    return render(request, "crossings/operations/history.html", context, status=status)
