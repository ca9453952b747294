"""Settings for every environment, read from the environment (12-factor).

With nothing set this is the embedded default: SQLite, Celery tasks run eagerly in the
web process and e-mail goes to the console, so one command shows the whole flow.
"""

import os
from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from expo.core.network import trusted_proxy_networks

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()
# A file of variables is read only when named: a production env file lying around (e.g.
# deploy/production.env) must never turn a local `manage.py` into the production site.
if os.environ.get("ENV_FILE"):
    if not Path(os.environ["ENV_FILE"]).is_file():
        raise ImproperlyConfigured(f"ENV_FILE {os.environ['ENV_FILE']} is not a file.")
    env.read_env(os.environ["ENV_FILE"], overwrite=False)

# --- Core ---------------------------------------------------------------------------
DEBUG = env.bool("DEBUG", default=True)
SECRET_KEY = env("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG off it must be set to 50+ random characters, "
            "e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'."
        )
    SECRET_KEY = "insecure-embedded-default-key-only-for-local-demo-and-tests"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "knox",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "csp",
    "expo.core",
    "expo.accounts",
    "expo.events",
    "expo.exhibitors",
    "expo.bookings",
    "expo.staff",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "expo.core.middleware.DatabaseUnavailableMiddleware",
]

# --- Content-Security-Policy (django-csp) ------------------------------------------
# https://django-csp.readthedocs.io/ — every page: scripts, styles, images and fetches
# from this site only, no inline script. Inline style stays allowed: the admin's
# widgets and the Swagger UI page set style attributes.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:"],  # the favicon and Swagger UI's icons are data: URLs
        "font-src": [SELF],
        "connect-src": [SELF],
        "worker-src": [SELF],
        "manifest-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "expo.core.context_processors.role_menu",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------
