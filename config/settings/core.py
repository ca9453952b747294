"""The site itself: apps, middleware, templates, languages, static files, security.

Read from the environment (12-factor); `env` and `DEBUG` here are what the other topic
modules of this package start from.
"""

import os
from pathlib import Path

import environ
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

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
    "expo.notifications",
    "expo.exhibitors",
    "expo.bookings",
    "expo.scanning",
    "expo.privacy",
    "expo.demo",
    "expo.staff",
]

MIDDLEWARE = [
    "expo.core.middleware.RequestLatencyMiddleware",
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
        # WebAssembly: the QR reader where a browser has no BarcodeDetector (qr-camera.js).
        "script-src": [SELF, "'wasm-unsafe-eval'"],
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
# The QR reader for browsers without BarcodeDetector, from the npm registry (package.json,
# `make install-demo`): its script and its WebAssembly, served by this site, never a CDN.
STATICFILES_DIRS = [
    ("vendor/barcode-detector", BASE_DIR / "node_modules" / "barcode-detector" / "dist" / "iife"),
    ("vendor/zxing-wasm", BASE_DIR / "node_modules" / "zxing-wasm" / "dist" / "reader"),
]
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

# --- Metrics (README, "Metrics") ---------------------------------------------------------
# Prometheus reads /metrics with `Authorization: Bearer <METRICS_TOKEN>`; unset, only an
# expo staff login can. Under gunicorn and Celery, PROMETHEUS_MULTIPROC_DIR (read by
# prometheus_client itself) names the directory every process writes its samples to.
METRICS_TOKEN = env("METRICS_TOKEN", default="")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
