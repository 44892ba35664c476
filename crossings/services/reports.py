"""Annual crossing reports: asked for on the reports page, written by a Celery task into three files (CSV, XLSX and
PDF) kept in the private storage, and downloaded through a page that checks who asks.

request (pending) → the task writes the files (running, with its progress in percent) → done; or failed, with the
reason the page shows. The figures come from the statistics tables only (crossings.selectors.report).

Faults leave nothing half-done. The report is handed to the task `crossings.tasks.generate_annual_report` once the
request has committed; with the broker out of reach the request still answers, the report waits
(`enqueue_failed`, said on the page) and the sweeper (`annual_report_sweep`, every minute) hands it over once the
broker answers. A report on its way without progress for ANNUAL_REPORT_STALL_MINUTES lost its worker or its message,
and the sweeper hands it over again; after ANNUAL_REPORT_MAX_ATTEMPTS runs begun it fails. Two runs of one report
never write at once: a run holds a session advisory lock on the report while it writes (released when it ends, or by
PostgreSQL when its connection dies with its worker), and a second run that finds it taken leaves the report to the
first. The files are stored only by the run that marks the report done, in the same transaction.

The task is queued by name: crossings.tasks calls these services, so they do not import it back (the app registers
the task when it starts: crossings.apps).
"""

import functools
import logging
import uuid
from datetime import datetime, timedelta

from celery import current_app
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import DatabaseError, connection, models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from crossings.choices import AnnualReportState, ReportFormat
from crossings.models import AnnualReport, Checkpoint
from crossings.models.reports import RUNNING_STATES
from crossings.report_files import report_csv, report_document, report_pdf, report_xlsx
from crossings.selectors import officer_checkpoint
from crossings.selectors.report import annual_report, annual_report_as_of
from horgos.audit import audit_record
from horgos.choices import AuditAction, Role
from horgos.db_routers import reads_from_replica
from horgos.errors import constraint_messages
from horgos.models import User
from horgos.roles import require_role
from horgos.storage import atomic_with_stored_files

GENERATE_TASK = "crossings.tasks.generate_annual_report"
# The advisory lock's first key: "annual report" as a number (any constant; only report runs take it).
REPORT_LOCK = 0x4152  # "AR"

logger = logging.getLogger(__name__)

OWN_CHECKPOINT_ONLY = _("An officer may ask only for the report of their own checkpoint.")
LANGUAGE_UNKNOWN = _("Choose one of the site's languages.")
ALREADY_UNDER_WAY = _("This report is already being written; it appears in the list below when it is ready.")
QUEUED_FOR_JOB_SERVICE = _("Queued: the job service cannot be reached just now. The report is written when it is back.")
INTERRUPTED = _("The writing of this report was interrupted too many times. Ask for it again.")
TOO_SLOW = _("This report took too long to write. Ask for it again.")
NOT_WRITTEN = _("The report could not be written; the error has been logged. Ask for it again.")


def annual_report_request(
    *, year: int, checkpoint: Checkpoint | None, language: str, acting_user: User
) -> AnnualReport:
    """Ask for the annual report of `year`, zone-wide (`checkpoint` None) or of one checkpoint, in `language`; the
    task writes its files once the request has committed. Administrators ask for any report, an officer for their
    own checkpoint's. A year that has not begun or of which the statistics hold nothing is refused (on "year"),
    and so is a report already on its way."""
    require_role(acting_user, Role.ADMINISTRATOR, Role.OFFICER)
    if acting_user.role == Role.OFFICER:
        own = officer_checkpoint(acting_user)
        if own is None or checkpoint is None or checkpoint.pk != own.pk:
            raise PermissionDenied(OWN_CHECKPOINT_ONLY)
    if language not in dict(settings.LANGUAGES):
        raise ValidationError({"language": ValidationError(LANGUAGE_UNKNOWN)})
    annual_report_as_of(year, checkpoint=checkpoint)
    with transaction.atomic():
        report = AnnualReport(year=year, checkpoint=checkpoint, language=language, requested_by=acting_user)
        with constraint_messages({"annual_report_once_under_way": ALREADY_UNDER_WAY}):
            report.save()
        audit_record(
            actor=acting_user,
            action=AuditAction.ANNUAL_REPORT_REQUEST,
            target=report,
            changes={"year": year, "checkpoint": checkpoint.code if checkpoint else "", "language": language},
        )
        transaction.on_commit(functools.partial(annual_report_enqueue, report_id=report.pk))
    return report