# DATABASE_URL=postgres://user@host:5432/expo in production; SQLite file otherwise.
DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # SQLite serialises writers; wait for the lock instead of failing at once.
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -----------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "/login/"
# Links in verification and password-reset mails stop working after this (Django's setting).
PASSWORD_RESET_TIMEOUT = env.int("PASSWORD_RESET_TIMEOUT", default=60 * 60 * 24)
# API tokens (django-rest-knox): only a hash is stored; each log-in is one device's token.
API_TOKEN_TTL_DAYS = env.int("API_TOKEN_TTL_DAYS", default=30)
REST_KNOX = {
    "TOKEN_TTL": timedelta(days=API_TOKEN_TTL_DAYS),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

# --- Languages and time -------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("sv", "Svenska")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"  # stored and served in UTC; shown in EXPO_TIME_ZONE
EXPO_TIME_ZONE = "Europe/Stockholm"

# --- Static and media ---------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "static")
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "var" / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

# --- Cache and Redis ----------------------------------------------------------------
REDIS_URL = env("REDIS_URL", default="")
if REDIS_URL:
    # Only rate limits live here, and they let requests through while Redis is away
    # (expo/core/throttling.py): a stalled Redis must cost a request half a second, not 30.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- E-mail -------------------------------------------------------------------------
# EMAIL_URL=smtp://host:port, smtp+tls://user:pass@host:587 or consolemail://
_email = env.email_url("EMAIL_URL", default="consolemail://")
if _email["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend":
    # Each e-mail as a reader sees it, not pages of MIME and base64 QR codes.
    _email["EMAIL_BACKEND"] = "expo.core.mail.ConsoleEmailBackend"
vars().update(_email)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="H22 City Expo <biljetter@h22.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")

# --- Celery (https://docs.celeryq.dev/en/stable/userguide/configuration.html) ------
# Eager tasks still take a producer from the pool; a memory URL without a host makes kombu
# warn "No hostname was supplied" on every task, as if a broker were missing.
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = "UTC"
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# What a task prints (the console e-mail backend) stays as printed, not a WARNING per line.
CELERY_WORKER_REDIRECT_STDOUTS = False
# A message not acked within this time is redelivered (a worker died mid-task).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 15 * 60}
# Every queue a task is routed to is declared, so a plain `celery -A config worker`
# consumes them all; `-Q mail` still dedicates a worker to one.
CELERY_TASK_QUEUES = (Queue("default"), Queue("mail"), Queue("housekeeping"))
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {
    "expo.bookings.tasks.deliver_*": {"queue": "mail"},
    "expo.bookings.tasks.*": {"queue": "housekeeping"},
    "expo.core.tasks.*": {"queue": "housekeeping"},
}
CELERY_BEAT_SCHEDULE = {
    "expire-waitlist-offers": {
        "task": "expo.bookings.tasks.expire_waitlist_offers",
        "schedule": timedelta(minutes=1),
    },
    "release-no-shows": {
        "task": "expo.bookings.tasks.release_no_shows",
        "schedule": timedelta(minutes=1),
    },
    "purge-idempotency-keys": {
        "task": "expo.bookings.tasks.purge_idempotency_keys",
        "schedule": crontab(minute=17),
    },
    # The outbox's safety net: mail whose task was never queued or was lost.
    "sweep-notifications": {
        "task": "expo.bookings.tasks.sweep_notifications",
        "schedule": timedelta(minutes=1),
    },
    "queue-due-reminders": {
        "task": "expo.bookings.tasks.queue_due_reminders",
        "schedule": timedelta(minutes=5),
    },
    # Retention: docs/privacy.md.
    "purge-personal-data": {
        "task": "expo.core.tasks.purge_personal_data",
        "schedule": crontab(hour=3, minute=41),
    },
}

# --- REST API -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # JSON only: the contract's bodies, also for a browser (DRF's HTML "browsable API"
    # would answer errors as HTML pages). Swagger UI at /api/docs/ is the API browser.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "expo.core.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_METADATA_CLASS": "expo.core.metadata.ApiMetadata",
    "DEFAULT_PAGINATION_CLASS": "expo.core.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "expo.core.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_RATES": {
        "login": env("THROTTLE_LOGIN", default="10/min"),
        "register": env("THROTTLE_REGISTER", default="20/hour"),
        "booking": env("THROTTLE_BOOKING", default="30/min"),
        "waitlist": env("THROTTLE_WAITLIST", default="30/min"),
        "login_link": env("THROTTLE_LOGIN_LINK", default="60/hour"),
        "login_link_email": env("THROTTLE_LOGIN_LINK_EMAIL", default="5/hour"),
    },
    "DATETIME_FORMAT": "iso-8601",
    "COERCE_DECIMAL_TO_STRING": False,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "H22 City Expo API",
    "DESCRIPTION": "Programme, bookings, tickets and entrance scanning for H22 City Expo.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI's files come from this site (drf-spectacular-sidecar), not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # No validator badge: it would be fetched from validator.swagger.io.
    "SWAGGER_UI_SETTINGS": {"deepLinking": True, "validatorUrl": None},
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "SessionStatusEnum": "expo.events.models.Session.Status",
        "BookingStatusEnum": "expo.bookings.models.Booking.Status",
        "TicketStatusEnum": "expo.bookings.models.Ticket.Status",
        "WaitlistStatusEnum": "expo.bookings.models.WaitlistEntry.Status",
    },
}

# The reverse proxies whose X-Forwarded-For is believed (addresses or networks, e.g. the
# compose network); from anyone else the header is ignored (expo/core/network.py).
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])
try:
    trusted_proxy_networks(tuple(TRUSTED_PROXIES))
except ValueError as exc:
    raise ImproperlyConfigured(str(exc)) from None

