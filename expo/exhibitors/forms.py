"""What members fill in on the portal's pages.

The forms check the shape of the input only, as the API's serializers do; every rule
(stand codes, the last owner, the logo's format and size, the expo's days) is the
services' and comes back as an `ExpoError`, which `errors_onto_form` puts on the form.
"""

from django import forms
from django.utils.translation import gettext_lazy as _

from expo.core.exceptions import ExpoError
from expo.events.models import Session, Theme, Venue
from expo.exhibitors.csv_export import DELIMITERS
from expo.exhibitors.models import Membership
from expo.exhibitors.services import PROFILE_FIELDS


def errors_onto_form(form: forms.Form, error: ExpoError, *, field: str | None = None) -> None:
    """A service's refusal, shown where it belongs: at the fields it names, else at
    `field` (the one the refusal is about, such as a taken stand code), else on top."""
    placed = False
    for field, messages in (error.fields or {}).items():
        if field in form.fields:
            for message in messages if isinstance(messages, list | tuple) else [messages]:
                form.add_error(field, str(message))
            placed = True
    if not placed:
        form.add_error(field if field in form.fields else None, str(error.detail))


class PortalForm(forms.Form):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class TimeInput(forms.TimeInput):
    input_type = "time"


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ProfileForm(PortalForm):
    name = forms.CharField(label=_("Organisation name"), max_length=200)
    description_sv = forms.CharField(
        label=_("Description in Swedish"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "sv"}),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5, "lang": "en"}),
    )
    website = forms.URLField(
        label=_("Website"), required=False, assume_scheme="https", max_length=200
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), required=False)
    contact_phone = forms.CharField(
        label=_("Contact phone"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    logo = forms.FileField(
        label=_("New logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 2 MB and 4000 pixels a side."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove_logo = forms.BooleanField(label=_("Remove the logo"), required=False)

    def changes(self) -> dict:
        """The service's `data`: every profile field, and `logo` only when it changes."""
        data = {field: self.cleaned_data[field] for field in PROFILE_FIELDS}
        if self.cleaned_data.get("logo"):
            data["logo"] = self.cleaned_data["logo"]
        elif self.cleaned_data.get("remove_logo"):
            data["logo"] = None
        return data


class StandForm(PortalForm):
    venue = forms.ModelChoiceField(
        label=_("Venue"), queryset=Venue.objects.none(), to_field_name="slug"
    )
    code = forms.RegexField(
        label=_("Stand code"),
        regex=r"^[A-Za-z0-9][A-Za-z0-9 ._-]*$",
        max_length=20,
        help_text=_("As on the floor plan, for example B12."),
    )
    opens_at = forms.TimeField(label=_("Opens at"), required=False, widget=TimeInput())
    closes_at = forms.TimeField(label=_("Closes at"), required=False, widget=TimeInput())

    def __init__(self, *args, exhibitor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(expo_id=exhibitor.expo_id).order_by(
            "name"
        )


class InvitationForm(PortalForm):
    email = forms.EmailField(
        label=_("E-mail address"), widget=forms.EmailInput(attrs={"autocomplete": "off"})
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        help_text=_("Owners also manage the team."),
    )


class RoleForm(PortalForm):
    role = forms.ChoiceField(label=_("Role"), choices=Membership.Role.choices)


class ProposalForm(PortalForm):
    """A session proposal; the times are the expo's local time (the page renders in it)."""

    title_sv = forms.CharField(label=_("Title in Swedish"), max_length=200)
    title_en = forms.CharField(label=_("Title in English"), max_length=200, required=False)
    description_sv = forms.CharField(
        label=_("Description in Swedish"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "sv"}),
    )
    description_en = forms.CharField(
        label=_("Description in English"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4, "lang": "en"}),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Session.Kind.choices)
    language = forms.ChoiceField(
        label=_("Language"), choices=Session.Language.choices, initial=Session.Language.SV
    )
    starts_at = forms.DateTimeField(label=_("Starts"), widget=DateTimeInput())
    ends_at = forms.DateTimeField(label=_("Ends"), widget=DateTimeInput())
    venue = forms.ModelChoiceField(
        label=_("Venue"), queryset=Venue.objects.none(), to_field_name="slug"
    )
    themes = forms.ModelMultipleChoiceField(
        label=_("Themes"),
        queryset=Theme.objects.none(),
        to_field_name="slug",
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    capacity = forms.IntegerField(label=_("Seats"), min_value=1, max_value=100_000)
    max_party_size = forms.IntegerField(
        label=_("Most tickets per booking"), min_value=1, max_value=50, initial=4
    )

    def __init__(self, *args, exhibitor, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["venue"].queryset = Venue.objects.filter(expo_id=exhibitor.expo_id).order_by(
            "name"
        )
        self.fields["themes"].queryset = Theme.objects.all()
        self.fields["themes"].label_from_instance = lambda theme: theme.name


class LeadScanForm(PortalForm):
    code = forms.CharField(
        label=_("Ticket code"),
        max_length=500,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
                "enterkeyhint": "go",
            }
        ),
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class LeadNoteForm(PortalForm):
    note = forms.CharField(
        label=_("Note"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class DelimiterForm(PortalForm):
    delimiter = forms.ChoiceField(
        label=_("Separator"),
        choices=[
            ("comma", _("Comma (most spreadsheets)")),
            ("semicolon", _("Semicolon (Excel in Swedish)")),
        ],
        initial="comma",
        required=False,
    )

    def separator(self) -> str:
        return DELIMITERS[self.cleaned_data.get("delimiter") or "comma"]
