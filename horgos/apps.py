from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HorgosConfig(AppConfig):
    name = "horgos"
    verbose_name = _("Horgos")
