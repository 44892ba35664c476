"""Bulk import and export of a merchant's listings (CSV and XLSX), in the merchant portal.

Every page is for merchant users on a merchant's staff (`merchant_staff_only`). An uploaded file is checked
and reported on before anything is written; the person then imports the valid rows with one button. A large
file is handled by a Celery task while its page polls a small progress partial (htmx, every second) until
the task is done. Imports are always looked up among the merchant's own, so another merchant's import is a
404.
"""

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from horgos.forms import show_service_error
from horgos.pages import show_error
from merchants.choices import ListingImportFormat, ListingImportState, MerchantState
from merchants.forms import ListingImportForm
from merchants.models import ListingImport, MerchantMember
from merchants.pages import merchant_staff_only, render_page, report_submitted
from merchants.selectors import imports as selectors
from merchants.selectors.portal import own_shops
from merchants.services.import_jobs import QUEUED_FOR_JOB_SERVICE
from merchants.services.imports import SYNC_ROWS, listing_import_confirm, listing_import_upload
from merchants.services.listings import listings_submit
from merchants.spreadsheets import (
    COLUMN_HELP,
    COLUMNS,
    CSV_TYPE,
    ERROR_COLUMN,
    XLSX_TYPE,
    in_file_order,
    listing_cells,
    write_csv,
    write_xlsx,
)

RECENT_IMPORTS = 10
# A report lists at most this many problems; a file with more is mostly wrong in the same few ways.
PROBLEMS_SHOWN = 500


def _download(content: bytes, *, file_format: str, filename: str) -> HttpResponse:
    content_type = CSV_TYPE if file_format == ListingImportFormat.CSV else XLSX_TYPE
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _status_context(job: ListingImport) -> dict:
    problems = in_file_order(job.errors)
    return {
        "job": job,
        "draft_count": selectors.import_drafts(job).count() if job.state == ListingImportState.DONE else 0,
        "problems": problems[:PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(problems) - PROBLEMS_SHOWN),
        # The broker was down when the job was to start: say why nothing moves (the sweeper starts it later).
        "waiting_notice": QUEUED_FOR_JOB_SERVICE if job.is_running and job.enqueue_failed else "",
    }


# --- Import --------------------------------------------------------------------------------------------


@merchant_staff_only
@require_http_methods(["GET", "POST"])
def listing_import(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The template downloads, the column guide and the upload form; POST checks a file and shows its report."""
    merchant = membership.merchant
    form = ListingImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            job = listing_import_upload(
                acting_user=request.user, upload=form.cleaned_data["file"], language=translation.get_language()
            )
        except ValidationError as error:
            show_service_error(form, error)
        else:
            return redirect("merchants:listing-import-detail", pk=job.pk)
    context = {
        "merchant": merchant,
        "may_import": merchant.state == MerchantState.APPROVED,
        "form": form,
        "columns": [(name, COLUMN_HELP[name]) for name in COLUMNS],
        "shops": own_shops(membership),
        "imports": selectors.listing_imports_of(merchant)[:RECENT_IMPORTS],
        "sync_rows": SYNC_ROWS,
    }
    return render_page(request, "merchants/merchant/listing_import.html", context)


@merchant_staff_only
@require_GET
def listing_import_detail(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then its report and the button that imports the valid rows."""
    job = get_object_or_404(selectors.listing_imports_of(membership.merchant), pk=pk)
    return render_page(request, "merchants/merchant/listing_import_detail.html", _status_context(job))


@merchant_staff_only
@require_GET
def listing_import_progress(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    """The status partial the detail page polls; once the job stops running it carries no polling trigger."""
    job = get_object_or_404(selectors.listing_imports_of(membership.merchant), pk=pk)
    return render_page(request, "merchants/merchant/_import_status.html", _status_context(job))


@merchant_staff_only
@require_POST
def listing_import_confirm_view(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    job = get_object_or_404(selectors.listing_imports_of(membership.merchant), pk=pk)
    try:
        listing_import_confirm(listing_import=job, acting_user=request.user)
    except ValidationError as error:
        show_error(request, error)
    return redirect("merchants:listing-import-detail", pk=job.pk)


@merchant_staff_only
@require_GET
def listing_import_failing_rows(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    """The rows the check refused, in the format that was uploaded: the template's columns, as uploaded, and an
    `error` column saying what to fix. The fixed file can be uploaded as it is (the import ignores `error`)."""
    job = get_object_or_404(selectors.listing_imports_of(membership.merchant), pk=pk)
    if not job.errors:
        raise Http404(_("This import has no failing rows."))
    try:
        rows = selectors.failing_rows(job)
    except ValidationError as error:
        show_error(request, error)
        return redirect("merchants:listing-import-detail", pk=job.pk)
    columns = (*COLUMNS, ERROR_COLUMN)
    if job.file_format == ListingImportFormat.CSV:
        content = write_csv(rows, columns=columns)
    else:
        content = write_xlsx(rows, columns=columns)
    # Not the uploaded name: it may hold quotes or characters a download header cannot carry as they are.
    filename = f"listing-import-{job.pk}-failing-rows.{job.file_format}"
    return _download(content, file_format=job.file_format, filename=filename)


@merchant_staff_only
@require_POST
def listing_import_submit_drafts(request: HttpRequest, membership: MerchantMember, pk: int) -> HttpResponse:
    """Submit for review every listing the import created that is still a draft."""
    job = get_object_or_404(selectors.listing_imports_of(membership.merchant), pk=pk)
    report_submitted(request, listings_submit(listings=selectors.import_drafts(job), acting_user=request.user))
    return redirect("merchants:listing-import-detail", pk=job.pk)


@merchant_staff_only
@require_GET
def listing_import_template(request: HttpRequest, membership: MerchantMember, file_format: str) -> HttpResponse:
    """An empty file in the import columns; the XLSX one offers the merchant's shop codes in a list."""
    if file_format == ListingImportFormat.CSV:
        content = write_csv([])
    else:
        content = write_xlsx([], shop_codes=selectors.open_shop_codes(membership.merchant), with_help=True)
    return _download(content, file_format=file_format, filename=f"listings-template.{file_format}")


# --- Export --------------------------------------------------------------------------------------------


@merchant_staff_only
@require_GET
def listing_export(request: HttpRequest, membership: MerchantMember) -> HttpResponse:
    """The merchant's listings, every state, in the import columns (`?format=csv` or `?format=xlsx`)."""
    file_format = request.GET.get("format", ListingImportFormat.CSV)
    if file_format not in ListingImportFormat.values:
        return HttpResponseBadRequest(_("Choose the format csv or xlsx."))
    listings = selectors.listings_to_export(request.user, membership.merchant)
    rows = (listing_cells(listing) for listing in listings.iterator(chunk_size=500))
    content = write_csv(rows) if file_format == ListingImportFormat.CSV else write_xlsx(rows)
    return _download(
        content, file_format=file_format, filename=f"listings-{timezone.localdate():%Y-%m-%d}.{file_format}"
    )
