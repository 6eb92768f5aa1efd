"""The filters of the quality staff's pages (portal.quality_views): plain GET forms, so a bad
value in the address is a message on the page (with the error summary), never a server error."""

import datetime as dt

from django import forms
from django.utils.translation import gettext_lazy as _

from cooperation.dates import validate_supported_date
from surveys.models import Practitioner, Unit

#: How many years back the year filters reach.
YEARS_BACK = 5

#: The score filter's choices: a class of the NPS scale or one score (inclusive ranges).
SCORE_RANGES = {
    "detractor": (0, 6),
    "passive": (7, 8),
    "promoter": (9, 10),
    **{str(n): (n, n) for n in range(11)},
}


def _year_choices(today: dt.date) -> list[tuple[int, int]]:
    return [(year, year) for year in range(today.year, today.year - YEARS_BACK - 1, -1)]


class _QualityForm(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field, forms.ChoiceField):
                field.error_messages["invalid_choice"] = _("Choose one of the options in the list.")

    def value(self, name: str, default=None):
        """A cleaned value, or ``default`` when the form was not valid or left it empty."""
        if not self.is_valid():
            return default
        value = self.cleaned_data.get(name)
        return default if value in (None, "") else value


class UnitNpsForm(_QualityForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    units = forms.ChoiceField(
        label=_("Units"),
        required=False,
        choices=[("", _("All units")), ("mine", _("The units I follow"))],
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(today)


class PractitionerNpsForm(_QualityForm):
    year = forms.TypedChoiceField(label=_("Year"), coerce=int, required=False)
    quarter = forms.TypedChoiceField(
        label=_("Quarter"),
        coerce=int,
        required=False,
        choices=[("", _("The whole year")), *[(q, f"Q{q}") for q in range(1, 5)]],
    )
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.all(), to_field_name="code", required=False, empty_label=_("All units")
    )

    def __init__(self, *args, today: dt.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = _year_choices(today)


class CommentFilterForm(_QualityForm):
    unit = forms.ModelChoiceField(
        label=_("Unit"), queryset=Unit.objects.none(), to_field_name="code", required=False, empty_label=_("All units")
    )
    practitioner = forms.ModelChoiceField(
        label=_("Practitioner"),
        queryset=Practitioner.objects.none(),
        to_field_name="code",
        required=False,
        empty_label=_("All practitioners"),
    )
    start = forms.DateField(
        label=_("From"),
        required=False,
        validators=[validate_supported_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=_("To"),
        required=False,
        validators=[validate_supported_date],
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    score = forms.ChoiceField(
        label=_("Score"),
        required=False,
        choices=[
            ("", _("All scores")),
            (
                _("By class"),
                [
                    ("detractor", _("Detractors (0–6)")),
                    ("passive", _("Passives (7–8)")),
                    ("promoter", _("Promoters (9–10)")),
                ],
            ),
            (_("One score"), [(str(n), str(n)) for n in range(11)]),
        ],
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units
        # Once a unit is chosen, its own practitioners only: a shorter list, and a practitioner
        # of another unit is a mistake the person is told about.
        chosen = self.data.get("unit") if self.is_bound else None
        self.fields["practitioner"].queryset = Practitioner.objects.filter(
            unit__in=units.filter(code=chosen) if chosen else units
        )
        for name in ("start", "end"):
            self.fields[name].error_messages["invalid"] = _("Give the date as year-month-day, e.g. 2026-03-31.")

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end of the period cannot be before its start."))
        return data

    def scores(self) -> tuple[int, int] | None:
        return SCORE_RANGES.get(self.value("score", ""))
