from django import forms
from django.utils.translation import gettext_lazy as _

from surveys.models import CopingAnswer, RespondentGroup

SCORE_CHOICES = [(n, str(n)) for n in range(11)]


class AnswerForm(forms.Form):
    score = forms.TypedChoiceField(choices=SCORE_CHOICES, coerce=int, widget=forms.RadioSelect)
    coping = forms.ChoiceField(choices=CopingAnswer.choices, widget=forms.RadioSelect, required=False)
    comment = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=2000)

    def __init__(self, *args, with_coping: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.with_coping = with_coping
        self.fields["score"].error_messages["required"] = _("Choose a number from 0 to 10.")
        if with_coping:
            self.fields["coping"].required = True
            self.fields["coping"].error_messages["required"] = _("Choose one of the answers.")
        else:
            del self.fields["coping"]


class NpsRoundForm(forms.Form):
    respondent_group = forms.ChoiceField(
        label=_("Respondents"),
        choices=[
            (RespondentGroup.SUPERVISOR.value, RespondentGroup.SUPERVISOR.label),
            (RespondentGroup.DECISION_MAKER.value, RespondentGroup.DECISION_MAKER.label),
        ],
    )
    customers = forms.ModelMultipleChoiceField(label=_("Customers"), queryset=None, widget=forms.CheckboxSelectMultiple)

    def __init__(self, *args, customers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["customers"].queryset = customers
