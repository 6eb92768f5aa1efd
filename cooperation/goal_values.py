"""Where the current value of an agreement goal comes from.

Some indicators (the NPS of a customer's employees) are measured by surveys, which cooperation
must not import; the portal, which sees both apps, registers its computation at start-up
(``PortalConfig.ready``) and the cooperation pages ask through here."""

import datetime as dt
from collections.abc import Callable, Iterable

from cooperation.models import Goal

#: ``source(goals=[…], on=date, suppress=bool) -> {goal id: {...}}``: all goals at once, so that
#: a page of goals costs the same queries however many goals it shows.
GoalValueSource = Callable[..., dict[int, dict]]

_source: GoalValueSource | None = None


def goal_value_source_register(source: GoalValueSource) -> None:
    global _source
    _source = source


def goal_current_values(*, goals: Iterable[Goal], on: dt.date, suppress: bool) -> dict[int, dict]:
    """``{goal id: {"current_value", "progress", ...}}``; empty where no source is registered."""
    if _source is None:
        return {}
    return _source(goals=list(goals), on=on, suppress=suppress)
