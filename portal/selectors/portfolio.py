"""Reads for the portal's own pages: dashboards that combine cooperation and surveys."""

import datetime as dt
from dataclasses import dataclass

from django.core.paginator import Page, Paginator
from django.db.models import Case, Count, F, IntegerField, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Coalesce

from cooperation import selectors as cooperation_selectors
from cooperation.models import (
    PHASE_ORDER,
    ActionItem,
    CorporateCustomer,
    Goal,
    Indicator,
    Phase,
    ResponsibilityAgreement,
    SteeringGroupMeeting,
    action_item_overdue,
)
from surveys.models import BindingTarget, RespondentGroup, TargetScope
from surveys.selectors import (
    ANSWER_COUNTERS,
    answer_counts_by_customer_month,
    answer_totals_by_customer,
    coping_figures,
    nps_figures,
    period_bounds,
    period_key,
)

# --- The portfolio page ----------------------------------------------------------------------------
# An account manager's customers (an administrator's: all of them), a page at a time. Everything a
# row shows is computed for the rows of the page in a few set-based queries; sorting or filtering
# by a computed figure computes that one figure for every matching customer first (one grouped
# query), then pages. Provider staff see the full statistics: nothing here is suppressed, and the
# page is never shown to a customer's own people.

PORTFOLIO_PAGE_SIZE = 25
#: The trend line shows the employees' NPS of this many closed quarters.
PORTFOLIO_QUARTERS = 4
#: Health percentage over the last twelve months, the span it is usually read over (DOMAIN.md).
PORTFOLIO_HEALTH_MONTHS = 12
#: Columns sorted in the database; the rest are computed figures sorted after computing them.
PORTFOLIO_DB_SORTS = ("name", "segment", "phase", "meeting", "overdue")
PORTFOLIO_COMPUTED_SORTS = ("nps", "coping", "health", "attention")
PORTFOLIO_SORTS = PORTFOLIO_DB_SORTS + PORTFOLIO_COMPUTED_SORTS
NO_AGREEMENT = "none"


@dataclass(frozen=True)
class PortfolioFilters:
    search: str = ""
    segment: str = ""
    #: A Phase value, NO_AGREEMENT, or "" for all.
    phase: str = ""
    #: "yes" (needs attention), "no", or "" for all.
    attention: str = ""


def closed_quarters(*, today: dt.date, count: int = PORTFOLIO_QUARTERS) -> list[tuple[str, dt.date, dt.date]]:
    """The last ``count`` quarters that ended before ``today``, oldest first: (key, first, last)."""
    quarters = []
    day = period_bounds(today, "quarter")[0] - dt.timedelta(days=1)
    for _ in range(count):
        first, last = period_bounds(day, "quarter")
        quarters.append((period_key(first, "quarter"), first, last))
        day = first - dt.timedelta(days=1)
    return quarters[::-1]


def customer_quarterly_answers(*, customer_ids, quarters) -> dict[int, dict[str, dict[str, int]]]:
    """Answer counters of the employees' (patients') surveys per customer and quarter
    (``{customer id: {"2026-Q1": counters}}``): the customer-month counts of all the customers
    in one query, folded into quarters (each quarter is three whole Helsinki months)."""
    months = answer_counts_by_customer_month(
        customer_ids=customer_ids, group=RespondentGroup.PATIENT, first=quarters[0][1], last=quarters[-1][2]
    )
    result: dict[int, dict[str, dict[str, int]]] = {}
    for (customer_id, month), counts in months.items():
        quarter = result.setdefault(customer_id, {}).setdefault(
            period_key(month, "quarter"), dict.fromkeys(ANSWER_COUNTERS, 0)
        )
        for name in ANSWER_COUNTERS:
            quarter[name] += counts[name] or 0
    return result


def customer_nps_targets(*, agreement_ids: dict[int, int | None], year: int, customers=None) -> dict[int, float]:
    """The employees' NPS target of each customer (``agreement_ids``: customer id → its latest
    agreement): that agreement's goal for the employees' NPS, else the customer's binding target
    for ``year``, else the organisation's. Customers with none are left out. Two queries;
    ``customers``, a queryset of the same customers annotated with ``agreement_id``, lets the
    database select them instead of a long list of ids."""
    if customers is not None:
        agreement_filter, customer_filter = customers.values("agreement_id"), customers.values("pk")
    else:
        agreement_filter, customer_filter = [a for a in agreement_ids.values() if a], list(agreement_ids)
    goals = Goal.objects.filter(agreement_id__in=agreement_filter, indicator=Indicator.NPS_EMPLOYEES).order_by(
        "agreement_id", "-pk"
    )
    by_agreement: dict[int, float] = {}
    for agreement_id, target in goals.values_list("agreement_id", "target"):
        by_agreement.setdefault(agreement_id, float(target))
    binding = BindingTarget.objects.filter(year=year, respondent_group=RespondentGroup.PATIENT).filter(
        Q(scope=TargetScope.ORGANISATION) | Q(scope=TargetScope.CUSTOMER, customer_id__in=customer_filter)
    )
    organisation, per_customer = None, {}
    for scope, customer_id, target in binding.values_list("scope", "customer_id", "target"):
        if scope == TargetScope.ORGANISATION:
            organisation = float(target)
        else:
            per_customer[customer_id] = float(target)
    targets: dict[int, float] = {}
    for customer_id, agreement_id in agreement_ids.items():
        target = by_agreement.get(agreement_id, per_customer.get(customer_id, organisation))
        if target is not None:
            targets[customer_id] = target
    return targets


