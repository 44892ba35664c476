"""The Celery application: broker from settings (CELERY_*), tasks discovered in every app, and a memory cap on each
worker process."""

import os
import resource

from celery import Celery
from celery.signals import setup_logging, worker_init, worker_process_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.base")

app = Celery("horgos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@setup_logging.connect
def use_the_projects_logging(**kwargs) -> None:
    """Workers and beat log through settings LOGGING (its filter masks document numbers) instead of Celery's own
    handlers, which would bypass it. Connecting this signal is what tells Celery to leave the root logger alone."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)


def address_space_bytes() -> int:
    """The virtual memory this process has mapped now (Linux); 0 where /proc does not tell."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[0]) * resource.getpagesize()
    except (OSError, ValueError, IndexError):
        return 0


def cap_memory(headroom_bytes: int) -> None:
    """Let this process map at most `headroom_bytes` more memory than it has now: past it, an allocation raises
    MemoryError in the task that asked (a listing import records it as its failure) instead of the machine
    running out of memory. 0 leaves the process uncapped."""
    mapped = address_space_bytes()
    if headroom_bytes <= 0 or not mapped:
        return
    limit = mapped + headroom_bytes
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


@worker_process_init.connect
def cap_worker_process_memory(**kwargs) -> None:
    """Each prefork child of the worker, as it starts, is capped at CELERY_WORKER_MEMORY_HEADROOM_MB over what it
    holds after loading Django."""
    from django.conf import settings

    cap_memory(settings.CELERY_WORKER_MEMORY_HEADROOM_MB * 1024 * 1024)


@worker_init.connect
def refuse_to_work_without_the_secrets(**kwargs) -> None:
    """A worker without SECRET_KEY, FIELD_ENCRYPTION_KEYS and BLIND_INDEX_KEY stops at once, rather than failing each
    task that reads a traveller. (Celery logs an exception a signal handler raises and goes on: only SystemExit stops
    it.)"""
    from django.core.exceptions import ImproperlyConfigured

    from horgos.secrets import require_secrets

    try:
        require_secrets()
    except ImproperlyConfigured as missing:
        raise SystemExit(str(missing)) from None
