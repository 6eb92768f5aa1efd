from django import forms
from django.utils.translation import gettext_lazy as _

from portal.alerts.services import NOTE_MAX_LENGTH


class AcknowledgeForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        max_length=NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What will be done, or why nothing needs to be done."),
        error_messages={"required": _("Write a note: what will be done, or why nothing needs to be done.")},
    )


class SnoozeForm(forms.Form):
    until = forms.DateField(
        label=_("Snooze until"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"required": _("Choose the day the alert comes back.")},
    )
