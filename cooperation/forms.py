"""Browser forms of the cooperation pages: they only collect input; services decide."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cooperation.industries import industry_choices
from cooperation.models import Contact, Indicator, Language, Segment, Theme


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Show a service's per-field messages on the form's fields (others above the form)."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)


class DateInput(forms.DateInput):
    """A browser date picker: its value is always ISO (2026-01-31), whatever the page's language,
    or the picker shows a stored date as empty."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")


class CustomerForm(forms.Form):
    business_id = forms.CharField(label=_("Business ID"), max_length=9, help_text=_("In the form 1234567-8."))
    name = forms.CharField(label=_("Name"), max_length=200)
    headcount = forms.IntegerField(label=_("Headcount"), min_value=0)
    industry = forms.ChoiceField(label=_("Industry"), choices=[("", "—"), *industry_choices()], required=False)
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
    period_start = forms.DateField(label=_("Period start"), widget=DateInput())
    period_end = forms.DateField(label=_("Period end"), widget=DateInput())


class StepForm(forms.Form):
    """One step of the agreement: its own fields, and the way on to the next phase."""

    #: The agreement's fields this step edits, in the order of the page.
    agreement_fields: tuple[str, ...] = ()

    to_phase = forms.CharField(widget=forms.HiddenInput, required=False)
    note = forms.CharField(
        label=_("Note on moving on (optional)"),
        help_text=_("Kept in the history with the phase change, e.g. where it was agreed."),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        required=False,
    )

    @classmethod
    def initial_for(cls, agreement) -> dict:
        return {name: getattr(agreement, name) for name in cls.agreement_fields} | {"to_phase": agreement.next_phase}

    def field_list(self):
        """The step's own fields (the note belongs to moving on and is shown there)."""
        return [self[name] for name in self.agreement_fields]

    def step_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.agreement_fields}


