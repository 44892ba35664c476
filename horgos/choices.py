from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    OFFICER = "officer", _("Border officer")
    MERCHANT = "merchant", _("Merchant")
    ADMINISTRATOR = "administrator", _("Administrator")
