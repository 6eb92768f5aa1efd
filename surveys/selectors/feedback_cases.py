"""Reads of feedback cases: the quality staff's queue and the figures per unit and quarter.
Only administrators and the quality staff who follow a unit ever see its cases."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from statistics import median

from django.db.models import BooleanField, Case, Q, QuerySet, Value, When
from django.utils import timezone

from cooperation.access import Role, is_admin
from surveys.models import FeedbackCase, FeedbackCaseStatus, FeedbackCause, Unit
from surveys.selectors.statistics import HELSINKI


def feedback_case_scope(user) -> QuerySet[FeedbackCase] | None:
    """The cases a user may see; None for a role that may not see cases at all (403)."""
    if is_admin(user):
        return FeedbackCase.objects.all()
    if user.is_authenticated and user.role == Role.QUALITY:
        return FeedbackCase.objects.filter(unit__quality_staff_links__user=user)
    return None


def feedback_case_units(user) -> QuerySet[Unit]:
    if is_admin(user):
        return Unit.objects.filter(feedback_cases__isnull=False).distinct().order_by("code")
    return Unit.objects.filter(quality_staff_links__user=user).order_by("code")


def feedback_case_list(
    *,
    cases: QuerySet[FeedbackCase],
    status: str | None = None,
    unit: Unit | None = None,
    overdue: bool | None = None,
    owner=None,
    now: dt.datetime | None = None,
) -> QuerySet[FeedbackCase]:
    """Cases, overdue ones first, then by due time (the one to act on first on top)."""
    now = now or timezone.now()
    late = Q(due_at__lt=now) & ~Q(status=FeedbackCaseStatus.CLOSED)
    if status:
        cases = cases.filter(status=status)
    if unit is not None:
        cases = cases.filter(unit=unit)
    if overdue is True:
        cases = cases.filter(late)
    elif overdue is False:
        cases = cases.exclude(late)
    if owner is not None:
        cases = cases.filter(owner=owner)
    return (
        cases.select_related("unit", "practitioner", "owner", "cause", "response")
        .annotate(is_late=Case(When(late, then=Value(True)), default=Value(False), output_field=BooleanField()))
        .order_by(
            "-is_late", Case(When(status=FeedbackCaseStatus.CLOSED, then=Value(1)), default=Value(0)), "due_at", "pk"
        )
    )


def feedback_case_history(case: FeedbackCase):
    return case.events.select_related("actor", "owner").order_by("at", "pk")


def feedback_cause_choices() -> QuerySet[FeedbackCause]:
    return FeedbackCause.objects.filter(active=True)


def _quarter(moment: dt.datetime) -> str:
    local = moment.astimezone(HELSINKI)
    return f"{local.year}-Q{(local.month - 1) // 3 + 1}"


def feedback_case_figures(
    *,
    cases: QuerySet[FeedbackCase],
    unit: Unit | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    now: dt.datetime | None = None,
) -> list[dict]:
    """Per unit and quarter of the answer (Helsinki): cases opened, closed, closed within the
    due time (count, and per cent of the cases decided: closed, or past their due time), the
    median hours from answer to closing, and the closed cases by root cause."""
    now = now or timezone.now()
    if unit is not None:
        cases = cases.filter(unit=unit)
    if start is not None:
        cases = cases.filter(answered_at__gte=dt.datetime.combine(start, dt.time.min, tzinfo=HELSINKI))
    if end is not None:
        cases = cases.filter(
            answered_at__lt=dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=HELSINKI)
        )
    causes = {c.pk: c for c in FeedbackCause.objects.all()}
    cells: dict[tuple, dict] = defaultdict(
        lambda: {"opened": 0, "closed": 0, "closed_in_time": 0, "decided": 0, "hours": [], "causes": Counter()}
    )
    rows = cases.values_list("unit__code", "unit__name", "answered_at", "due_at", "status", "closed_at", "cause_id")
    for code, name, answered_at, due_at, status, closed_at, cause_id in rows.iterator():
        cell = cells[(code, name, _quarter(answered_at))]
        cell["opened"] += 1
        if status == FeedbackCaseStatus.CLOSED and closed_at is not None:
            cell["closed"] += 1
            cell["decided"] += 1
            cell["closed_in_time"] += closed_at <= due_at
            cell["hours"].append((closed_at - answered_at).total_seconds() / 3600)
            cell["causes"][cause_id] += 1
        elif due_at < now:
            cell["decided"] += 1
    figures = []
    for (code, name, period), cell in sorted(cells.items(), key=lambda item: (item[0][0], item[0][2])):
        figures.append(
            {
                "unit": code,
                "unit_name": name,
                "period": period,
                "opened": cell["opened"],
                "closed": cell["closed"],
                "closed_in_time": cell["closed_in_time"],
                "decided": cell["decided"],
                "closed_in_time_percent": round(100 * cell["closed_in_time"] / cell["decided"], 1)
                if cell["decided"]
                else None,
                "median_hours_to_close": round(median(cell["hours"]), 1) if cell["hours"] else None,
                "causes": [
                    {"code": causes[pk].code, "name": causes[pk].name, "n": n}
                    for pk, n in sorted(cell["causes"].items(), key=lambda item: (-item[1], causes[item[0]].order))
                ],
            }
        )
    return figures


def feedback_case_figures_by_period(figures: list[dict]) -> list[dict]:
    """The units' figures summed per quarter, with the share closed within the due time."""
    periods: dict[str, dict] = {}
    for row in figures:
        total = periods.setdefault(
            row["period"], {"period": row["period"], "opened": 0, "closed": 0, "closed_in_time": 0, "decided": 0}
        )
        for name in ("opened", "closed", "closed_in_time", "decided"):
            total[name] += row[name]
    for total in periods.values():
        total["closed_in_time_percent"] = (
            round(100 * total["closed_in_time"] / total["decided"], 1) if total["decided"] else None
        )
    return [periods[key] for key in sorted(periods)]


def feedback_cause_totals(figures: list[dict]) -> list[dict]:
    """Closed cases by root cause over all the rows, most common first."""
    totals: dict[str, dict] = {}
    for row in figures:
        for cause in row["causes"]:
            totals.setdefault(cause["code"], {**cause, "n": 0})["n"] += cause["n"]
    return sorted(totals.values(), key=lambda c: -c["n"])
