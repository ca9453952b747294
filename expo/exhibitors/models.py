"""Partner organisations, the people who act for them, and their stands."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from expo.events.models import Expo, Translated, Venue


class Exhibitor(models.Model, Translated):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        HIDDEN = "hidden", _("Hidden")

    expo = models.ForeignKey(Expo, on_delete=models.CASCADE, related_name="exhibitors")
    name = models.CharField(max_length=200)
    slug = models.SlugField(unique=True)
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    website = models.URLField(blank=True)
    logo = models.ImageField(upload_to="exhibitor-logos/", blank=True)
    contact_email = models.EmailField(blank=True)
    contact_phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.ACTIVE)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="exhibitors"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @property
    def description(self) -> str:
        return self.translated("description")


class Membership(models.Model):
    class Role(models.TextChoices):
        OWNER = "owner", _("Owner")
        MEMBER = "member", _("Member")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.MEMBER)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "exhibitor"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.exhibitor} ({self.role})"


class Stand(models.Model):
    """Where an exhibitor meets visitors; opening hours are daily during the expo."""

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="stands")
    venue = models.ForeignKey(Venue, on_delete=models.PROTECT, related_name="stands")
    code = models.CharField(max_length=20)
    opens_at = models.TimeField(null=True, blank=True)
    closes_at = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["venue__name", "code"]
        constraints = [
            models.UniqueConstraint(fields=["venue", "code"], name="stand_code_unique_per_venue"),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=F("opens_at")),
                name="stand_closes_after_opening",
            ),
        ]

    def __str__(self):
        return f"{self.venue} {self.code}"
