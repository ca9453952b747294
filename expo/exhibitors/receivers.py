"""What exhibitors does when the catalogue tells it something (connected in apps.py).

Runs inside the sender's transaction (expo/events/signals.py) and calls one service.
"""

from django.dispatch import receiver

from expo.events import signals
from expo.exhibitors import services


@receiver(signals.session_proposal_decided, dispatch_uid="exhibitors.proposal_decided")
def tell_proposer(sender, *, session, approved, **kwargs) -> None:
    services.session_proposer_tell(session=session, approved=approved)
