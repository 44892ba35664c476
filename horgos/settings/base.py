"""Settings for every environment, read from environment variables.

Production needs nothing but environment variables; `.env.example` lists each one with its default.
Development defaults point at a local PostgreSQL and Redis; `scripts/devservers.py` sets
DATABASE_URL / REDIS_URL to the embedded servers when those are not running.
"""

from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # A fixed key is fine for a developer's own machine: nothing signed with it leaves that machine.
    SECRET_KEY = "horgos-development-only-key-never-used-in-production-0123456789"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.forms",  # the widget templates, for the TemplatesSetting form renderer (below)
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "django_countries",
    "django_tables2",
    "horgos",
    "crossings",
    "merchants",
    "trade",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outside every middleware that may touch the database (sessions, auth): the database being out of
    # reach is a 503 and /api/ errors are JSON, DEBUG on or off. After security, which adds its headers.
    "horgos.middleware.ErrorResponseMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "horgos.urls"
WSGI_APPLICATION = "horgos.wsgi.application"
ASGI_APPLICATION = "horgos.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "horgos.context_processors.navigation",
                "merchants.context_processors.unread_notifications",
            ],
        },
    },
]

# --- Database: PostgreSQL only, so constraints, locking and date functions are the real ones ---
DATABASES = {"default": env.db_url("DATABASE_URL", default="postgres://postgres@127.0.0.1:5432/horgos")}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must name a PostgreSQL database (postgres://...).")
# Reuse connections in gunicorn's workers; not with DEBUG (runserver), whose thread per request would
# keep one open each until PostgreSQL refuses more clients.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis: Celery broker and the cache (throttling, cached public figures) ----------------------
REDIS_URL = env.str("REDIS_URL", default="redis://127.0.0.1:6379/0")


def celery_broker_url_for(redis_url: str) -> str:
    """Celery (kombu) spells a Redis unix socket `redis+socket://`, redis-py spells it `unix://`."""
    if redis_url.startswith("unix://"):
        return "redis+socket://" + redis_url.removeprefix("unix://")
    return redis_url


CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=celery_broker_url_for(REDIS_URL))
# Redis out of reach is a cache miss, logged, not an error (horgos/cache.py); the timeouts keep a Redis
# that does not answer from holding a request longer than this.
REDIS_CACHE_TIMEOUT_SECONDS = env.float("REDIS_CACHE_TIMEOUT_SECONDS", default=0.5)
CACHES = {
    "default": {
        "BACKEND": "horgos.cache.FailOpenRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "horgos",
        "OPTIONS": {
            "socket_connect_timeout": REDIS_CACHE_TIMEOUT_SECONDS,
            "socket_timeout": REDIS_CACHE_TIMEOUT_SECONDS,
        },
    }
}