class OrientationStepForm(StepForm):
    agreement_fields = ("title", "period_start", "period_end", "customer_responsibility_goals", "themes")

    title = forms.CharField(
        label=_("Title"), max_length=200, error_messages={"required": _("Give the agreement a title.")}
    )
    period_start = forms.DateField(
        label=_("Period start"),
        widget=DateInput(),
        error_messages={"required": _("Give the date the period starts.")},
    )
    period_end = forms.DateField(
        label=_("Period end"),
        widget=DateInput(),
        error_messages={"required": _("Give the date the period ends.")},
    )
    customer_responsibility_goals = forms.CharField(
        label=_("The customer's responsibility themes and goals"),
        help_text=_("What the customer's own responsibility strategy says about its personnel."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    themes = forms.MultipleChoiceField(
        label=_("Themes of the customer's responsibility work"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )


class IdentificationStepForm(StepForm):
    agreement_fields = ("identified_themes", "identification_notes")

    identified_themes = forms.MultipleChoiceField(
        label=_("Themes concerning personnel well-being and work ability"),
        choices=Theme.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    identification_notes = forms.CharField(
        label=_("Identification notes"),
        help_text=_("How the themes show in the customer's responsibility goals."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )


class PlanningStepForm(StepForm):
    agreement_fields = ("support_actions", "agreed_by_provider", "agreed_by_customer")

    support_actions = forms.CharField(
        label=_("Agreed support actions"),
        help_text=_("How the provider supports the customer in reaching the goals."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
    agreed_by_provider = forms.CharField(label=_("Agreed by (provider)"), max_length=200, required=False)
    agreed_by_customer = forms.CharField(label=_("Agreed by (customer)"), max_length=200, required=False)


#: The form of each step; the agreed and follow-up steps have no fields of their own.
STEP_FORMS = {
    "orientation": OrientationStepForm,
    "identification": IdentificationStepForm,
    "planning": PlanningStepForm,
    "agreed": StepForm,
    "follow-up": StepForm,
}


class GoalForm(forms.Form):
    theme = forms.ChoiceField(label=_("Theme"), choices=Theme.choices)
    indicator = forms.ChoiceField(label=_("Indicator"), choices=Indicator.choices)
    custom_indicator = forms.CharField(label=_("Custom indicator"), max_length=200, required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea(attrs={"rows": 2}), required=False)
    baseline = forms.DecimalField(
        label=_("Baseline"),
        help_text=_("The value when the agreement starts."),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    target = forms.DecimalField(
        label=_("Target"),
        help_text=_("A target below the baseline means the goal is to bring the value down."),
        max_digits=12,
        decimal_places=2,
        required=False,
    )
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)


def _person_label(user) -> str:
    return user.get_full_name() or user.email


class PersonChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj) -> str:
        return _person_label(obj) if hasattr(obj, "get_full_name") else obj.name


class AgreementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.title


class MeetingForm(forms.Form):
    """A steering-group meeting: participants of both sides, agenda, minutes and decisions."""

    date = forms.DateField(label=_("Date"), widget=DateInput())
    agreement = AgreementChoiceField(
        label=_("Agreement followed up"), queryset=None, required=False, empty_label=_("None")
    )
    provider_attendees = PersonChoiceField(
        label=_("Participants of the provider"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    provider_participants = forms.CharField(
        label=_("Other participants of the provider"),
        help_text=_("Names and titles of those without a login, e.g. the occupational physician."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    customer_attendees = PersonChoiceField(
        label=_("Participants of the customer"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    customer_participants = forms.CharField(
        label=_("Other participants of the customer"),
        help_text=_("Names and titles of those not among the contacts."),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
    )
    agenda = forms.CharField(label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 4}), required=False)
    minutes = forms.CharField(label=_("Minutes"), widget=forms.Textarea(attrs={"rows": 6}), required=False)
    decisions = forms.CharField(
        label=_("Decisions"),
        help_text=_("One decision a line."),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )

    def __init__(self, *args, customer, provider_people, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agreement"].queryset = customer.agreements.order_by("-period_start")
        self.fields["provider_attendees"].queryset = provider_people
        self.fields["customer_attendees"].queryset = customer.contacts.filter(active=True).order_by("name")


class ActionItemForm(forms.Form):
    """An action item and its owner: someone of the provider, a contact of the customer, or a name."""

    description = forms.CharField(label=_("Action item"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    owner = forms.ChoiceField(label=_("Owner"), required=False)
    owner_name = forms.CharField(label=_("Owner's name, if not in the list"), max_length=200, required=False)
    due_date = forms.DateField(label=_("Due date"), widget=DateInput(), required=False)

    def __init__(self, *args, customer, provider_people, **kwargs):
        super().__init__(*args, **kwargs)
        self.provider_people = {str(user.pk): user for user in provider_people}
        self.contacts = {str(c.pk): c for c in customer.contacts.filter(active=True).order_by("name")}
        self.fields["owner"].choices = [
            ("", _("Someone else (give the name below)")),
            (_("Provider"), [(f"user:{pk}", _person_label(user)) for pk, user in self.provider_people.items()]),
            (
                _("Customer"),
                [(f"contact:{pk}", f"{c.name} ({c.get_role_display()})") for pk, c in self.contacts.items()],
            ),
        ]

    @classmethod
    def initial_for(cls, item) -> dict:
        if item.owner_user_id:
            owner = f"user:{item.owner_user_id}"
        elif item.owner_contact_id:
            owner = f"contact:{item.owner_contact_id}"
        else:
            owner = ""
        return {
            "description": item.description,
            "owner": owner,
            "owner_name": "" if owner else item.owner,
            "due_date": item.due_date,
        }

    def clean(self):
        data = super().clean()
        # Said here too so that every missing thing is listed at once, not one round-trip each.
        if not data.get("owner") and not (data.get("owner_name") or "").strip() and "owner" not in self.errors:
            self.add_error("owner", _("Name the owner of the action item."))
        return data

    def service_arguments(self) -> dict:
        """The cleaned data as the action-item services take it."""
        data = self.cleaned_data
        kind, _sep, pk = data["owner"].partition(":")
        return {
            "description": data["description"],
            "owner": data["owner_name"],
            "owner_user": self.provider_people.get(pk) if kind == "user" else None,
            "owner_contact": self.contacts.get(pk) if kind == "contact" else None,
            "due_date": data["due_date"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        add_service_errors(self, error)
