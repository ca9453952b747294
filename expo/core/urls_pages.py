"""The site's own statements (HTML): accessibility and contact."""

from django.urls import path

from expo.core import views

app_name = "core"

urlpatterns = [
    path("accessibility/", views.accessibility_statement, name="accessibility"),
    path("contact/", views.contact, name="contact"),
]
