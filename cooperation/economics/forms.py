"""Browser forms of the work-health matrix: they collect input; the services decide."""

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from cooperation.economics import calculator, scoring
from cooperation.economics.models import Direction, WorkHealthMatrix


class MatrixCopyForm(forms.Form):
    template = forms.ChoiceField(label=_("Template"))
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)

    def __init__(self, *args, templates, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["template"].choices = [(t.template_code, f"{t.name} ({t.template_code})") for t in templates]


class MatrixResultsForm(forms.Form):
    """One optional number per indicator; empty means the result is missing."""

    def __init__(self, *args, matrix: WorkHealthMatrix, **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in matrix.indicators.all():
            self.fields[indicator.code] = forms.DecimalField(
                label=indicator.name,
                required=False,
                max_digits=12,
                decimal_places=3,
                help_text=indicator.unit,
                initial=None if indicator.result is None else scoring.as_json_number(indicator.result),
                localize=True,
            )


def _numbers(text: str) -> list[str]:
    return [part.strip().replace(",", ".") for part in text.replace(";", " ").split() if part.strip()]


class MatrixIndicatorsForm(forms.Form):
    """Per indicator: its direction, its eleven thresholds (points 10 → 0, separated by spaces)
    and its weight."""

    def __init__(self, *args, matrix: WorkHealthMatrix, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = []
        for indicator in matrix.indicators.all():
            code = indicator.code
            self.codes.append(code)
            self.fields[f"{code}.direction"] = forms.ChoiceField(
                label=_("%(indicator)s: direction") % {"indicator": indicator.name},
                choices=Direction.choices,
                initial=indicator.direction,
            )
            self.fields[f"{code}.thresholds"] = forms.CharField(
                label=_("%(indicator)s: thresholds for points 10 down to 0") % {"indicator": indicator.name},
                help_text=_("Eleven numbers separated by spaces."),
                initial=" ".join(str(t) for t in indicator.thresholds),
                max_length=400,
            )
            self.fields[f"{code}.weight"] = forms.DecimalField(
                label=_("%(indicator)s: weight") % {"indicator": indicator.name},
                initial=indicator.weight,
                max_digits=6,
                decimal_places=2,
                localize=True,
            )

    def rows(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {
                "code": code,
                "direction": data[f"{code}.direction"],
                "thresholds": _numbers(data[f"{code}.thresholds"]),
                "weight": data[f"{code}.weight"],
            }
            for code in self.codes
        ]


class ScenarioForm(forms.Form):
    """One scenario of the economic impact calculator; the ranges are the calculator's."""

    employees = forms.DecimalField(label=_("Employees"), decimal_places=0, localize=True)
    sick_leave_days = forms.DecimalField(label=_("Sick-leave days per person-year"), decimal_places=2, localize=True)
    day_cost = forms.DecimalField(label=_("Cost of one sick-leave day (€)"), decimal_places=2, localize=True)
    investment_per_employee = forms.DecimalField(
        label=_("Occupational-health investment per employee a year (€)"), decimal_places=2, localize=True
    )
    sick_leave_reduction = forms.DecimalField(label=_("Reduction in sick leave (%)"), decimal_places=2, localize=True)
    early_retirements_avoided = forms.DecimalField(
        label=_("People kept from early retirement over the follow-up"), decimal_places=0, localize=True
    )
    monthly_pension = forms.DecimalField(
        label=_("Their disability pension a month (€)"), decimal_places=2, localize=True
    )
    years = forms.DecimalField(label=_("Follow-up (years)"), decimal_places=0, localize=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, (low, high) in calculator.LIMITS.items():
            field = self.fields[name]
            field.min_value, field.max_value = low, high
            field.validators += [MinValueValidator(low), MaxValueValidator(high)]
            field.widget.attrs.update({"min": low, "max": high, "inputmode": "decimal"})

    def clean(self):
        data = super().clean()
        if set(calculator.LIMITS) <= set(data):
            for name, problem in calculator.scenario_errors(data).items():
                if problem == "more_than_employees":
                    self.add_error(name, _("There cannot be more of them than employees."))
        return data
