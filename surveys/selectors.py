"""Reads of the survey app."""

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from cooperation.access import customer_scope
from cooperation.models import CorporateCustomer
from surveys.models import InvitationStatus, NpsRound, SurveyInvitation, Visit


def visit_list() -> QuerySet[Visit]:
    return Visit.objects.select_related("customer", "employee", "unit", "practitioner", "service", "invitation")


def survey_status(invitation: SurveyInvitation | None, *, now=None) -> dict:
    """The survey of a visit as the visits API reports it. A claimed row still counts as
    scheduled, and a sent link that ran out unanswered as expired."""
    if invitation is None:
        return {"status": None, "scheduled_for": None, "skip_reason": ""}
    now = now or timezone.now()
    status = invitation.status
    if status == InvitationStatus.SENDING:
        status = InvitationStatus.SCHEDULED
    elif status == InvitationStatus.SENT and invitation.expires_at and invitation.expires_at <= now:
        status = InvitationStatus.EXPIRED
    return {"status": status, "scheduled_for": invitation.scheduled_for, "skip_reason": invitation.skip_reason}


def invitation_for_token(token_hash: str) -> SurveyInvitation | None:
    """The invitation a survey link opens: a sent, unexpired one, or one already answered
    (it shows the thank-you page); anything else is as if the link did not exist."""
    invitation = (
        SurveyInvitation.objects.select_related("unit", "visit", "customer").filter(token_hash=token_hash).first()
    )
    if invitation is None:
        return None
    if invitation.status == InvitationStatus.ANSWERED:
        return invitation
    if invitation.status == InvitationStatus.SENT and invitation.expires_at and invitation.expires_at > timezone.now():
        return invitation
    return None


def nps_round_list(*, customer_filter) -> QuerySet[NpsRound]:
    """Rounds that include a customer the user may read (``customer_filter`` from customer_scope
    with the ``customers__`` prefix)."""
    return (
        NpsRound.objects.filter(customer_filter)
        .distinct()
        .select_related("started_by")
        .prefetch_related("customers")
        .order_by("-started_at")
    )


