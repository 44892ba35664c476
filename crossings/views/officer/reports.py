"""Annual crossing reports (administrators; an officer those of their own checkpoint): ask for a year's report, follow
it while the task writes it (the list polls a small partial with htmx), download its CSV, XLSX and PDF, and read the
report itself as a page. Every figure comes from the statistics tables (crossings.selectors.report).

The files live in the private storage, which no URL reaches: they are downloaded here, looked up among the reports
the user may see, so another scope's report is a 404.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from crossings.choices import AnnualReportState, ReportFormat
from crossings.forms import AnnualReportForm, ReportScopeForm
from crossings.models import AnnualReport
from crossings.report_files import CSV_CONTENT_TYPE, PDF_CONTENT_TYPE, XLSX_CONTENT_TYPE, report_document
from crossings.selectors import figures, officer_checkpoint
from crossings.selectors import report as report_selectors
from crossings.services.reports import QUEUED_FOR_JOB_SERVICE, annual_report_request
from horgos.choices import Role
from horgos.db_routers import reads_from_replica
from horgos.forms import show_service_error
from horgos.pages import posted
from horgos.roles import role_required

RECENT_REPORTS = 30
CONTENT_TYPES = {
    ReportFormat.CSV: CSV_CONTENT_TYPE,
    ReportFormat.XLSX: XLSX_CONTENT_TYPE,
    ReportFormat.PDF: PDF_CONTENT_TYPE,
}

staff_page = role_required(Role.OFFICER, Role.ADMINISTRATOR)


def _is_administrator(request: HttpRequest) -> bool:
    return request.user.role == Role.ADMINISTRATOR


def _list_context(request: HttpRequest) -> dict:
    reports = list(report_selectors.annual_reports_of(request.user)[:RECENT_REPORTS])
    running = [report for report in reports if report.is_running]
    return {
        "reports": reports,
        "any_running": bool(running),
        # The broker was down when a report was to start: say why nothing moves (the sweeper starts it later).
        "waiting_notice": QUEUED_FOR_JOB_SERVICE if any(report.enqueue_failed for report in running) else "",
    }


@staff_page
@require_http_methods(["GET", "POST"])
def reports(request: HttpRequest) -> HttpResponse:
    """The request form and the list of reports with their state, progress and files."""
    is_administrator = _is_administrator(request)
    form = AnnualReportForm(
        posted(request),
        choose_checkpoint=is_administrator,
        initial={"language": translation.get_language(), "year": _default_year()},
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data
        try:
            report = annual_report_request(
                year=chosen["year"],
                checkpoint=chosen.get("checkpoint") if is_administrator else officer_checkpoint(request.user),
                language=chosen["language"],
                acting_user=request.user,
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            messages.success(request, _("The report of %(year)s is being written.") % {"year": report.year})
            return redirect("crossings:reports")
    context = {"form": form, "officer_checkpoint": None if is_administrator else officer_checkpoint(request.user)}
    context.update(_list_context(request))
    return render(request, "crossings/reports/reports.html", context, status=400 if form.errors else 200)


def _default_year() -> int | None:
    """The year before the last one the statistics hold: the last whole year, as a rule."""
    last = figures.last_filled_day()
    return last.year - 1 if last else None


@staff_page
@require_GET
def reports_list(request: HttpRequest) -> HttpResponse:
    """The list partial the reports page polls while a report is on its way; once none is, it stops polling."""
    return render(request, "crossings/reports/_report_list.html", _list_context(request))


@staff_page
@require_GET
@reads_from_replica()
def report_page(request: HttpRequest, year: int) -> HttpResponse:
    """The report of `year` as a page: the zone or a checkpoint (`?checkpoint=CN`) for administrators, an officer's
    own checkpoint for an officer."""
    is_administrator = _is_administrator(request)
    form = ReportScopeForm(request.GET or None)
    if is_administrator:
        checkpoint = form.cleaned_data.get("checkpoint") if form.is_bound and form.is_valid() else None
    else:
        checkpoint = officer_checkpoint(request.user)
        if checkpoint is None:
            raise Http404
    context = {"year": year, "form": form if is_administrator else None, "checkpoint": checkpoint}
    try:
        report = report_selectors.annual_report(year, checkpoint=checkpoint)
    except ValidationError as error:
        context["problem"] = " ".join(error.messages)
        return render(request, "crossings/reports/annual_report.html", context, status=404)
    context["document"] = report_document(report)
    return render(request, "crossings/reports/annual_report.html", context)


@staff_page
@require_GET
def report_download(request: HttpRequest, pk: int, file_format: str) -> FileResponse:
    """One of a finished report's files, among the reports the user may see (another's is a 404)."""
    if file_format not in ReportFormat.values:
        raise Http404
    report: AnnualReport = get_object_or_404(
        report_selectors.annual_reports_of(request.user), pk=pk, state=AnnualReportState.DONE
    )
    stored = report.file_of(file_format)
    if not stored:
        raise Http404
    scope = report.checkpoint.code.lower() if report.checkpoint else "zone"
    return FileResponse(
        stored.open("rb"),
        as_attachment=True,
        filename=f"annual-crossing-report-{report.year}-{scope}-{report.language}.{file_format}",
        content_type=CONTENT_TYPES[file_format],
    )
