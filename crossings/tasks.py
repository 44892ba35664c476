from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

from crossings.services.crossings import visit_mark_overstays
from crossings.services.personal_data import travellers_anonymise_expired
from crossings.services.reports import TOO_SLOW, annual_report_generate, annual_report_give_up, annual_report_sweep
from crossings.services.statistics import statistics_figures_warm, statistics_fill

# A report reads a few hundred statistics rows and renders one PDF: seconds. The limit stays well below the broker's
# visibility timeout (CELERY_BROKER_TRANSPORT_OPTIONS, 20 minutes by default), so a running report is never handed
# to a second worker by the broker.
REPORT_TIME_LIMIT = 10 * 60


@shared_task
def mark_overstays() -> int:
    """Hourly: flag visits still open past must_leave_by. Running it twice flags nothing more."""
    return visit_mark_overstays()


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, retry_backoff_max=900, max_retries=8)
def fill_statistics() -> int:
    """Nightly, after midnight in each checkpoint's zone: fill the statistics up to yesterday and every day marked
    dirty, then compute the day's figures into the cache. Safe to run twice (each day is replaced whole), and retried
    while the database is away."""
    filled = statistics_fill()
    statistics_figures_warm()
    return filled


@shared_task(autoretry_for=(DatabaseError,), retry_backoff=60, retry_backoff_max=900, max_retries=8)
def anonymise_expired_travellers() -> int:
    """Nightly retention: anonymise the travellers whose last exit is older than the retention period. Travellers
    already anonymised are never picked again, so a second run (or a retry) changes nothing."""
    return travellers_anonymise_expired()


@shared_task(
    acks_late=True,
    autoretry_for=(DatabaseError,),
    retry_backoff=True,
    max_retries=5,
    time_limit=REPORT_TIME_LIMIT,
    # A minute earlier, SoftTimeLimitExceeded lets the task record the failure before it is killed.
    soft_time_limit=REPORT_TIME_LIMIT - 60,
)
def generate_annual_report(report_id: int) -> str:
    """Write an annual report's CSV, XLSX and PDF. A finished report is left as it is, and a report another run is
    writing is left to it, so a retried or repeated run changes nothing."""
    try:
        return annual_report_generate(report_id=report_id)
    except SoftTimeLimitExceeded:
        return annual_report_give_up(report_id=report_id, reason=TOO_SLOW)


@shared_task
def sweep_annual_reports() -> dict[str, int]:
    """Every minute: hand stalled or never-queued annual reports to `generate_annual_report` again."""
    return annual_report_sweep()
