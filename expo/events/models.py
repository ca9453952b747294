"""The expo catalogue: where things happen and what visitors can book."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Translated:
    """`title` / `description` in the active language, falling back to Swedish."""

    def translated(self, field: str) -> str:
        language = (translation.get_language() or "sv")[:2]
        return getattr(self, f"{field}_{language}", "") or getattr(self, f"{field}_sv", "")


class Expo(models.Model):
    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(unique=True, verbose_name=_("slug"))
    starts_on = models.DateField(verbose_name=_("starts on"))
    ends_on = models.DateField(verbose_name=_("ends on"))
    time_zone = models.CharField(
        max_length=64, default="Europe/Stockholm", verbose_name=_("time zone")
    )

    class Meta:
        verbose_name = _("expo")
        verbose_name_plural = _("expos")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="expo_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.name


class Venue(models.Model, Translated):
    """A place in the city; `inside` is the live head count fed by accepted scans."""

    expo = models.ForeignKey(
        Expo, on_delete=models.CASCADE, related_name="venues", verbose_name=_("expo")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(unique=True)
    area = models.CharField(max_length=100, blank=True, verbose_name=_("area"))
    address = models.CharField(max_length=300, blank=True)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    max_occupancy = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Most people allowed inside at once; empty = no limit."),
        verbose_name=_("max occupancy"),
    )
    inside = models.IntegerField(default=0, editable=False, verbose_name=_("inside"))
    inside_updated_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("inside updated at")
    )

    class Meta:
        verbose_name = _("venue")
        verbose_name_plural = _("venues")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(inside__gte=0), name="venue_inside_not_negative"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="venue_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="venue_longitude_range",
            ),
        ]

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return self.translated("description")


class Entrance(models.Model):
    class Mode(models.TextChoices):
        ENTRY = "entry", _("Entry only")
        ENTRY_EXIT = "entry_exit", _("Entry and exit")

    venue = models.ForeignKey(
        Venue, on_delete=models.CASCADE, related_name="entrances", verbose_name=_("venue")
    )
    name = models.CharField(max_length=100, verbose_name=_("name"))
    mode = models.CharField(
        max_length=10, choices=Mode.choices, default=Mode.ENTRY_EXIT, verbose_name=_("mode")
    )

    class Meta:
        verbose_name = _("entrance")
        verbose_name_plural = _("entrances")
        ordering = ["venue__name", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["venue", "name"], name="entrance_name_unique_per_venue"
            ),
        ]

    def __str__(self):
        return f"{self.venue} – {self.name}"


class Theme(models.Model, Translated):
    """One of the expo's perspectives or questions, e.g. «Framtidens skola»."""

    slug = models.SlugField(unique=True, verbose_name=_("slug"))
    name_sv = models.CharField(max_length=150, verbose_name=_("name (Swedish)"))
    name_en = models.CharField(max_length=150, verbose_name=_("name (English)"))
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)

    class Meta:
        verbose_name = _("theme")
        verbose_name_plural = _("themes")
        ordering = ["name_sv"]

    def __str__(self):
        return self.name_sv

    @property
    def name(self) -> str:
        return self.translated("name")


class Exhibition(models.Model, Translated):
    expo = models.ForeignKey(
        Expo, on_delete=models.CASCADE, related_name="exhibitions", verbose_name=_("expo")
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="exhibitions", verbose_name=_("venue")
    )
    slug = models.SlugField(unique=True)
    title_sv = models.CharField(max_length=200, verbose_name=_("title (Swedish)"))
    title_en = models.CharField(max_length=200, verbose_name=_("title (English)"))
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    starts_on = models.DateField(verbose_name=_("starts on"))
    ends_on = models.DateField(verbose_name=_("ends on"))
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="exhibitions", verbose_name=_("themes")
    )

    class Meta:
        verbose_name = _("exhibition")
        verbose_name_plural = _("exhibitions")
        ordering = ["title_sv"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")), name="exhibition_ends_after_start"
            ),
        ]

    def __str__(self):
        return self.title_sv

    @property
    def title(self) -> str:
        return self.translated("title")


