import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.base")

application = get_wsgi_application()

# The web process refuses to start without the personal data keys, rather than failing on its first traveller.
from horgos.encryption import require_keys  # noqa: E402  (once Django is set up)

require_keys()
