"""The dashboard of a corporate customer's own people (a decision-maker or a supervisor): read
only, their own company only.

Every survey figure here is a published cell of ``surveys.publishable`` (the fixed question set,
closed quarters, complementary suppression) and every health figure a window that ends on a
closed month's last day, hidden under MIN_GROUP_SIZE employees (``health_published``). Nothing is
computed for them any other way. The goal table, the key figures and the charts read the same
dictionaries built here, so they can never show different figures for the same thing."""

import datetime as dt
from decimal import Decimal

from django.db.models import Prefetch

from cooperation.models import PHASE_ORDER, CorporateCustomer, Goal, Indicator, Measurement, Phase, Theme
from cooperation.selectors import customer_meetings, customer_open_action_items, last_closed_month_end
from cooperation.selectors.health import health_percentage_series, health_published
from surveys.models import RespondentGroup
from surveys.publishable import (
    PublishedQuestion,
    latest_closed_quarter,
    published_nps,
    published_score_distribution,
    published_statistics,
    published_years_shared,
)

#: The health percentage is read over six and over twelve months (DOMAIN.md); the trend shows
#: the twelve-month figure at the end of each of the last twelve closed months.
DASHBOARD_HEALTH_MONTHS = (6, 12)
DASHBOARD_HEALTH_TREND_POINTS = 12
#: Quarters of the current publication year and of the year before it: a full year to compare with.
DASHBOARD_YEARS = 2
DASHBOARD_MEETINGS = 5

NPS_INDICATORS = {
    RespondentGroup.PATIENT: Indicator.NPS_EMPLOYEES,
    RespondentGroup.SUPERVISOR: Indicator.NPS_SUPERVISORS,
    RespondentGroup.DECISION_MAKER: Indicator.NPS_DECISION_MAKERS,
}
HEALTH_INDICATORS = {
    Indicator.HEALTH_PERCENTAGE: "health_percentage",
    Indicator.SICK_LEAVE_DAYS: "sick_leave_days_per_person_year",
}


def _health(customer: CorporateCustomer, today: dt.date) -> dict:
    end = last_closed_month_end(today)
    trend = health_percentage_series(
        customer=customer, months=12, end=end, count=DASHBOARD_HEALTH_TREND_POINTS, published=True
    )
    return {
        "end": end,
        # The last point of the trend is the twelve-month figure itself: one computation for both.
        "windows": {6: health_published(customer=customer, months=6, end=end), 12: trend[-1]},
        "trend": trend,
    }


def _quarters(customer: CorporateCustomer, group: str, today: dt.date, kind: str) -> tuple[list[dict], dict]:
    """The quarters of the last DASHBOARD_YEARS publication years, oldest first, each with its
    year to date, and the total of the latest year (its year to date so far)."""
    latest_year, latest_quarter = latest_closed_quarter(today)
    periods, total = [], {}
    for year in range(latest_year - DASHBOARD_YEARS + 1, latest_year + 1):
        last = latest_quarter if year == latest_year else 4
        question = PublishedQuestion(customer, group, None, year, 1, last, "quarter")
        answer = published_statistics(question, kind=kind, today=today)
        periods += answer["periods"]
        total = answer["total"] | {"year": year, "last_quarter": last}
    # The year before starts where its figures start: quarters before any answer (a new
    # customer, a new survey) would only fill the chart with hidden cells.
    figure, cumulative = ("nps", "cumulative_nps") if kind == "nps" else ("coping_better", "cumulative_coping_better")
    while len(periods) > latest_quarter and periods[0][figure] is None and periods[0][cumulative] is None:
        periods.pop(0)
    return periods, total


def _nps_group(customer: CorporateCustomer, group: RespondentGroup, today: dt.date) -> dict:
    periods, total = _quarters(customer, group.value, today, "nps")
    current = published_nps(customer=customer, group=group.value, on=today)
    return {
        "group": group.value,
        "label": group.label,
        "indicator": NPS_INDICATORS[group],
        "periods": periods,
        "target": total.get("target"),
        # The latest published year to date: what the goal table and the key figure show.
        "current": current["total"] | {"start": current["start"], "end": current["end"]},
    }


