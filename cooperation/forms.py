"""Browser forms of the cooperation pages: they only collect input; services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cooperation.models import Contact, Indicator, Language, Segment, Theme


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's per-field messages on the form's fields (others above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class CustomerForm(forms.Form):
    business_id = forms.CharField(label=_("Business ID"), max_length=9, help_text=_("In the form 1234567-8."))
    name = forms.CharField(label=_("Name"), max_length=200)
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0)
    industry = forms.CharField(label=_("Industry"), max_length=120, required=False)
    segment = forms.ChoiceField(
        label=_("Segment"),
        choices=[("", _("From the headcount (large from 250)")), *Segment.choices],
        required=False,
    )


class ContactForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=200)
    role = forms.ChoiceField(label=_("Role"), choices=Contact.ContactRole.choices)
    title = forms.CharField(label=_("Title"), max_length=120, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    language = forms.ChoiceField(label=_("Language"), choices=Language.choices)


class AgreementForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    period_start = forms.DateField(label=_("Period start"), widget=forms.DateInput(attrs={"type": "date"}))
    period_end = forms.DateField(label=_("Period end"), widget=forms.DateInput(attrs={"type": "date"}))


class AgreementContentForm(forms.Form):
    """What each phase records: orientation, identification, planning and agreement."""

    customer_responsibility_goals = forms.CharField(
        label=_("The customer's responsibility themes and goals"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes"), choices=Theme.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    identified_themes = forms.MultipleChoiceField(
        label=_("Themes concerning personnel well-being and work ability"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    identification_notes = forms.CharField(
        label=_("Identification notes"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    support_actions = forms.CharField(
        label=_("Agreed support actions"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )
    agreed_by_provider = forms.CharField(label=_("Agreed by (provider)"), max_length=200, required=False)
    agreed_by_customer = forms.CharField(label=_("Agreed by (customer)"), max_length=200, required=False)


class AdvanceForm(forms.Form):
    to_phase = forms.CharField(widget=forms.HiddenInput)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000)


class GoalForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    indicator = forms.ChoiceField(label=_("Indicator"), choices=Indicator.choices)
    custom_indicator = forms.CharField(label=_("Custom indicator"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=12, decimal_places=2, required=False)
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
