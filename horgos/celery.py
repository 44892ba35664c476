"""The Celery application: broker from settings (CELERY_*), tasks discovered in every app."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.base")

app = Celery("horgos")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
