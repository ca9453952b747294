import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def new_calendar_token() -> str:
    return secrets.token_urlsafe(24)


class UserManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class User(AbstractBaseUser, PermissionsMixin):
    """A person: the e-mail address is the login; the language picks e-mail and page texts."""

    class Language(models.TextChoices):
        SV = "sv", "Svenska"
        EN = "en", "English"

    email = models.EmailField(_("e-mail"), max_length=254, unique=True)  # stored lower-case
    name = models.CharField(_("name"), max_length=150, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.SV
    )
    calendar_token = models.CharField(max_length=64, default=new_calendar_token, unique=True)
    is_active = models.BooleanField(default=True, verbose_name=_("is active"))
    is_staff = models.BooleanField(_("admin access"), default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    # Set when the person opened the link mailed to `email`; until then the expo mails
    # nobody else on their behalf (expo/bookings/recipients.py).
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    erased_at = models.DateTimeField(null=True, blank=True)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.email

    @property
    def email_verified(self) -> bool:
        return self.email_verified_at is not None

    def get_full_name(self):
        return self.name or self.email

    def get_short_name(self):
        return self.name or self.email


class LoginLink(models.Model):
    """A one-time sign-in link mailed to an address, which need not have an account yet.

    Only a hash of the link's token is kept: the token itself is made again from a seed
    when the mail is written (expo/core/secret_links.py), so this table is no key to
    anyone's account. `used_at` is set by one conditional UPDATE, so a link signs in once
    however many clicks arrive at the same moment.
    """

    email = models.EmailField(_("e-mail"), max_length=254, db_index=True)  # lower-case
    token_hash = models.CharField(max_length=64, unique=True)
    next = models.CharField(max_length=500, blank=True)
    language = models.CharField(max_length=2, choices=User.Language.choices)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField(db_index=True)
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_at__gt=models.F("created_at")),
                name="login_link_expires_after_creation",
            ),
        ]

    def __str__(self):
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M}"
