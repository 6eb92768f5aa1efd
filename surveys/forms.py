import re

from django import forms
from django.core.validators import validate_email
from django.utils.translation import gettext_lazy as _

from surveys.models import CopingAnswer, RespondentGroup

SCORE_CHOICES = [(n, str(n)) for n in range(11)]


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    coping = forms.ChoiceField(choices=CopingAnswer.choices, widget=forms.RadioSelect, required=False)
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=2000)
    contact_me = forms.BooleanField(label=_("I would like to be contacted about my feedback"), required=False)
    contact = forms.CharField(
        label=_("Your phone number or email address"),
        required=False,
        max_length=254,
        widget=forms.TextInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, with_coping: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_coping = with_coping
        self.fields["score"].error_messages["required"] = _("Choose a number from 0 to 10.")
        if with_coping:
            self.fields["coping"].required = True
            self.fields["coping"].error_messages["required"] = _("Choose one of the answers.")
        else:
            # Only a patient's answer opens a feedback case, so only patients are offered a call back.
            del self.fields["coping"]
            del self.fields["contact_me"]
            del self.fields["contact"]

    def clean(self):
        data = super().clean()
        if "contact" not in self.fields:
            return data
        contact = (data.get("contact") or "").strip()
        if data.get("contact_me"):
            if not contact:
                self.add_error("contact", _("Give a phone number or an email address so that we can reach you."))
            elif not _reachable(contact):
                self.add_error(
                    "contact", _("Give a phone number (digits, for example 040 123 4567) or an email address.")
                )
        elif contact:
            self.add_error(
                "contact_me", _("Tick the box if you would like to be contacted, or leave the contact field empty.")
            )
        data["contact"] = contact if data.get("contact_me") else ""
        return data


_PHONE = re.compile(r"\+?[0-9][0-9 ()-]{4,}[0-9]")


def _reachable(contact: str) -> bool:
    """A phone number (at least six digits) or an email address."""
    if "@" in contact:
        try:
            validate_email(contact)
        except forms.ValidationError:
            return False
        return True
    return bool(_PHONE.fullmatch(contact)) and sum(ch.isdigit() for ch in contact) >= 6


class NpsRoundForm(forms.Form):
    respondent_group = forms.ChoiceField(
        label=_("Respondents"),
        choices=[
            (RespondentGroup.SUPERVISOR.value, RespondentGroup.SUPERVISOR.label),
            (RespondentGroup.DECISION_MAKER.value, RespondentGroup.DECISION_MAKER.label),
        ],
    )
    customers = forms.ModelMultipleChoiceField(
        label=_("Customers"), queryset=None, widget=forms.CheckboxSelectMultiple, required=False
    )
    whole_portfolio = forms.BooleanField(label=_("All the customers I may start rounds for"), required=False)
    questionnaire_version = forms.ModelChoiceField(
        label=_("Questionnaire"),
        queryset=None,
        required=False,
        empty_label=_("None: the NPS question only"),
        help_text=_("A published questionnaire version; its link opens all of its questions."),
    )
    anonymous = forms.BooleanField(
        label=_("Anonymous: show the answers only aggregated, never per person"), required=False
    )

    def __init__(self, *args, customers, **kwargs):
        from surveys.models import QuestionnaireVersion

        super().__init__(*args, **kwargs)
        self.fields["customers"].queryset = customers
        self._all_customers = customers
        self.fields["questionnaire_version"].queryset = QuestionnaireVersion.objects.filter(
            published_at__isnull=False
        ).select_related("questionnaire")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("whole_portfolio"):
            cleaned["customers"] = list(self._all_customers)
        if not cleaned.get("customers") and "customers" not in self.errors:
            self.add_error("customers", _("Choose at least one customer, or all of them."))
        return cleaned