def nps_round_invitation_counts(nps_round: NpsRound, *, user) -> dict[str, int]:
    """Invitations of the round by status (every status, 0 when none), counting only the
    customers the user may read: a round an admin started may span several portfolios."""
    counts = dict.fromkeys(InvitationStatus.values, 0)
    rows = (
        nps_round.invitations.filter(_scope_or_nothing(user, prefix="customer__"))
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def nps_round_customers(nps_round: NpsRound, *, user) -> QuerySet[CorporateCustomer]:
    """The round's customers that the user may read."""
    return nps_round.customers.filter(_scope_or_nothing(user)).order_by("name")


def _scope_or_nothing(user, *, prefix: str = "") -> Q:
    # An admin's scope is the empty Q(), which is falsy: test for None, not truth.
    scope = customer_scope(user, prefix=prefix)
    return Q(pk__in=[]) if scope is None else scope


# --- Statistics ---
# NPS and coping statistics (API.md "Statistics"), aggregated in the database: one grouped
# query returns counts per Helsinki day, which are folded into months / quarters / years here
# (a few hundred aggregated rows at most, never the responses themselves). Questions that the
# rollups answer (no customer or practitioner filter) read StatsDaily / StatsDailyByUnit.

import datetime as dt  # noqa: E402
from dataclasses import dataclass, field, replace  # noqa: E402
from decimal import ROUND_HALF_UP, Decimal  # noqa: E402
from itertools import combinations  # noqa: E402
from math import sqrt  # noqa: E402
from zoneinfo import ZoneInfo  # noqa: E402

from django.conf import settings  # noqa: E402
from django.db.models import Sum  # noqa: E402
from django.db.models.functions import TruncDate  # noqa: E402

from cooperation.access import Role, is_admin  # noqa: E402
from cooperation.models import CorporateCustomer  # noqa: E402
from surveys.models import (  # noqa: E402
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


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _months_between(first: dt.date, last: dt.date) -> list[dt.date]:
    months, month = [], _month_start(first)
    while month <= last:
        months.append(month)
        month = period_bounds(month, "month")[1] + dt.timedelta(days=1)
    return months


class Suppression:
    """Small-cell protection for a corporate customer's own people (DESIGN.md "Privacy").

    Every cell shown to them is a union of whole months. A month with 1..MIN-1 respondents is
    suppressed, and so are more months of its quarter (smallest first) until the suppressed
    months of the quarter add up to at least MIN: otherwise the quarter minus its other months
    would give the small one away (secondary suppression, as statistics offices do). Quarters
    whose suppressed months still add up to fewer than MIN are pooled within the year. A cell
    of several months (a quarter, a year, a total, a year-to-date value) is shown only if it
    holds each such group of suppressed months wholly or not at all, so that no subtraction of
    shown cells can single out less than a whole group of at least MIN respondents.

    ``complements`` hold, when the question narrows the company's answers (a unit, a channel…),
    the respondents it leaves out of each wider question (the company, the unit's type, the
    practitioner's unit…): that question's figures minus these would give them, so they obey
    the same rule."""

    def __init__(
        self,
        monthly: dict[dt.date, dict[str, int]],
        *,
        size,
        min_size: int,
        complements: list[dict[dt.date, int]] = (),
    ):
        self.size = {month: size(counts) for month, counts in monthly.items() if size(counts) > 0}
        self.rests = [{m: n for m, n in c.items() if m in self.size and n > 0} for c in complements]
        self.min_size = min_size
        self.groups: list[set[dt.date]] = []
        quarters: dict[tuple[int, int], list[dt.date]] = {}
        for month in self.size:
            quarters.setdefault((month.year, (month.month - 1) // 3), []).append(month)
        for months in quarters.values():
            group = {m for m in months if not self._safe({m})}
            if group:
                self._grow(group, months)
                self.groups.append(group)
        for year in sorted({m.year for m in self.size}):
            small = [g for g in self.groups if min(g).year == year and not self._safe(g)]
            if not small:
                continue
            pooled = set().union(*small)
            self.groups = [g for g in self.groups if g not in small]
            self._grow(pooled, [m for m in self.size if m.year == year and not self._grouped(m)])
            while not self._safe(pooled):
                others = [g for g in self.groups if min(g).year == year]
                if not others:
                    break  # the whole year is small: every cell holding it stays suppressed
                nearest = min(others, key=self._sum)
                self.groups.remove(nearest)
                pooled |= nearest
            self.groups.append(pooled)

    def _sum(self, months) -> int:
        return sum(self.size.get(m, 0) for m in months)

    def _safe(self, months) -> bool:
        """Enough respondents in the cell, and none or enough left out of each wider question."""
        if self._sum(months) < self.min_size:
            return False
        for rests in self.rests:
            rest = sum(rests.get(m, 0) for m in months)
            if 0 < rest < self.min_size:
                return False
        return True

    def _grouped(self, month: dt.date) -> bool:
        return any(month in g for g in self.groups)

    def _grow(self, group: set[dt.date], months: list[dt.date]) -> None:
        while not self._safe(group):
            free = [m for m in months if m not in group and not self._grouped(m)]
            if not free:
                return
            group.add(min(free, key=lambda m: (self.size[m], m)))

    def shows(self, first: dt.date, last: dt.date) -> bool:
        """Whether the cell of the whole months from ``first`` to ``last`` may be shown."""
        months = set(_months_between(first, last))
        for group in self.groups:
            inside = group & months
            if inside and (inside != group or not self._safe(group)):
                return False
        return True


#: The filters that narrow a customer's answers below the whole company's.
NARROWING_FILTERS = ("segment", "unit", "unit_type", "practitioner", "service", "channel")


def _wider_queries(query: StatisticsQuery) -> list[StatisticsQuery]:
    """Every question whose answers hold those of ``query`` and more: each of its narrowing
    filters left out in turn and together, with the ones a filter implies (a practitioner's
    unit, a unit's type) made explicit, since unit type minus one unit is as telling as the
    company minus that unit. At most 2^k − 1 questions for k filters; mostly one or three."""
    implied = query
    if implied.practitioner is not None and implied.unit is None:
        implied = replace(implied, unit=implied.practitioner.unit)
    if implied.unit is not None and not implied.unit_type:
        implied = replace(implied, unit_type=implied.unit.type)
    present = [name for name in NARROWING_FILTERS if getattr(implied, name)]
    wider = []
    for size in range(len(present)):
        for kept in combinations(present, size):
            candidate = replace(implied, **{name: None for name in present if name not in kept})
            if candidate not in wider:
                wider.append(candidate)
    return wider


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


def _statistics(query: StatisticsQuery, *, suppress: bool, kind: str) -> dict:
    """The shared engine of nps_statistics and coping_statistics."""
    size = (lambda c: c.get("n", 0)) if kind == "nps" else coping_size
    figures = nps_figures if kind == "nps" else coping_figures
    min_size = settings.MIN_GROUP_SIZE
    start, end, by = query.start, query.end, query.by
    if suppress:
        # Cells of a customer's own people are whole months, so no two date ranges can be
        # subtracted to single out a few days' respondents.
        start = _month_start(start) if start else None
        end = period_bounds(end, "month")[1] if end else None

    # Cumulative values and suppression both look at whole years around the range.
    fetch_first = dt.date(start.year, 1, 1) if start and (by or suppress) else start
    fetch_last = dt.date(end.year, 12, 31) if end and suppress else end
    days = answer_counts_by_day(query, fetch_first, fetch_last)
    if fetch_last and end and fetch_last > end:
        after_end = {d: c for d, c in days.items() if d > end}
        days = {d: c for d, c in days.items() if d <= end}
    else:
        after_end = {}

    answered = sorted(d for d in days if (start is None or d >= start))
    first = start or (answered[0] if answered else None)
    last = end or (answered[-1] if answered else None)

    total_counts = _zero()
    for day, counts in days.items():
        if first and day >= first:
            _add(total_counts, counts)

    suppression = None
    if suppress:
        monthly: dict[dt.date, dict[str, int]] = {}
        for day, counts in (days | after_end).items():
            _add(monthly.setdefault(_month_start(day), _zero()), counts)
        complements = []
        for wider in _wider_queries(query):
            months: dict[dt.date, dict[str, int]] = {}
            for day, counts in answer_counts_by_day(wider, fetch_first, fetch_last).items():
                _add(months.setdefault(_month_start(day), _zero()), counts)
            # Where the two are not nested (a practitioner's visit at another unit) no clean
            # difference exists: what the wider one does not hold counts as nothing left out.
            complements.append({m: max(size(c) - size(monthly.get(m, _zero())), 0) for m, c in months.items()})
        suppression = Suppression(monthly, size=size, min_size=min_size, complements=complements)

    periods = []
    if by and first and last:
        buckets: dict[str, dict[str, int]] = {}
        for day, counts in days.items():
            _add(buckets.setdefault(period_key(day, by), _zero()), counts)
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
            shown = suppression is None or suppression.shows(max(p_first, first), min(p_last, last))
            periods.append(
                {
                    "period": key,
                    "first": max(p_first, first),
                    "last": min(p_last, last),
                    "counts": cell,
                    "cumulative": cumulative,
                    "suppressed": not shown,
                    "cumulative_suppressed": suppression is not None
                    and not suppression.shows(dt.date(p_first.year, 1, 1), min(p_last, last)),
                }
            )
            cursor = p_last + dt.timedelta(days=1)

    # Every cell, the total included, holds each group of suppressed months wholly or not at
    # all, so the total minus the shown periods gives away nothing smaller than such a group.
    total_suppressed = bool(suppression is not None and first and last and not suppression.shows(first, last))

    def cell(counts: dict[str, int], suppressed: bool) -> dict:
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
        base |= figures(counts)
        if suppressed:
            base = dict.fromkeys(base)
        base["suppressed"] = suppressed
        return base

    total = cell(total_counts, total_suppressed)
    if kind == "nps":
        # Invitations sent within the range as asked (open ends stay open), not only around answers.
        sent, answered_invitations = invitation_counts(query, start, end)
        target = _resolve_target(query, (last or dt.datetime.now(HELSINKI).date()).year)
        total["target"] = target
        total["target_met"] = None if target is None or total["nps"] is None else total["nps"] >= target
        total["invitations_sent"] = sent
        total["response_rate"] = None if not sent or total_suppressed else _percent(answered_invitations, sent)
        total["suppressed"] = total.pop("suppressed")

    cumulative_name = "cumulative_nps" if kind == "nps" else "cumulative_coping_better"
    figure_name = "nps" if kind == "nps" else "coping_better"
    listed = []
    for p in periods:
        row = {"period": p["period"]} | cell(p["counts"], p["suppressed"])
        row[cumulative_name] = None if p["cumulative_suppressed"] else figures(p["cumulative"])[figure_name]
        row["suppressed"] = row.pop("suppressed")
        listed.append(row)
    return {"total": total, "periods": listed}


def nps_statistics(*, query: StatisticsQuery, suppress: bool) -> dict:
    """API.md ``GET /api/v1/nps/``: the total, and per period with the year-to-date value."""
    return _statistics(query, suppress=suppress, kind="nps")


def coping_statistics(*, query: StatisticsQuery, suppress: bool) -> dict:
    """Share coping better (yes / partly) among answers other than "not applicable"."""
    return _statistics(query, suppress=suppress, kind="coping")


def nps_value(*, query: StatisticsQuery, suppress: bool = False) -> tuple[float | None, int]:
    """One NPS figure and its respondent count (for goals that follow the indicator)."""
    counts = _zero()
    for day_counts in answer_counts_by_day(query, query.start, query.end).values():
        _add(counts, day_counts)
    if suppress and 0 < counts["n"] < settings.MIN_GROUP_SIZE:
        return None, counts["n"]
    return nps_figures(counts)["nps"], counts["n"]


def comments_for_quality(*, user, unit: Unit | None = None, start: dt.date | None = None, end: dt.date | None = None):
    """Comments of the units a quality person follows (all units for an administrator), each
    with the practitioner it concerns, newest first."""
    rows = Response.objects.exclude(comment="").select_related("unit", "practitioner", "service")
    if not is_admin(user):
        rows = rows.filter(unit__quality_staff_links__user=user)
    if unit is not None:
        rows = rows.filter(unit=unit)
    rows = _between_days(rows, start, end, moment="answered_at")
    return rows.order_by("practitioner__code", "-answered_at")


def binding_target_list(*, user):
    """Binding targets a user may read: administrators and quality staff all; account managers
    only those of their own customers, since their statistics stop at their portfolio (API.md)
    and an organisation's or a unit's report spans every customer."""
    targets = BindingTarget.objects.select_related("unit", "customer")
    if not is_admin(user) and user.role == Role.ACCOUNT_MANAGER:
        targets = targets.filter(customer__account_manager_id=user.pk)
    return targets


def binding_target_report(*, target: BindingTarget) -> dict:
    """The year against its binding target, each quarter with its cumulative value."""
    query = StatisticsQuery(
        group=target.respondent_group,
        customer=target.customer,
        unit=target.unit,
        start=dt.date(target.year, 1, 1),
        end=dt.date(target.year, 12, 31),
        by="quarter",
    )
    stats = nps_statistics(query=query, suppress=False)
    quarters = [
        p
        | {
            "met": None if p["nps"] is None else p["nps"] >= target.target,
            "cumulative_met": None if p["cumulative_nps"] is None else p["cumulative_nps"] >= target.target,
        }
        for p in stats["periods"]
    ]
    year = stats["total"]
    return {
        "target": target,
        "year": year,
        "met": None if year["nps"] is None else year["nps"] >= target.target,
        "quarters": quarters,
    }
