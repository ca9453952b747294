"""The scanning app's errors, each with its stable `code` (expo/core/exceptions.py)."""

from django.utils.translation import gettext_lazy as _

from expo.core.exceptions import Conflict, InvalidInput

NONCE_REFUSED = _("Use a new nonce for every scan.")


class NonceTaken(InvalidInput):
    """The nonce names another account's scan. Answered like any malformed input, so the
    caller learns nothing about that scan."""

    def __init__(self, fields=None):
        super().__init__(
            _("Some fields are not valid."), fields=fields or {"nonce": [NONCE_REFUSED]}
        )


class WalkInNotAdmitted(Conflict):
    """The walk-in's scan was refused (the venue is full): no ticket is issued."""

    code = "walk_in_not_admitted"
    default_detail = _("The walk-in could not be let in, so no ticket was issued.")
