import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "horgos.settings.base")

application = get_wsgi_application()

# The web process refuses to start without SECRET_KEY and the personal data keys, rather than failing on its first
# session or traveller.
from horgos.secrets import require_secrets  # noqa: E402  (once Django is set up)

require_secrets()
