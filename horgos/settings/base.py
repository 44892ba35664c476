"""Settings for every environment, read from environment variables.

Production needs nothing but environment variables; `.env.example` lists each one with its default.
Development defaults point at a local PostgreSQL and Redis; `scripts/devservers.py` sets
DATABASE_URL / REDIS_URL to the embedded servers when those are not running.
"""

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

# --- Core -------------------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if DEBUG and not SECRET_KEY:
    # A fixed key is fine for a developer's own machine: nothing signed with it leaves that machine.
    SECRET_KEY = "horgos-development-only-key-never-used-in-production-0123456789"
# Personal data at rest (horgos/encryption.py): Fernet keys, comma-separated, the first one encrypts and every one
# decrypts (`manage.py rotate_field_keys` re-encrypts with the first); and the separate HMAC key of the blind
# indexes that exact and trigram lookups go through. Like SECRET_KEY, fixed keys only for a developer's machine.
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])
BLIND_INDEX_KEY = env.str("BLIND_INDEX_KEY", default="")
# Without them or SECRET_KEY (DEBUG off) the settings still load, so that building the image (collectstatic,
# compilemessages) needs no secret; the web process, the workers and every command that runs the system checks refuse
# to start (horgos.secrets.require_secrets).
if DEBUG:
    FIELD_ENCRYPTION_KEYS = FIELD_ENCRYPTION_KEYS or ["aG9yZ29zLWRldmVsb3BtZW50LW9ubHktZmllbGQta2U="]
    BLIND_INDEX_KEY = BLIND_INDEX_KEY or "horgos-development-only-blind-index-key"
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
    "csp",  # the Content-Security-Policy header (CONTENT_SECURITY_POLICY below); its checks catch old settings
    "django.forms",  # the widget templates, for the TemplatesSetting form renderer (below)
    "rest_framework",
    "axes",
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
    # Outside everything that answers by itself (the body limit, the error pages, whitenoise), so every response
    # carries the policy.
    "csp.middleware.CSPMiddleware",
    # Before anything reads the request body (CSRF reads a form's): a body over REQUEST_BODY_MAX_BYTES is a 413.
    "horgos.middleware.RequestBodyLimitMiddleware",
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
    # After authentication and messages: ends a session idle or too old, with a message on the sign-in page.
    "horgos.sessions.SessionTimeoutMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: turns a sign-in refused for a lockout into the lockout answer (429).
    "axes.middleware.AxesMiddleware",
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
# An optional read replica (DESIGN.md section 7): reports, statistics pages and exports read from it (those marked
# with horgos.db_routers.reads_from_replica, outside any transaction); writes and everything else use the primary.
READ_REPLICA_ALIAS = ""
if env.str("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = env.db_url("DATABASE_REPLICA_URL")
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must name a PostgreSQL database (postgres://...).")
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    READ_REPLICA_ALIAS = "replica"
DATABASE_ROUTERS = ["horgos.db_routers.ReadReplicaRouter"]
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
# The lockout backend first: it refuses a locked-out account or address before the password is even checked.
AUTHENTICATION_BACKENDS = [
    "horgos.lockout.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Client addresses: how many proxies of our own stand in front (each appends to X-Forwarded-For). 0: the address
# that connected is the client's, and X-Forwarded-For (which anyone can send) is ignored by the lockout and the
# throttles alike.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)

# --- Sign-in lockout (django-axes): an account AND, separately, a client address are locked after
# AXES_FAILURE_LIMIT failed sign-ins (the sign-in page and the API token endpoint alike) within the cool-off,
# for AXES_COOLOFF_MINUTES after the last failure, or until an administrator lifts it (Checkpoints → Sign-in
# lockouts). Failures are kept in the database (the administrators' page lists them).
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A success does not wipe the failures: one good account (or a colleague behind the same address) must not reset
# the count of an address guessing at others. Failures older than the cool-off no longer count.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "horgos.lockout.lockout_response"
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
# Successful sign-ins are logged by horgos.auth (horgos/auth_events.py); axes need not keep a table of them.
AXES_DISABLE_ACCESS_LOG = True
AXES_ENABLE_ADMIN = False
AXES_VERBOSE = False
AXES_CLIENT_IP_CALLABLE = "horgos.lockout.client_address"

# --- Sessions: an absolute lifetime and an idle timeout per role (horgos/sessions.py) ---------------
# A session ends SESSION_ABSOLUTE_HOURS after sign-in whatever happens, and after SESSION_IDLE_MINUTES_* without
# a request. Merchants get the same 30 minutes as officers and administrators by default: ASVS level 2 asks
# for it of every account, and a merchant's session can record sales against travellers' allowances.
SESSION_ABSOLUTE_HOURS = env.int("SESSION_ABSOLUTE_HOURS", default=12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 60 * 60
SESSION_IDLE_MINUTES = {
    "officer": env.int("SESSION_IDLE_MINUTES_OFFICER", default=30),
    "administrator": env.int("SESSION_IDLE_MINUTES_ADMINISTRATOR", default=30),
    "merchant": env.int("SESSION_IDLE_MINUTES_MERCHANT", default=30),
}
# Revealing a document number or issuing an API token needs the password typed within this many minutes
# (a sign-in counts), horgos/reauth.py.
REAUTH_MINUTES = env.int("REAUTH_MINUTES", default=5)

# --- API tokens (horgos/tokens.py): days a token works after it is issued (0: until revoked) ----------
PERSONAL_API_TOKEN_DAYS = env.int("PERSONAL_API_TOKEN_DAYS", default=30)
MACHINE_API_TOKEN_DAYS = env.int("MACHINE_API_TOKEN_DAYS", default=365)

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
# Request bodies. A body whose Content-Length is over REQUEST_BODY_MAX_BYTES is answered 413 before anything reads
# it (horgos.middleware.RequestBodyLimitMiddleware): the largest upload (a 5 MB photo or import file) and its form
# fit with room to spare; the proxy's client_max_body_size (deploy/nginx.conf) lies above it, so Django says why.
REQUEST_BODY_MAX_BYTES = env.int("REQUEST_BODY_MAX_BYTES", default=6 * 1024 * 1024)
# What a request may hold in memory apart from its files (form fields, a JSON body): over it is a 400.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
# An uploaded file larger than this is written to a temporary file rather than held in memory while it is read.
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=1024 * 1024)
# No form of the site takes more than one file; a few more for the admin.
DATA_UPLOAD_MAX_NUMBER_FILES = 10
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
# collectstatic with DEBUG off (the image build): only the hashed names are kept, since every page names its files
# through the manifest, and source maps, which only a browser's developer tools fetch, are not compressed. The step
# took 47 s and wrote 43 MB; now 12 s and 19 MB.
WHITENOISE_KEEP_ONLY_HASHED_FILES = True
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = (*Compressor.SKIP_COMPRESS_EXTENSIONS, "map")

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
# Content-Security-Policy (django-csp): scripts, styles and everything else from this site only; nothing inline in
# markup (no <script> bodies, <style> blocks, style="" or on*="" attributes: they live in static/css and static/js),
# no eval. Scripts may still set styles through the DOM (Chart.js sizes its canvases so). `data:` images are the
# icons inside Swagger UI's stylesheet. Photos served by an object store on another origin: add that origin with
# CSP_IMG_SRC. The one page with a looser need, Swagger UI, gets its script from its own view (horgos/urls.py).
_SELF, _NONE = "'self'", "'none'"
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [_SELF],
        "script-src": [_SELF],
        "style-src": [_SELF],
        "img-src": [_SELF, "data:", *env.list("CSP_IMG_SRC", default=[])],
        "connect-src": [_SELF],
        "font-src": [_SELF],
        "object-src": [_NONE],
        "base-uri": [_SELF],
        "form-action": [_SELF],
        "frame-ancestors": [_NONE],
    }
}

# --- REST API ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so an API call without credentials gets 401 with a WWW-Authenticate header.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "horgos.tokens.ApiTokenAuthentication",
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
    # Every request is counted per signed-in user (per address when anonymous), in Redis; public endpoints
    # (catalogue, merchant applications) use AnonRateThrottle instead. Over the rate: 429 with Retry-After.
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_THROTTLE", default="120/minute"),
        "user": env.str("API_USER_THROTTLE", default="600/minute"),
        # Per client address: POST /api/v1/auth/token/ (horgos.api.views.api_token_obtain).
        "auth_token": env.str("API_TOKEN_THROTTLE", default="10/minute"),
        # Per client address: applications sent from the public apply page (merchants/views/public/application.py).
        "merchant_apply": env.str("MERCHANT_APPLY_THROTTLE", default="5/hour"),
        # Personal data, per signed-in user: listing every traveller (administrators), searching travellers,
        # revealing a full document number.
        "travellers_list": env.str("API_TRAVELLERS_LIST_THROTTLE", default="30/hour"),
        "travellers_search": env.str("API_TRAVELLERS_SEARCH_THROTTLE", default="60/minute"),
        "document_reveal": env.str("API_DOCUMENT_REVEAL_THROTTLE", default="20/minute"),
    },
    "NUM_PROXIES": TRUSTED_PROXY_COUNT,
}
# Administrators list travellers this many to a page (the API's other lists use API_PAGE_SIZE).
API_TRAVELLERS_PAGE_SIZE = env.int("API_TRAVELLERS_PAGE_SIZE", default=20)
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
# The most pixels (width × height) a listing photo may have, checked from its header before it is decoded: a
# decoded photo takes 4 bytes a pixel, three times over while it is cleaned (25 million pixels: about 300 MB).
LISTING_PHOTO_MAX_PIXELS = env.int("LISTING_PHOTO_MAX_PIXELS", default=25_000_000)
# Pillow's own guard, for any image the site decodes (horgos.apps sets PIL.Image.MAX_IMAGE_PIXELS to it): it
# warns above it and refuses twice as many.
IMAGE_MAX_PIXELS = env.int("IMAGE_MAX_PIXELS", default=LISTING_PHOTO_MAX_PIXELS)
# A stored response to an Idempotency-Key is replayed for this long.
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)
# An Idempotency-Key claimed by a request that never finished (its process or the database died) is
# abandoned after this many seconds: a retry may then take it over. Longer than any request may run
# (gunicorn kills a worker's request after 30 s), so a request still running is never overtaken.
IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS = env.int("IDEMPOTENCY_CLAIM_TIMEOUT_SECONDS", default=60)

