"""The economic impact calculator (DOMAIN.md "Economics of work health"): what one scenario of
occupational-health investment returns in euros, written out so the page can show each formula.

For a follow-up of N years, with every assumption the caller's to change:

    sick-leave cost a year      = employees × sick-leave days per person-year × cost of a day
    saved a year                = sick-leave cost a year × reduction in sick leave (%)
    fees avoided                = people kept from early retirement × early-retirement fee each
    invested                    = employees × investment per employee a year × N
    returned                    = saved a year × N + fees avoided
    euros back per euro         = returned ÷ invested
    return on investment (%)    = (returned − invested) ÷ invested × 100

The Druvan project's figures (investment from €20 to €400 per employee, almost 46 % earned over
three years) are the ready example of two scenarios side by side."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import ROUND_HALF_UP, Decimal

from cooperation.economics import retirement

#: Each assumption's allowed range: a figure outside it gets a message, and nothing is computed.
LIMITS = {
    "employees": (Decimal(1), Decimal(1_000_000)),
    "sick_leave_days": (Decimal(0), Decimal(365)),
    "day_cost": (Decimal(0), Decimal(10_000)),
    "investment_per_employee": (Decimal(0), Decimal(100_000)),
    "sick_leave_reduction": (Decimal(0), Decimal(100)),
    "early_retirements_avoided": (Decimal(0), Decimal(100_000)),
    "monthly_pension": (Decimal(0), Decimal(100_000)),
    "years": (Decimal(1), Decimal(30)),
}


@dataclass(frozen=True)
class Scenario:
    employees: Decimal
    sick_leave_days: Decimal  # per person-year
    day_cost: Decimal  # euros per sick-leave day
    investment_per_employee: Decimal  # euros a year
    sick_leave_reduction: Decimal  # per cent
    early_retirements_avoided: Decimal  # people over the follow-up
    monthly_pension: Decimal  # euros, of those people
    years: Decimal


def scenario_errors(values: dict) -> dict[str, str]:
    """Which assumptions are out of range (field → English code; the page words it)."""
    errors = {}
    for name, (low, high) in LIMITS.items():
        value = values.get(name)
        if value is None or not low <= value <= high:
            errors[name] = "range"
    if not errors and values["early_retirements_avoided"] > values["employees"]:
        errors["early_retirements_avoided"] = "more_than_employees"
    return errors


def _euros(value: Decimal) -> Decimal:
    return value.quantize(Decimal(1), rounding=ROUND_HALF_UP)


def impact(scenario: Scenario) -> dict:
    """Every figure of the formulas above, in euros (whole) and ratios (two decimals)."""
    s = scenario
    sick_leave_cost = s.employees * s.sick_leave_days * s.day_cost
    saved_a_year = sick_leave_cost * s.sick_leave_reduction / 100
    fee_each = Decimal(retirement.early_retirement_fee(monthly_pension=s.monthly_pension)["fee"])
    fees_avoided = s.early_retirements_avoided * fee_each
    invested = s.employees * s.investment_per_employee * s.years
    returned = saved_a_year * s.years + fees_avoided
    per_euro = (returned / invested).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP) if invested else None
    roi = (
        ((returned - invested) / invested * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP) if invested else None
    )
    return {
        "assumptions": asdict(s),
        "sick_leave_cost_a_year": _euros(sick_leave_cost),
        "saved_a_year": _euros(saved_a_year),
        "early_retirement_fee_each": _euros(fee_each),
        "fees_avoided": _euros(fees_avoided),
        "invested": _euros(invested),
        "returned": _euros(returned),
        "euros_back_per_euro": per_euro,
        "return_on_investment_percent": roi,
    }
