"""The Celery application: broker from settings (CELERY_*), tasks discovered in every app."""

import os

from celery import Celery
from celery.signals import setup_logging

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
