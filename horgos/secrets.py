"""The secrets a serving process needs: SECRET_KEY and the personal data keys (horgos.encryption.require_keys).

With DEBUG off the settings load without any of them, so that the image builds (collectstatic, compilemessages)
with no secret in a layer. The web process (horgos.wsgi), the Celery workers and the system checks (migrate,
runserver, check) call `require_secrets`, so nothing that signs a session or reads personal data starts without them.
"""

from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured

from horgos.encryption import require_keys

SECRET_KEY_MISSING = "SECRET_KEY must be set when DEBUG is off."


def require_secret_key() -> None:
    try:
        settings.SECRET_KEY  # noqa: B018  (Django refuses to hand out an empty SECRET_KEY)
    except ImproperlyConfigured:
        raise ImproperlyConfigured(SECRET_KEY_MISSING) from None


def require_secrets() -> None:
    """Raise ImproperlyConfigured unless SECRET_KEY and the personal data keys are all set."""
    require_secret_key()
    require_keys()


def secrets_check(app_configs, **kwargs) -> list[checks.Error]:
    """System checks horgos.E001 (the personal data keys are set) and horgos.E002 (SECRET_KEY is set)."""
    errors = []
    for require, check_id in ((require_keys, "horgos.E001"), (require_secret_key, "horgos.E002")):
        try:
            require()
        except ImproperlyConfigured as missing:
            errors.append(checks.Error(str(missing), hint="See .env.example.", id=check_id))
    return errors
