"""The accounts app's errors, each with its stable `code` (expo/core/exceptions.py)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from expo.core.exceptions import Conflict, ExpoError


class EmailTaken(Conflict):
    code = "email_taken"
    default_detail = _("An account with this e-mail address already exists.")


class InvalidCredentials(ExpoError):
    """Wrong e-mail, wrong password or a deactivated account: deliberately one answer,
    so the endpoint does not tell which addresses have accounts."""

    code = "invalid_credentials"
    http_status = status.HTTP_400_BAD_REQUEST
    default_detail = _("Unable to log in with the e-mail address and password given.")


class InvalidLink(ExpoError):
    """A verification, reset or sign-in link that was forged, has expired or was already
    used."""

    code = "invalid_link"
    http_status = status.HTTP_400_BAD_REQUEST
    default_detail = _("This link has expired or was already used.")
