from django import forms
from django.utils.translation import gettext_lazy as _

REASON_MAX_LENGTH = 1000


class ProposalRejectForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for the exhibitor"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say why, so the exhibitor can do better.")},
    )


class SessionCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (included in the notice)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
