"""Bulk imports of listings: one row per uploaded file, following it from upload to the listings it created."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from horgos.storage import private_storage
from merchants.choices import ListingImportFormat, ListingImportState
from merchants.models.registry import Merchant

# States in which work is queued or under way; a job left in one of them by a fault is handed to the task again.
RUNNING_STATES = (ListingImportState.PENDING, ListingImportState.VALIDATING, ListingImportState.IMPORTING)


class ListingImport(models.Model):
    """A CSV or XLSX file of listings a merchant's staff uploaded, and what became of it.

    pending → validating → validated → importing → done; any step may end in failed. Checking writes
    nothing but this row (its counts and `errors`); only importing, which a person asks for after
    reading the report, creates listings: the valid rows, as drafts, in one transaction.
    """

    merchant = models.ForeignKey(
        Merchant, verbose_name=_("merchant"), on_delete=models.CASCADE, related_name="listing_imports"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT, related_name="+"
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    # Private: the file may hold prices and stock a merchant has not published; no URL serves it.
    file = models.FileField(_("file"), upload_to="listing-imports/%Y/%m/", storage=private_storage)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=4, choices=ListingImportFormat.choices)
    # The language of the person who uploaded: a background check writes its messages in it.
    language = models.CharField(_("language"), max_length=10, default="en")
    state = models.CharField(
        _("state"), max_length=10, choices=ListingImportState.choices, default=ListingImportState.PENDING
    )
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    processed_rows = models.PositiveIntegerField(_("rows checked"), default=0)
    valid_rows = models.PositiveIntegerField(_("valid rows"), default=0)
    imported_rows = models.PositiveIntegerField(_("listings created"), default=0)
    # [{"row": 7, "column": "price", "message": "..."}]: row as numbered in the file (header = 1).
    errors = models.JSONField(_("problems"), default=list, blank=True)
    failure = models.CharField(_("reason for the failure"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last sign of life of the work: upload, a step begun, rows checked, a hand-over to the task.
    # A running job without one for IMPORT_STALL_MINUTES lost its worker, and the sweeper hands it over again.
    progress_at = models.DateTimeField(_("last progress"), default=timezone.now)
    # Runs of the current step begun (check, or import): a file that kills its worker each time is
    # failed after IMPORT_MAX_ATTEMPTS instead of being handed over forever.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The job service (the Celery broker) could not be reached to start the current step: the page says
    # so, and the sweeper hands the job over as soon as the broker answers again.
    enqueue_failed = models.BooleanField(_("waiting for the job service"), default=False)

    class Meta:
        verbose_name = _("listing import")
        verbose_name_plural = _("listing imports")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=ListingImportState.values), name="listing_import_state_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(file_format__in=ListingImportFormat.values), name="listing_import_format_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(processed_rows__lte=models.F("total_rows"))
                & models.Q(valid_rows__lte=models.F("total_rows"))
                & models.Q(imported_rows__lte=models.F("valid_rows")),
                name="listing_import_counts_consistent",
            ),
        ]
        indexes = [
            models.Index(fields=["merchant", "-created_at"], name="listing_import_merchant_idx"),
            # The sweeper's query, every minute: running jobs by their last progress.
            models.Index(
                fields=["progress_at"], condition=models.Q(state__in=RUNNING_STATES), name="listing_import_running_idx"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.original_name} ({self.get_state_display()})"

    @property
    def is_running(self) -> bool:
        """Work is under way (or queued): the page keeps polling for progress."""
        return self.state in RUNNING_STATES

    @property
    def invalid_rows(self) -> int:
        return len({error["row"] for error in self.errors})

    @property
    def percent_done(self) -> int:
        if self.state in (ListingImportState.VALIDATED, ListingImportState.DONE):
            return 100
        return round(100 * self.processed_rows / self.total_rows) if self.total_rows else 0