# --- Uploads ------------------------------------------------------------------------
# A body is refused before it is stored: form fields by Django (DATA_UPLOAD_MAX_MEMORY_SIZE),
# files by expo/core/uploads.py (the logo allows 2 MB). The proxy's limit
# (deploy/Caddyfile) sits just above this one.
UPLOAD_MAX_BYTES = env.int("UPLOAD_MAX_BYTES", default=5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # Django's default, said out loud
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440  # larger files go to a temporary file, not memory
FILE_UPLOAD_HANDLERS = [
    "expo.core.uploads.UploadSizeLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# --- Expo rules ---------------------------------------------------------------------
MAX_BOOKINGS_PER_VISITOR_PER_DAY = env.int("MAX_BOOKINGS_PER_VISITOR_PER_DAY", default=6)
# Open waitlist entries (waiting or offered) one visitor may hold at once.
MAX_OPEN_WAITLIST_ENTRIES_PER_VISITOR = env.int("MAX_OPEN_WAITLIST_ENTRIES_PER_VISITOR", default=6)
# Other people's addresses one account may have the expo mail in a day (attendees' own
# tickets, exhibitor invitations); docs/api.md says what happens past it.
MAX_ATTENDEE_RECIPIENTS_PER_DAY = env.int("MAX_ATTENDEE_RECIPIENTS_PER_DAY", default=20)
WAITLIST_OFFER_MINUTES = env.int("WAITLIST_OFFER_MINUTES", default=30)
IDEMPOTENCY_KEY_TTL = timedelta(hours=24)

# --- Security (https://docs.djangoproject.com/en/5.2/howto/deployment/checklist/) ---
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
if not DEBUG:
    # TLS ends at the proxy in front of gunicorn, which sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # Off only behind a TLS proxy that redirects itself (docker-compose.yml).
    SILENCED_SYSTEM_CHECKS = [] if SECURE_SSL_REDIRECT else ["security.W008"]
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# --- Ticket signing -----------------------------------------------------------------
# Ed25519 keys for ticket codes (expo/bookings/ticket_codes.py has the format).
# TICKET_SIGNING_KEY: "[key_id:]base64 of the raw 32-byte private key". Or
# TICKET_SIGNING_KEY_FILE: one "key_id:base64" a line, current first, older keys below so
# tickets already sent still verify. Neither: with DEBUG on, a dev key derived from
# SECRET_KEY; with DEBUG off, start-up fails (`manage.py check`, expo/bookings/checks.py).
# New keys: python manage.py generate_ticket_key [--file PATH].
TICKET_SIGNING_KEY = env("TICKET_SIGNING_KEY", default="")
TICKET_SIGNING_KEY_FILE = env("TICKET_SIGNING_KEY_FILE", default="")
# Decided once from the environment's DEBUG, not from DEBUG at call time (tests run with
# DEBUG off but keep the embedded default).
TICKET_SIGNING_DEV_KEY_ALLOWED = DEBUG

# --- Personal data -------------------------------------------------------------------
# Days after an expo ends before its personal data is erased (docs/privacy.md).
PERSONAL_DATA_RETENTION_DAYS = env.int("PERSONAL_DATA_RETENTION_DAYS", default=90)

# --- Scanning -----------------------------------------------------------------------
SCAN_OPENS_MINUTES_BEFORE_START = env.int("SCAN_OPENS_MINUTES_BEFORE_START", default=60)
# Offline scans in a batch must lie between the device's previous upload less this
# span and the time of receipt plus the skew; others are refused (docs/api.md).
SCAN_MAX_OFFLINE_MINUTES = env.int("SCAN_MAX_OFFLINE_MINUTES", default=360)
SCAN_CLOCK_SKEW_SECONDS = env.int("SCAN_CLOCK_SKEW_SECONDS", default=120)

# --- Notifications ------------------------------------------------------------------
# expo/bookings/notifications.py. Reminders go out this many hours before a session
# starts, e.g. REMINDER_OFFSETS_HOURS=24,2; a booking made later than an offset skips it.
REMINDER_OFFSETS_HOURS = sorted(
    (int(hours) for hours in env.list("REMINDER_OFFSETS_HOURS", default=["24", "2"])),
    reverse=True,
)
# A row still pending this long was never queued (broker down) or its task was lost.
NOTIFICATION_SWEEP_AFTER_MINUTES = env.int("NOTIFICATION_SWEEP_AFTER_MINUTES", default=5)
# Tries per message before it is marked failed in the admin, waiting up to 1, 2, 4, 8
# times the backoff between tries (randomised), so a mail server outage of a few minutes
# is ridden out: https://docs.celeryq.dev/en/stable/userguide/tasks.html#Task.retry_backoff
NOTIFICATION_MAX_ATTEMPTS = env.int("NOTIFICATION_MAX_ATTEMPTS", default=5)
NOTIFICATION_RETRY_BACKOFF_SECONDS = env.int("NOTIFICATION_RETRY_BACKOFF_SECONDS", default=60)
# A delivery task retries its database writes this long before leaving the `sent` mark
# to a task of its own; kept under CELERY_TASK_SOFT_TIME_LIMIT with room for the SMTP call.
NOTIFICATION_MARK_RETRY_SECONDS = env.int("NOTIFICATION_MARK_RETRY_SECONDS", default=20)
# Django's default is to wait forever on a silent SMTP server, which would hold a
# worker and leave its message in `sending`.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
