from celery import shared_task

from merchants.services.registry import merchant_check_licences


@shared_task
def check_licences() -> dict[str, int]:
    """Nightly: licence warnings and suspensions. Running it twice the same day changes nothing more."""
    return merchant_check_licences()
