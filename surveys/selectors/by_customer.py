"""Answer counts per customer, for the portfolio."""

import datetime as dt

from django.db.models import Sum
from django.db.models.functions import TruncMonth

from surveys.models import Response, StatsMonthlyByCustomer
from surveys.selectors.statistics import (
    ANSWER_COUNTERS,
    HELSINKI,
    RAW_ANSWER_COUNTS,
    _between_days,
    _rollups_live,
    period_bounds,
)


def answer_counts_by_customer_month(*, customer_ids, group: str, first: dt.date, last: dt.date) -> dict[tuple, dict]:
    """Answer counters per (customer id, first day of the Helsinki month) for the whole months
    from ``first`` to ``last``, for many customers at once (``customer_ids``: ids or a values
    queryset): from the customer-month rollup once it is live, else from the raw answers."""
    first, last = period_bounds(first, "month")[0], period_bounds(last, "month")[1]
    if _rollups_live():
        rows = StatsMonthlyByCustomer.objects.filter(
            respondent_group=group, month__gte=first, month__lte=last, customer_id__in=customer_ids
        ).values("customer_id", "month", *ANSWER_COUNTERS)
    else:
        rows = (
            _between_days(Response.objects.filter(respondent_group=group), first, last, moment="answered_at")
            .filter(customer_id__in=customer_ids)
            .annotate(month=TruncMonth("answered_at", tzinfo=HELSINKI))
            .values("customer_id", "month")
            .annotate(**RAW_ANSWER_COUNTS)
            .order_by()
        )
    result = {}
    for row in rows:
        month = row.pop("month")
        if isinstance(month, dt.datetime):
            month = month.astimezone(HELSINKI).date()
        result[(row.pop("customer_id"), month)] = row
    return result


def answer_totals_by_customer(
    *, customer_ids, group: str, first: dt.date, last: dt.date, counters=ANSWER_COUNTERS
) -> dict[int, dict]:
    """Answer ``counters`` per customer id summed over the whole months from ``first`` to
    ``last``, one row per customer from the database: for sorting many customers by a figure."""
    first, last = period_bounds(first, "month")[0], period_bounds(last, "month")[1]
    if _rollups_live():
        rows = StatsMonthlyByCustomer.objects.filter(
            respondent_group=group, month__gte=first, month__lte=last, customer_id__in=customer_ids
        )
        rows = rows.values("customer_id").annotate(**{c: Sum(c) for c in counters}).order_by()
    else:
        rows = (
            _between_days(Response.objects.filter(respondent_group=group), first, last, moment="answered_at")
            .filter(customer_id__in=customer_ids)
            .values("customer_id")
            .annotate(**{c: RAW_ANSWER_COUNTS[c] for c in counters})
            .order_by()
        )
    return {row.pop("customer_id"): row for row in rows}
