"""The customer's 360 for provider staff (account managers, administrators): the key figures with
their trends, the current agreement with its goals, meetings and action items. Plain data for
the page (portal/customer_views.py); the timeline is portal/timeline.py.

Provider staff read the full statistics: nothing here is suppressed, and the page is never shown
to a customer's own people (they have their own dashboard)."""

import datetime as dt

from django.db.models import Count, Q
from django.utils import timezone

from cooperation import selectors as cooperation_selectors
from cooperation.goal_values import goal_current_values
from cooperation.models import CorporateCustomer, Indicator, action_item_overdue
from portal.selectors import PORTFOLIO_HEALTH_MONTHS, closed_quarters, customer_nps_targets
from surveys.models import RespondentGroup
from surveys.selectors import StatisticsQuery, coping_statistics, nps_statistics

#: The NPS trend: the last four closed quarters, as on the portfolio.
NPS_QUARTERS = 4
#: The health trend: twelve monthly points, each over its own twelve months.
HEALTH_POINTS = 12


def current_agreement(customer: CorporateCustomer):
    """The agreement the customer works on now: the latest by its period."""
    return customer.agreements.order_by("-period_start", "-pk").first()


def customer_nps_trend(*, customer: CorporateCustomer, today: dt.date, agreement=None) -> dict:
    """The employees' NPS and coping better of the last closed quarters, each quarter with its
    respondents and 95 % margin of error, and the target (the agreement's goal for the employees'
    NPS, else the binding target of the year)."""
    quarters = closed_quarters(today=today, count=NPS_QUARTERS)
    query = StatisticsQuery(
        group=RespondentGroup.PATIENT, customer=customer, start=quarters[0][1], end=quarters[-1][2], by="quarter"
    )
    nps = {p["period"]: p for p in nps_statistics(query=query)["periods"]}
    coping = {p["period"]: p for p in coping_statistics(query=query)["periods"]}
    target = customer_nps_targets(
        agreement_ids={customer.pk: agreement.pk if agreement else None}, year=quarters[-1][1].year
    ).get(customer.pk)
    points = [
        {
            "quarter": key,
            "nps": nps.get(key, {}).get("nps"),
            "moe95": nps.get(key, {}).get("moe95"),
            "n": nps.get(key, {}).get("n", 0),
            "coping_better": coping.get(key, {}).get("coping_better"),
        }
        for key, _first, _last in quarters
    ]
    latest = points[-1]
    return {
        "points": points,
        "latest": latest,
        "target": target,
        "target_met": None if target is None or latest["nps"] is None else latest["nps"] >= target,
    }


def customer_health_trend(*, customer: CorporateCustomer, today: dt.date, agreement=None) -> dict:
    """The health percentage over twelve months, a point at the end of each of the last twelve
    months (the last one ends yesterday, as on the portfolio), and the agreement's target for it."""
    series = cooperation_selectors.health_percentage_series(
        customer=customer,
        months=PORTFOLIO_HEALTH_MONTHS,
        end=today - dt.timedelta(days=1),
        count=HEALTH_POINTS,
    )
    goal = agreement.goals.filter(indicator=Indicator.HEALTH_PERCENTAGE).order_by("-pk").first() if agreement else None
    latest = series[-1]
    target = float(goal.target) if goal else None
    value = latest["health_percentage"]
    return {
        "points": [{"month": p["month"], "value": p["health_percentage"], "employees": p["employees"]} for p in series],
        "latest": latest,
        "target": target,
        "target_met": None if target is None or value is None else value >= target,
    }


def customer_meetings_overview(*, customer: CorporateCustomer, today: dt.date, past: int = 5) -> dict:
    """The next planned meetings and the latest ones held, and the open and overdue action items."""
    meetings = cooperation_selectors.customer_meetings(customer=customer, today=today)
    counts = customer.meetings.aggregate(
        open_items=Count("action_items", filter=Q(action_items__done=False)),
        overdue_items=Count("action_items", filter=action_item_overdue(today=today, prefix="action_items__")),
    )
    upcoming = list(meetings.filter(date__gte=today).order_by("date", "pk")[:3])
    return {
        "next": upcoming[0] if upcoming else None,
        "upcoming": upcoming,
        "past": list(meetings.filter(date__lt=today)[:past]),
        "open_items": counts["open_items"],
        "overdue_items": counts["overdue_items"],
    }


def customer_goals(*, agreement, today: dt.date | None = None) -> list[tuple]:
    """The agreement's goals, each with its status (current value and progress by the one rule
    of cooperation.progress), as provider staff see them."""
    if agreement is None:
        return []
    goals = list(agreement.goals.all())
    values = goal_current_values(goals=goals, on=today or timezone.localdate(), suppress=False)
    return [(goal, cooperation_selectors.goal_status(goal=goal, value=values.get(goal.pk))) for goal in goals]
