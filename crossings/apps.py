from importlib import import_module

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CrossingsConfig(AppConfig):
    name = "crossings"
    verbose_name = _("Crossings")

    def ready(self):
        # The report service queues its task by name (the tasks module calls that service), so every process that
        # queues it, the web process included, registers it here: `signature(...).delay()` then goes through the
        # task itself (CELERY_TASK_ALWAYS_EAGER, retries and routing included) rather than a bare message.
        import_module("crossings.tasks")
        # Whatever changes the zone's reference data makes every process reload its cached copy.
        import_module("crossings.selectors.reference").connect_reference_signals()
