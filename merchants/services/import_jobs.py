"""How listing import jobs reach the Celery task, and reach it again when something failed on the way.

A job is handed to the task `merchants.tasks.process_listing_import` after its transaction commits. When the
broker cannot be reached, the request still answers, the job waits (`enqueue_failed`, said on its page)
and the sweeper (`listing_import_sweep`, every minute) hands it over once the broker answers. A worker
lost mid-step leaves its job without progress: after IMPORT_STALL_MINUTES the sweeper hands it over
again. A check then starts from the first row; an import's transaction died with its worker, so the
import runs again whole. A step that keeps killing its worker, or runs out of time, fails the job.

The task is queued by name: merchants.tasks calls the import services, so they do not import it back (the
app registers the task when it starts: merchants.apps).
"""

import functools
import logging
from datetime import datetime, timedelta

from celery import current_app
from django.conf import settings
from django.db import models, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from kombu.exceptions import KombuError
from redis.exceptions import RedisError

from merchants.choices import ListingImportState
from merchants.models import ListingImport
from merchants.models.imports import RUNNING_STATES

PROCESS_TASK = "merchants.tasks.process_listing_import"

logger = logging.getLogger(__name__)

QUEUED_FOR_JOB_SERVICE = _(
    "Queued: the job service cannot be reached just now. The work starts by itself when it is back."
)
INTERRUPTED = _("This import was interrupted too many times. Upload the file again, or split it into smaller files.")
TOO_BIG = _("This file needs more memory than an import may take. Split it into smaller files and upload them again.")
TOO_SLOW = _("This file took too long to process. Split it into smaller files and upload them again.")


def listing_import_give_up(*, listing_import_id: int, reason: str) -> str:
    """Fail a job whose step cannot finish (the task ran out of time); a finished job stays as it is.
    Returns the job's state after it."""
    job = ListingImport.objects.filter(pk=listing_import_id).first()
    if job is None:
        return ""
    if job.state not in RUNNING_STATES:
        return job.state
    with translation.override(job.language):
        return listing_import_fail(listing_import=job, reason=str(reason)).state


def listing_import_sweep() -> dict[str, int]:
    """Hand each running job that lost its way to the task again; the sweeper task runs it every minute.

    A job is handed over when the broker could not be reached to start it (`enqueue_failed`), or when
    it showed no progress for IMPORT_STALL_MINUTES (its worker died, or its message was lost). A check
    that stalled goes back to pending, to start again from the first row. A job whose step has already
    begun IMPORT_MAX_ATTEMPTS times fails instead: the file is likely what kills the worker. Jobs whose
    row is locked, by an import under way in its transaction, are skipped rather than waited for.
    Returns {"requeued": n, "failed": n}.
    """
    now = timezone.now()
    requeued: list[int] = []
    failed = 0
    with transaction.atomic():
        stalled = (
            ListingImport.objects.select_for_update(of=("self",), skip_locked=True)
            .filter(state__in=RUNNING_STATES)
            .filter(models.Q(enqueue_failed=True) | models.Q(progress_at__lt=stalled_before()))
            .order_by("pk")
        )
        for job in stalled:
            if job.attempts >= settings.IMPORT_MAX_ATTEMPTS:
                with translation.override(job.language):
                    listing_import_fail(listing_import=job, reason=str(INTERRUPTED))
                failed += 1
                continue
            if job.state == ListingImportState.VALIDATING:
                job.state = ListingImportState.PENDING
                job.processed_rows = 0
            # A new stall period starts with the hand-over, so the next sweeps leave the job to its task.
            job.progress_at = now
            job.save(update_fields=["state", "processed_rows", "progress_at"])
            requeued.append(job.pk)
            transaction.on_commit(functools.partial(listing_import_enqueue, listing_import_id=job.pk))
    if requeued or failed:
        logger.warning("Listing imports handed to the task again: %s; failed as interrupted: %s", requeued, failed)
    return {"requeued": len(requeued), "failed": failed}


def stalled_before() -> datetime:
    """Running jobs without progress since before this have lost their worker."""
    return timezone.now() - timedelta(minutes=settings.IMPORT_STALL_MINUTES)


def listing_import_fail(*, listing_import: ListingImport, reason: str) -> ListingImport:
    """Fail a job that is not finished yet, with the reason its page shows."""
    with transaction.atomic():
        job = ListingImport.objects.select_for_update(of=("self",)).get(pk=listing_import.pk)
        if job.state in (ListingImportState.DONE, ListingImportState.FAILED):
            return job
        job.state = ListingImportState.FAILED
        job.failure = reason[:500]
        job.finished_at = timezone.now()
        job.save(update_fields=["state", "failure", "finished_at"])
    return job


def listing_import_enqueue(*, listing_import_id: int) -> None:
    """Hand a job to the task (after its transaction committed). With the broker unreachable the job
    is marked as waiting for it, for its page and the sweeper, and the request goes on as usual."""
    try:
        current_app.signature(PROCESS_TASK, args=(listing_import_id,)).delay()
    except (KombuError, RedisError) as error:
        # Logged without the traceback: while the broker is down, the sweeper tries again every minute.
        logger.error("Listing import %s not handed to the broker (%s); the sweeper retries", listing_import_id, error)
        ListingImport.objects.filter(pk=listing_import_id).update(enqueue_failed=True)
    else:
        ListingImport.objects.filter(pk=listing_import_id, enqueue_failed=True).update(enqueue_failed=False)
