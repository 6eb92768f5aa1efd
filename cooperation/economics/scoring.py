"""The work-health matrix's arithmetic (DOMAIN.md "Work-health matrix"), pure and exact.

An indicator has eleven thresholds, for points 10 down to 0. A result gets the points of the
threshold nearest to it; a result at or beyond the best threshold gets 10, at or beyond the
worst 0. **A tie** (a result exactly halfway between two thresholds) **gets the lower points**:
a row is earned by coming nearer to it, not by stopping halfway — the conservative reading for a
figure that may feed a productivity bonus. Values are Decimals so that ties are real ties
(floats would put 13 a hair nearer to one side)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

POINTS = tuple(range(10, -1, -1))  # the rows, best first
LOWER = "lower"
HIGHER = "higher"


def as_decimal(value) -> Decimal:
    """A number (int, float, Decimal or numeric string) as a Decimal; ValueError otherwise."""
    if isinstance(value, bool) or value is None:
        raise ValueError("not a number")
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise ValueError("not a number") from exc
    if not number.is_finite():
        raise ValueError("not a finite number")
    return number


def thresholds_errors(thresholds, direction: str) -> list[str]:
    """Why a row of thresholds cannot be used (empty when it can). English; callers translate."""
    if not isinstance(thresholds, list | tuple) or len(thresholds) != len(POINTS):
        return ["count"]
    try:
        values = [as_decimal(value) for value in thresholds]
    except ValueError:
        return ["number"]
    pairs = list(zip(values, values[1:], strict=False))
    # Points 10 → 0: the threshold grows when lower is better, shrinks when higher is better.
    monotonic = all(b > a for a, b in pairs) if direction == LOWER else all(b < a for a, b in pairs)
    return [] if monotonic else ["monotonic"]


def points_for(result, thresholds, direction: str) -> int:
    """The points a result earns against a valid row of thresholds (see the module's rules)."""
    value = as_decimal(result)
    rows = [as_decimal(t) for t in thresholds]
    better = (lambda a, b: a <= b) if direction == LOWER else (lambda a, b: a >= b)
    if better(value, rows[0]):
        return POINTS[0]
    if better(rows[-1], value):
        return POINTS[-1]
    # Between two neighbouring rows: the nearer one; halfway goes to the lower points.
    for index in range(len(rows) - 1):
        upper, lower = rows[index], rows[index + 1]  # upper earns more points
        if better(value, lower) and better(upper, value):
            return POINTS[index] if abs(value - upper) < abs(value - lower) else POINTS[index + 1]
    raise AssertionError("thresholds are not monotonic")  # thresholds_errors() rules this out


def indicator_value(points: int | None, weight) -> Decimal | None:
    return None if points is None else as_decimal(weight) * points


def as_json_number(value) -> int | float:
    """How a threshold or result is stored and shown in JSON: an int when whole, else a float
    (read back through ``as_decimal(str(...))``, 4.25 stays exactly 4.25)."""
    number = as_decimal(value)
    return int(number) if number == number.to_integral_value() else float(number)
