from rest_framework import serializers

from expo.events.models import Entrance, Exhibition, Session, Theme, Venue


class VenueRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Venue
        fields = ["id", "slug", "name", "address"]


class EntranceSerializer(serializers.ModelSerializer):
    venue = VenueRefSerializer(read_only=True)

    class Meta:
        model = Entrance
        fields = ["id", "name", "mode", "venue"]


class VenueEntranceSerializer(serializers.ModelSerializer):
    class Meta:
        model = Entrance
        fields = ["id", "name", "mode"]


class VenueSerializer(serializers.ModelSerializer):
    entrances = VenueEntranceSerializer(many=True, read_only=True)

    class Meta:
        model = Venue
        fields = [
            "id",
            "slug",
            "name",
            "area",
            "address",
            "latitude",
            "longitude",
            "description",
            "max_occupancy",
            "entrances",
        ]


class ThemeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["id", "slug", "name", "name_sv", "name_en", "description_sv", "description_en"]


class ThemeRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Theme
        fields = ["slug", "name"]


class ExhibitionSerializer(serializers.ModelSerializer):
    venue = VenueRefSerializer(read_only=True)
    themes = ThemeRefSerializer(many=True, read_only=True)

    class Meta:
        model = Exhibition
        fields = [
            "id",
            "slug",
            "title",
            "title_sv",
            "title_en",
            "description_sv",
            "description_en",
            "starts_on",
            "ends_on",
            "venue",
            "themes",
        ]


# A session's host lives in the exhibitors app, a layer above: reached through the
# relation that names it, never imported (docs/architecture.md).
Exhibitor = Session._meta.get_field("host").related_model


class ExhibitorRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exhibitor
        fields = ["slug", "name"]


class ExhibitionRefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Exhibition
        fields = ["slug", "title"]


class SessionSerializer(serializers.ModelSerializer):
    """One programme item as visitors see it; expects `session_list()` annotations."""

    venue = VenueRefSerializer(read_only=True)
    exhibition = ExhibitionRefSerializer(read_only=True, allow_null=True)
    host = ExhibitorRefSerializer(read_only=True, allow_null=True)
    themes = ThemeRefSerializer(many=True, read_only=True)
    seats_left = serializers.SerializerMethodField()
    booking_open = serializers.SerializerMethodField()
    waitlist_open = serializers.SerializerMethodField()

    class Meta:
        model = Session
        fields = [
            "id",
            "title",
            "title_sv",
            "title_en",
            "description",
            "kind",
            "language",
            "starts_at",
            "ends_at",
            "venue",
            "exhibition",
            "host",
            "themes",
            "capacity",
            "seats_left",
            "booking_open",
            "waitlist_open",
            "max_party_size",
            "booking_opens_at",
            "booking_closes_at",
            "status",
        ]

    def get_seats_left(self, session) -> int:
        return session.seats_left

    def get_booking_open(self, session) -> bool:
        return bool(getattr(session, "booking_open", False))

    def get_waitlist_open(self, session) -> bool:
        return bool(getattr(session, "waitlist_open", False))


class StaffSessionSerializer(SessionSerializer):
    class Meta(SessionSerializer.Meta):
        fields = [
            *SessionSerializer.Meta.fields,
            "description_sv",
            "description_en",
            "seats_taken",
            "no_show_release_minutes",
            "status_reason",
        ]


class SessionFieldsSerializer(serializers.Serializer):
    """The fields of a session that anyone who may write one sets."""

    title_sv = serializers.CharField(max_length=200)
    title_en = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description_sv = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    description_en = serializers.CharField(required=False, allow_blank=True, max_length=5000)
    kind = serializers.ChoiceField(choices=Session.Kind.choices)
    language = serializers.ChoiceField(choices=Session.Language.choices, required=False)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    venue = serializers.SlugRelatedField(slug_field="slug", queryset=Venue.objects.all())
    exhibition = serializers.SlugRelatedField(
        slug_field="slug", queryset=Exhibition.objects.all(), required=False, allow_null=True
    )
    themes = serializers.SlugRelatedField(
        slug_field="slug", queryset=Theme.objects.all(), many=True, required=False
    )
    capacity = serializers.IntegerField(min_value=0, max_value=100_000)
    max_party_size = serializers.IntegerField(min_value=1, max_value=50, required=False)
    booking_opens_at = serializers.DateTimeField(required=False, allow_null=True)
    booking_closes_at = serializers.DateTimeField(required=False, allow_null=True)


class SessionWriteSerializer(SessionFieldsSerializer):
    """Input for staff create (all required fields) and edit (`partial=True`)."""

    host = serializers.SlugRelatedField(
        slug_field="slug", queryset=Exhibitor.objects.all(), required=False, allow_null=True
    )
    no_show_release_minutes = serializers.IntegerField(
        min_value=0, max_value=24 * 60, required=False, allow_null=True
    )
    status = serializers.ChoiceField(
        choices=[
            Session.Status.DRAFT,
            Session.Status.PENDING,
            Session.Status.PUBLISHED,
        ],
        required=False,
    )


class SessionCancelInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=500, required=False, allow_blank=True, default="")
