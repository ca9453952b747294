"""E-mail: where it goes (EMAIL_URL), who it is from, and the links it carries."""

from config.settings.core import env

# --- E-mail -------------------------------------------------------------------------
# EMAIL_URL=smtp://host:port, smtp+tls://user:pass@host:587 or consolemail://
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
if EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    # Each e-mail as a reader sees it, not pages of MIME and base64 QR codes.
    EMAIL_BACKEND = "expo.core.mail.ConsoleEmailBackend"
EMAIL_HOST = _email["EMAIL_HOST"] or "localhost"
EMAIL_PORT = _email["EMAIL_PORT"] or 25
EMAIL_HOST_USER = _email["EMAIL_HOST_USER"] or ""
EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"] or ""
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_FILE_PATH = _email["EMAIL_FILE_PATH"]
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="H22 City Expo <biljetter@h22.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000")
# Django's default is to wait forever on a silent SMTP server, which would hold a
# worker and leave its message in `sending`.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