# Spreadsheet uploads (horgos/spreadsheets.py), checked from the zip directory before an XLSX file is unpacked: what
# its parts may unpack to in all (10,000 listings with 300-letter descriptions unpack to about 20 MB), how many
# parts it may have, and how tightly a part of over 1 MB may be packed (a sheet's XML packs 2 to 20 times; a bomb,
# a thousand times).
SPREADSHEET_MAX_UNPACKED_BYTES = env.int("SPREADSHEET_MAX_UNPACKED_BYTES", default=50 * 1024 * 1024)
SPREADSHEET_MAX_PARTS = env.int("SPREADSHEET_MAX_PARTS", default=200)
SPREADSHEET_MAX_COMPRESSION_RATIO = env.int("SPREADSHEET_MAX_COMPRESSION_RATIO", default=100)

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
# Memory: each worker process may map this many MB more than it holds once started (horgos.celery.cap_memory): a
# task that wants more gets a MemoryError (an import fails with a clear message) rather than the machine's memory.
# A process that grew past CELERY_WORKER_MAX_MEMORY_PER_CHILD (in KB, resident) is replaced after its task.
CELERY_WORKER_MEMORY_HEADROOM_MB = env.int("CELERY_WORKER_MEMORY_HEADROOM_MB", default=1024)
CELERY_WORKER_MAX_MEMORY_PER_CHILD = env.int("CELERY_WORKER_MAX_MEMORY_PER_CHILD", default=400_000)
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
    # Every day at 04:10 in TIME_ZONE (Beijing time; 01:10 in Almaty), after both checkpoints' statistics runs:
    # anonymise the travellers whose last exit is older than the stay policy's retention period.
    "anonymise-expired-travellers": {
        "task": "crossings.tasks.anonymise_expired_travellers",
        "schedule": crontab(hour=4, minute=10),
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
# One console handler, with the filter that masks document numbers and drops query strings in every line
# (horgos.log_masking); Django's request and server loggers and Celery's reach it through the root logger, gunicorn's
# through --logger-class horgos.log_masking.GunicornLogger, Celery's workers through horgos/celery.py.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"personal_data": {"()": "horgos.log_masking.PersonalDataFilter"}},
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": ["personal_data"]},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # Django's own configuration gives these loggers handlers that bypass the root's: send them to the root's only.
    "loggers": {
        "django": {"handlers": [], "propagate": True},
        "django.server": {"handlers": [], "propagate": True},
        "django.request": {"handlers": [], "propagate": True},
        "celery": {"handlers": [], "propagate": True},
        # Sign-ins, sign-outs, failures, lockouts, password changes, API tokens issued and revoked: who, when, from
        # which address, never a password or a token (horgos/auth_events.py). django-axes' own lines repeat them.
        "horgos.auth": {"level": env.str("AUTH_LOG_LEVEL", default="INFO")},
        "axes": {"level": "WARNING"},
    },
}
