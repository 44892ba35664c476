from celery import shared_task

from crossings.services.crossings import visit_mark_overstays


@shared_task
def mark_overstays() -> int:
    """Hourly: flag visits still open past must_leave_by. Running it twice flags nothing more."""
    return visit_mark_overstays()
