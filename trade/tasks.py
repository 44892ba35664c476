from celery import shared_task
from django.db import DatabaseError

from trade.services.flags import shuttle_traders_flag
from trade.services.statistics import trade_figures_warm, trade_statistics_fill


@shared_task
def flag_shuttle_traders() -> int:
    """Nightly: flag yesterday's shuttle-trader patterns. Running it twice gives the same flags."""
    return shuttle_traders_flag()


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, retry_backoff_max=900, max_retries=8)
def fill_trade_statistics() -> int:
    """Nightly, after midnight on each side's clock: fill the trade statistics up to yesterday and every day marked
    dirty, then compute the trade overview into the cache. Safe to run twice (each day is replaced whole), and retried
    while the database is away."""
    filled = trade_statistics_fill()
    trade_figures_warm()
    return filled
