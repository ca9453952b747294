"""The REST API, its schema and the proxies whose client address is believed."""

from django.core.exceptions import ImproperlyConfigured

from config.settings.core import env
from expo.core.network import trusted_proxy_networks

# --- REST API -----------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "expo.accounts.authentication.TokenAuthentication",
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
