"""The work-health matrices in the admin: a matrix with its indicators inline."""

from django.contrib import admin
from django.core.exceptions import ValidationError
from django.forms import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from cooperation.economics import scoring
from cooperation.economics.models import MatrixIndicator, WorkHealthMatrix

THRESHOLDS_MESSAGE = _("Give eleven numbers for points 10 down to 0, running steadily from best to worst.")


class IndicatorRowsFormSet(BaseInlineFormSet):
    """The same rules as the services: eleven steadily running thresholds, a weight of zero or more."""

    def clean(self):
        super().clean()
        for form in self.forms:
            data = getattr(form, "cleaned_data", None) or {}
            if not data or data.get("DELETE"):
                continue
            if scoring.thresholds_errors(data.get("thresholds"), data.get("direction")):
                form.add_error(
                    "thresholds",
                    ValidationError(
                        _("Give eleven numbers for points 10 down to 0, running steadily from best to worst.")
                    ),
                )


class MatrixIndicatorInline(admin.TabularInline):
    model = MatrixIndicator
    formset = IndicatorRowsFormSet
    extra = 0
    fields = [
        "position",
        "code",
        "name_en",
        "name_fi",
        "name_sv",
        "unit",
        "direction",
        "thresholds",
        "weight",
        "result",
    ]


@admin.register(WorkHealthMatrix)
class WorkHealthMatrixAdmin(admin.ModelAdmin):
    list_display = ["name", "customer", "template_code", "year"]
    list_filter = ["year"]
    search_fields = ["name", "customer__name", "customer__business_id", "template_code"]
    raw_id_fields = ["customer"]
    inlines = [MatrixIndicatorInline]
