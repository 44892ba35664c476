from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MerchantsConfig(AppConfig):
    name = "merchants"
    verbose_name = _("Merchants and shops")

    def ready(self):
        # Celery knows a shared task once its module is imported. The import services queue their task by
        # name (the tasks module calls those services), so every process that queues it, the web process
        # included, registers it here: `signature(...).delay()` then goes through the task itself
        # (CELERY_TASK_ALWAYS_EAGER, retries and routing included) rather than a bare message.
        import_module("merchants.tasks")
