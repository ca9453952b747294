"""The gate staff's scanning page (HTML); its API is in `urls.py`."""

from django.urls import path

from expo.bookings import views_gate

app_name = "gate"

urlpatterns = [
    path("gate/", views_gate.gate_scan, name="scan"),
    # Under /gate/ so its scope covers the page (a worker's scope is its folder).
    path("gate/sw.js", views_gate.gate_service_worker, name="service-worker"),
]
