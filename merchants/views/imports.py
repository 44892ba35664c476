"""Bulk import and export of a merchant's listings (CSV and XLSX), in the merchant portal.

Every page is for merchant users on a merchant's staff (anonymous visitors go to the login page, other
roles get 403). An uploaded file is checked and reported on before anything is written; the person then
imports the valid rows with one button. A large file is handled by a Celery task while its page polls a
small progress partial (htmx, every second) until the task is done. Imports are always looked up among
the merchant's own, so another merchant's import is a 404.
"""

from collections.abc import Callable
from functools import wraps

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from horgos.choices import Role
from horgos.forms import show_service_error
from horgos.roles import role_required
from merchants.choices import MerchantState, ShopState
from merchants.imports import COLUMN_HELP, COLUMNS, MAX_BYTES, listing_cells, listing_imports_of, write_csv, write_xlsx
from merchants.models import Merchant, Shop
from merchants.selectors import listings_visible_to, merchant_of
from merchants.services.imports import (
    QUEUED_FOR_JOB_SERVICE,
    SYNC_ROWS,
    listing_import_confirm,
    listing_import_upload,
)

CSV_TYPE = "text/csv; charset=utf-8"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
RECENT_IMPORTS = 10
# A report lists at most this many problems; a file with more is mostly wrong in the same few ways.
PROBLEMS_SHOWN = 500


class ListingImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("File of listings"),
        widget=forms.FileInput(attrs={"accept": f".csv,.xlsx,text/csv,{XLSX_TYPE}"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        megabytes = MAX_BYTES // (1024 * 1024)
        self.fields["file"].help_text = _(
            "CSV (UTF-8) or XLSX, at most %(megabytes)s MB, in the template's columns."
        ) % {"megabytes": megabytes}


# --- Helpers -------------------------------------------------------------------------------------------


def merchant_staff_only(view: Callable) -> Callable:
    """Merchant users on a merchant's staff; the view gets their merchant. Without one: a clear 403 page."""

    @role_required(Role.MERCHANT)
    @wraps(view)
    def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        merchant = merchant_of(request.user)
        if merchant is None:
            return render(request, "merchants/portal/no_membership.html", status=403)
        return view(request, merchant, *args, **kwargs)

    return wrapped


def _download(content: bytes, *, content_type: str, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _status_context(job) -> dict:
    def in_file_order(problem: dict) -> tuple[int, int]:
        column = problem["column"]
        return problem["row"], COLUMNS.index(column) if column in COLUMNS else -1

    problems = sorted(job.errors, key=in_file_order)
    return {
        "job": job,
        "problems": problems[:PROBLEMS_SHOWN],
        "problems_hidden": max(0, len(problems) - PROBLEMS_SHOWN),
        # The broker was down when the job was to start: say why nothing moves (the sweeper starts it later).
        "waiting_notice": QUEUED_FOR_JOB_SERVICE if job.is_running and job.enqueue_failed else "",
    }


# --- Import --------------------------------------------------------------------------------------------


@merchant_staff_only
@require_http_methods(["GET", "POST"])
def listing_import(request: HttpRequest, merchant: Merchant) -> HttpResponse:
    """The template downloads, the column guide and the upload form; POST checks a file and shows its report."""
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
        "shops": Shop.objects.filter(merchant=merchant).order_by("unit_code"),
        "imports": listing_imports_of(merchant)[:RECENT_IMPORTS],
        "sync_rows": SYNC_ROWS,
    }
    return render(request, "merchants/imports/import.html", context)


@merchant_staff_only
@require_GET
def listing_import_detail(request: HttpRequest, merchant: Merchant, pk: int) -> HttpResponse:
    """One import: its progress while it runs, then its report and the button that imports the valid rows."""
    job = get_object_or_404(listing_imports_of(merchant), pk=pk)
    return render(request, "merchants/imports/detail.html", _status_context(job))


@merchant_staff_only
@require_GET
def listing_import_progress(request: HttpRequest, merchant: Merchant, pk: int) -> HttpResponse:
    """The status partial the detail page polls; once the job stops running it carries no polling trigger."""
    job = get_object_or_404(listing_imports_of(merchant), pk=pk)
    return render(request, "merchants/imports/_status.html", _status_context(job))


@merchant_staff_only
@require_POST
def listing_import_confirm_view(request: HttpRequest, merchant: Merchant, pk: int) -> HttpResponse:
    job = get_object_or_404(listing_imports_of(merchant), pk=pk)
    try:
        listing_import_confirm(listing_import=job, acting_user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    return redirect("merchants:listing-import-detail", pk=job.pk)


@merchant_staff_only
@require_GET
def listing_import_template(request: HttpRequest, merchant: Merchant, file_format: str) -> HttpResponse:
    """An empty file in the import columns; the XLSX one offers the merchant's shop codes in a list."""
    if file_format == "csv":
        return _download(write_csv([]), content_type=CSV_TYPE, filename="listings-template.csv")
    shop_codes = list(
        Shop.objects.filter(merchant=merchant, state=ShopState.OPEN)
        .order_by("unit_code")
        .values_list("unit_code", flat=True)
    )
    content = write_xlsx([], shop_codes=shop_codes, with_help=True)
    return _download(content, content_type=XLSX_TYPE, filename="listings-template.xlsx")


# --- Export --------------------------------------------------------------------------------------------


@merchant_staff_only
@require_GET
def listing_export(request: HttpRequest, merchant: Merchant) -> HttpResponse:
    """The merchant's listings, every state, in the import columns (`?format=csv` or `?format=xlsx`)."""
    file_format = request.GET.get("format", "csv")
    if file_format not in ("csv", "xlsx"):
        return HttpResponseBadRequest(_("Choose the format csv or xlsx."))
    listings = listings_visible_to(request.user).filter(shop__merchant=merchant).order_by("shop__unit_code", "id")
    rows = (listing_cells(listing) for listing in listings.iterator(chunk_size=500))
    filename = f"listings-{timezone.localdate():%Y-%m-%d}.{file_format}"
    if file_format == "csv":
        return _download(write_csv(rows), content_type=CSV_TYPE, filename=filename)
    return _download(write_xlsx(rows), content_type=XLSX_TYPE, filename=filename)


urlpatterns = [
    path("portal/listings/import/", listing_import, name="listing-import"),
    path(
        "portal/listings/import/template.csv",
        listing_import_template,
        {"file_format": "csv"},
        name="listing-import-template-csv",
    ),
    path(
        "portal/listings/import/template.xlsx",
        listing_import_template,
        {"file_format": "xlsx"},
        name="listing-import-template-xlsx",
    ),
    path("portal/listings/import/<int:pk>/", listing_import_detail, name="listing-import-detail"),
    path("portal/listings/import/<int:pk>/progress/", listing_import_progress, name="listing-import-progress"),
    path("portal/listings/import/<int:pk>/confirm/", listing_import_confirm_view, name="listing-import-confirm"),
    path("portal/listings/export/", listing_export, name="listing-export"),
]
