"""How far a goal has come: the one rule every page, pack and API answer shows.

The way from baseline to target is measured in the goal's own direction, so a "lower is better"
goal (sick-leave days from 14 down to 10) reads right: 12 is half way. Progress never reads past
100 %: a value at or beyond the target is "target reached"; a value that moved away from the
target (worse than the baseline) reads 0 % and says so, rather than a negative per cent."""

from dataclasses import dataclass
from decimal import Decimal


class ProgressState:
    NO_VALUE = "no-value"
    REACHED = "reached"
    ON_THE_WAY = "on-the-way"
    WORSE_THAN_BASELINE = "worse-than-baseline"
    NO_BASELINE = "no-baseline"


@dataclass(frozen=True)
class GoalProgress:
    #: Per cent of the way from baseline to target, 0–100 (one decimal); None without a value or
    #: a baseline to measure from.
    percent: float | None
    target_reached: bool
    state: str
    lower_is_better: bool


def _decimal(value) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def goal_progress(*, baseline, target, current, lower_is_better: bool) -> GoalProgress:
    """The progress of a goal from ``baseline`` to ``target`` at ``current`` (numbers or None)."""
    baseline, target, current = _decimal(baseline), _decimal(target), _decimal(current)
    if current is None:
        return GoalProgress(None, False, ProgressState.NO_VALUE, lower_is_better)
    reached = current <= target if lower_is_better else current >= target
    if reached:
        return GoalProgress(100.0 if baseline is not None else None, True, ProgressState.REACHED, lower_is_better)
    if baseline is None:
        return GoalProgress(None, False, ProgressState.NO_BASELINE, lower_is_better)
    if target == baseline:
        # Not reached, and no way to measure along: the value is on the wrong side of both.
        return GoalProgress(0.0, False, ProgressState.WORSE_THAN_BASELINE, lower_is_better)
    way = (current - baseline) / (target - baseline)
    if way < 0:
        return GoalProgress(0.0, False, ProgressState.WORSE_THAN_BASELINE, lower_is_better)
    # Not reached, so the way is below one; rounding must not make 99.96 % read as 100 %.
    return GoalProgress(min(round(float(way * 100), 1), 99.9), False, ProgressState.ON_THE_WAY, lower_is_better)
