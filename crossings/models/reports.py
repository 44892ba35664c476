"""Annual crossing reports: one row per report asked for, following it from the request to its three files."""

from django.conf import settings
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from crossings.choices import AnnualReportState, ReportFormat
from crossings.models.reference import Checkpoint, scoped_to_checkpoint
from horgos.storage import private_storage

# States in which the report is queued or being written; a report left in one by a fault is handed over again.
RUNNING_STATES = (AnnualReportState.PENDING, AnnualReportState.RUNNING)


class AnnualReportQuerySet(models.QuerySet):
    def visible_to(self, user) -> "AnnualReportQuerySet":
        """Administrators see every report; an officer those of their own checkpoint; anyone else none."""
        return scoped_to_checkpoint(self, user, "checkpoint_id")

    def running(self) -> "AnnualReportQuerySet":
        return self.filter(state__in=RUNNING_STATES)


class AnnualReport(models.Model):
    """The annual crossing report of a year, zone-wide or of one checkpoint, in one language, as CSV, XLSX and PDF.

    pending → running → done, or failed. The figures come from the statistics tables only; the files are kept in
    the private storage (no URL reaches them) and downloaded through a page that checks who asks. While a report
    of a year, scope and language is on its way, the same one cannot be asked for again (a partial unique index).
    """

    year = models.PositiveSmallIntegerField(_("year"))
    # None: the whole zone.
    checkpoint = models.ForeignKey(
        Checkpoint, verbose_name=_("checkpoint"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The files are written in this language (a task knows no request).
    language = models.CharField(_("language"), max_length=10)
    state = models.CharField(
        _("state"), max_length=10, choices=AnnualReportState.choices, default=AnnualReportState.PENDING
    )
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(_("requested at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    # The last day the figures run to (31 December, or the last day filled for a year still under way).
    as_of = models.DateField(_("figures as of"), null=True, blank=True)
    csv_file = models.FileField(_("CSV file"), upload_to="annual-reports/%Y/", storage=private_storage, blank=True)
    xlsx_file = models.FileField(_("XLSX file"), upload_to="annual-reports/%Y/", storage=private_storage, blank=True)
    pdf_file = models.FileField(_("PDF file"), upload_to="annual-reports/%Y/", storage=private_storage, blank=True)
    error = models.CharField(_("reason for the failure"), max_length=500, blank=True)
    # The last sign of life of the work: the request, a step written, a hand-over to the task. A running report
    # without one for ANNUAL_REPORT_STALL_MINUTES lost its worker, and the sweeper hands it over again.
    progress_at = models.DateTimeField(_("last progress"), default=timezone.now)
    # Runs begun: a report that kills its worker each time fails after ANNUAL_REPORT_MAX_ATTEMPTS.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    # The job service (the Celery broker) could not be reached: the page says so, the sweeper tries again.
    enqueue_failed = models.BooleanField(_("waiting for the job service"), default=False)

    objects = AnnualReportQuerySet.as_manager()

    class Meta:
        verbose_name = _("annual report")
        verbose_name_plural = _("annual reports")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state__in=AnnualReportState.values), name="annual_report_state_valid"
            ),
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="annual_report_progress_percent"),
            models.CheckConstraint(
                condition=models.Q(year__gte=2000, year__lte=2999), name="annual_report_year_plausible"
            ),
            # One report of a year, scope and language on its way at a time; the zone (no checkpoint) is one scope.
            models.UniqueConstraint(
                fields=["year", "checkpoint", "language"],
                condition=models.Q(state__in=RUNNING_STATES),
                nulls_distinct=False,
                name="annual_report_once_under_way",
            ),
        ]
        indexes = [
            # The sweeper's query: reports on their way, by their last progress.
            models.Index(
                fields=["progress_at"], condition=models.Q(state__in=RUNNING_STATES), name="annual_report_running_idx"
            ),
        ]

    def __str__(self) -> str:
        scope = self.checkpoint.code if self.checkpoint_id else "zone"
        return f"{self.year} {scope} {self.language} ({self.state})"

    @property
    def is_running(self) -> bool:
        """Queued or being written: the reports page keeps polling for progress."""
        return self.state in RUNNING_STATES

    @property
    def language_name(self) -> str:
        return str(dict(settings.LANGUAGES).get(self.language, self.language))

    def file_of(self, file_format: str) -> FieldFile:
        return {
            ReportFormat.CSV: self.csv_file,
            ReportFormat.XLSX: self.xlsx_file,
            ReportFormat.PDF: self.pdf_file,
        }[file_format]

    @property
    def downloads(self) -> list[str]:
        """The formats whose file is there to download."""
        return [file_format for file_format in ReportFormat.values if self.file_of(file_format)]
