from django.urls import path

from expo.scanning import apis

urlpatterns = [
    path("scans/", apis.ScanApi.as_view(), name="scan"),
    path("scans/batch/", apis.ScanBatchApi.as_view(), name="scan-batch"),
    path("scans/keys/", apis.ScanKeysApi.as_view(), name="scan-keys"),
    path("scans/revoked/", apis.RevokedTicketsApi.as_view(), name="scan-revoked"),
    path("scans/booking/<str:reference>/", apis.GateBookingApi.as_view(), name="scan-booking"),
    path(
        "entrances/<int:pk>/walk-ins/", apis.EntranceWalkInsApi.as_view(), name="entrance-walk-ins"
    ),
    path(
        "venues/<slug:slug>/occupancy/",
        apis.VenueOccupancyApi.as_view(),
        name="venue-occupancy",
    ),
]
