"""Reads of the work-health matrices: points, values, totals and the change from last year."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet

from cooperation.economics import scoring
from cooperation.economics.models import EconomicAssumptions, MatrixIndicator, WorkHealthMatrix
from cooperation.models import CorporateCustomer
from cooperation.selectors.health import health_percentage, last_closed_month_end


def matrix_templates() -> QuerySet[WorkHealthMatrix]:
    return (
        WorkHealthMatrix.objects.filter(customer__isnull=True).prefetch_related("indicators").order_by("template_code")
    )


def customer_matrices(*, customer: CorporateCustomer) -> QuerySet[WorkHealthMatrix]:
    return (
        WorkHealthMatrix.objects.filter(customer=customer)
        .prefetch_related(Prefetch("indicators", queryset=MatrixIndicator.objects.order_by("position", "pk")))
        .order_by("-year")
    )


def matrix_get(*, scope, pk: int) -> WorkHealthMatrix:
    """A customer's matrix within the user's customer scope (``customer_scope(prefix="customer__")``);
    DoesNotExist outside it, as for one that does not exist."""
    return WorkHealthMatrix.objects.select_related("customer").get(scope, customer__isnull=False, pk=pk)


def _number(value) -> int | float | None:
    return None if value is None else scoring.as_json_number(value)


def matrix_rows(matrix: WorkHealthMatrix) -> tuple[list[dict], Decimal, bool]:
    rows, total, complete = [], Decimal(0), True
    for indicator in matrix.indicators.all():
        points = None
        if indicator.result is not None:
            points = scoring.points_for(indicator.result, indicator.thresholds, indicator.direction)
        value = scoring.indicator_value(points, indicator.weight)
        if value is None:
            complete = False
        else:
            total += value
        rows.append(
            {
                "code": indicator.code,
                "name": indicator.name,
                "unit": indicator.unit,
                "direction": indicator.direction,
                "thresholds": [_number(t) for t in indicator.thresholds],
                "weight": _number(indicator.weight),
                "result": _number(indicator.result),
                "points": points,
                "value": _number(value),
            }
        )
    return rows, total, complete


def matrix_summary(*, matrix: WorkHealthMatrix) -> dict:
    """The matrix with every indicator's points and value, the total, whether every result is in
    (``complete``; a missing result earns nothing and the total says so), and last year's total
    with the change — the change only when both years are complete, so that a missing result
    never reads as a fall."""
    rows, total, complete = matrix_rows(matrix)
    previous = None
    if matrix.customer_id is not None:
        previous = (
            WorkHealthMatrix.objects.filter(customer_id=matrix.customer_id, year=matrix.year - 1)
            .prefetch_related("indicators")
            .first()
        )
    previous_total = previous_complete = None
    if previous is not None:
        _, previous_sum, previous_complete = matrix_rows(previous)
        previous_total = previous_sum
    change = total - previous_total if previous_total is not None and complete and previous_complete else None
    return {
        "id": matrix.pk,
        "name": matrix.name,
        "year": matrix.year,
        "template": matrix.template_code or None,
        "indicators": rows,
        "total": _number(total),
        "complete": complete,
        "previous_total": _number(previous_total),
        "previous_complete": previous_complete,
        "change": _number(change),
    }


#: The two scenarios the calculator starts from, after the Druvan project (DOMAIN.md): the
#: investment in occupational health raised from €20 to €400 per employee over three years.
SCENARIO_DEFAULTS = {
    "a": {"investment_per_employee": 20, "sick_leave_reduction": 0, "early_retirements_avoided": 0},
    "b": {"investment_per_employee": 400, "sick_leave_reduction": 10, "early_retirements_avoided": 1},
}


def economic_assumptions(*, customer: CorporateCustomer, today: dt.date) -> dict[str, dict]:
    """The calculator's starting point for a customer: what the account manager saved, else the
    customer's own figures (headcount, sick-leave days per person-year over the last closed
    twelve months) with the default scenarios."""
    saved = saved_economic_assumptions(customer=customer)
    if saved is not None:
        return saved
    end = last_closed_month_end(today)
    figures = health_percentage(customer=customer, months=12, end=end)
    days = figures.get("sick_leave_days_per_person_year")
    employees = customer.headcount or figures.get("employees") or 1
    common = {
        "employees": Decimal(employees),
        "sick_leave_days": Decimal(str(days)) if days is not None else Decimal(10),
        "day_cost": Decimal(settings.SICK_LEAVE_DAY_COST_EUROS),
        "monthly_pension": Decimal(1500),
        "years": Decimal(3),
    }
    return {key: common | {k: Decimal(v) for k, v in values.items()} for key, values in SCENARIO_DEFAULTS.items()}


def saved_economic_assumptions(*, customer: CorporateCustomer) -> dict[str, dict] | None:
    """The scenarios the account manager saved for the customer, or None."""
    saved = EconomicAssumptions.objects.filter(customer=customer).first()
    if saved is None:
        return None
    return {key: {name: Decimal(str(v)) for name, v in values.items()} for key, values in saved.scenarios.items()}
