"""Writes for partner organisations and the people who act for them."""

from django.db import transaction

from expo.accounts.models import User
from expo.accounts.services import user_set_role
from expo.core.exceptions import InvalidInput
from expo.core.permissions import EXHIBITOR
from expo.exhibitors.models import Exhibitor, Membership


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
