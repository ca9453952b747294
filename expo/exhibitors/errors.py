"""Why an exhibitor-portal request is refused: a stable code each."""

from django.utils.translation import gettext_lazy as _
from rest_framework import status

from expo.core.exceptions import Conflict, ExpoError, InvalidInput


class OwnerRequired(ExpoError):
    code = "owner_required"
    http_status = status.HTTP_403_FORBIDDEN
    default_detail = _("Only an owner of the organisation may do this.")


class LastOwner(Conflict):
    code = "last_owner"
    default_detail = _("The organisation needs at least one owner: make someone else owner first.")


class AlreadyMember(Conflict):
    code = "already_member"
    default_detail = _("This person already belongs to the organisation.")


class TooManyInvitations(Conflict):
    code = "too_many_invitations"
    default_detail = _("Too many invitations are open. Revoke some or wait for answers.")


class EmailNotVerified(ExpoError):
    code = "email_unverified"
    http_status = status.HTTP_403_FORBIDDEN
    default_detail = _("Confirm your own e-mail address first; then you can invite others.")


class RecipientLimitReached(Conflict):
    code = "recipient_limit"
    default_detail = _("You have invited as many addresses today as one account may.")


class WrongAccount(ExpoError):
    code = "wrong_account"
    http_status = status.HTTP_403_FORBIDDEN
    default_detail = _(
        "This invitation is for another e-mail address. Log in with that address to accept it."
    )


class InvitationExpired(Conflict):
    code = "invitation_expired"
    default_detail = _("This invitation has expired. Ask the organisation for a new one.")


class InvitationUsed(Conflict):
    code = "invitation_used"
    default_detail = _("This invitation has already been used.")


class StandCodeTaken(Conflict):
    code = "stand_code_taken"
    default_detail = _("Another stand at this venue already has this code.")


class InvalidTicketCode(InvalidInput):
    code = "invalid_signature"
    default_detail = _("This is not a ticket code issued by the expo.")


class UnknownTicket(InvalidInput):
    code = "unknown_ticket"
    default_detail = _("No ticket of this expo matches the code.")


class NoConsent(Conflict):
    """Deliberately one answer for every reason, so the stand learns nothing about the
    visitor: never opted in, opted out, withdrew from this exhibitor, or the ticket
    names someone other than the account holder who opted in."""

    code = "no_consent"
    default_detail = _(
        "This visitor has not agreed to share their contact details with exhibitors."
    )
