"""The project's URLs plus two nobody wrote a matrix row for (an API view and a page)."""

from django.http import HttpResponse
from django.urls import path
from rest_framework.views import APIView

from config.urls import urlpatterns as project_urlpatterns


class ReceiptApi(APIView):
    def get(self, request, reference):
        return HttpResponse()

    def post(self, request, reference):
        return HttpResponse()


def booking_print(request, reference):
    return HttpResponse()


urlpatterns = [
    path("api/v1/bookings/<str:reference>/receipt/", ReceiptApi.as_view(), name="booking-receipt"),
    path("bookings/<str:reference>/print/", booking_print, name="bookings-print"),
    *project_urlpatterns,
]
