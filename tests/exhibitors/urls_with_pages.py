"""The project's URLs plus the invitation page, until config/urls.py includes it."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [
    *project_urlpatterns,
    path("", include("expo.exhibitors.urls_pages")),
]
