"""Bulk imports of listings: check every row of an uploaded file, report, then import the valid rows.

upload (pending) → check (validating → validated) → the person reads the report and confirms
(importing) → import (done); any step may end in failed. A file of up to SYNC_ROWS rows goes through
every step during the request; a larger one through the Celery task `merchants.tasks.process_listing_import`
while the page shows its progress. Both run the same functions, and each moves a job on only from the
state it expects, under a row lock, so running a step again (a retried task) changes nothing.

Checking writes nothing but the job: each row is checked once, in Python and without a query of its own, against
what `listing_create` checks (the shop is one of the merchant's, the HS code names a heading, and every rule of
`full_clean`: `listing_validate_values`), the shops and headings read once per file. Importing writes the rows
the check found valid as drafts (each remembers its import) with one COPY, and their audit rows with another, in
one transaction, after checking once that the person may still edit the merchant's listings. A row whose shop or
heading is gone by then fails the import with that row's message; a row the database refuses all the same (its
constraints are the last word) fails it with the database's reason: either way nothing of the file is imported.
The drafts of an import can then be submitted for review together (`listings_submit`).

Faults leave nothing half-done: how a job is handed to the task, and handed over again when its worker
or the broker fails, is `merchants.services.import_jobs`. A duplicate delivery of the task leaves a step
under way to the run doing it.
"""

import functools
import uuid
from dataclasses import dataclass
from pathlib import PurePath

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db import DataError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from horgos.audit import audit_record, audit_record_many
from horgos.choices import AuditAction
from horgos.copy import copy_rows, take_ids
from horgos.models import User
from horgos.storage import atomic_with_stored_files
from merchants.choices import ListingImportFormat, ListingImportState, MerchantState
from merchants.models import HsHeading, Listing, ListingImport, Merchant, Shop
from merchants.selectors import merchant_of
from merchants.selectors.imports import stored_rows
from merchants.services.import_jobs import listing_import_enqueue, listing_import_fail, stalled_before
from merchants.services.listings import (
    MERCHANT_NOT_ACTIVE,
    country_code,
    hs_code_valid,
    listing_validate_values,
    require_may_edit_listings,
    unknown_hs_code,
)
from merchants.spreadsheets import COLUMNS, MAX_BYTES, ParsedRow, Row, check_header, parse_row, read_rows

# Files with more rows than this are checked and imported by a Celery task, with a progress bar.
SYNC_ROWS = 200
# Files larger than this are not read row by row in the request at all: the request checks the file up to its header,
# and the task reads the rows in a worker, whose memory is capped (horgos.celery). A file of SYNC_ROWS rows is far
# smaller than this (about 40 KB as CSV).
SYNC_READ_MAX_BYTES = 512 * 1024
# A running check reports its progress (one UPDATE) every this many rows: a few times for the largest file, none
# for a file checked in the request (MAX_ROWS is 10,000, and a row is checked in well under a millisecond).
PROGRESS_EVERY = 1000

NOT_ON_STAFF = _("Only a merchant's staff may import listings.")
WRONG_TYPE = _("Upload a .csv or an .xlsx file.")
TOO_LARGE = _("The file is larger than %(megabytes)s MB.")
NOT_YOUR_SHOP_CODE = _("%(code)s is not one of your shops.")
NOT_CHECKED_YET = _("The rows of this file are still being checked.")
ALREADY_IMPORTED = _("This file has already been imported.")
IMPORT_FAILED = _("This import failed; upload the file again.")
NOTHING_TO_IMPORT = _("No row of this file can be imported.")
ROW_REFUSED = _("Row %(row)s was refused: %(message)s Nothing was imported; upload the file again.")
REFUSED_BY_DATABASE = _(
    "The database refused a listing of this file: %(message)s Nothing was imported; upload the file again."
)


def _format_of(name: str) -> str:
    extension = PurePath(name).suffix.lower().lstrip(".")
    if extension not in ListingImportFormat.values:
        raise ValidationError({"file": ValidationError(WRONG_TYPE)})
    return extension


def _require_may_import(user: User) -> Merchant:
    merchant = merchant_of(user)
    if merchant is None or not user.is_active:
        raise PermissionDenied(NOT_ON_STAFF)
    if merchant.state != MerchantState.APPROVED:
        raise ValidationError(MERCHANT_NOT_ACTIVE, params={"state": merchant.get_state_display()})
    return merchant


