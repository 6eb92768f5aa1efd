"""What the annual cooperation report shows, gathered once for the page and the PDF."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, Q

from cooperation import dates
from cooperation.economics import calculator
from cooperation.economics import selectors as economics
from cooperation.models import ActionItem, CorporateCustomer, Goal, ResponsibilityAgreement, SteeringGroupMeeting
from cooperation.selectors import health_percentage_series, last_closed_month_end
from portal.indicators import WINDOW_MONTHS, goal_indicator_value
from surveys.models import RespondentGroup
from surveys.publishable import latest_closed_quarter, published_question, published_statistics, quarter_last
from surveys.selectors import StatisticsQuery, coping_statistics, nps_statistics

REPORT_YEARS = 10
GROUPS = (RespondentGroup.PATIENT, RespondentGroup.SUPERVISOR, RespondentGroup.DECISION_MAKER)


def report_years(*, today: dt.date) -> list[int]:
    """The years a report can be made for: this one and the nine before, newest first."""
    return list(range(today.year, today.year - REPORT_YEARS, -1))


def _figures_end(year: int, today: dt.date, *, published: bool) -> dt.date | None:
    """The last day the year's figures run to: the year's end, or today for the running year;
    for a customer's people the last closed month (health) — None when nothing of it has closed."""
    end = min(dt.date(year, 12, 31), today)
    if published:
        end = min(end, last_closed_month_end(today))
    return end if end >= dt.date(year, 1, 1) else None


def _survey_figures(customer: CorporateCustomer, year: int, today: dt.date, *, published: bool) -> dict:
    """NPS per respondent group and coping better, by quarter with the year's total. For a
    customer's people: the published table of the year to date of its last closed quarter."""
    nps, coping = {}, None
    if published:
        latest_year, latest_quarter = latest_closed_quarter(today)
        if year > latest_year:
            return {"nps": {}, "coping": None, "through": None}
        last = 4 if year < latest_year else latest_quarter
        end = quarter_last(year, last)
        for group in GROUPS:
            try:
                question = published_question(
                    customer=customer, group=group, start=dt.date(year, 1, 1), end=end, by="quarter", today=today
                )
            except ValidationError:
                continue
            nps[group] = published_statistics(question, kind="nps", today=today)
            if group == RespondentGroup.PATIENT:
                coping = published_statistics(question, kind="coping", today=today)
        return {"nps": nps, "coping": coping, "through": end}
    end = min(dt.date(year, 12, 31), today)
    for group in GROUPS:
        query = StatisticsQuery(group=group, customer=customer, start=dt.date(year, 1, 1), end=end, by="quarter")
        nps[group] = nps_statistics(query=query)
    query = StatisticsQuery(customer=customer, start=dt.date(year, 1, 1), end=end, by="quarter")
    return {"nps": nps, "coping": coping_statistics(query=query), "through": end}


def annual_report(*, customer: CorporateCustomer, year: int, published: bool, today: dt.date | None = None) -> dict:
    """Everything of the report; ``published``: as a customer's decision-maker may see it."""
    today = today or dates.today()
    end = _figures_end(year, today, published=published)
    agreement = (
        ResponsibilityAgreement.objects.filter(customer=customer)
        .filter(Q(period_start__lte=dt.date(year, 12, 31)) | Q(period_start__isnull=True))
        .filter(Q(period_end__gte=dt.date(year, 1, 1)) | Q(period_end__isnull=True))
        .prefetch_related(Prefetch("goals", queryset=Goal.objects.order_by("pk")))
        .order_by("-period_start", "-pk")
        .first()
    )
    goals = []
    if agreement is not None and end is not None:
        for goal in agreement.goals.all():
            goal.agreement = agreement
            value = goal_indicator_value(goal=goal, on=end, suppress=published)
            current = value["current_value"]
            reached = current is not None and goal.target_reached(Decimal(str(current)))
            goals.append({"goal": goal, "value": value, "reached": reached})
    health = (
        health_percentage_series(customer=customer, months=WINDOW_MONTHS, end=end, published=published)
        if end is not None
        else []
    )
    meetings = list(SteeringGroupMeeting.objects.filter(customer=customer, date__year=year).order_by("date", "pk"))
    action_items = list(
        ActionItem.objects.filter(meeting__customer=customer)
        .filter(Q(meeting__date__year=year) | Q(done_at__year=year))
        .with_overdue(today=today)
        .select_related("meeting")
        .order_by("done", "due_date", "pk")
    )
    matrix = economics.customer_matrices(customer=customer).filter(year=year).first()
    assumptions = economics.saved_economic_assumptions(customer=customer)
    return {
        "customer": customer,
        "year": year,
        "published": published,
        "figures_end": end,
        "agreement": agreement,
        "goals": goals,
        "surveys": _survey_figures(customer, year, today, published=published),
        "health": health,
        "health_latest": health[-1] if health else None,
        "meetings": meetings,
        "decisions": [(m, d) for m in meetings for d in m.decision_list],
        "action_items": action_items,
        "matrix": economics.matrix_summary(matrix=matrix) if matrix is not None else None,
        "economics": {key: calculator.impact(calculator.Scenario(**values)) for key, values in assumptions.items()}
        if assumptions
        else None,
    }
