"""Work-health matrices: a template (no customer) or a customer's own matrix for one year."""

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from cooperation.economics.scoring import HIGHER, LOWER


class Direction(models.TextChoices):
    LOWER = LOWER, _("Lower is better")
    HIGHER = HIGHER, _("Higher is better")


class WorkHealthMatrix(models.Model):
    """A customer's matrix for one year, or (customer empty) a ready template to copy."""

    customer = models.ForeignKey(
        "cooperation.CorporateCustomer",
        verbose_name=_("customer"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="work_health_matrices",
    )
    template_code = models.SlugField(_("template code"), max_length=40, blank=True)
    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        app_label = "cooperation"
        ordering = ["customer_id", "-year"]
        verbose_name = _("work-health matrix")
        verbose_name_plural = _("work-health matrices")
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "year"], condition=Q(customer__isnull=False), name="one_matrix_per_customer_year"
            ),
            models.UniqueConstraint(
                fields=["template_code"], condition=Q(customer__isnull=True), name="template_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(customer__isnull=False) | ~Q(template_code=""), name="template_has_code"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} {self.year}"

    @property
    def is_template(self) -> bool:
        return self.customer_id is None


class MatrixIndicator(models.Model):
    matrix = models.ForeignKey(WorkHealthMatrix, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    code = models.SlugField(_("code"), max_length=40)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_fi = models.CharField(_("name (Finnish)"), max_length=200, blank=True)
    name_sv = models.CharField(_("name (Swedish)"), max_length=200, blank=True)
    unit = models.CharField(_("unit"), max_length=60, blank=True)
    direction = models.CharField(_("direction"), max_length=6, choices=Direction.choices)
    #: Eleven numbers, for points 10 down to 0 (see cooperation.economics.scoring).
    thresholds = models.JSONField(_("thresholds"))
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    #: The year's result; empty while it is not known (no points, the total says so).
    result = models.DecimalField(_("result"), max_digits=12, decimal_places=3, null=True, blank=True)

    class Meta:
        app_label = "cooperation"
        ordering = ["matrix", "position", "pk"]
        verbose_name = _("matrix indicator")
        verbose_name_plural = _("matrix indicators")
        constraints = [
            models.UniqueConstraint(fields=["matrix", "code"], name="indicator_code_unique_in_matrix"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="indicator_weight_not_negative"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language, English where a translation is missing."""
        language = (get_language() or "en")[:2]
        return getattr(self, f"name_{language}", "") or self.name_en


class EconomicAssumptions(models.Model):
    """The calculator's two scenarios as the account manager last saved them for a customer:
    what the annual cooperation report shows as the economic impact."""

    customer = models.OneToOneField(
        "cooperation.CorporateCustomer", on_delete=models.CASCADE, related_name="economic_assumptions"
    )
    #: ``{"a": {assumption: "number", …}, "b": {…}}`` (Decimals as strings).
    scenarios = models.JSONField(_("scenarios"))
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        app_label = "cooperation"
        verbose_name = _("economic assumptions")
        verbose_name_plural = _("economic assumptions")

    def __str__(self) -> str:
        return str(self.customer)