def _distribution(customer: CorporateCustomer, current: dict, today: dt.date) -> dict | None:
    """The 0-10 scores of the employees' cell the key figure shows, only if that cell is published."""
    if current["suppressed"] or current["nps"] is None:
        return None
    end = current["end"]
    question = PublishedQuestion(customer, RespondentGroup.PATIENT, None, end.year, 1, (end.month - 1) // 3 + 1, None)
    counts = published_score_distribution(question, today=today)
    if counts is None:
        return None
    return {"counts": counts, "start": current["start"], "end": end, "n": sum(counts.values())}


def _goal_rows(goals: list[Goal], *, nps: dict, health: dict, today: dt.date) -> list[dict]:
    rows = []
    for goal in goals:
        value, period = None, None
        suppressed = False
        group = next((g for g, indicator in NPS_INDICATORS.items() if indicator == goal.indicator), None)
        if group is not None:
            current = nps[group]["current"]
            value, suppressed, period = current["nps"], current["suppressed"], (current["start"], current["end"])
        elif goal.indicator in HEALTH_INDICATORS:
            window = health["windows"][12]
            value, suppressed = window[HEALTH_INDICATORS[goal.indicator]], window["suppressed"]
            period = (window["window"]["start"], window["window"]["end"])
        else:
            # Entered by the provider or reported by the customer: the latest such measurement.
            latest = next((m for m in goal.visible_measurements if m.measured_on <= today), None)
            if latest is not None:
                value, period = float(latest.value), (None, latest.measured_on)
        current = None if value is None else Decimal(str(value))
        progress = goal.progress(current)
        reached = goal.target_reached(current)
        rows.append(
            {
                "goal": goal,
                "current": value,
                "suppressed": suppressed,
                "period": period,
                "reached": reached,
                # "Target reached" is said in words; the bar never runs past its end or below zero.
                "progress": None if progress is None else max(0.0, min(progress, 100.0)),
                "below_baseline": progress is not None and progress < 0,
            }
        )
    return rows


def _agreement(customer: CorporateCustomer) -> dict | None:
    agreement = (
        customer.agreements.order_by("-period_start", "-pk")
        .prefetch_related(
            Prefetch(
                "goals__measurements",
                queryset=Measurement.objects.exclude(source=Measurement.Source.COMPUTED).order_by(
                    "-measured_on", "-pk"
                ),
                to_attr="visible_measurements",
            )
        )
        .first()
    )
    if agreement is None:
        return None
    goals = list(agreement.goals.all())
    # The agreement's themes, then those its goals add.
    labels = dict(Theme.choices)
    themes = []
    for theme in [*(agreement.themes or []), *(goal.theme for goal in goals)]:
        label = labels.get(theme)
        if label is not None and label not in themes:
            themes.append(label)
    steps = [
        {
            "label": Phase(phase).label,
            "done": PHASE_ORDER.index(phase) < PHASE_ORDER.index(agreement.phase),
            "current": phase == agreement.phase,
        }
        for phase in PHASE_ORDER
    ]
    return {"agreement": agreement, "goals": goals, "themes": themes, "steps": steps}


def customer_dashboard(*, customer: CorporateCustomer, today: dt.date) -> dict:
    """Everything the dashboard of ``customer``'s own people shows, as plain data: health (6 and
    12 months, the monthly trend), NPS of each respondent group by quarter with its margin and
    target, coping better, the 0-10 scores of the employees' published year to date, the latest
    agreement with its goals' progress, meetings with minutes and open action items.

    A bounded number of queries whatever the history (a few per respondent group and year, one
    per health point, a few for the agreement and meetings)."""
    with published_years_shared():
        return _customer_dashboard(customer=customer, today=today)


def _customer_dashboard(*, customer: CorporateCustomer, today: dt.date) -> dict:
    health = _health(customer, today)
    nps = {group.value: _nps_group(customer, group, today) for group in RespondentGroup}
    coping_periods, coping_total = _quarters(customer, RespondentGroup.PATIENT, today, "coping")
    agreement = _agreement(customer)
    if agreement is not None:
        # The agreement's own goal for a group's NPS is the target its people work towards; the
        # binding target of the year (already in the published figures) only where there is none.
        for goal in agreement["goals"]:
            for group in nps.values():
                if goal.indicator == group["indicator"]:
                    group["target"] = float(goal.target)
                    current = group["current"]
                    current["target"] = group["target"]
                    current["target_met"] = None if current["nps"] is None else current["nps"] >= group["target"]
    goals = _goal_rows(agreement["goals"], nps=nps, health=health, today=today) if agreement is not None else []
    meetings = list(customer_meetings(customer=customer, today=today)[:DASHBOARD_MEETINGS])
    latest_held = next((m for m in meetings if m.date <= today), None)
    return {
        "customer": customer,
        "today": today,
        "health": health,
        "nps": nps,
        "coping": {"periods": coping_periods, "total": coping_total},
        "distribution": _distribution(customer, nps[RespondentGroup.PATIENT]["current"], today),
        "agreement": agreement,
        "goals": goals,
        "meetings": meetings,
        "latest_minutes": latest_held,
        "open_items": list(customer_open_action_items(customer=customer, today=today).select_related("owner_user")),
    }
