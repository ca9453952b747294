"""What exhibitors hold about people (`expo.core.privacy`): memberships, leads and the
consent behind them, and invitations, including the inviter named in the outbox."""

from datetime import date, datetime

from django.db.models import Q

from expo.core.privacy import PersonalData
from expo.exhibitors.leads import contact_erase, leads_wipe
from expo.exhibitors.messages import EXHIBITOR_INVITATION
from expo.exhibitors.models import ContactWithdrawal, Invitation, Lead, LeadConsent, Membership
from expo.notifications.models import Notification


class ExhibitorsPersonalData(PersonalData):
    name = "exhibitors"

    def export(self, *, user) -> dict:
        memberships = (
            Membership.objects.filter(user=user).select_related("exhibitor").order_by("created_at")
        )
        consent = LeadConsent.objects.filter(user=user).first()
        leads = Lead.objects.filter(visitor=user).select_related("exhibitor").order_by("created_at")
        withdrawals = (
            ContactWithdrawal.objects.filter(user=user)
            .select_related("exhibitor")
            .order_by("withdrawn_at")
        )
        invitations = (
            Invitation.objects.filter(email__iexact=user.email)
            .select_related("exhibitor")
            .order_by("created_at")
        )
        return {
            "exhibitor_memberships": [
                {
                    "exhibitor": _exhibitor(membership.exhibitor),
                    "role": membership.role,
                    "created_at": membership.created_at,
                }
                for membership in memberships
            ],
            "lead_sharing": {
                "consented_at": consent.consented_at if consent else None,
                "leads": [
                    {
                        "exhibitor": _exhibitor(lead.exhibitor),
                        "name": lead.name,
                        "email": lead.email,
                        "note": lead.note,
                        "created_at": lead.created_at,
                    }
                    for lead in leads
                ],
                "withdrawn_from": [
                    {"exhibitor": _exhibitor(w.exhibitor), "withdrawn_at": w.withdrawn_at}
                    for w in withdrawals
                ],
            },
            "exhibitor_invitations": [
                {
                    "exhibitor": _exhibitor(invitation.exhibitor),
                    "email": invitation.email,
                    "role": invitation.role,
                    "created_at": invitation.created_at,
                    "expires_at": invitation.expires_at,
                    "accepted_at": invitation.accepted_at,
                    "revoked_at": invitation.revoked_at,
                }
                for invitation in invitations
            ],
        }

    def erase(self, *, user, now: datetime) -> None:
        Membership.objects.filter(user=user).delete()
        # Exhibitors' leads of the person lose their contact; no consent is left to share.
        contact_erase(user=user, now=now)
        # Invitations to the person name them by address; the link of an open one dies.
        Invitation.objects.filter(email__iexact=user.email).delete()
        sent = Invitation.objects.filter(invited_by=user)
        # Invitation e-mails quote who sent them.
        quoting = Notification.objects.filter(
            Q(context__invitation_id__in=list(sent.values_list("pk", flat=True)))
            | Q(context__invited_by_email=user.email.lower()),
            kind=EXHIBITOR_INVITATION,
        ).only("pk", "context")
        rows = list(quoting)
        sent.update(invited_by=None)
        for row in rows:
            row.context.pop("invited_by_name", None)
            row.context.pop("invited_by_email", None)
        Notification.objects.bulk_update(rows, ["context"], batch_size=500)

    def purge(self, *, ended_before: date, now: datetime, dry_run: bool) -> dict[str, int]:
        past = {"exhibitor__expo__ends_on__lt": ended_before}
        leads = Lead.objects.filter(withdrawn_at__isnull=True, **past)
        invitations = Invitation.objects.filter(**past)
        withdrawals = ContactWithdrawal.objects.filter(**past)
        counts = {
            "leads": leads.count(),
            "invitations": invitations.count(),
            "contact_withdrawals": withdrawals.count(),
        }
        if not dry_run:
            leads_wipe(leads, now)
            invitations.delete()
            withdrawals.delete()
        return counts


personal_data = ExhibitorsPersonalData()


def _exhibitor(exhibitor) -> dict:
    return {"slug": exhibitor.slug, "name": exhibitor.name}
