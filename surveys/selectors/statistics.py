"""NPS and coping statistics.

NPS and coping statistics (API.md "Statistics"), aggregated in the database: one grouped
query returns counts per Helsinki day, which are folded into months / quarters / years here
(a few hundred aggregated rows at most, never the responses themselves). Questions that the
rollups answer (no customer or practitioner filter) read StatsDaily / StatsDailyByUnit."""

import datetime as dt
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from math import sqrt
from zoneinfo import ZoneInfo

from django.db.models import (
    Count,
    F,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate

from cooperation.models import CorporateCustomer
from surveys.models import (
    DEFAULT_NPS_TARGETS,
    BindingTarget,
    Practitioner,
    RespondentGroup,
    Response,
    Service,
    StatsDaily,
    StatsDailyByUnit,
    StatsRollupState,
    SurveyInvitation,
    TargetScope,
    Unit,
)

HELSINKI = ZoneInfo("Europe/Helsinki")

#: The counters every cell carries; rollups store exactly these per day.
ANSWER_COUNTERS = (
    "n",
    "promoters",
    "passives",
    "detractors",
    "coping_yes",
    "coping_partly",
    "coping_no",
    "coping_na",
)

# Counting a column of the covering index (not the primary key) lets PostgreSQL answer
# from the index alone.
RAW_ANSWER_COUNTS = {
    "n": Count("score"),
    "promoters": Count("score", filter=Q(score__gte=9)),
    "passives": Count("score", filter=Q(score__in=[7, 8])),
    "detractors": Count("score", filter=Q(score__lte=6)),
    "coping_yes": Count("score", filter=Q(coping="yes")),
    "coping_partly": Count("score", filter=Q(coping="partly")),
    "coping_no": Count("score", filter=Q(coping="no")),
    "coping_na": Count("score", filter=Q(coping="na")),
}


@dataclass(frozen=True)
class StatisticsQuery:
    """What a statistics request asks for; ``scope`` limits the customers (a Q on ``customer``)."""

    group: str = RespondentGroup.PATIENT
    scope: Q = field(default_factory=Q)
    customer: CorporateCustomer | None = None
    segment: str | None = None
    unit: Unit | None = None
    unit_type: str | None = None
    practitioner: Practitioner | None = None
    service: Service | None = None
    channel: str | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    by: str | None = None

    @property
    def scoped(self) -> bool:
        return bool(self.scope) or self.customer is not None


def helsinki_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=HELSINKI)


def _between_days(rows: QuerySet, first: dt.date | None, last: dt.date | None, *, moment: str | None = None):
    """Rows of the Helsinki days ``first``..``last`` (inclusive; an end left None is open): by the
    rollups' ``day``, or, for raw rows, by their ``moment`` field from midnight to midnight."""
    if moment is None:
        bounds = {"day__gte": first, "day__lte": last}
    else:
        bounds = {
            f"{moment}__gte": first and helsinki_midnight(first),
            f"{moment}__lt": last and helsinki_midnight(last + dt.timedelta(days=1)),
        }
    return rows.filter(**{lookup: value for lookup, value in bounds.items() if value})


def period_key(day: dt.date, by: str) -> str:
    if by == "month":
        return f"{day.year}-{day.month:02d}"
    if by == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    return f"{day.year}"


