from celery import shared_task

from horgos.api.idempotency import idempotency_purge_expired


@shared_task
def purge_expired_idempotency_keys() -> int:
    """Nightly; running it twice changes nothing more."""
    return idempotency_purge_expired()
