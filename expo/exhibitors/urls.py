from django.urls import path

from expo.exhibitors import apis

urlpatterns = [
    path("exhibitors/", apis.ExhibitorViewSet.as_view({"get": "list"}), name="exhibitor-list"),
    path(
        "exhibitors/<slug:slug>/",
        apis.ExhibitorViewSet.as_view({"get": "retrieve"}),
        name="exhibitor-detail",
    ),
]
