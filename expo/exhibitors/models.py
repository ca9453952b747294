"""Partner organisations, the people who act for them, and their stands."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from expo.events.models import Expo, Translated, Venue

LOGO_MAX_BYTES = 2 * 1024 * 1024


def logo_size_validator(file) -> None:
    """The logo's size limit where a form stores it (the admin); the portal's API checks
    this and more in `expo.exhibitors.services.logo_check`."""
    if file.size > LOGO_MAX_BYTES:
        raise ValidationError(_("The logo may be at most 2 MB."), code="logo_too_large")


class Exhibitor(models.Model, Translated):
    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        HIDDEN = "hidden", _("Hidden")

    expo = models.ForeignKey(
        Expo, on_delete=models.CASCADE, related_name="exhibitors", verbose_name=_("expo")
    )
    name = models.CharField(max_length=200, verbose_name=_("name"))
    slug = models.SlugField(unique=True, verbose_name=_("slug"))
    description_sv = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    website = models.URLField(blank=True)
    logo = models.ImageField(
        upload_to="exhibitor-logos/", blank=True, validators=[logo_size_validator]
    )
    contact_email = models.EmailField(blank=True, verbose_name=_("contact email"))
    contact_phone = models.CharField(max_length=40, blank=True)
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.ACTIVE, verbose_name=_("status")
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="exhibitors"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("exhibitor")
        verbose_name_plural = _("exhibitors")
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
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("user"),
    )
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("exhibitor")
    )
    role = models.CharField(
        max_length=10, choices=Role.choices, default=Role.MEMBER, verbose_name=_("role")
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "exhibitor"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.exhibitor} ({self.role})"


class Stand(models.Model):
    """Where an exhibitor meets visitors; opening hours are daily during the expo."""

    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="stands", verbose_name=_("exhibitor")
    )
    venue = models.ForeignKey(
        Venue, on_delete=models.PROTECT, related_name="stands", verbose_name=_("venue")
    )
    code = models.CharField(max_length=20, verbose_name=_("code"))
    opens_at = models.TimeField(null=True, blank=True, verbose_name=_("opens at"))
    closes_at = models.TimeField(null=True, blank=True, verbose_name=_("closes at"))

    class Meta:
        verbose_name = _("stand")
        verbose_name_plural = _("stands")
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


class Invitation(models.Model):
    """An owner's invitation for someone to act for the organisation.

    Only a hash of the token is stored: the token itself travels in the e-mail link,
    so a copy of this table is no key to anyone's organisation.
    """

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()  # stored lower-case, like User.email
    role = models.CharField(
        max_length=10, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        constraints = [
            # A new invitation to the same address replaces the open one.
            models.UniqueConstraint(
                fields=["exhibitor", "email"],
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="invitation_one_open_per_exhibitor_email",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="invitation_not_accepted_and_revoked",
            ),
        ]

    def __str__(self):
        return f"{self.email} → {self.exhibitor} ({self.role})"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class LeadConsent(models.Model):
    """A visitor's account-wide opt-in to share their name and e-mail with exhibitors.

    With it, a stand that scans the visitor's ticket keeps a lead, and the hosts of the
    sessions the visitor books see their e-mail on the attendee list. Withdrawing it
    deletes this row and wipes the contact from every lead (see `lead_consent_set`).
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="lead_consent"
    )
    consented_at = models.DateTimeField()

    class Meta:
        verbose_name = _("lead consent")
        verbose_name_plural = _("lead consents")

    def __str__(self):
        return f"{self.user} since {self.consented_at:%Y-%m-%d}"


class ContactWithdrawal(models.Model):
    """The visitor told this exhibitor to forget them, whatever their general consent.

    Kept (the expo's record, never shown to the exhibitor as a person) so the
    withdrawal holds: the exhibitor cannot scan the visitor as a lead again, nor see
    their e-mail on attendee lists.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="contact_withdrawals"
    )
    exhibitor = models.ForeignKey(
        Exhibitor, on_delete=models.CASCADE, related_name="contact_withdrawals"
    )
    withdrawn_at = models.DateTimeField()

    class Meta:
        verbose_name = _("contact withdrawal")
        verbose_name_plural = _("contact withdrawals")
        constraints = [
            models.UniqueConstraint(fields=["user", "exhibitor"], name="contact_withdrawal_unique"),
        ]

    def __str__(self):
        return f"{self.user} withdrew from {self.exhibitor}"


class Lead(models.Model):
    """A visitor met at the stand who agreed to be contacted: their contact as scanned.

    `name` and `email` are a copy taken at the scan, as the exhibitor's CRM will hold
    them. When the visitor withdraws, the row stays (the exhibitor's count of leads does
    not silently shrink) but loses everything that points at the person.
    """

    exhibitor = models.ForeignKey(Exhibitor, on_delete=models.CASCADE, related_name="leads")
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="leads_given",
    )
    ticket = models.ForeignKey(
        "bookings.Ticket", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=150, blank=True)
    email = models.EmailField(blank=True)
    note = models.TextField(blank=True)
    scanned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    consented_at = models.DateTimeField(help_text=_("When the visitor opted in to sharing."))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lead")
        verbose_name_plural = _("leads")
        ordering = ["-created_at", "-id"]
        constraints = [
            # Scanning the same visitor again adds to the lead instead of duplicating it.
            models.UniqueConstraint(
                fields=["exhibitor", "visitor"],
                condition=Q(withdrawn_at__isnull=True),
                name="lead_one_open_per_exhibitor_visitor",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_at__isnull=True)
                | Q(visitor__isnull=True, ticket__isnull=True, name="", email="", note=""),
                name="lead_withdrawn_keeps_no_contact",
            ),
        ]
        indexes = [
            models.Index(fields=["exhibitor", "created_at"], name="lead_exhibitor_created_idx"),
        ]

    def __str__(self):
        return f"{self.name or '—'} @ {self.exhibitor}"
