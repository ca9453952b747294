"""What a visitor fills in on the session page to book seats or join the waitlist.

The forms only check the shape of the input; whether the seats are there, the visitor
may book, or the window is open is decided by the booking services.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from expo.bookings.services import Attendee
from expo.events.models import Session


def _party_choices(first: int, last: int) -> list[tuple[int, str]]:
    return [(n, str(n)) for n in range(first, last + 1)]


class BookingForm(forms.Form):
    """Party size and, optionally, a name for each ticket (the first defaults to the visitor).

    There is one name field per possible seat so the form works without JavaScript;
    names beyond the party size are ignored.
    """

    def __init__(self, *args, session: Session, visitor=None, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.session = session
        # Offer only what fits now; the services decide when two visitors race for it.
        largest = max(min(session.max_party_size, session.seats_left), 1)
        # A refused booking shows the form again as it was typed, party size included.
        typed = self.data.get("party_size", "") if self.is_bound else ""
        if str(typed).isdigit():
            largest = max(largest, min(int(typed), session.max_party_size))
        self.fields["party_size"] = forms.IntegerField(
            label=_("Number of tickets"),
            min_value=1,
            max_value=session.max_party_size,
            initial=1,
            widget=forms.Select(choices=_party_choices(1, largest)),
        )
        visitor_name = getattr(visitor, "name", "") if visitor is not None else ""
        for number in range(1, session.max_party_size + 1):
            self.fields[f"name_{number}"] = forms.CharField(
                label=pgettext_lazy("attendee", "Ticket %(number)s") % {"number": number},
                max_length=150,
                required=False,
                widget=forms.TextInput(
                    attrs={
                        "autocomplete": "name" if number == 1 else "off",
                        "placeholder": visitor_name if number == 1 else "",
                    }
                ),
            )

    @property
    def name_fields(self):
        return [self[f"name_{number}"] for number in range(1, self.session.max_party_size + 1)]

    def attendees(self) -> list[Attendee]:
        party_size = self.cleaned_data["party_size"]
        return [
            Attendee(name=self.cleaned_data.get(f"name_{number}", "").strip())
            for number in range(1, party_size + 1)
        ]


class WaitlistForm(forms.Form):
    """A whole party queues together; seats are offered only when all of them fit."""

    def __init__(self, *args, session: Session, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        # With some seats left, only a party larger than them has a reason to wait.
        smallest = min(session.seats_left + 1, session.max_party_size)
        self.fields["party_size"] = forms.IntegerField(
            label=_("Number of people"),
            min_value=1,
            max_value=session.max_party_size,
            initial=smallest,
            widget=forms.Select(choices=_party_choices(smallest, session.max_party_size)),
        )
