"""Indicators: the health percentage."""

# --- Indicators (health percentage) ---
import calendar
import datetime as dt
from decimal import (
    ROUND_HALF_UP,
    Decimal,
)

from django.conf import settings
from django.db.models import (
    Case,
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RowRange
from django.db.models.functions import Coalesce, Greatest, Least
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    CorporateCustomer,
    Employee,
    SickLeave,
)

# Health percentage (DOMAIN.md "Indicators"): of the customer's employees employed at any time in
# the window, those with no sick-leave day inside it; counted in the database in one pass.


def health_window(*, months: int, end: dt.date) -> tuple[dt.date, dt.date]:
    """API.md: whole days from (end + 1 day) − months calendar months to end, both inclusive."""
    after = end + dt.timedelta(days=1)
    month = after.year * 12 + after.month - 1 - months
    year, month = divmod(month, 12)
    day = min(after.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day), end


def _days_between(first, last) -> ExpressionWrapper:
    return ExpressionWrapper(last - first, output_field=DurationField())


def _whole_days(value) -> int:
    if value is None:
        return 0
    return value.days if isinstance(value, dt.timedelta) else int(value)


def health_percentage(*, customer: CorporateCustomer, months: int, end: dt.date) -> dict:
    """Employees employed in the window, those of them without a sick-leave day in it, the health
    percentage (one decimal) and sick-leave days per person-year. People known only from visits,
    with no employment dates, are not counted."""
    start, end = health_window(months=months, end=end)
    employed = (
        Employee.objects.filter(customer=customer)
        .exclude(employed_from__isnull=True, employed_until__isnull=True)
        .filter(Q(employed_from__isnull=True) | Q(employed_from__lte=end))
        .filter(Q(employed_until__isnull=True) | Q(employed_until__gte=start))
    )
    sick_in_window = SickLeave.objects.filter(employee=OuterRef("pk"), start__lte=end, end__gte=start)
    window_start, window_end = Value(start, output_field=DateField()), Value(end, output_field=DateField())
    counts = employed.aggregate(
        employees=Count("pk"),
        without_sick_leave=Count("pk", filter=~Exists(sick_in_window)),
        person_days=Sum(
            _days_between(
                Greatest(Coalesce("employed_from", window_start), window_start),
                Least(Coalesce("employed_until", window_end), window_end),
            )
        ),
    )
    # Leaves of one person may overlap (an extension that repeats days of the first certificate):
    # each leave counts only its days after the latest end of that person's earlier leaves.
    leaves = SickLeave.objects.filter(
        customer=customer, employee__in=employed.values("pk"), start__lte=end, end__gte=start
    ).annotate(
        first_day=Greatest("start", window_start),
        last_day=Least("end", window_end),
        covered_until=Window(
            Max(Least("end", window_end)),
            partition_by=[F("employee_id")],
            order_by=[F("start").asc(), F("pk").asc()],
            frame=RowRange(start=None, end=-1),
        ),
    )
    fresh = Q(covered_until__isnull=True) | Q(covered_until__lt=F("first_day"))
    leave = leaves.aggregate(
        # A leave after a gap adds its days (one more than the difference of its dates); one
        # overlapping the earlier ones only the days past them, if any.
        leaves=Count("pk", filter=fresh),
        days=Sum(
            Case(
                When(fresh, then=_days_between(F("first_day"), F("last_day"))),
                When(covered_until__lt=F("last_day"), then=_days_between(F("covered_until"), F("last_day"))),
                default=Value(dt.timedelta(0)),
                output_field=DurationField(),
            )
        ),
    )
    employees = counts["employees"]
    # A difference of dates counts the days between; each span holds one day more.
    person_days = _whole_days(counts["person_days"]) + employees
    sick_days = _whole_days(leave["days"]) + leave["leaves"]
    return {
        "window": {"start": start, "end": end},
        "employees": employees,
        "without_sick_leave": counts["without_sick_leave"],
        "health_percentage": _ratio1(counts["without_sick_leave"] * 100, employees) if employees else None,
        "sick_leave_days_per_person_year": _ratio1(sick_days * 365, person_days) if person_days else None,
        "suppressed": False,
    }


def health_percentage_series(
    *, customer: CorporateCustomer, months: int, end: dt.date, count: int = 12, published: bool = False
) -> list:
    """The health percentage at the end of each of the ``count`` months up to ``end`` (the last
    point ends on ``end`` itself), each over its own window of ``months`` months: for charts.
    ``published``: each point as a customer's people see it (``health_published``)."""
    points = []
    month_end = end
    for _point in range(count):
        point = (health_published if published else health_percentage)(customer=customer, months=months, end=month_end)
        points.append({"month": f"{month_end.year}-{month_end.month:02d}"} | point)
        month_end = month_end.replace(day=1) - dt.timedelta(days=1)
    return points[::-1]


# Health figures for a customer's people: windows that end on the last day of a closed month
# only, so consecutive days cannot be subtracted to show the day one person went on sick leave,
# and the figures of fewer than MIN_GROUP_SIZE employees are not shown at all.


def last_closed_month_end(today: dt.date) -> dt.date:
    return today.replace(day=1) - dt.timedelta(days=1)


def health_end_errors(end: dt.date, *, today: dt.date) -> list[str]:
    """Why ``end`` may not end a window a customer's people read (empty if it may)."""
    latest = last_closed_month_end(today)
    if end != (end.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1):
        return [str(_("Give the last day of a month (a closed month; the latest is %(day)s).") % {"day": latest})]
    if end > latest:
        return [str(_("A month is published the day after it ends; the latest is %(day)s.") % {"day": latest})]
    return []


def health_published(*, customer: CorporateCustomer, months: int, end: dt.date) -> dict:
    """``health_percentage`` as a customer's people see it: every figure null (``suppressed``)
    when the window holds fewer than MIN_GROUP_SIZE employees."""
    figures = health_percentage(customer=customer, months=months, end=end)
    if figures["employees"] < settings.MIN_GROUP_SIZE:
        return (
            {"window": figures["window"]}
            | dict.fromkeys(("employees", "without_sick_leave", "health_percentage", "sick_leave_days_per_person_year"))
            | {"suppressed": True}
        )
    return figures | {"suppressed": False}


def _ratio1(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` to one decimal, half up from the exact value (in floats
    23 / 80 · 100 is 28.749…, which would round to 28.7 instead of 28.8)."""
    return float((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def health_percentages(*, customer_ids, months: int, end: dt.date) -> dict[int, float | None]:
    """The health percentage of many customers at once (``customer_ids``: ids or a values
    queryset), by the rule of ``health_percentage``, in one grouped query: for lists that show
    or sort by it. Customers without employees in the window are left out."""
    start, end = health_window(months=months, end=end)
    sick_in_window = SickLeave.objects.filter(employee=OuterRef("pk"), start__lte=end, end__gte=start)
    rows = (
        Employee.objects.filter(customer_id__in=customer_ids)
        .exclude(employed_from__isnull=True, employed_until__isnull=True)
        .filter(Q(employed_from__isnull=True) | Q(employed_from__lte=end))
        .filter(Q(employed_until__isnull=True) | Q(employed_until__gte=start))
        .values("customer_id")
        .annotate(employees=Count("pk"), without_sick_leave=Count("pk", filter=~Exists(sick_in_window)))
        .order_by()
    )
    return {r["customer_id"]: _ratio1(r["without_sick_leave"] * 100, r["employees"]) for r in rows}
