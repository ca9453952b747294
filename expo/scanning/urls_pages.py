"""The gate staff's scanning page (HTML); its API is in `urls.py`."""

from django.urls import path

from expo.scanning import views

app_name = "gate"

urlpatterns = [
    path("gate/", views.gate_scan, name="scan"),
    # Under /gate/ so its scope covers the page (a worker's scope is its folder).
    path("gate/sw.js", views.gate_service_worker, name="service-worker"),
    # The language in the path, not in a cookie: the worker keeps one copy per language.
    path("gate/jsi18n/<str:language>.js", views.gate_catalogue, name="catalogue"),
]
