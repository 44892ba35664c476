from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.db import OperationalError

from merchants.services.import_jobs import TOO_BIG, TOO_SLOW, listing_import_give_up, listing_import_sweep
from merchants.services.imports import listing_import_process
from merchants.services.registry import merchant_check_licences

IMPORT_TIME_LIMIT = settings.IMPORT_TASK_TIME_LIMIT_SECONDS


@shared_task
def check_licences() -> dict[str, int]:
    """Nightly: licence warnings and suspensions. Running it twice the same day changes nothing more."""
    return merchant_check_licences()


@shared_task(
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=5,
    # The longest task of all: CELERY_BROKER_TRANSPORT_OPTIONS' visibility timeout is set above this limit.
    time_limit=IMPORT_TIME_LIMIT,
    # Up to a minute earlier, SoftTimeLimitExceeded lets the task record the failure before it is killed.
    soft_time_limit=IMPORT_TIME_LIMIT - min(60, IMPORT_TIME_LIMIT // 10),
)
def process_listing_import(listing_import_id: int) -> str:
    """Check a large listing file's rows, or import its valid rows, whichever step the job waits for.
    A finished job is left as it is, so a retried or repeated run changes nothing."""
    try:
        return listing_import_process(listing_import_id=listing_import_id)
    except SoftTimeLimitExceeded:
        # The step's transaction was undone; running it again would only time out again.
        return listing_import_give_up(listing_import_id=listing_import_id, reason=TOO_SLOW)
    except MemoryError:
        # Past the worker's memory cap (horgos.celery): what the step held is freed by now, and running it again
        # would only need as much again.
        return listing_import_give_up(listing_import_id=listing_import_id, reason=TOO_BIG)


@shared_task
def sweep_listing_imports() -> dict[str, int]:
    """Every minute: hand stalled or never-queued imports to `process_listing_import` again."""
    return listing_import_sweep()
