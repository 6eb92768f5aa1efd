"""The early-retirement fee an employer avoids by keeping one person at work (DOMAIN.md,
"Early-retirement fees").

An employer pays the fee when an employee is first granted a disability pension, unemployment
pension or rehabilitation support. The memo's three worked examples — cleaner aged 60 (salary
€2,000, pension €1,200 a month) ≈ €55,000, nurse aged 50 (€2,800 / €1,680) ≈ €77,000, teacher
aged 35 (€3,500 / €2,100) ≈ €97,000 — each put the fee at about 46 monthly pensions (45.8 to
46.2), whatever the age, and each pension at 60 % of the salary. So the estimate is

    fee = monthly pension × 46, with monthly pension = 60 % of the salary when only the salary is known,

which reproduces all three examples to the thousand euros they are given in (55,200; 77,280;
96,600). Both figures are assumptions the caller may change; age is recorded, not used, because
the memo's own examples show no effect of it."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEE_IN_MONTHLY_PENSIONS = Decimal(46)
PENSION_SHARE_OF_SALARY = Decimal("0.6")


def early_retirement_fee(
    *,
    monthly_pension: Decimal | None = None,
    salary: Decimal | None = None,
    age: int | None = None,
    fee_in_monthly_pensions: Decimal = FEE_IN_MONTHLY_PENSIONS,
    pension_share_of_salary: Decimal = PENSION_SHARE_OF_SALARY,
) -> dict:
    """``{"fee": euros, "assumptions": {…}}``; give the monthly pension, or the salary to estimate it."""
    estimated = monthly_pension is None
    if estimated:
        if salary is None:
            raise ValueError("give the monthly pension or the salary")
        monthly_pension = salary * pension_share_of_salary
    fee = (monthly_pension * fee_in_monthly_pensions).quantize(Decimal(1), rounding=ROUND_HALF_UP)
    return {
        "fee": int(fee),
        "assumptions": {
            "monthly_pension": float(monthly_pension),
            "monthly_pension_estimated_from_salary": estimated,
            "salary": None if salary is None else float(salary),
            "age": age,
            "fee_in_monthly_pensions": float(fee_in_monthly_pensions),
            "pension_share_of_salary": float(pension_share_of_salary),
        },
    }
