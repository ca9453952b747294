from django.urls import path

from expo.privacy import apis

urlpatterns = [
    path("me/export/", apis.MeExportApi.as_view(), name="me-export"),
]
