"""Writes of the work-health matrices. Keyword arguments only, one transaction each, and a
``ValidationError`` with a message per field: a bad row or result saves nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.economics import calculator, scoring
from cooperation.economics.models import Direction, EconomicAssumptions, MatrixIndicator, WorkHealthMatrix
from cooperation.models import CorporateCustomer
from cooperation.selectors import health_percentage
from cooperation.services.common import Errors

FIRST_YEAR, LAST_YEAR = 1990, 2100


def _threshold_message(problem: str):
    return {
        "count": _("Give exactly eleven thresholds, for points 10 down to 0."),
        "number": _("Every threshold must be a number."),
        "monotonic": _(
            "The thresholds must run steadily from the best to the worst: growing when lower is better, "
            "shrinking when higher is better, with no two equal."
        ),
    }[problem]


def matrix_copy_template(*, customer: CorporateCustomer, template_code: str, year, by=None) -> WorkHealthMatrix:
    """The customer's own matrix for ``year``, copied from a template; the copy is theirs to edit."""
    errors = Errors()
    template = WorkHealthMatrix.objects.filter(customer__isnull=True, template_code=template_code or "").first()
    if template is None:
        errors.add("template", _("There is no matrix template with this code."))
    if isinstance(year, bool) or not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        errors.add("year", _("Give a year between %(first)s and %(last)s.") % {"first": FIRST_YEAR, "last": LAST_YEAR})
    elif WorkHealthMatrix.objects.filter(customer=customer, year=year).exists():
        errors.add("year", _("This customer already has a matrix for %(year)s.") % {"year": year})
    errors.raise_if_any()
    with transaction.atomic():
        matrix = WorkHealthMatrix.objects.create(customer=customer, name=template.name, year=year)
        MatrixIndicator.objects.bulk_create(
            MatrixIndicator(
                matrix=matrix,
                position=i.position,
                code=i.code,
                name_en=i.name_en,
                name_fi=i.name_fi,
                name_sv=i.name_sv,
                unit=i.unit,
                direction=i.direction,
                thresholds=i.thresholds,
                weight=i.weight,
            )
            for i in template.indicators.all()
        )
    return matrix


def matrix_indicators_update(*, matrix: WorkHealthMatrix, rows: Sequence[Mapping[str, Any]]) -> WorkHealthMatrix:
    """Change the thresholds, weights and directions of a matrix's indicators, all or nothing.

    ``rows``: ``{"code", "direction", "thresholds": [11 numbers], "weight"}`` per indicator to change;
    errors are keyed ``<code>.thresholds`` etc. so a page can show each beside its row."""
    errors = Errors()
    by_code = {i.code: i for i in matrix.indicators.all()}
    changed = []
    for row in rows:
        code = row.get("code")
        indicator = by_code.get(code)
        if indicator is None:
            errors.add("code", _("The matrix has no indicator %(code)s.") % {"code": code})
            continue
        direction = row.get("direction", indicator.direction)
        if direction not in Direction.values:
            errors.add(f"{code}.direction", _("Choose lower or higher is better."))
            continue
        thresholds = row.get("thresholds", indicator.thresholds)
        if problems := scoring.thresholds_errors(thresholds, direction):
            errors.add(f"{code}.thresholds", _threshold_message(problems[0]))
        try:
            weight = scoring.as_decimal(row.get("weight", indicator.weight))
        except ValueError:
            errors.add(f"{code}.weight", _("The weight must be a number."))
        else:
            if weight < 0:
                errors.add(f"{code}.weight", _("The weight cannot be below zero."))
            elif weight >= 10_000:
                errors.add(f"{code}.weight", _("The weight must be below 10,000."))
        if problems or f"{code}.weight" in errors.by_field:
            continue
        indicator.direction = direction
        indicator.thresholds = [scoring.as_json_number(t) for t in thresholds]
        indicator.weight = weight.quantize(Decimal("0.01"))
        changed.append(indicator)
    errors.raise_if_any()
    with transaction.atomic():
        MatrixIndicator.objects.bulk_update(changed, ["direction", "thresholds", "weight"])
        WorkHealthMatrix.objects.filter(pk=matrix.pk).update(updated_at=timezone.now())
    return matrix


#: Results are stored with 12 digits, three of them decimals.
RESULT_LIMIT = Decimal("1e9")


def matrix_results_record(*, matrix: WorkHealthMatrix, results: Mapping[str, Any]) -> WorkHealthMatrix:
    """Record the year's results: ``{indicator code: number or None}``; None (or an empty value)
    leaves a result missing. Indicators not named keep their result. All or nothing."""
    errors = Errors()
    if matrix.is_template:
        errors.add("matrix", _("A template holds no results; copy it for a customer first."))
        errors.raise_if_any()
    if not isinstance(results, Mapping):
        errors.add("results", _("Give the results as an object of indicator codes and numbers."))
        errors.raise_if_any()
    by_code = {i.code: i for i in matrix.indicators.all()}
    changed = []
    for code, value in results.items():
        indicator = by_code.get(code)
        if indicator is None:
            errors.add(code, _("The matrix has no indicator with this code."))
            continue
        if value is None or value == "":
            indicator.result = None
        elif isinstance(value, bool) or not isinstance(value, int | float | Decimal):
            errors.add(code, _("A result must be a number, or null when it is not known."))
            continue
        else:
            try:
                number = scoring.as_decimal(value)
            except ValueError:
                errors.add(code, _("A result must be a finite number."))
                continue
            if abs(number) >= RESULT_LIMIT:
                errors.add(code, _("This result is out of range."))
                continue
            indicator.result = number.quantize(Decimal("0.001"))
        changed.append(indicator)
    errors.raise_if_any()
    with transaction.atomic():
        MatrixIndicator.objects.bulk_update(changed, ["result"])
    return matrix


#: Indicators the portal can fill from its own figures, by code.
SICK_LEAVE_DAYS = "sick_leave_days"


def matrix_results_fill_from_portal(*, matrix: WorkHealthMatrix) -> list[str]:
    """Fill the results the portal has figures for (sick-leave days per person-year over the
    matrix's calendar year, from the roster and sick leaves); answer the names filled."""
    indicator = matrix.indicators.filter(code=SICK_LEAVE_DAYS).first()
    if indicator is None or matrix.customer_id is None:
        return []
    figures = health_percentage(customer=matrix.customer, months=12, end=dt.date(matrix.year, 12, 31))
    days = figures.get("sick_leave_days_per_person_year")
    if days is None or not figures.get("employees"):
        return []
    matrix_results_record(matrix=matrix, results={SICK_LEAVE_DAYS: Decimal(str(days))})
    return [indicator.name]


def economic_assumptions_save(*, customer: CorporateCustomer, scenarios: Mapping[str, Mapping[str, Any]]) -> None:
    """Keep the calculator's two scenarios as the customer's (the annual report shows them).
    Every assumption is checked against the calculator's ranges first; nothing is saved otherwise."""
    errors = Errors()
    stored = {}
    for key in ("a", "b"):
        values = scenarios.get(key) or {}
        try:
            numbers = {name: scoring.as_decimal(values.get(name)) for name in calculator.LIMITS}
        except ValueError:
            errors.add(key, _("Every assumption must be a number."))
            continue
        for name in calculator.scenario_errors(numbers):
            errors.add(f"{key}-{name}", _("This figure is out of range."))
        stored[key] = {name: str(value) for name, value in numbers.items()}
    errors.raise_if_any()
    EconomicAssumptions.objects.update_or_create(customer=customer, defaults={"scenarios": stored})
