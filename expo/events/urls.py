from django.urls import path

from expo.events import apis

urlpatterns = [
    path("venues/", apis.VenueViewSet.as_view({"get": "list"}), name="venue-list"),
    path(
        "venues/<slug:slug>/", apis.VenueViewSet.as_view({"get": "retrieve"}), name="venue-detail"
    ),
    path("themes/", apis.ThemeViewSet.as_view({"get": "list"}), name="theme-list"),
    path(
        "themes/<slug:slug>/", apis.ThemeViewSet.as_view({"get": "retrieve"}), name="theme-detail"
    ),
    path("exhibitions/", apis.ExhibitionViewSet.as_view({"get": "list"}), name="exhibition-list"),
    path(
        "exhibitions/<slug:slug>/",
        apis.ExhibitionViewSet.as_view({"get": "retrieve"}),
        name="exhibition-detail",
    ),
    path("entrances/", apis.EntranceListApi.as_view({"get": "list"}), name="entrance-list"),
    path(
        "sessions/",
        apis.SessionListCreateApi.as_view({"get": "list", "post": "create"}),
        name="session-list",
    ),
    path(
        "sessions/<int:pk>/",
        apis.SessionDetailApi.as_view({"get": "retrieve", "patch": "partial_update"}),
        name="session-detail",
    ),
    path(
        "sessions/<int:session_id>/cancel/", apis.SessionCancelApi.as_view(), name="session-cancel"
    ),
]
