from celery import shared_task
from django.db import DatabaseError

from crossings.services.crossings import visit_mark_overstays
from crossings.services.statistics import statistics_fill


@shared_task
def mark_overstays() -> int:
    """Hourly: flag visits still open past must_leave_by. Running it twice flags nothing more."""
    return visit_mark_overstays()


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, retry_backoff_max=900, max_retries=8)
def fill_statistics() -> int:
    """Nightly, after midnight in each checkpoint's zone: fill the statistics up to yesterday and every day marked
    dirty. Safe to run twice (each day is replaced whole), and retried while the database is away."""
    return statistics_fill()
