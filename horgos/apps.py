from django.apps import AppConfig
from django.conf import settings
from django.core import checks
from django.utils.translation import gettext_lazy as _


class HorgosConfig(AppConfig):
    name = "horgos"
    verbose_name = _("Horgos")

    def ready(self) -> None:
        from PIL import Image

        from horgos import auth_events  # noqa: F401  (connects the sign-in log's receivers)
        from horgos.secrets import secrets_check

        checks.register(secrets_check)

        # Pillow refuses (DecompressionBombError) an image of more than twice this many pixels as it opens it,
        # before decoding, wherever the site opens one; listing photos have their own, lower limit
        # (merchants.services.listings.photo_check_pixels).
        Image.MAX_IMAGE_PIXELS = settings.IMAGE_MAX_PIXELS
