from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HorgosConfig(AppConfig):
    name = "horgos"
    verbose_name = _("Horgos")

    def ready(self):
        from horgos import auth_events  # noqa: F401  (connects the sign-in log's receivers)
