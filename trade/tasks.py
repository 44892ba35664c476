from celery import shared_task

from trade.services.flags import shuttle_traders_flag


@shared_task
def flag_shuttle_traders() -> int:
    """Nightly: flag yesterday's shuttle-trader patterns. Running it twice gives the same flags."""
    return shuttle_traders_flag()
