from rest_framework import serializers

from expo.events.serializers import VenueRefSerializer
from expo.exhibitors.models import Exhibitor, Stand


class StandSerializer(serializers.ModelSerializer):
    venue = VenueRefSerializer(read_only=True)

    class Meta:
        model = Stand
        fields = ["id", "code", "venue", "opens_at", "closes_at"]


class ExhibitorSerializer(serializers.ModelSerializer):
    stands = StandSerializer(many=True, read_only=True)

    class Meta:
        model = Exhibitor
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "description_sv",
            "description_en",
            "website",
            "logo",
            "contact_email",
            "stands",
        ]
