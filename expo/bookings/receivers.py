"""What bookings does when the catalogue tells it something (connected in apps.py).

Each runs inside the sender's transaction (expo/events/signals.py) and calls one service.
"""

from django.dispatch import receiver

from expo.bookings import services
from expo.events import signals


@receiver(signals.session_cancelled, dispatch_uid="bookings.session_cancelled")
def cancel_bookings_of_cancelled_session(sender, *, session, now, **kwargs) -> None:
    services.session_bookings_cancel(session=session, now=now)


@receiver(signals.session_moved, dispatch_uid="bookings.session_moved")
def tell_booked_visitors_of_move(sender, *, session, **kwargs) -> None:
    services.session_bookings_tell_moved(session=session)


@receiver(signals.session_seats_may_be_free, dispatch_uid="bookings.session_seats")
def offer_free_seats(sender, *, session, now, **kwargs) -> None:
    services.waitlist_offer_free_seats(session=session, now=now)
