"""Browser forms of the work-health matrix: they collect input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

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
                initial=indicator.result,
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
