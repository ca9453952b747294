from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from expo.core import views as core_views

# The rush's paths first: Django tries each pattern in order, and every pattern that fails
# on the way to a booking or a scan cost it CPU (no path matches patterns of two apps).
api_v1 = [
    path("", include("expo.bookings.urls")),
    path("", include("expo.scanning.urls")),
    path("", include("expo.accounts.urls")),
    path("", include("expo.events.urls")),
    path("", include("expo.exhibitors.urls")),
    path("", include("expo.privacy.urls")),
]

urlpatterns = [
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its start-up script as a file: no inline script (CSP).
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    # Anything else under /api/ answers the contract's JSON 404, never an HTML page.
    re_path(r"^api/", core_views.api_not_found),
    path("healthz", core_views.healthz, name="healthz"),
    path("readyz", core_views.readyz, name="readyz"),
    path("metrics", core_views.metrics, name="metrics"),
    path("admin/", admin.site.urls),
    # Visitor pages (HTML) and the language switch.
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("expo.accounts.urls_pages")),
    path("", include("expo.bookings.urls_pages")),
    path("", include("expo.events.urls_pages")),
    # The page invitation e-mails link to (exhibitor members).
    path("", include("expo.exhibitors.urls_pages")),
    # Gate staff's scanning page.
    path("", include("expo.scanning.urls_pages")),
    # Expo staff's desk.
    path("", include("expo.staff.urls")),
    # The account page, the privacy notice, the accessibility statement and contact.
    path("", include("expo.privacy.urls_pages")),
    path("", include("expo.core.urls_pages")),
]
# Uploaded files, for the local run only (`static()` adds nothing when DEBUG is off): in
# production the proxy serves them from the media volume (deploy/Caddyfile).
urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

# Errors Django raises outside the API's views: JSON under /api/, its own pages elsewhere.
handler400 = core_views.bad_request
handler403 = core_views.permission_denied
handler404 = core_views.page_not_found
handler500 = core_views.server_error
