"""Goals of an agreement, and their measurements."""

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    Goal,
    GoalChange,
    Indicator,
    Measurement,
    Phase,
    ResponsibilityAgreement,
    Theme,
)
from cooperation.services.agreements import (
    _phase_index,
)
from cooperation.services.common import (
    UNSET,
    Errors,
    _apply,
    _given,
)
from cooperation.services.contacts import (
    _check_choice,
)

# --- Goals and measurements --------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check_goal(values: dict[str, Any], goal: Goal, errors: Errors) -> None:
    _check_choice("theme", values["theme"], Theme.values, errors)
    _check_choice("indicator", values["indicator"], Indicator.values, errors)
    if _given(values["target"]) and values["target"] is None:
        errors.add("target", _("A goal needs a target."))
    indicator = values["indicator"] if _given(values["indicator"]) else goal.indicator
    custom = values["custom_indicator"] if _given(values["custom_indicator"]) else goal.custom_indicator
    if indicator == Indicator.CUSTOM and not (custom or "").strip():
        errors.add("custom_indicator", _("Name the custom indicator."))


def _check_agreement_open(agreement: ResponsibilityAgreement, errors: Errors) -> None:
    if agreement.phase == Phase.CLOSED:
        errors.add("agreement", _("A closed agreement cannot change."))


@transaction.atomic
def goal_create(
    *,
    agreement: ResponsibilityAgreement,
    theme: str,
    indicator: str,
    target: Decimal | None,
    custom_indicator: str = "",
    description: str = "",
    baseline: Decimal | None = None,
    due_date: dt.date | None = None,
) -> Goal:
    goal = Goal(agreement=agreement)
    values = {
        "theme": theme,
        "indicator": indicator,
        "custom_indicator": custom_indicator or "",
        "description": description or "",
        "baseline": baseline,
        "target": target,
        "due_date": due_date,
    }
    errors = Errors()
    _check_agreement_open(agreement, errors)
    _check_goal(values, goal, errors)
    errors.raise_if_any()
    _apply(goal, values)
    goal.full_clean(exclude=["agreement"])
    goal.save()
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    by,
    theme: str = UNSET,
    indicator: str = UNSET,
    custom_indicator: str = UNSET,
    description: str = UNSET,
    baseline: Decimal | None = UNSET,
    target: Decimal | None = UNSET,
    due_date: dt.date | None = UNSET,
) -> Goal:
    """Change a goal and record what changed, from what to what, and by whom."""
    goal = Goal.objects.select_for_update().select_related("agreement").get(pk=goal.pk)
    values = {
        "theme": theme,
        "indicator": indicator,
        "custom_indicator": custom_indicator,
        "description": description,
        "baseline": baseline,
        "target": target,
        "due_date": due_date,
    }
    errors = Errors()
    _check_agreement_open(goal.agreement, errors)
    _check_goal(values, goal, errors)
    errors.raise_if_any()
    # Compare normalised values: 85 and 85.00 are the same target, not a change.
    for name in ("baseline", "target"):
        if _given(values[name]) and values[name] is not None:
            values[name] = Decimal(values[name]).quantize(Decimal("0.01"))
    changed = _apply(goal, values)
    if changed:
        goal.full_clean(exclude=["agreement"])
        goal.save()
        GoalChange.objects.create(
            goal=goal,
            by=by,
            changes={
                name: {"before": _json_value(before), "after": _json_value(after)}
                for name, (before, after) in changed.items()
            },
        )
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal) -> None:
    if _phase_index(goal.agreement.phase) >= _phase_index(Phase.AGREED):
        raise ValidationError({NON_FIELD_ERRORS: [_("A goal of an agreed agreement cannot be deleted.")]})
    goal.delete()


@transaction.atomic
def measurement_record(
    *,
    goal: Goal,
    measured_on: dt.date,
    value: Decimal,
    source: str = Measurement.Source.MANUAL,
    note: str = "",
) -> Measurement:
    """Record a measurement of a goal's indicator. A computed one replaces the computed one
    of the same day, so the portal's periodic task can run again safely."""
    errors = Errors()
    _check_choice("source", source, Measurement.Source.values, errors)
    if value is None:
        errors.add("value", _("Give the measured value."))
    if measured_on is None:
        errors.add("measured_on", _("Give the date of the measurement."))
    errors.raise_if_any()
    if source == Measurement.Source.COMPUTED:
        measurement, _created = Measurement.objects.update_or_create(
            goal=goal, measured_on=measured_on, source=source, defaults={"value": value, "note": note or ""}
        )
        return measurement
    measurement = Measurement(goal=goal, measured_on=measured_on, value=value, source=source, note=note or "")
    measurement.full_clean(exclude=["goal"])
    measurement.save()
    return measurement
