"""Goals follow their indicators: the current value of an agreement goal whose indicator the
portal computes (NPS of the customer's employees, supervisors or decision-makers from surveys;
health percentage and sick-leave days from cooperation), its progress, and monthly snapshots.

It lives in portal because it needs both apps (cooperation never reaches into surveys)."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from celery import shared_task
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from cooperation import dates
from cooperation.models import Goal, Indicator, Measurement, Phase
from cooperation.selectors import health_percentage, health_published, health_window, last_closed_month_end
from surveys.models import RespondentGroup
from surveys.publishable import published_nps
from surveys.selectors import StatisticsQuery, nps_value

NPS_GROUPS = {
    Indicator.NPS_EMPLOYEES: RespondentGroup.PATIENT,
    Indicator.NPS_SUPERVISORS: RespondentGroup.SUPERVISOR,
    Indicator.NPS_DECISION_MAKERS: RespondentGroup.DECISION_MAKER,
}
HEALTH_FIGURES = {
    Indicator.HEALTH_PERCENTAGE: "health_percentage",
    Indicator.SICK_LEAVE_DAYS: "sick_leave_days_per_person_year",
}
COMPUTED_INDICATORS = frozenset({*NPS_GROUPS, *HEALTH_FIGURES})
#: Every computed value looks back over the last twelve months, the span the customers' health
#: percentage is usually read over (DOMAIN.md), so NPS and health figures of a goal line up.
WINDOW_MONTHS = 12


def goal_indicator_value(*, goal: Goal, on: dt.date, suppress: bool = False) -> dict:
    """The goal's current value on ``on`` with its baseline, target and progress. Indicators the
    portal cannot compute show the latest measurement instead. ``suppress``: the value as the
    customer's own people may see it - an NPS is a published cell (the year to date of the last
    closed quarter, surveys/publishable.py), never a rolling window that would move with each
    answer; a health figure is the window of the last closed month, and nothing for fewer than
    MIN_GROUP_SIZE employees."""
    return goal_indicator_values(goals=[goal], on=on, suppress=suppress)[goal.pk]


def goal_indicator_values(*, goals: Iterable[Goal], on: dt.date, suppress: bool = False) -> dict[int, dict]:
    """``{goal id: goal_indicator_value(…)}`` for many goals at a cost that does not grow with
    their number: each computed figure once per customer and indicator (however many goals
    follow it), the latest measurements of all the other goals in one query."""
    goals = list(goals)
    measured = [goal.pk for goal in goals if goal.indicator not in COMPUTED_INDICATORS]
    latest: dict[int, Measurement] = {}
    if measured:
        rows = Measurement.objects.filter(goal_id__in=measured, measured_on__lte=on).order_by(
            "goal_id", "-measured_on", "-pk"
        )
        for measurement in rows:
            latest.setdefault(measurement.goal_id, measurement)
    computed: dict[tuple, tuple] = {}
    values = {}
    for goal in goals:
        if goal.indicator in COMPUTED_INDICATORS:
            key = (goal.agreement.customer_id, goal.indicator)
            if key not in computed:
                computed[key] = _computed_value(goal=goal, on=on, suppress=suppress)
            value, respondents, start, end, measured_on = computed[key]
        else:
            measurement = latest.get(goal.pk)
            value, respondents, start, end = None, None, None, None
            measured_on = measurement.measured_on if measurement else on
            if measurement is not None:
                value = float(measurement.value)
        values[goal.pk] = _goal_value(
            goal, value=value, respondents=respondents, start=start, end=end, measured_on=measured_on
        )
    return values


def _computed_value(*, goal: Goal, on: dt.date, suppress: bool) -> tuple:
    """(value, respondents, window start, window end, measured on) of a computed indicator."""
    customer = goal.agreement.customer
    start, end = health_window(months=WINDOW_MONTHS, end=on)
    value, respondents, measured_on = None, None, on
    if goal.indicator in NPS_GROUPS:
        if suppress:
            published = published_nps(customer=customer, group=NPS_GROUPS[goal.indicator], on=on)
            value, respondents = published["total"]["nps"], published["total"]["n"]
            start, end = published["start"], published["end"]
            measured_on = end
        else:
            query = StatisticsQuery(group=NPS_GROUPS[goal.indicator], customer=customer, start=start, end=end)
            value, respondents = nps_value(query=query)
    else:
        if suppress:
            end = last_closed_month_end(min(on, dates.today()))
            start, end = health_window(months=WINDOW_MONTHS, end=end)
            figures = health_published(customer=customer, months=WINDOW_MONTHS, end=end)
            measured_on = end
        else:
            figures = health_percentage(customer=customer, months=WINDOW_MONTHS, end=on)
        value = figures[HEALTH_FIGURES[goal.indicator]]
    return value, respondents, start, end, measured_on


def _goal_value(goal: Goal, *, value, respondents, start, end, measured_on) -> dict:
    computed = goal.indicator in COMPUTED_INDICATORS
    progress = goal.progress_at(None if value is None else Decimal(str(value)))
    return {
        "goal": goal.pk,
        "indicator": goal.indicator,
        "indicator_label": str(goal.indicator_label),
        "computed": computed,
        "current_value": value,
        "measured_on": measured_on if value is not None else None,
        "window": {"start": start, "end": end} if computed else None,
        "respondents": respondents,
        "baseline": goal.baseline,
        "target": goal.target,
        "progress": progress.percent,
        "target_reached": progress.target_reached,
    }


def goal_measurement_snapshot(*, goal: Goal, on: dt.date) -> Measurement | None:
    """Store the computed value of ``on`` as a Measurement (source "computed"); running it again
    on the same day updates that one snapshot. None when there is nothing to store."""
    if goal.indicator not in COMPUTED_INDICATORS:
        return None
    value = goal_indicator_value(goal=goal, on=on)["current_value"]
    if value is None:
        return None
    with transaction.atomic():
        measurement, _created = Measurement.objects.update_or_create(
            goal=goal,
            measured_on=on,
            source=Measurement.Source.COMPUTED,
            defaults={"value": Decimal(str(value)), "note": "Computed from the indicator."},
        )
    return measurement


def goal_measurements_snapshot_all(*, on: dt.date) -> int:
    """Snapshot every computed goal of agreements in force on ``on``; returns how many were stored."""
    goals = (
        Goal.objects.filter(indicator__in=COMPUTED_INDICATORS)
        .filter(agreement__period_start__lte=on)
        .filter(Q(agreement__period_end__gte=on - dt.timedelta(days=31)))
        .exclude(agreement__phase=Phase.CLOSED)
        .select_related("agreement__customer")
    )
    return sum(goal_measurement_snapshot(goal=goal, on=on) is not None for goal in goals)


@shared_task(name="portal.indicators.snapshot_goal_indicators")
def snapshot_goal_indicators() -> int:
    """Monthly beat task (1st day): snapshot the computed goals as of the previous month's end."""
    return goal_measurements_snapshot_all(on=timezone.localdate().replace(day=1) - dt.timedelta(days=1))