def annual_report_enqueue(*, report_id: int) -> None:
    """Hand a report to the task (after its transaction committed). With the broker out of reach the report is
    marked as waiting for it, for its page and the sweeper, and the request goes on as usual."""
    try:
        current_app.signature(GENERATE_TASK, args=(report_id,)).delay()
    except (KombuError, RedisError) as error:
        # Logged without the traceback: while the broker is down, the sweeper tries again every minute.
        logger.error("Annual report %s not handed to the broker (%s); the sweeper retries", report_id, error)
        AnnualReport.objects.filter(pk=report_id).update(enqueue_failed=True)
    else:
        AnnualReport.objects.filter(pk=report_id, enqueue_failed=True).update(enqueue_failed=False)


def stalled_before() -> datetime:
    """Reports on their way without progress since before this have lost their worker or their message."""
    return timezone.now() - timedelta(minutes=settings.ANNUAL_REPORT_STALL_MINUTES)


def _try_lock(report_id: int) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_try_advisory_lock(%s, %s)", [REPORT_LOCK, report_id])
        return cursor.fetchone()[0]


def _unlock(report_id: int) -> None:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_unlock(%s, %s)", [REPORT_LOCK, report_id])
    except DatabaseError:
        # The connection is gone, and the lock with it.
        logger.warning("Could not release the lock of annual report %s", report_id, exc_info=True)


def _progress(report_id: int, percent: int) -> None:
    """Committed as the work goes, for the page to show; it also tells the sweeper the run is alive."""
    AnnualReport.objects.filter(pk=report_id, state=AnnualReportState.RUNNING).update(
        progress=percent, progress_at=timezone.now()
    )


def annual_report_generate(*, report_id: int) -> str:
    """The task's work: write the report's three files and mark it done. A report that is done or failed, or that
    another run is writing, is left as it is, so a retried or repeated run changes nothing. Returns its state."""
    if not _try_lock(report_id):
        return AnnualReportState.RUNNING  # another run is writing it (a duplicate delivery of the task)
    try:
        with transaction.atomic():
            report = (
                AnnualReport.objects.select_for_update(of=("self",))
                .select_related("checkpoint")
                .filter(pk=report_id)
                .first()
            )
            if report is None:
                return ""
            if report.state not in RUNNING_STATES:
                return report.state
            report.state = AnnualReportState.RUNNING
            report.progress = 0
            report.attempts += 1
            report.progress_at = timezone.now()
            report.save(update_fields=["state", "progress", "attempts", "progress_at"])
        # A task knows no request: the report is written in the language it was asked for in.
        with translation.override(report.language):
            try:
                files, as_of = _write_files(report)
            except ValidationError as error:  # the statistics of the year are gone (a rebuild, a restore)
                return annual_report_fail(report_id=report_id, reason=" ".join(error.messages)).state
            except (DatabaseError, SoftTimeLimitExceeded):
                raise  # the task retries once the database answers again, or records that it ran out of time
            except Exception:
                logger.exception("Annual report %s could not be written", report_id)
                return annual_report_fail(report_id=report_id, reason=str(NOT_WRITTEN)).state
        return _finish(report_id, files, as_of)
    finally:
        _unlock(report_id)


