"""Writes for partner organisations: profile, stands, members and proposed sessions.

Leads and the visitor's consent are in `leads.py`.

Callers hand in an `Exhibitor` they got from `selectors.exhibitor_for_member`, so
every write here already happens inside the acting person's organisation.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image

from expo.accounts.models import User
from expo.accounts.services import user_set_role
from expo.core.exceptions import InvalidInput, NotFound
from expo.core.permissions import EXHIBITOR
from expo.core.secret_links import secret_link_new
from expo.events.models import Session
from expo.events.services import (
    SessionNotPending,
    session_proposal_check,
    session_update,
)
from expo.exhibitors.errors import (
    AlreadyMember,
    EmailNotVerified,
    InvitationExpired,
    InvitationUsed,
    LastOwner,
    OwnerRequired,
    RecipientLimitReached,
    StandCodeTaken,
    TooManyInvitations,
    WrongAccount,
)
from expo.exhibitors.messages import EXHIBITOR_INVITATION, SESSION_APPROVED, SESSION_REJECTED
from expo.exhibitors.models import (
    LOGO_MAX_BYTES,
    Exhibitor,
    Invitation,
    Membership,
    Stand,
)
from expo.notifications.outbox import notification_to_person_add

INVITATION_VALID_FOR = timedelta(days=14)
MAX_OPEN_INVITATIONS = 50
LOGO_MAX_SIDE = 4000
# Pillow's format name → the extension the stored file gets. The name the browser sent
# is never used: a file is stored (and later served) as what it really is.
LOGO_FORMATS = {"PNG": "png", "JPEG": "jpg", "WEBP": "webp"}


@transaction.atomic
def membership_add(
    *, exhibitor: Exhibitor, user: User, role: str = Membership.Role.MEMBER
) -> Membership:
    """Let `user` act for `exhibitor`. Adding someone who already belongs changes nothing.

    Exhibitor pages and APIs check the exhibitor role as well as the membership, so the
    user gets that role too.
    """
    if role not in Membership.Role.values:
        raise InvalidInput(
            fields={"role": [f"Expected one of {', '.join(Membership.Role.values)}."]}
        )
    membership, _ = Membership.objects.get_or_create(
        user=user, exhibitor=exhibitor, defaults={"role": role}
    )
    user_set_role(user=user, role=EXHIBITOR)
    return membership


# --- Profile --------------------------------------------------------------------------


def logo_check(upload) -> str:
    """The extension for an uploaded logo, or `InvalidInput` on `logo`.

    PNG, JPEG or WebP only, as Pillow reads the bytes (not what the name or the
    browser's content type claim), at most 2 MB and 4000 pixels a side.
    """

    def refuse(message):
        return InvalidInput(fields={"logo": [message]})

    if upload.size > LOGO_MAX_BYTES:
        raise refuse(_("The logo may be at most 2 MB."))
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format = image.format
            width, height = image.size
            image.verify()
    except Exception as exc:
        raise refuse(_("The logo must be a PNG, JPEG or WebP image.")) from exc
    finally:
        upload.seek(0)
    if image_format not in LOGO_FORMATS:
        raise refuse(_("The logo must be a PNG, JPEG or WebP image."))
    if max(width, height) > LOGO_MAX_SIDE:
        raise refuse(_("The logo may be at most 4000 pixels wide and high."))
    return LOGO_FORMATS[image_format]


PROFILE_FIELDS = (
    "name",
    "description_sv",
    "description_en",
    "website",
    "contact_email",
    "contact_phone",
)


@transaction.atomic
def exhibitor_profile_update(*, exhibitor: Exhibitor, data: dict) -> Exhibitor:
    """Change what the organisation says about itself. `logo`: an upload replaces the
    logo, None removes it; the old file goes once the change has committed."""
    changed = []
    for field in PROFILE_FIELDS:
        if field in data and getattr(exhibitor, field) != data[field]:
            setattr(exhibitor, field, data[field])
            changed.append(field)
    if "logo" in data:
        storage = exhibitor.logo.storage
        old_name = exhibitor.logo.name or ""
        upload = data["logo"]
        if upload is None:
            exhibitor.logo = ""
        else:
            extension = logo_check(upload)
            # Written before the row commits: a failed commit leaves an orphan file that
            # nothing names, which is harmless; deleting the old one waits for the commit.
            exhibitor.logo.save(
                f"{exhibitor.slug}-{secrets.token_hex(4)}.{extension}", upload, save=False
            )
        changed.append("logo")
        if old_name:
            transaction.on_commit(lambda: storage.delete(old_name))
    if changed:
        exhibitor.save(update_fields=changed)
    return exhibitor


# --- Stands ---------------------------------------------------------------------------


def _stand_check(*, exhibitor: Exhibitor, venue, opens_at, closes_at) -> None:
    errors = {}
    if venue is not None and venue.expo_id != exhibitor.expo_id:
        errors["venue"] = [_("This venue is not part of your expo.")]
    if opens_at and closes_at and closes_at <= opens_at:
        errors["closes_at"] = [_("The stand must close after it opens.")]
    if errors:
        raise InvalidInput(fields=errors)


def _stand_save(stand: Stand) -> Stand:
    try:
        with transaction.atomic():
            stand.save()
    except IntegrityError as exc:
        # Two stands racing for one code: the unique index decides.
        raise StandCodeTaken() from exc
    return stand


@transaction.atomic
def stand_create(*, exhibitor: Exhibitor, data: dict) -> Stand:
    _stand_check(
        exhibitor=exhibitor,
        venue=data["venue"],
        opens_at=data.get("opens_at"),
        closes_at=data.get("closes_at"),
    )
    if Stand.objects.filter(venue=data["venue"], code__iexact=data["code"]).exists():
        raise StandCodeTaken()
    return _stand_save(Stand(exhibitor=exhibitor, **data))


@transaction.atomic
def stand_update(*, stand: Stand, data: dict) -> Stand:
    for field, value in data.items():
        setattr(stand, field, value)
    _stand_check(
        exhibitor=stand.exhibitor,
        venue=stand.venue,
        opens_at=stand.opens_at,
        closes_at=stand.closes_at,
    )
    if (
        Stand.objects.filter(venue=stand.venue, code__iexact=stand.code)
        .exclude(pk=stand.pk)
        .exists()
    ):
        raise StandCodeTaken()
    return _stand_save(stand)


@transaction.atomic
def stand_delete(*, stand: Stand) -> None:
    stand.delete()


# --- Members and invitations ----------------------------------------------------------


def _exhibitor_locked(exhibitor: Exhibitor) -> Exhibitor:
    """Serialises changes to one organisation's members: the owner count read next
    cannot change under us (two owners removing each other at once)."""
    assert connection.in_atomic_block
    return Exhibitor.objects.select_for_update(no_key=True).get(pk=exhibitor.pk)


def invitation_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@dataclass(frozen=True)
class InvitationIssued:
    invitation: Invitation
    token: str  # only here and in the e-mail; the database keeps a hash


def _check_inviter_may_mail(*, inviter: User, email: str, now: datetime) -> None:
    """The no-relay rule (expo/bookings/recipients.py) for invitations: a verified inviter,
    at most MAX_ATTENDEE_RECIPIENTS_PER_DAY other addresses in 24 hours.

    Locks the inviter's row (before the exhibitor's) so parallel invitations count right.
    """
    verified_at = (
        User.objects.select_for_update()
        .filter(pk=inviter.pk)
        .values_list("email_verified_at", flat=True)
        .first()
    )
    if verified_at is None:
        raise EmailNotVerified()
    invited_today = (
        Invitation.objects.filter(invited_by=inviter, created_at__gt=now - timedelta(days=1))
        .exclude(email=email)
        .values("email")
        .distinct()
        .count()
    )
    if invited_today >= settings.MAX_ATTENDEE_RECIPIENTS_PER_DAY:
        raise RecipientLimitReached()


@transaction.atomic
def invitation_create(
    *,
    exhibitor: Exhibitor,
    email: str,
    role: str,
    invited_by: User,
    now: datetime | None = None,
) -> InvitationIssued:
    """Invite `email` to act for the organisation; the e-mail carries the accept link.

    A second invitation to the same address replaces the first (its link stops
    working), so "send it again" is simply inviting again.
    """
    now = now or timezone.now()
    email = email.strip().lower()
    if role not in Membership.Role.values:
        raise InvalidInput(fields={"role": [_("Unknown role.")]})
    _check_inviter_may_mail(inviter=invited_by, email=email, now=now)
    _exhibitor_locked(exhibitor)
    if Membership.objects.filter(exhibitor=exhibitor, user__email__iexact=email).exists():
        raise AlreadyMember()
    open_invitations = Invitation.objects.filter(
        exhibitor=exhibitor, accepted_at__isnull=True, revoked_at__isnull=True
    )
    open_invitations.filter(email=email).update(revoked_at=now)
    if open_invitations.filter(expires_at__gt=now).count() >= MAX_OPEN_INVITATIONS:
        raise TooManyInvitations()
    # The outbox keeps a seed the link is made from at send time, never the link itself.
    accept_link, token = secret_link_new(
        purpose="exhibitor_invitation", url=invitation_accept_url("{token}")
    )
    invitation = Invitation.objects.create(
        exhibitor=exhibitor,
        email=email,
        role=role,
        token_hash=invitation_token_hash(token),
        invited_by=invited_by,
        expires_at=now + INVITATION_VALID_FOR,
    )
    invitee = User.objects.filter(email__iexact=email, is_active=True).first()
    notification_to_person_add(
        EXHIBITOR_INVITATION,
        key=f"invitation:{invitation.pk}",
        user=invitee,
        email=email,
        context={
            "invitation_id": invitation.pk,
            "exhibitor_name": exhibitor.name,
            "exhibitor_slug": exhibitor.slug,
            "role": role,
            "invited_by_name": invited_by.name,
            "invited_by_email": invited_by.email,
            "accept_link": accept_link,
            "expires_at": invitation.expires_at.isoformat(),
            "has_account": invitee is not None,
            "language": (invitee or invited_by).language,
            "expo_starts_on": exhibitor.expo.starts_on.isoformat(),
            "expo_ends_on": exhibitor.expo.ends_on.isoformat(),
        },
    )
    return InvitationIssued(invitation=invitation, token=token)


def invitation_accept_url(token: str) -> str:
    return f"{settings.SITE_URL}/exhibitor/invitations/{token}/"


def invitation_by_token(token: str) -> Invitation:
    """The invitation a link names; revoked or unknown links are `NotFound`."""
    invitation = (
        Invitation.objects.select_related("exhibitor")
        .filter(token_hash=invitation_token_hash(token), revoked_at__isnull=True)
        .first()
    )
    if invitation is None:
        raise NotFound()
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, user: User, now: datetime | None = None) -> Membership:
    """The logged-in person with the invited address joins. Accepting twice is a no-op."""
    now = now or timezone.now()
    invitation = invitation_by_token(token)
    _exhibitor_locked(invitation.exhibitor)
    invitation = Invitation.objects.select_related("exhibitor").get(pk=invitation.pk)
    if invitation.revoked_at is not None:
        raise NotFound()
    if invitation.email != user.email.lower():
        raise WrongAccount()
    if invitation.accepted_at is not None:
        membership = Membership.objects.filter(exhibitor=invitation.exhibitor, user=user).first()
        if invitation.accepted_by_id == user.pk and membership is not None:
            return membership
        raise InvitationUsed()
    if invitation.expires_at <= now:
        raise InvitationExpired()
    membership = membership_add(exhibitor=invitation.exhibitor, user=user, role=invitation.role)
    if invitation.role == Membership.Role.OWNER and membership.role != Membership.Role.OWNER:
        membership.role = Membership.Role.OWNER
        membership.save(update_fields=["role"])
    invitation.accepted_at = now
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    # The link came to this address: as good as the verification link.
    User.objects.filter(pk=user.pk, email_verified_at__isnull=True).update(email_verified_at=now)
    return membership


@transaction.atomic
def invitation_revoke(*, exhibitor: Exhibitor, invitation_id: int) -> None:
    updated = Invitation.objects.filter(
        pk=invitation_id, exhibitor=exhibitor, accepted_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    if not updated:
        raise NotFound()


def _membership_locked(exhibitor: Exhibitor, membership_id: int) -> Membership:
    _exhibitor_locked(exhibitor)
    membership = (
        Membership.objects.select_related("user")
        .filter(pk=membership_id, exhibitor=exhibitor)
        .first()
    )
    if membership is None:
        raise NotFound()
    return membership


def _other_owners(membership: Membership) -> int:
    return (
        Membership.objects.filter(exhibitor_id=membership.exhibitor_id, role=Membership.Role.OWNER)
        .exclude(pk=membership.pk)
        .count()
    )


@transaction.atomic
def membership_remove(*, exhibitor: Exhibitor, membership_id: int, acting_user: User) -> None:
    """An owner removes anyone; anyone may leave. The last owner can do neither, so an
    organisation is never left without someone who can manage it."""
    membership = _membership_locked(exhibitor, membership_id)
    if membership.user_id != acting_user.pk and exhibitor.my_role != Membership.Role.OWNER:
        raise OwnerRequired()
    if membership.role == Membership.Role.OWNER and _other_owners(membership) == 0:
        raise LastOwner()
    membership.delete()


@transaction.atomic
def membership_role_set(*, exhibitor: Exhibitor, membership_id: int, role: str) -> Membership:
    """Owners promote and demote; the last owner cannot be demoted."""
    if exhibitor.my_role != Membership.Role.OWNER:
        raise OwnerRequired()
    membership = _membership_locked(exhibitor, membership_id)
    if (
        membership.role == Membership.Role.OWNER
        and role != Membership.Role.OWNER
        and _other_owners(membership) == 0
    ):
        raise LastOwner()
    if membership.role != role:
        membership.role = role
        membership.save(update_fields=["role"])
    return membership


# --- Proposed sessions ------------------------------------------------------------------


def _hosted_pending_locked(exhibitor: Exhibitor, session_id: int) -> Session:
    session = (
        Session.objects.select_for_update(no_key=True, of=("self",))
        .select_related("venue")
        .filter(pk=session_id, host=exhibitor)
        .first()
    )
    if session is None:
        raise NotFound()
    if session.status != Session.Status.PENDING:
        raise SessionNotPending(extra={"status": session.status})
    return session


@transaction.atomic
def hosted_session_update(*, exhibitor: Exhibitor, session_id: int, data: dict) -> Session:
    """Edit an own proposal while staff have not decided on it yet."""
    session = _hosted_pending_locked(exhibitor, session_id)
    session_proposal_check(
        host=exhibitor,
        venue=data.get("venue", session.venue),
        starts_at=data.get("starts_at", session.starts_at),
        ends_at=data.get("ends_at", session.ends_at),
    )
    return session_update(session_id=session.pk, data=data)


@transaction.atomic
def hosted_session_withdraw(*, exhibitor: Exhibitor, session_id: int) -> None:
    """Take back a proposal nobody has decided on; nobody can have booked it."""
    session = _hosted_pending_locked(exhibitor, session_id)
    session.delete()


# --- Proposed sessions ---------------------------------------------------------------


def session_proposer_tell(*, session: Session, approved: bool) -> None:
    """Tell the exhibitor staff decided on a proposed session.

    The member who proposed it, while still a member; else the organisation's owners;
    else its contact address. A session sent back to `pending` and decided again is told
    again: the key carries the moment of the decision. Precondition: inside the
    decision's transaction (`expo.events.services.session_approve` / `session_reject`).
    """
    kind = SESSION_APPROVED if approved else SESSION_REJECTED
    host = session.host
    if host is None:  # a staff-made session put to pending by hand: nobody to tell
        return
    members = Membership.objects.filter(exhibitor=host).select_related("user")
    recipients = [m.user for m in members if m.user_id == session.proposed_by_id]
    if not recipients:
        recipients = [m.user for m in members if m.role == Membership.Role.OWNER]
    context = {
        "session_id": session.pk,
        "title_sv": session.title_sv,
        "title_en": session.title_en,
        "starts_at": session.starts_at.isoformat(),
        "ends_at": session.ends_at.isoformat(),
        "venue_name": session.venue.name,
        "exhibitor_name": host.name,
        "exhibitor_slug": host.slug,
        "reason": session.status_reason,
        "session_url": f"{settings.SITE_URL}/sessions/{session.pk}/",
        # For the mail footer (expo/events/templatetags/expo_dates.py).
        "expo_starts_on": session.expo.starts_on.isoformat(),
        "expo_ends_on": session.expo.ends_on.isoformat(),
    }
    stamp = session.updated_at.strftime("%Y%m%d%H%M%S%f")
    for user in recipients:
        notification_to_person_add(
            kind,
            key=f"session:{session.pk}:{kind}:{stamp}:user-{user.pk}",
            user=user,
            email=user.email,
            context=context,
        )
    if not recipients and host.contact_email:
        notification_to_person_add(
            kind,
            key=f"session:{session.pk}:{kind}:{stamp}:contact",
            email=host.contact_email,
            context=context,
        )