# --- Authentication ---------------------------------------------------------------------------
AUTH_USER_MODEL = "horgos.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "landing"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- Languages and time -----------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("zh-hans", _("Chinese")),
    ("kk", _("Kazakh")),
    ("ru", _("Russian")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
# Dates, times and numbers per language (Django has no Kazakh formats): horgos/formats/<language>/formats.py.
FORMAT_MODULE_PATH = ["horgos.formats"]
# A filter left empty says so in words ("Any"), not with Django's "---------"; a form's empty choice likewise
# (templates/django/forms/widgets/select_option.html, through the TemplatesSetting renderer).
FILTERS_EMPTY_CHOICE_LABEL = _("Any")
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
# Times are stored in UTC and shown in the checkpoint's zone; elsewhere in this default zone.
USE_TZ = True
TIME_ZONE = env.str("TIME_ZONE", default="Asia/Shanghai")

# --- Static files and uploads -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
# Uploads only the application reads (bulk import files): never under MEDIA_ROOT, which anyone may fetch.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "var" / "private")
if Path(PRIVATE_MEDIA_ROOT).resolve().is_relative_to(Path(MEDIA_ROOT).resolve()):
    raise ImproperlyConfigured("PRIVATE_MEDIA_ROOT must lie outside MEDIA_ROOT: files under MEDIA_ROOT are public.")
STORAGES = {
    # Uploads go through the storage API so an object store can replace the disk by configuration.
    # "default" holds what pages show (listing photos), served under MEDIA_URL.
    "default": {"BACKEND": env.str("FILE_STORAGE_BACKEND", default="django.core.files.storage.FileSystemStorage")},
    # "private" holds what no URL may serve (import files); the default class has no URL at all.
    "private": {"BACKEND": env.str("PRIVATE_FILE_STORAGE_BACKEND", default="horgos.storage.PrivateFileSystemStorage")},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security (check --deploy is clean when DEBUG is off and HTTPS settings are on) -------------
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
# Behind a TLS-terminating proxy, set SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https.
_proxy_ssl_header = env.tuple("SECURE_PROXY_SSL_HEADER", default=())
SECURE_PROXY_SSL_HEADER = _proxy_ssl_header or None
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an API call without credentials gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": env.int("API_PAGE_SIZE", default=50),
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "horgos.api.exceptions.api_exception_handler",
    # Public endpoints (catalogue, merchant applications) use AnonRateThrottle, counted in Redis.
    "DEFAULT_THROTTLE_RATES": {"anon": env.str("API_ANON_THROTTLE", default="120/minute")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Horgos API",
    "DESCRIPTION": "Crossings, merchants and duty-free trade of the Horgos International Border Cooperation Center.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # The enums of choice fields as components (drf-spectacular's default), then the error answers of every operation.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "horgos.api.schema.document_errors",
    ],
    # One name for each choice set used by several fields.
    "ENUM_NAME_OVERRIDES": {
        "CountryEnum": "django_countries.countries",
        "NationalityEnum": "crossings.nationalities.nationalities",
        "CheckpointCodeEnum": "crossings.choices.CheckpointCode",
        "VisitStateEnum": "crossings.choices.VisitState",
        "MerchantStateEnum": "merchants.choices.MerchantState",
        "ShopStateEnum": "merchants.choices.ShopState",
        "ListingStateEnum": "merchants.choices.ListingState",
    },
}
# How far a crossing's occurred_at may lie ahead of the server clock (clock skew of lane devices),
# and how far back one may be recorded (crossings written down during an outage).
CROSSING_CLOCK_TOLERANCE_SECONDS = env.int("CROSSING_CLOCK_TOLERANCE_SECONDS", default=120)
CROSSING_BACKDATE_LIMIT_HOURS = env.int("CROSSING_BACKDATE_LIMIT_HOURS", default=24)
# Merchants are warned this many days before their business licence expires.
MERCHANT_LICENCE_WARNING_DAYS = env.int("MERCHANT_LICENCE_WARNING_DAYS", default=30)
# Listing photos: the largest upload accepted, and the longest side of the thumbnail.
LISTING_PHOTO_MAX_BYTES = env.int("LISTING_PHOTO_MAX_BYTES", default=5 * 1024 * 1024)
LISTING_THUMBNAIL_PIXELS = env.int("LISTING_THUMBNAIL_PIXELS", default=400)
# A stored response to an Idempotency-Key is replayed for this long.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# An Idempotency-Key claimed by a request that never finished (its process or the database died) is
# abandoned after this many seconds: a retry may then take it over. Longer than any request may run
# (gunicorn kills a worker's request after 30 s), so a request still running is never overtaken.
IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS = env.int("IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS", default=60)

# Listing imports (merchants/services/imports.py): a running job without progress for this many minutes
# lost its worker, and the sweeper hands it to the task again (a check reports progress every 25 rows).
IMPORT_STALL_MINUTES = env.int("IMPORT_STALL_MINUTES", default=5)
# A job whose step began this many times without finishing fails, rather than killing a worker forever.
IMPORT_MAX_ATTEMPTS = env.int("IMPORT_MAX_ATTEMPTS", default=3)
# The import task is stopped after this many seconds (it gets a minute's warning to record its failure):
# a file of the largest size allowed (10,000 rows) is checked or imported well within it.
IMPORT_TASK_TIME_LIMIT_SECONDS = env.int("IMPORT_TASK_TIME_LIMIT_SECONDS", default=15 * 60)

# Annual crossing reports (crossings/services/reports.py): a report on its way without progress for this many
# minutes lost its worker (or its message), and the sweeper hands it to the task again; a report whose writing
# began this many times without finishing fails.
ANNUAL_REPORT_STALL_MINUTES = env.int("ANNUAL_REPORT_STALL_MINUTES", default=5)
ANNUAL_REPORT_MAX_ATTEMPTS = env.int("ANNUAL_REPORT_MAX_ATTEMPTS", default=3)

# --- Celery -----------------------------------------------------------------------------------
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# With acks_late, a task's message stays unacknowledged in Redis while it runs (or, retried, while it
# waits for its countdown, at most 10 minutes), and Redis gives it to another worker once the visibility
# timeout passes. So it must outlast the longest task, the listing import (IMPORT_TASK_TIME_LIMIT_SECONDS),
# or that task would run twice; five minutes more is the margin. A killed worker's message comes back only
# after this long, which is why the import sweeper does not wait for it. A task allowed to run longer
# must raise this with it.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": IMPORT_TASK_TIME_LIMIT_SECONDS + 5 * 60}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# django-celery-beat copies this schedule into the database when beat starts; edit it in the admin.
CELERY_BEAT_SCHEDULE = {
    # Every day at 01:00 in TIME_ZONE: warn merchants whose licence expires soon, suspend expired ones.
    "check-merchant-licences": {
        "task": "merchants.tasks.check_licences",
        "schedule": crontab(hour=1, minute=0),
    },
    # Every hour at five past: flag the visits whose must_leave_by has passed. A visit ends at the end of a local
    # day in its checkpoint's zone (midnight in Beijing is 21:00 in Almaty, UTC+5), so a run every hour flags each
    # one within the hour, whichever checkpoint it entered by.
    "mark-overstays": {
        "task": "crossings.tasks.mark_overstays",
        "schedule": crontab(minute=5),
    },
    # Every day at 00:05 in TIME_ZONE: drop Idempotency-Key records older than their replay window.
    "purge-expired-idempotency-keys": {
        "task": "horgos.tasks.purge_expired_idempotency_keys",
        "schedule": crontab(hour=0, minute=5),
    },
    # Statistics, after midnight in each checkpoint's zone: at 00:20 Beijing time for the Chinese checkpoint, and at
    # 03:20 Beijing time, which is 00:20 in Almaty (UTC+5), for the Kazakh one. Each run fills every checkpoint up to
    # its own yesterday and every dirty day, so a run that finds nothing new is cheap.
    "fill-statistics-cn": {
        "task": "crossings.tasks.fill_statistics",
        "schedule": crontab(hour=0, minute=20),
    },
    "fill-statistics-kz": {
        "task": "crossings.tasks.fill_statistics",
        "schedule": crontab(hour=3, minute=20),
    },
    # Trade statistics, after midnight on each side's clock, twenty minutes after the traffic statistics: at 00:40
    # Beijing time for the Chinese side (its shops, its allowance, and the shipments), and at 03:40 Beijing time,
    # which is 00:40 in Almaty (UTC+5), for the Kazakh side. Each run fills both sides up to their own yesterday and
    # every dirty day.
    "fill-trade-statistics-cn": {
        "task": "trade.tasks.fill_trade_statistics",
        "schedule": crontab(hour=0, minute=40),
    },
    "fill-trade-statistics-kz": {
        "task": "trade.tasks.fill_trade_statistics",
        "schedule": crontab(hour=3, minute=40),
    },
    # Every day at 02:30 in TIME_ZONE (Beijing time; 23:30 of the day before in Almaty): flag yesterday's
    # shuttle-trader patterns (many entries, purchases near the allowance on most of them).
    "flag-shuttle-traders": {
        "task": "trade.tasks.flag_shuttle_traders",
        "schedule": crontab(hour=2, minute=30),
    },
    # Every minute, all day: hand annual reports that stalled, or never reached the broker, to the task again.
    "sweep-annual-reports": {
        "task": "crossings.tasks.sweep_annual_reports",
        "schedule": crontab(minute="*"),
    },
    # Every minute, all day: hand listing imports that stalled, or never reached the broker, to the task again.
    "sweep-listing-imports": {
        "task": "merchants.tasks.sweep_listing_imports",
        "schedule": crontab(minute="*"),
    },
}

# --- Logging: to stderr, where gunicorn, Celery and docker collect it ---------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