def _annotated(customers: QuerySet[CorporateCustomer], *, today: dt.date) -> QuerySet[CorporateCustomer]:
    latest_agreement = ResponsibilityAgreement.objects.filter(customer=OuterRef("pk")).order_by("-period_start", "-pk")
    next_meeting = SteeringGroupMeeting.objects.filter(customer=OuterRef("pk"), date__gte=today).order_by("date")
    overdue = (
        ActionItem.objects.filter(action_item_overdue(today=today), meeting__customer=OuterRef("pk"))
        .order_by()
        .values("meeting__customer")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return customers.annotate(
        agreement_phase=Subquery(latest_agreement.values("phase")[:1]),
        agreement_id=Subquery(latest_agreement.values("pk")[:1]),
        next_meeting=Subquery(next_meeting.values("date")[:1]),
        overdue_action_items=Coalesce(Subquery(overdue, output_field=IntegerField()), Value(0)),
    )


def _phase_rank():
    whens = [When(agreement_phase=phase, then=Value(i)) for i, phase in enumerate(PHASE_ORDER)]
    return Case(*whens, default=Value(len(PHASE_ORDER)), output_field=IntegerField())


def _filtered(*, user, filters: PortfolioFilters, today: dt.date) -> QuerySet[CorporateCustomer]:
    customers = cooperation_selectors.customer_list(user=user, search=filters.search or None)
    if filters.segment:
        customers = customers.filter(segment=filters.segment)
    if filters.phase:
        customers = _annotated(customers, today=today)
        if filters.phase == NO_AGREEMENT:
            customers = customers.filter(agreement_phase__isnull=True)
        else:
            customers = customers.filter(agreement_phase=filters.phase)
    return customers


def _figures(
    *, customer_agreements: dict[int, int | None], today: dt.date, need: set[str], customers=None
) -> dict[int, dict]:
    """The computed figures of the given customers (``{customer id: latest agreement id}``):
    only those in ``need`` ("nps", "coping", "trend", "health", "attention"). ``customers``, the
    queryset they came from (annotated), selects them in SQL instead of a list of ids, for
    whole portfolios."""
    ids = list(customer_agreements)
    id_filter = customers.values("pk") if customers is not None else ids
    quarters = closed_quarters(today=today)
    figures: dict[int, dict] = {pk: {} for pk in ids}
    latest_key, latest_first, latest_last = quarters[-1]
    if need in ({"nps"}, {"coping"}):
        # Only a sort key for every customer: the quarter's totals summed in the database, and
        # the exact ratio (rounding to one decimal keeps the order, so nothing to round here).
        nps_sort = "nps" in need
        counters = ("n", "promoters", "detractors") if nps_sort else ("coping_yes", "coping_partly", "coping_no")
        totals = answer_totals_by_customer(
            customer_ids=id_filter,
            group=RespondentGroup.PATIENT,
            first=latest_first,
            last=latest_last,
            counters=counters,
        )
        for pk in ids:
            c = totals.get(pk)
            if nps_sort:
                figures[pk]["nps"] = (c["promoters"] - c["detractors"]) / c["n"] if c and c["n"] else None
            else:
                size = c and c["coping_yes"] + c["coping_partly"] + c["coping_no"]
                figures[pk]["coping"] = (c["coping_yes"] + c["coping_partly"]) / size if size else None
    elif need & {"nps", "coping", "trend", "attention"}:
        # The trend needs four quarters; the attention rule only the latest one.
        wanted = quarters if "trend" in need else quarters[-1:]
        answers = customer_quarterly_answers(customer_ids=id_filter, quarters=wanted)
        targets = {}
        if need & {"trend", "attention"}:
            targets = customer_nps_targets(
                agreement_ids=customer_agreements, year=quarters[-1][1].year, customers=customers
            )
        for pk in ids:
            by_quarter = answers.get(pk, {})
            latest = by_quarter.get(latest_key, {})
            row = figures[pk]
            row["nps"] = nps_figures(latest)["nps"]
            row["nps_n"] = latest.get("n", 0)
            row["coping"] = coping_figures(latest)["coping_better"]
            row["nps_target"] = targets.get(pk)
            row["nps_quarter"] = latest_key
            if "trend" in need:
                row["nps_trend"] = [
                    {"quarter": key, "nps": nps_figures(by_quarter.get(key, {}))["nps"]} for key, _, _ in quarters
                ]
    if "health" in need:
        health = cooperation_selectors.health_percentages(
            customer_ids=id_filter, months=PORTFOLIO_HEALTH_MONTHS, end=today - dt.timedelta(days=1)
        )
        for pk in ids:
            figures[pk]["health"] = health.get(pk)
    if "attention" in need:
        off_track = cooperation_selectors.goals_off_track(
            agreement_ids=customers.values("agreement_id")
            if customers is not None
            else [a for a in customer_agreements.values() if a],
            today=today,
        )
        for pk, agreement_id in customer_agreements.items():
            row = figures[pk]
            reasons = [("goal", label) for label in off_track.get(agreement_id, [])]
            if row["nps"] is not None and row["nps_target"] is not None and row["nps"] < row["nps_target"]:
                reasons.append(("nps", row["nps_quarter"]))
            row["attention"] = reasons
    return figures


def _sort_key(value, *, descending: bool):
    """Customers without the figure go last in both directions."""
    if value is None:
        return (1, 0)
    return (0, -value if descending else value)


def _db_ordering(sort: str, descending: bool) -> list:
    first = {
        "name": F("name"),
        "segment": F("segment"),
        "phase": _phase_rank(),
        "meeting": F("next_meeting"),
        "overdue": F("overdue_action_items"),
    }.get(sort, F("name"))
    first = first.desc(nulls_last=True) if descending else first.asc(nulls_last=True)
    return [first, "name", "pk"]


def portfolio_page(
    *,
    user,
    filters: PortfolioFilters,
    sort: str = "name",
    descending: bool = False,
    page: str | int | None = 1,
    today: dt.date,
    per_page: int = PORTFOLIO_PAGE_SIZE,
) -> tuple[Page, list[dict]]:
    """One page of the user's portfolio as rows of plain data, and the Django Page (a page
    number that is not a number gives the first page, one past the end the last).

    Each row: the customer, its latest agreement's phase, the employees' NPS of the latest
    closed quarter with the four-quarter trend and the target, coping better (same quarter),
    health % (12 months to yesterday), the next steering-group meeting, overdue action items,
    and the reasons it needs attention (a goal off track, the NPS below its target)."""
    if sort not in PORTFOLIO_SORTS:
        sort, descending = "name", False
    customers = _filtered(user=user, filters=filters, today=today)
    if "agreement_phase" not in customers.query.annotations:
        customers = _annotated(customers, today=today)
    computed = sort in PORTFOLIO_COMPUTED_SORTS
    ordering = _db_ordering("name" if computed else sort, descending and not computed)
    if not computed and not filters.attention:
        ids = customers.order_by(*ordering).values_list("pk", flat=True)
    else:
        # Every matching customer's figure first (one grouped query each), then the page.
        need = ({sort} if computed else set()) | ({"attention"} if filters.attention else set())
        if need & {"attention"}:
            agreements = dict(customers.order_by(*ordering).values_list("pk", "agreement_id"))
        else:
            # Agreements matter only to the attention rule; the other figures need none.
            agreements = dict.fromkeys(customers.order_by(*ordering).values_list("pk", flat=True))
        figures = _figures(customer_agreements=agreements, today=today, need=need, customers=customers)
        ids = list(agreements)
        if filters.attention:
            wanted = filters.attention == "yes"
            ids = [pk for pk in ids if bool(figures[pk]["attention"]) == wanted]
        if computed:

            def value(pk):
                return len(figures[pk]["attention"]) if sort == "attention" else figures[pk][sort]

            # A stable sort: customers with equal figures stay in the order of their names.
            ids.sort(key=lambda pk: _sort_key(value(pk), descending=descending))
    page_of_ids = Paginator(ids, per_page).get_page(page)
    return page_of_ids, portfolio_rows(customer_ids=list(page_of_ids.object_list), today=today)


def portfolio_rows(*, customer_ids: list[int], today: dt.date) -> list[dict]:
    """The portfolio's rows of these customers, in this order (a constant number of queries)."""
    customers = {
        c.pk: c
        for c in _annotated(CorporateCustomer.objects.filter(pk__in=customer_ids), today=today).select_related(
            "account_manager"
        )
    }
    agreements = {pk: customers[pk].agreement_id for pk in customer_ids if pk in customers}
    figures = _figures(customer_agreements=agreements, today=today, need={"trend", "health", "attention"})
    phases = dict(Phase.choices)
    rows = []
    for pk in customer_ids:
        customer = customers.get(pk)
        if customer is None:
            continue
        rows.append(
            {
                "customer": customer,
                "phase": customer.agreement_phase,
                "phase_label": phases.get(customer.agreement_phase),
                "agreement_id": customer.agreement_id,
                "next_meeting": customer.next_meeting,
                "overdue_action_items": customer.overdue_action_items,
                **figures[pk],
            }
        )
    return rows