def period_bounds(day: dt.date, by: str) -> tuple[dt.date, dt.date]:
    """First and last day of the period of ``by`` that holds ``day``."""
    if by == "month":
        first = day.replace(day=1)
        months = 1
    elif by == "quarter":
        first = dt.date(day.year, (day.month - 1) // 3 * 3 + 1, 1)
        months = 3
    else:
        return dt.date(day.year, 1, 1), dt.date(day.year, 12, 31)
    month = first.month - 1 + months
    following = dt.date(first.year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def _rollups_live() -> bool:
    return StatsRollupState.objects.filter(live=True).exists()


def _rollup_model(query: StatisticsQuery):
    """The coarsest rollup that holds every dimension asked for, or None for raw rows."""
    if query.scoped or query.practitioner is not None or not _rollups_live():
        return None
    if query.unit is None and query.service is None and query.channel is None:
        return StatsDaily
    return StatsDailyByUnit


def _dimension_filter(query: StatisticsQuery, *, rollup: bool) -> Q:
    f = Q(respondent_group=query.group)
    if not rollup:
        f &= query.scope
        if query.customer is not None:
            f &= Q(customer=query.customer)
        if query.practitioner is not None:
            f &= Q(practitioner=query.practitioner)
    if query.segment:
        f &= Q(segment=query.segment)
    if query.unit_type:
        f &= Q(unit_type=query.unit_type)
    if query.channel:
        f &= Q(channel=query.channel)
    if query.unit is not None:
        f &= Q(unit_key=query.unit.pk) if rollup else Q(unit=query.unit)
    if query.service is not None:
        f &= Q(service_key=query.service.pk) if rollup else Q(service=query.service)
    return f


def answer_counts_by_day(
    query: StatisticsQuery, first: dt.date | None, last: dt.date | None
) -> dict[dt.date, dict[str, int]]:
    """Counters per Helsinki day of the answer, for ``first``..``last`` (inclusive, open if None)."""
    model = _rollup_model(query)
    if model is not None:
        rows = _between_days(model.objects.filter(_dimension_filter(query, rollup=True)), first, last)
        rows = rows.values("day").annotate(**{c: Sum(c) for c in ANSWER_COUNTERS}).filter(n__gt=0)
    else:
        rows = _between_days(
            Response.objects.filter(_dimension_filter(query, rollup=False)), first, last, moment="answered_at"
        )
        rows = rows.annotate(day=TruncDate("answered_at", tzinfo=HELSINKI)).values("day").annotate(**RAW_ANSWER_COUNTS)
    return {row.pop("day"): row for row in rows.order_by()}


def invitation_counts(query: StatisticsQuery, first: dt.date | None, last: dt.date | None) -> tuple[int, int]:
    """Invitations sent in the range that match the filters, and how many of them are answered."""
    model = _rollup_model(query)
    if model is not None:
        rows = _between_days(model.objects.filter(_dimension_filter(query, rollup=True)), first, last)
        totals = rows.aggregate(sent=Sum("invitations_sent"), answered=Sum("invitations_answered"))
    else:
        rows = _between_days(
            SurveyInvitation.objects.filter(_dimension_filter(query, rollup=False), sent_at__isnull=False),
            first,
            last,
            moment="sent_at",
        )
        totals = rows.aggregate(sent=Count("status"), answered=Count("status", filter=Q(status="answered")))
    return totals["sent"] or 0, totals["answered"] or 0


def answered_after_reminder_count(query: StatisticsQuery, first: dt.date | None, last: dt.date | None) -> int:
    """Invitations sent in the range that match the filters and were answered after their
    reminder: what the response rate owes to reminders (few rows: a partial index holds them)."""
    rows = _between_days(
        SurveyInvitation.objects.filter(
            _dimension_filter(query, rollup=False),
            sent_at__isnull=False,
            reminder_sent_at__isnull=False,
            status="answered",
            answered_at__gte=F("reminder_sent_at"),
        ),
        first,
        last,
        moment="sent_at",
    )
    return rows.count()


def _one_decimal(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(str(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _percent(part: int, whole: int) -> float:
    """``part / whole`` in per cent to one decimal, half up from the exact value: with floats,
    (13 − 10) / 48 comes out as 6.2499… and would round to 6.2 instead of 6.3."""
    return float((Decimal(part * 100) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def nps_figures(counts: dict[str, int]) -> dict:
    """NPS and its 95 % margin of error (DOMAIN.md): 1.96·100·√(((p+d) − (p−d)²)/n)."""
    n = counts.get("n", 0)
    if not n:
        return {"nps": None, "moe95": None}
    promoters, detractors = counts["promoters"], counts["detractors"]
    # ((p+d) − (p−d)²) / n over whole counts: ((P+D)·n − (P−D)²) / n³, never below zero.
    variance = ((promoters + detractors) * n - (promoters - detractors) ** 2) / n**3
    return {"nps": _percent(promoters - detractors, n), "moe95": _one_decimal(1.96 * 100 * sqrt(variance))}


def coping_size(counts: dict[str, int]) -> int:
    """Coping answers other than "not applicable" (and other than none at all)."""
    return counts.get("coping_yes", 0) + counts.get("coping_partly", 0) + counts.get("coping_no", 0)


def coping_figures(counts: dict[str, int]) -> dict:
    size = coping_size(counts)
    better = counts.get("coping_yes", 0) + counts.get("coping_partly", 0)
    return {"coping_better": _percent(better, size) if size else None}


def _add(total: dict[str, int], counts: dict[str, int]) -> None:
    for name in ANSWER_COUNTERS:
        total[name] = total.get(name, 0) + (counts.get(name) or 0)


def _zero() -> dict[str, int]:
    return dict.fromkeys(ANSWER_COUNTERS, 0)


def _resolve_target(query: StatisticsQuery, year: int) -> int | None:
    """API.md: the unit's own target when one unit is asked for, else the binding target set for
    the customer or the organisation for that year, else the default of the unit type. A unit
    without a target of its own (a digital service has no default) falls through to the rest."""
    if query.unit is not None:
        binding = BindingTarget.objects.filter(
            scope=TargetScope.UNIT, unit=query.unit, year=year, respondent_group=query.group
        ).first()
        own = binding.target if binding else query.unit.nps_target
        if own is not None:
            return own
    if query.customer is not None:
        binding = BindingTarget.objects.filter(
            scope=TargetScope.CUSTOMER, customer=query.customer, year=year, respondent_group=query.group
        ).first()
        if binding:
            return binding.target
    binding = BindingTarget.objects.filter(
        scope=TargetScope.ORGANISATION, year=year, respondent_group=query.group
    ).first()
    if binding:
        return binding.target
    if query.unit_type:
        return DEFAULT_NPS_TARGETS.get(query.unit_type)
    return None


def _statistics(query: StatisticsQuery, *, kind: str) -> dict:
    """The shared engine of nps_statistics and coping_statistics (provider staff: every cell;
    a customer's people read surveys/publishable.py instead)."""
    figures = nps_figures if kind == "nps" else coping_figures
    start, end, by = query.start, query.end, query.by

    # Cumulative values look at whole years around the range.
    fetch_first = dt.date(start.year, 1, 1) if start and by else start
    days = answer_counts_by_day(query, fetch_first, end)

    answered = sorted(d for d in days if (start is None or d >= start))
    first = start or (answered[0] if answered else None)
    last = end or (answered[-1] if answered else None)

    total_counts = _zero()
    for day, counts in days.items():
        if first and day >= first:
            _add(total_counts, counts)

    periods = []
    if by and first and last:
        cursor = first
        while cursor <= last:
            p_first, p_last = period_bounds(cursor, by)
            key = period_key(cursor, by)
            # The period's own cell holds the part inside the range; its cumulative value
            # runs from 1 January whatever the range's start says.
            cell = _zero()
            cumulative = _zero()
            for day, counts in days.items():
                if max(p_first, first) <= day <= min(p_last, last):
                    _add(cell, counts)
                if dt.date(p_first.year, 1, 1) <= day <= min(p_last, last):
                    _add(cumulative, counts)
            periods.append({"period": key, "counts": cell, "cumulative": cumulative})
            cursor = p_last + dt.timedelta(days=1)

    def cell(counts: dict[str, int]) -> dict:
        if kind == "nps":
            base = {name: counts[name] for name in ("n", "promoters", "passives", "detractors")}
        else:
            base = {
                "n": coping_size(counts),
                "yes": counts["coping_yes"],
                "partly": counts["coping_partly"],
                "no": counts["coping_no"],
                "not_applicable": counts["coping_na"],
            }
        return base | figures(counts) | {"suppressed": False}

    total = cell(total_counts)
    if kind == "nps":
        # Invitations sent within the range as asked (open ends stay open), not only around answers.
        sent, answered_invitations = invitation_counts(query, start, end)
        target = _resolve_target(query, (last or dt.datetime.now(HELSINKI).date()).year)
        total["target"] = target
        total["target_met"] = None if target is None or total["nps"] is None else total["nps"] >= target
        total["invitations_sent"] = sent
        total["response_rate"] = _percent(answered_invitations, sent) if sent else None
        reminded = answered_after_reminder_count(query, start, end) if sent else 0
        total["response_rate_without_reminders"] = _percent(answered_invitations - reminded, sent) if sent else None
        total["suppressed"] = total.pop("suppressed")

    cumulative_name = "cumulative_nps" if kind == "nps" else "cumulative_coping_better"
    figure_name = "nps" if kind == "nps" else "coping_better"
    listed = []
    for p in periods:
        row = {"period": p["period"]} | cell(p["counts"])
        row[cumulative_name] = figures(p["cumulative"])[figure_name]
        row["suppressed"] = row.pop("suppressed")
        listed.append(row)
    return {"total": total, "periods": listed}


def nps_statistics(*, query: StatisticsQuery) -> dict:
    """API.md ``GET /api/v1/nps/`` for provider staff: the total, and per period with the
    year-to-date value. A customer's people read surveys/publishable.py."""
    return _statistics(query, kind="nps")


def coping_statistics(*, query: StatisticsQuery) -> dict:
    """Share coping better (yes / partly) among answers other than "not applicable" (staff)."""
    return _statistics(query, kind="coping")


def nps_value(*, query: StatisticsQuery) -> tuple[float | None, int]:
    """One NPS figure and its respondent count (for goals that follow the indicator; staff)."""
    counts = _zero()
    for day_counts in answer_counts_by_day(query, query.start, query.end).values():
        _add(counts, day_counts)
    return nps_figures(counts)["nps"], counts["n"]
