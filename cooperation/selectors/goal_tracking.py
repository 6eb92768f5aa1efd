"""Goals on and off their track to target."""

import datetime as dt
from decimal import Decimal

from django.db.models import OuterRef, Subquery

from cooperation.models import (
    LOWER_IS_BETTER,
    Goal,
    Indicator,
    Measurement,
)
from cooperation.progress import goal_progress

# --- Goals on and off track ---

#: How far (as a share of the way from baseline to target) a goal's latest value may trail the
#: share of its time already used before it counts as off track: measurements are noisy and
#: seldom, so only a clear lag raises the flag.
OFF_TRACK_LAG = Decimal("0.25")


def goal_off_track(
    *, baseline, target, current, lower_is_better: bool, start: dt.date, due: dt.date, today: dt.date
) -> bool:
    """Whether a goal is off track: its latest value has not reached the target and either its
    due date has passed, or it trails the time used (from ``start`` to ``due``) by more than
    OFF_TRACK_LAG. A goal without a latest value or a baseline cannot be judged (False)."""
    if current is None or baseline is None:
        return False
    if goal_progress(baseline=baseline, target=target, current=current, lower_is_better=lower_is_better).target_reached:
        return False
    current, baseline, target = Decimal(current), Decimal(baseline), Decimal(target)
    if today > due:
        return True
    span = (due - start).days
    used = Decimal(max(0, min((today - start).days, span))) / span if span > 0 else Decimal(1)
    # The share of the way from baseline to target; the sign of (target − baseline) says which
    # direction is better, so "lower is better" goals read right here too.
    way = (current - baseline) / (target - baseline) if target != baseline else Decimal(0)
    return way < used - OFF_TRACK_LAG


def off_track_goals(*, agreement_ids, today: dt.date) -> list[dict]:
    """The goals off track of the given agreements (ids or a values queryset), each as
    ``{"goal", "agreement", "indicator", "label"}`` (the label in the active language), judged
    on each goal's latest measurement up to ``today``, in one query of plain values (whole
    portfolios have tens of thousands of goals)."""
    latest = Measurement.objects.filter(goal=OuterRef("pk"), measured_on__lte=today).order_by("-measured_on", "-pk")
    goals = (
        Goal.objects.filter(agreement_id__in=agreement_ids)
        .annotate(current=Subquery(latest.values("value")[:1]))
        .order_by("agreement_id", "pk")
        .values(
            "pk",
            "agreement_id",
            "indicator",
            "custom_indicator",
            "baseline",
            "target",
            "current",
            "due_date",
            "agreement__period_start",
            "agreement__period_end",
        )
    )
    off = []
    for goal in goals:
        if goal_off_track(
            baseline=goal["baseline"],
            target=goal["target"],
            current=goal["current"],
            lower_is_better=goal["indicator"] in LOWER_IS_BETTER,
            start=goal["agreement__period_start"],
            due=goal["due_date"] or goal["agreement__period_end"],
            today=today,
        ):
            label = (
                goal["custom_indicator"]
                if goal["indicator"] == Indicator.CUSTOM
                else Indicator(goal["indicator"]).label
            )
            off.append(
                {
                    "goal": goal["pk"],
                    "agreement": goal["agreement_id"],
                    "indicator": goal["indicator"],
                    "label": str(label),
                }
            )
    return off


def goals_off_track(*, agreement_ids, today: dt.date) -> dict[int, list[str]]:
    """``{agreement id: [labels of its goals off track]}`` for the given agreements (ids or a
    values queryset): ``off_track_goals`` grouped by agreement."""
    off: dict[int, list[str]] = {}
    for goal in off_track_goals(agreement_ids=agreement_ids, today=today):
        off.setdefault(goal["agreement"], []).append(goal["label"])
    return off