def _write_files(report: AnnualReport) -> tuple[dict[str, bytes], object]:
    # The figures may come from a read replica (the progress writes still go to the primary).
    with reads_from_replica():
        figures = annual_report(report.year, checkpoint=report.checkpoint)
    _progress(report.pk, 30)
    document = report_document(figures)
    files = {ReportFormat.CSV: report_csv(document)}
    _progress(report.pk, 40)
    files[ReportFormat.XLSX] = report_xlsx(document)
    _progress(report.pk, 55)
    files[ReportFormat.PDF] = report_pdf(document)
    _progress(report.pk, 95)
    return files, figures.as_of


def _finish(report_id: int, files: dict[str, bytes], as_of) -> str:
    with atomic_with_stored_files() as stored:
        report = AnnualReport.objects.select_for_update(of=("self",)).select_related("checkpoint").get(pk=report_id)
        if report.state != AnnualReportState.RUNNING:
            return report.state  # failed meanwhile (the sweeper gave up on it): its files are not kept
        scope = report.checkpoint.code.lower() if report.checkpoint else "zone"
        # The stored names are random, so that no name can be guessed; downloads are named by the page.
        stem = f"annual-report-{report.year}-{scope}-{report.language}-{uuid.uuid4().hex}"
        for file_format, content in files.items():
            field = report.file_of(file_format)
            field.save(f"{stem}.{file_format}", ContentFile(content), save=False)
            stored.add(field)
        report.state = AnnualReportState.DONE
        report.progress = 100
        report.as_of = as_of
        report.error = ""
        report.enqueue_failed = False
        report.finished_at = timezone.now()
        report.save()
    return report.state


def annual_report_fail(*, report_id: int, reason: str) -> AnnualReport:
    """Fail a report that is not finished yet, with the reason its page shows."""
    with transaction.atomic():
        report = AnnualReport.objects.select_for_update(of=("self",)).get(pk=report_id)
        if report.state not in RUNNING_STATES:
            return report
        report.state = AnnualReportState.FAILED
        report.error = reason[:500]
        report.finished_at = timezone.now()
        report.save(update_fields=["state", "error", "finished_at"])
    return report


def annual_report_give_up(*, report_id: int, reason: str) -> str:
    """Fail a report whose writing cannot finish (the task ran out of time); a finished one stays as it is."""
    report = AnnualReport.objects.filter(pk=report_id).first()
    if report is None:
        return ""
    with translation.override(report.language):
        return annual_report_fail(report_id=report_id, reason=str(reason)).state


def annual_report_sweep() -> dict[str, int]:
    """Hand each report on its way that lost its way to the task again; the sweeper task runs it every minute.

    A report is handed over when the broker could not be reached to start it (`enqueue_failed`), or when it showed
    no progress for ANNUAL_REPORT_STALL_MINUTES (its worker died, or its message was lost). One whose writing has
    begun ANNUAL_REPORT_MAX_ATTEMPTS times fails instead. Reports whose row is locked are skipped, not waited for.
    Returns {"requeued": n, "failed": n}.
    """
    requeued: list[int] = []
    failed = 0
    with transaction.atomic():
        lost = (
            AnnualReport.objects.select_for_update(of=("self",), skip_locked=True)
            .running()
            .filter(models.Q(enqueue_failed=True) | models.Q(progress_at__lt=stalled_before()))
            .order_by("pk")
        )
        for report in lost:
            if report.attempts >= settings.ANNUAL_REPORT_MAX_ATTEMPTS:
                with translation.override(report.language):
                    report.state = AnnualReportState.FAILED
                    report.error = str(INTERRUPTED)
                report.finished_at = timezone.now()
                report.save(update_fields=["state", "error", "finished_at"])
                failed += 1
                continue
            # A new stall period starts with the hand-over, so the next sweeps leave the report to its task.
            report.progress_at = timezone.now()
            report.save(update_fields=["progress_at"])
            requeued.append(report.pk)
            transaction.on_commit(functools.partial(annual_report_enqueue, report_id=report.pk))
    if requeued or failed:
        logger.warning("Annual reports handed to the task again: %s; failed as interrupted: %s", requeued, failed)
    return {"requeued": len(requeued), "failed": failed}
