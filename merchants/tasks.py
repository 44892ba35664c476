from celery import shared_task
from django.db import OperationalError

from merchants.services.imports import listing_import_process
from merchants.services.registry import merchant_check_licences


@shared_task
def check_licences() -> dict[str, int]:
    """Nightly: licence warnings and suspensions. Running it twice the same day changes nothing more."""
    return merchant_check_licences()


@shared_task(autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def process_listing_import(listing_import_id: int) -> str:
    """Check a large listing file's rows, or import its valid rows, whichever step the job waits for.
    A finished job is left as it is, so a retried or repeated run changes nothing."""
    return listing_import_process(listing_import_id=listing_import_id)
