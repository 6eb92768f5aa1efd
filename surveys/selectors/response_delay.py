"""Response delay of chats and phone calls (API.md "Service contacts"): how long a contact waits
for its first response, by day, week and unit, against the channel's target, and the load by hour.

Percentiles are PostgreSQL's ``percentile_cont`` (linear interpolation between the two nearest
ranks: for n sorted delays x₀…xₙ₋₁ the p-th is x at position p·(n−1)), computed in the
database. SQLite (a fresh machine without DATABASE_URL) has no percentile aggregate, so there
the same formula runs in Python over the delays of the range: both give the same figures.
Days and weeks are those of the contact's start in Helsinki time; weeks are ISO weeks."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Aggregate, Count, F, FloatField, Q, QuerySet
from django.db.models.functions import ExtractHour, TruncDate, TruncWeek

from surveys.models import ContactChannel, ServiceContact, Unit

HELSINKI = ZoneInfo("Europe/Helsinki")

#: The most periods one question may ask for (about three years of days): the answer stays a
#: few hundred kilobytes and one query.
MAX_PERIODS = 1100


class PercentileCont(Aggregate):
    """PostgreSQL's ordered-set aggregate ``percentile_cont(p) WITHIN GROUP (ORDER BY x)``."""

    function = "percentile_cont"
    template = "%(function)s(%(fraction)s) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

    def __init__(self, expression, *, fraction: float, **extra):
        super().__init__(expression, fraction=float(fraction), **extra)


def percentile_cont(values: list[float], fraction: float) -> float | None:
    """The same percentile as PostgreSQL's percentile_cont, of the sorted ``values``."""
    if not values:
        return None
    position = fraction * (len(values) - 1)
    lower = int(position)
    upper = min(lower + 1, len(values) - 1)
    return values[lower] + (values[upper] - values[lower]) * (position - lower)


def response_target_seconds(channel: str) -> int:
    if channel == ContactChannel.PHONE:
        return settings.PHONE_RESPONSE_TARGET_SECONDS
    return settings.CHAT_RESPONSE_TARGET_SECONDS


@dataclass(frozen=True)
class ResponseDelayQuery:
    channel: str
    start: dt.date
    end: dt.date
    unit: Unit | None = None
    by: str | None = None  # "day", "week" or None (no periods)

    @property
    def target_seconds(self) -> int:
        return response_target_seconds(self.channel)


def period_count(*, start: dt.date, end: dt.date, by: str | None) -> int:
    return len(_period_keys(start, end, by))


def _period_keys(start: dt.date, end: dt.date, by: str | None) -> list[str]:
    if by == "day":
        return [(start + dt.timedelta(days=i)).isoformat() for i in range((end - start).days + 1)]
    if by == "week":
        monday = start - dt.timedelta(days=start.weekday())
        keys = []
        while monday <= end:
            keys.append(_week_key(monday))
            monday += dt.timedelta(days=7)
        return keys
    return []


def _week_key(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _key_of_day(day: dt.date, by: str) -> str:
    return day.isoformat() if by == "day" else _week_key(day)


def _contacts(query: ResponseDelayQuery) -> QuerySet:
    rows = ServiceContact.objects.filter(
        channel=query.channel,
        started_at__gte=dt.datetime.combine(query.start, dt.time.min, tzinfo=HELSINKI),
        started_at__lt=dt.datetime.combine(query.end + dt.timedelta(days=1), dt.time.min, tzinfo=HELSINKI),
    )
    if query.unit is not None:
        rows = rows.filter(unit=query.unit)
    return rows


def _round1(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _cell(n: int, median, p90, within: int) -> dict:
    return {
        "n": n,
        "median_seconds": _round1(median) if n else None,
        "p90_seconds": _round1(p90) if n else None,
        "within_target": float((Decimal(within * 100) / Decimal(n)).quantize(Decimal("0.1"), ROUND_HALF_UP))
        if n
        else None,
    }


def _on_postgresql() -> bool:
    return connection.vendor == "postgresql"


def _grouped(rows: QuerySet, *, group: str | None, target: int) -> dict:
    """{key: cell} of the rows grouped by ``group`` ("day", "week", "unit" or None: one cell
    under the key None)."""
    if _on_postgresql():
        figures = {
            "n": Count("response_seconds"),
            "median": PercentileCont("response_seconds", fraction=0.5),
            "p90": PercentileCont("response_seconds", fraction=0.9),
            "within": Count("response_seconds", filter=Q(response_seconds__lte=target)),
        }
        if group is None:
            found = rows.aggregate(**figures)
            return {None: _cell(found["n"], found["median"], found["p90"], found["within"])}
        key = {
            "day": TruncDate("started_at", tzinfo=HELSINKI),
            "week": TruncWeek("started_at", tzinfo=HELSINKI),
            "unit": F("unit_id"),
        }[group]
        out = {}
        for row in rows.order_by().values(key=key).annotate(**figures):
            name = row["key"]
            if group in ("day", "week"):
                day = name.date() if isinstance(name, dt.datetime) else name
                name = _key_of_day(day, group)
            out[name] = _cell(row["n"], row["median"], row["p90"], row["within"])
        return out
    # SQLite: the same percentile in Python.
    delays: dict = defaultdict(list)
    for started_at, unit_id, seconds in rows.order_by().values_list("started_at", "unit_id", "response_seconds"):
        if group is None:
            name = None
        elif group == "unit":
            name = unit_id
        else:
            name = _key_of_day(started_at.astimezone(HELSINKI).date(), group)
        delays[name].append(seconds)
    out = {}
    for name, values in delays.items():
        values.sort()
        within = sum(1 for v in values if v <= target)
        out[name] = _cell(len(values), percentile_cont(values, 0.5), percentile_cont(values, 0.9), within)
    if group is None and None not in out:
        out[None] = _cell(0, None, None, 0)
    return out


def response_delay_statistics(*, query: ResponseDelayQuery) -> dict:
    """API.md's answer: the range's total and, with ``by``, every day or week of the range,
    those without contacts included with n 0 and null figures."""
    rows = _contacts(query)
    target = query.target_seconds
    total = _grouped(rows, group=None, target=target)[None] | {"target_seconds": target}
    periods = []
    if query.by:
        found = _grouped(rows, group=query.by, target=target)
        for key in _period_keys(query.start, query.end, query.by):
            periods.append({"period": key} | found.get(key, _cell(0, None, None, 0)))
    return {"total": total, "periods": periods}


def response_delay_by_unit(*, query: ResponseDelayQuery) -> list[dict]:
    """The range's figures of every unit with contacts of the channel, by unit name."""
    found = _grouped(_contacts(query), group="unit", target=query.target_seconds)
    units = Unit.objects.filter(pk__in=found.keys()).order_by("name", "code")
    return [{"unit": u.code, "unit_name": u.name, "unit_type": u.type} | found[u.pk] for u in units]


def contacts_by_hour(*, query: ResponseDelayQuery) -> list[dict]:
    """Contacts started in each hour of the day (Helsinki time, 0–23) over the range: the peaks
    of load. Every hour is listed, those without contacts with n 0."""
    rows = (
        _contacts(query)
        .order_by()
        .annotate(hour=ExtractHour("started_at", tzinfo=HELSINKI))
        .values("hour")
        .annotate(n=Count("pk"))
    )
    counts = {row["hour"]: row["n"] for row in rows}
    return [{"hour": hour, "n": counts.get(hour, 0)} for hour in range(24)]