def listing_import_upload(*, acting_user: User, upload, language: str = "en") -> ListingImport:
    """Store an uploaded file as a new import of the user's merchant and have its rows checked: now for a
    small file (the job comes back validated or failed), by the task for a large one (it comes back pending).

    The file as a whole is read first: wrong type, too large, unreadable, or a header that is not the
    template's is a ValidationError on "file" and nothing is stored. A file over SYNC_READ_MAX_BYTES is read here
    up to its header only; the task counts and checks its rows, in a worker whose memory is capped.
    """
    merchant = _require_may_import(acting_user)
    file_format = _format_of(upload.name)
    if upload.size > MAX_BYTES:
        raise ValidationError({"file": ValidationError(TOO_LARGE, params={"megabytes": MAX_BYTES // (1024 * 1024)})})
    upload.seek(0)
    content = upload.read()
    read_in_the_request = len(content) <= SYNC_READ_MAX_BYTES
    try:
        if read_in_the_request:
            total_rows = len(read_rows(content, file_format))
        else:
            check_header(content, file_format)
            total_rows = 0  # counted by the task's check
    except ValidationError as error:
        raise ValidationError({"file": error.error_list}) from error
    del content
    upload.seek(0)
    with atomic_with_stored_files() as stored:
        job = ListingImport(
            merchant=merchant,
            uploaded_by=acting_user,
            original_name=PurePath(upload.name).name[:255],
            file_format=file_format,
            language=language,
            total_rows=total_rows,
        )
        # The stored name is random: the original one (kept above) may say more than it should.
        job.file.save(f"{uuid.uuid4().hex}.{file_format}", upload, save=False)
        stored.add(job.file)
        job.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.LISTING_IMPORT_UPLOAD,
            target=job,
            changes={"file": job.original_name, "rows": job.total_rows},
        )
        by_the_task = not read_in_the_request or job.total_rows > SYNC_ROWS
        if by_the_task:
            transaction.on_commit(functools.partial(listing_import_enqueue, listing_import_id=job.pk))
    if not by_the_task:
        job = listing_import_check(listing_import=job)
    return job


def listing_import_process(*, listing_import_id: int) -> str:
    """The task's work: the next step the job is waiting for, if any. Returns the job's state after it."""
    job = ListingImport.objects.filter(pk=listing_import_id).first()
    if job is None:
        return ""
    if job.state in (ListingImportState.PENDING, ListingImportState.VALIDATING):
        job = listing_import_check(listing_import=job)
    elif job.state == ListingImportState.IMPORTING:
        job = listing_import_run(listing_import=job)
    return job.state


def listing_import_check(*, listing_import: ListingImport) -> ListingImport:
    """Check every row of a pending job and record each problem (row, column, message); write nothing else.

    Not one transaction: the job's progress is committed as it goes, for the page to show, and tells the
    sweeper the check is alive; a second run meanwhile leaves the job to it. A check that was interrupted
    (a worker lost) starts again from the first row when the sweeper hands the job over again.
    """
    with transaction.atomic():
        job = ListingImport.objects.select_for_update(of=("self",)).get(pk=listing_import.pk)
        if job.state == ListingImportState.VALIDATING and job.progress_at >= stalled_before():
            return job  # another run is checking it (a duplicate delivery of the task)
        if job.state not in (ListingImportState.PENDING, ListingImportState.VALIDATING):
            return job
        job.state = ListingImportState.VALIDATING
        job.processed_rows = 0
        job.attempts += 1
        job.progress_at = timezone.now()
        job.save(update_fields=["state", "processed_rows", "attempts", "progress_at"])
    # A task knows no request: messages are written in the language of the person who uploaded.
    with translation.override(job.language):
        try:
            rows = stored_rows(job)
        except ValidationError as error:
            return listing_import_fail(listing_import=job, reason=" ".join(error.messages))
        ListingImport.objects.filter(pk=job.pk).update(total_rows=len(rows))
        lookups = file_lookups(job.merchant)
        errors: list[dict] = []
        valid = 0
        for checked, row in enumerate(rows, start=1):
            problems = check_row(row, lookups)
            errors.extend(problems)
            valid += not problems
            if checked % PROGRESS_EVERY == 0:
                ListingImport.objects.filter(pk=job.pk, state=ListingImportState.VALIDATING).update(
                    processed_rows=checked, progress_at=timezone.now()
                )
    with transaction.atomic():
        job = ListingImport.objects.select_for_update(of=("self",)).get(pk=job.pk)
        if job.state != ListingImportState.VALIDATING:
            return job  # another run finished it first
        job.state = ListingImportState.VALIDATED
        job.total_rows = job.processed_rows = len(rows)
        job.valid_rows = valid
        job.errors = errors
        job.save(update_fields=["state", "total_rows", "processed_rows", "valid_rows", "errors"])
    return job


@dataclass(frozen=True)
class FileLookups:
    """What the rows of a file are checked against, read once per file: the merchant's shops by unit code, and
    every HS heading's id by its code."""

    shops: dict[str, Shop]
    headings: dict[str, int]


def file_lookups(merchant: Merchant) -> FileLookups:
    return FileLookups(
        shops={shop.unit_code: shop for shop in Shop.objects.filter(merchant=merchant)},
        headings=dict(HsHeading.objects.values_list("code", "pk")),
    )


def check_row(row: Row, lookups: FileLookups) -> list[dict]:
    """What is wrong with a row, as [{"row", "column", "message"}]; empty when it can become a listing.

    What `listing_create` checks, without a query: the shop must be one of the merchant's, the HS code must name a
    heading, and the listing must pass `listing_validate_values` (the model's fields and constraints, as
    `full_clean` checks them).
    """
    problems = _row_problems(row, lookups)
    return [{"row": row.number, "column": column, "message": message} for column, message in problems]


def _row_problems(row: Row, lookups: FileLookups) -> list[tuple[str, str]]:
    parsed = parse_row(row)
    problems = list(parsed.errors)
    if parsed.shop_code and parsed.shop_code not in lookups.shops:
        problems.append(("shop", str(NOT_YOUR_SHOP_CODE % {"code": parsed.shop_code})))
    exclude = {column for column, _message in problems if column in COLUMNS}
    if "hs_code" not in exclude and _heading_id(parsed, lookups) is None:
        problems.extend(_problems_in(unknown_hs_code(parsed.fields["hs_code"])))
        exclude.add("hs_code")
    try:
        listing_validate_values(parsed.fields, exclude=exclude)
    except ValidationError as error:
        problems.extend(_problems_in(error))
    return problems


def _heading_id(parsed: ParsedRow, lookups: FileLookups) -> int | None:
    """The id of the HS heading a row's code names, None when it names none (or is no HS code)."""
    hs_code = str(parsed.fields.get("hs_code", ""))
    return lookups.headings.get(hs_code[:4]) if hs_code_valid(hs_code) else None


def _problems_in(error: ValidationError) -> list[tuple[str, str]]:
    """A model's ValidationError as (column, message) pairs; a message about no single column has column ""."""
    if not hasattr(error, "error_dict"):
        return [("", message) for message in error.messages]
    problems = []
    for name, messages in error.message_dict.items():
        column = "hs_code" if name == "hs_heading" else name
        column = column if column in COLUMNS and name != NON_FIELD_ERRORS else ""
        problems.extend((column, message) for message in messages)
    return problems


@transaction.atomic
def listing_import_confirm(*, listing_import: ListingImport, acting_user: User) -> ListingImport:
    """The person read the report and asks for the valid rows to be imported (now, or by the task for a
    large file: the job then comes back importing). Only once: a second confirmation is refused."""
    job = ListingImport.objects.select_for_update(of=("self",)).get(pk=listing_import.pk)
    merchant = _require_may_import(acting_user)
    if merchant.pk != job.merchant_id:
        raise PermissionDenied(NOT_ON_STAFF)
    if job.state in (ListingImportState.IMPORTING, ListingImportState.DONE):
        raise ValidationError(ALREADY_IMPORTED)
    if job.state == ListingImportState.FAILED:
        raise ValidationError(IMPORT_FAILED)
    if job.state != ListingImportState.VALIDATED:
        raise ValidationError(NOT_CHECKED_YET)
    if job.valid_rows == 0:
        raise ValidationError(NOTHING_TO_IMPORT)
    job.state = ListingImportState.IMPORTING
    job.confirmed_by = acting_user
    job.attempts = 0
    job.progress_at = timezone.now()
    job.save(update_fields=["state", "confirmed_by", "attempts", "progress_at"])
    audit_record(
        actor=acting_user, action=AuditAction.LISTING_IMPORT_CONFIRM, target=job, changes={"rows": job.valid_rows}
    )
    if job.total_rows > SYNC_ROWS:
        transaction.on_commit(functools.partial(listing_import_enqueue, listing_import_id=job.pk))
        return job
    return listing_import_run(listing_import=job)


def listing_import_run(*, listing_import: ListingImport) -> ListingImport:
    """Create a listing (a draft) for each row the check found valid, and its audit row, in one transaction with
    the job's move to done (`_create_listings`). A row refused now (the data changed since the check, or the
    database refuses it) undoes every listing of the file and the job fails with the reason.

    The run is counted first, in a transaction of its own: the import's transaction is undone with a
    worker that dies in it, the count is not. The import holds the job's row lock to its end, so a
    duplicate delivery meanwhile finds the row locked and leaves at once, and one after it finds the job
    done: nothing is imported twice.
    """
    with transaction.atomic():
        job = (
            ListingImport.objects.select_for_update(of=("self",), skip_locked=True).filter(pk=listing_import.pk).first()
        )
        if job is None:
            return ListingImport.objects.get(pk=listing_import.pk)  # another run is importing it
        if job.state != ListingImportState.IMPORTING:
            return job
        job.attempts += 1
        job.progress_at = timezone.now()
        job.save(update_fields=["attempts", "progress_at"])
    with transaction.atomic():
        job = ListingImport.objects.select_for_update(of=("self",)).get(pk=listing_import.pk)
        if job.state != ListingImportState.IMPORTING:
            return job
        with translation.override(job.language):
            try:
                with transaction.atomic():
                    created = _create_listings(job)
            except ValidationError as error:
                return listing_import_fail(listing_import=job, reason=" ".join(error.messages))
            except (IntegrityError, DataError) as error:
                return listing_import_fail(listing_import=job, reason=_database_refusal(error))
        job.state = ListingImportState.DONE
        job.imported_rows = job.processed_rows = created
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "imported_rows", "processed_rows", "finished_at"])
        audit_record(
            actor=job.confirmed_by, action=AuditAction.LISTING_IMPORT_DONE, target=job, changes={"listings": created}
        )
    return job


def _create_listings(job: ListingImport) -> int:
    """Write the rows the check found valid as drafts of the import with one COPY (`horgos.copy`), and their audit
    rows with another. The file is the one that was checked, so each row's values passed `listing_validate_values`
    then; what may have changed since is read again (the shops, the headings, whether the person may still edit the
    merchant's listings), and a row it refuses raises ValidationError with that row's message."""
    rows = stored_rows(job)
    invalid = {error["row"] for error in job.errors}
    lookups = file_lookups(job.merchant)
    refusal = _edit_refusal(job.confirmed_by, job.merchant)
    now = timezone.now()
    draft = {**_new_listing_row(), "listing_import": job.pk, "created_at": now, "updated_at": now}
    values = []
    for row in rows:
        if row.number in invalid:
            continue
        parsed = parse_row(row)
        shop, heading_id = lookups.shops.get(parsed.shop_code), _heading_id(parsed, lookups)
        if parsed.errors or shop is None or heading_id is None:
            refusal = " ".join(message for _column, message in _row_problems(row, lookups))
        if refusal:
            raise ValidationError(ROW_REFUSED, params={"row": row.number, "message": refusal})
        country = country_code(parsed.fields["origin_country"])  # as Django would write it; the rest are as read
        values.append({**draft, **parsed.fields, "origin_country": country, "shop": shop.pk, "hs_heading": heading_id})
    for listing, listing_id in zip(values, take_ids(Listing._meta.db_table, len(values)), strict=True):
        listing["id"] = listing_id
    names, columns = zip(*_insert_columns(), strict=True)
    copy_rows(Listing._meta.db_table, columns, ([listing[name] for name in names] for listing in values))
    audit_record_many(
        actor=job.confirmed_by,
        action=AuditAction.LISTING_CREATE,
        targets=[(_as_listing(listing), {"state": listing["state"]}) for listing in values],
    )
    return len(values)


@functools.cache
def _insert_columns() -> list[tuple[str, str]]:
    """(field name, column) of what an imported listing is written with: every concrete field but the ones
    PostgreSQL computes (the search vector, the CJK grams)."""
    return [(field.name, field.column) for field in Listing._meta.concrete_fields if not field.generated]


@functools.cache
def _new_listing_row() -> dict[str, object]:
    """A new listing's values before anything is set (a draft without photo), as the database stores them."""
    return {
        field.name: field.get_db_prep_save(field.get_default(), connection)
        for field in Listing._meta.concrete_fields
        if not field.generated
    }


def _as_listing(values: dict[str, object]) -> Listing:
    """The listing written with `values`, for its audit row (the columns PostgreSQL computes left unread). Made as
    Django makes a listing read from the database, from every field's value in order: a third of the time."""
    return Listing(*(values.get(field.name) for field in Listing._meta.concrete_fields))


def _edit_refusal(user: User, merchant: Merchant) -> str:
    """Why `user` may not edit the merchant's listings (any more), "" when they may."""
    try:
        require_may_edit_listings(user, merchant)
    except ValidationError as error:
        return " ".join(error.messages)
    except PermissionDenied as error:
        return str(error)
    return ""


def _database_refusal(error: IntegrityError | DataError) -> str:
    """Why the database refused the file's listings, for the merchant: the model's message for one of Listing's
    constraints, else the database's own first line."""
    constraint = getattr(getattr(error.__cause__, "diag", None), "constraint_name", None)
    messages = {check.name: check.get_violation_error_message() for check in Listing._meta.constraints}
    message = str(messages.get(constraint) or str(error).strip().splitlines()[0].rstrip(".") + ".")
    return str(REFUSED_BY_DATABASE % {"message": message})
