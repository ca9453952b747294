"""The exhibitors' messages, registered with the outbox: all about no booking, written
from the facts stored with the row (`expo.notifications.kinds.MessageKind.context`)."""

from django.utils.translation import gettext_lazy as _

from expo.notifications.kinds import MessageKind, message_kind_register

EXHIBITOR_INVITATION = "exhibitor_invitation"
SESSION_APPROVED = "session_approved"
SESSION_REJECTED = "session_rejected"


def register() -> None:
    for kind in (
        MessageKind(
            EXHIBITOR_INVITATION,
            _("Exhibitor invitation"),
            _("Invitation to %(exhibitor_name)s at H22 City Expo"),
        ),
        MessageKind(
            SESSION_APPROVED,
            _("Proposed session approved"),
            _("Your session is published: %(title)s"),
        ),
        MessageKind(
            SESSION_REJECTED,
            _("Proposed session rejected"),
            _("Your session proposal was declined: %(title)s"),
        ),
    ):
        message_kind_register(kind)
