"""The gate staff's scanning page (HTML); its API is in `urls.py`."""

from django.urls import path

from expo.bookings import views_gate

app_name = "gate"

urlpatterns = [
    path("gate/", views_gate.gate_scan, name="scan"),
]
