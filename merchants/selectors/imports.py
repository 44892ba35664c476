"""Reads of bulk imports and exports of listings: a merchant's import jobs and what goes into its files."""

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from merchants.choices import ListingState, ShopState
from merchants.models import Listing, ListingImport, Merchant
from merchants.spreadsheets import COLUMNS, Row, in_file_order, read_rows

FILE_GONE = _("The uploaded file can no longer be read.")


def listing_imports_of(merchant: Merchant) -> QuerySet[ListingImport]:
    """A merchant's imports, newest first: the only ones its staff can see or act on."""
    return ListingImport.objects.filter(merchant=merchant).select_related("uploaded_by", "confirmed_by")


def open_shop_codes(merchant: Merchant) -> list[str]:
    """The unit codes of the merchant's open shops: the choices a template file offers."""
    return list(merchant.shops.filter(state=ShopState.OPEN).order_by("unit_code").values_list("unit_code", flat=True))


def listings_to_export(user, merchant: Merchant) -> QuerySet[Listing]:
    """Every listing of the merchant (any state), by shop: the rows of an export file."""
    return (
        Listing.objects.visible_to(user)
        .filter(shop__merchant=merchant)
        .select_related("shop")
        .order_by("shop__unit_code", "id")
    )


def stored_rows(job: ListingImport) -> list[Row]:
    """The rows of the file the job was uploaded with. ValidationError when it can no longer be read."""
    try:
        with job.file.open("rb") as stored:
            content = stored.read()
    except OSError as error:
        raise ValidationError(FILE_GONE) from error
    return read_rows(content, job.file_format)


def failing_rows(job: ListingImport) -> list[list[object]]:
    """The rows the check refused, in the file's columns with their cells as uploaded, each followed by what is
    wrong with it ("column: message", one problem a line): the merchant fixes them and uploads the file again."""
    problems: dict[int, list[str]] = {}
    for problem in in_file_order(job.errors):
        text = f"{problem['column']}: {problem['message']}" if problem["column"] else problem["message"]
        problems.setdefault(problem["row"], []).append(text)
    return [
        [*(row.cells[name] for name in COLUMNS), "\n".join(problems[row.number])]
        for row in stored_rows(job)
        if row.number in problems
    ]


def import_drafts(job: ListingImport) -> QuerySet[Listing]:
    """The listings the import created that are still drafts: the ones "submit all drafts" submits."""
    return job.listings.filter(state=ListingState.DRAFT).select_related("shop__merchant").order_by("id")