class Session(models.Model, Translated):
    """A timed, bookable programme item.

    `seats_taken` counts confirmed seats plus seats held for open waitlist offers; it
    only ever moves through one conditional UPDATE in the booking services, and the
    database refuses any value outside 0..capacity.
    """

    class Kind(models.TextChoices):
        TALK = "talk", _("Talk")
        TOUR = "tour", _("Guided tour")
        WORKSHOP = "workshop", _("Workshop")
        DEMO = "demo", _("Demo")
        PERFORMANCE = "performance", _("Performance")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING = "pending", _("Pending approval")
        PUBLISHED = "published", _("Published")
        CANCELLED = "cancelled", pgettext_lazy("session", "Cancelled")
        REJECTED = "rejected", _("Rejected")

    class Language(models.TextChoices):
        SV = "sv", "Svenska"
        EN = "en", "English"

    expo = models.ForeignKey(
        Expo, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("expo")
    )
    title_sv = models.CharField(max_length=200, verbose_name=_("title (Swedish)"))
    title_en = models.CharField(max_length=200, blank=True, verbose_name=_("title (English)"))
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    kind = models.CharField(
        max_length=20, choices=Kind.choices, default=Kind.TALK, verbose_name=_("kind")
    )
    language = models.CharField(
        max_length=2, choices=Language.choices, default=Language.SV, verbose_name=_("language")
    )
    starts_at = models.DateTimeField(verbose_name=_("starts at"))
    ends_at = models.DateTimeField(verbose_name=_("ends at"))
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="sessions", verbose_name=_("venue")
    )
    exhibition = models.ForeignKey(
        Exhibition, on_delete=models.SET_NULL, null=True, blank=True, related_name="sessions"
    )
    host = models.ForeignKey(
        "exhibitors.Exhibitor",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hosted_sessions",
        verbose_name=_("host"),
    )
    themes = models.ManyToManyField(
        Theme, blank=True, related_name="sessions", verbose_name=_("themes")
    )
    capacity = models.PositiveIntegerField()
    seats_taken = models.PositiveIntegerField(default=0, editable=False)
    max_party_size = models.PositiveSmallIntegerField(default=6)
    booking_opens_at = models.DateTimeField(null=True, blank=True)
    booking_closes_at = models.DateTimeField(null=True, blank=True)
    no_show_release_minutes = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text=_("Minutes after the start when unscanned tickets lose their seats."),
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT, verbose_name=_("status")
    )
    status_reason = models.TextField(blank=True)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("session")
        verbose_name_plural = _("sessions")
        ordering = ["starts_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(seats_taken__lte=F("capacity")), name="session_seats_within_capacity"
            ),
            models.CheckConstraint(
                condition=Q(max_party_size__gte=1), name="session_party_size_positive"
            ),
            models.CheckConstraint(
                condition=Q(booking_opens_at__isnull=True)
                | Q(booking_closes_at__isnull=True)
                | Q(booking_closes_at__gt=F("booking_opens_at")),
                name="session_booking_window_ordered",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "starts_at"], name="session_status_start_idx"),
            models.Index(fields=["venue", "starts_at"], name="session_venue_start_idx"),
            models.Index(fields=["host", "starts_at"], name="session_host_start_idx"),
            models.Index(fields=["kind", "starts_at"], name="session_kind_start_idx"),
        ]

    def __str__(self):
        return f"{self.title_sv} ({self.starts_at:%Y-%m-%d %H:%M})"

    @property
    def title(self) -> str:
        return self.translated("title")

    @property
    def description(self) -> str:
        return self.translated("description")

    @property
    def seats_left(self) -> int:
        return max(self.capacity - self.seats_taken, 0)
