"""Reads of the cooperation domain, always scoped to what the user may see
(``cooperation.access.customer_scope``): an object outside the scope is simply not there."""

import datetime as dt
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cooperation.access import (
    PROVIDER_ROLES,
    Role,
    customer_scope,
    is_admin,
    is_customer_user,
    may_write_customers,
    may_write_roster,
)
from cooperation.goal_values import goal_current_values
from cooperation.models import (
    ActionItem,
    Contact,
    CorporateCustomer,
    Employee,
    Goal,
    Indicator,
    Measurement,
    PhaseTransition,
    ResponsibilityAgreement,
    SickLeave,
    SteeringGroupMeeting,
    action_item_overdue,
)


def _scoped(queryset: QuerySet, scope: Q | None) -> QuerySet:
    return queryset.none() if scope is None else queryset.filter(scope)


def roster_scope(user, *, prefix: str = "") -> Q | None:
    """Customers whose employees and sick leaves the user may see: the integration (the
    patient-record system) sends rosters of every customer; customer roles see no roster."""
    if not may_write_roster(user):
        return None
    if user.role == Role.INTEGRATION and not is_admin(user):
        return Q()
    return customer_scope(user, prefix=prefix)


def write_scope(user, *, prefix: str = "") -> Q | None:
    """Customers whose cooperation data the user may change: admin all, an account manager
    their own portfolio; customer roles read only."""
    if not may_write_customers(user):
        return None
    return customer_scope(user, prefix=prefix)


# --- Customers ---------------------------------------------------------------------------------


def customer_list(*, user, search: str | None = None) -> QuerySet[CorporateCustomer]:
    """Customers the user may read, optionally matching ``search`` in the name or business ID."""
    customers = _scoped(CorporateCustomer.objects.select_related("account_manager"), customer_scope(user))
    return customers_matching(customers, search) if search else customers


def customers_matching(customers: QuerySet[CorporateCustomer], search: str) -> QuerySet[CorporateCustomer]:
    search = search.strip()
    return customers.filter(Q(name__icontains=search) | Q(business_id__startswith=search))


def customer_choices(*, user, scope=None) -> QuerySet[CorporateCustomer]:
    """Customers a request body may name: those of ``scope(user)`` (default: readable ones)."""
    return _scoped(CorporateCustomer.objects.all(), (scope or customer_scope)(user))


def customer_get(*, user, business_id: str) -> CorporateCustomer:
    """The customer, or 404 when it does not exist or lies outside what the user may read."""
    return get_object_or_404(customer_list(user=user), business_id=business_id)


def contact_list(*, user) -> QuerySet[Contact]:
    return _scoped(Contact.objects.select_related("customer"), customer_scope(user, prefix="customer__"))


# --- Roster ------------------------------------------------------------------------------------


def employee_list(*, user) -> QuerySet[Employee]:
    return _scoped(Employee.objects.select_related("customer"), roster_scope(user, prefix="customer__"))


def sick_leave_list(*, user) -> QuerySet[SickLeave]:
    return _scoped(SickLeave.objects.select_related("customer", "employee"), roster_scope(user, prefix="customer__"))


# --- Agreements, goals, measurements -------------------------------------------------------------


def agreement_list(*, user) -> QuerySet[ResponsibilityAgreement]:
    return _scoped(
        ResponsibilityAgreement.objects.select_related("customer").prefetch_related("goals"),
        customer_scope(user, prefix="customer__"),
    )


def agreement_get(*, user, pk: int) -> ResponsibilityAgreement:
    return get_object_or_404(agreement_list(user=user), pk=pk)


def agreement_transitions(*, agreement: ResponsibilityAgreement) -> QuerySet[PhaseTransition]:
    return agreement.transitions.select_related("by").order_by("at", "pk")


def agreement_choices(*, user) -> QuerySet[ResponsibilityAgreement]:
    """Agreements a request body may name: those the user may change."""
    return _scoped(ResponsibilityAgreement.objects.all(), write_scope(user, prefix="customer__"))


def goal_list(*, user) -> QuerySet[Goal]:
    return _scoped(
        Goal.objects.select_related("agreement__customer").prefetch_related("changes__by"),
        customer_scope(user, prefix="agreement__customer__"),
    )


def goal_get(*, user, pk: int) -> Goal:
    return get_object_or_404(goal_list(user=user), pk=pk)


def goal_choices(*, user) -> QuerySet[Goal]:
    """Goals a request body may name: those the user may change."""
    return _scoped(Goal.objects.select_related("agreement"), write_scope(user, prefix="agreement__customer__"))


#: Computed from the survey answers of the customer's own people: they see these only as the
#: suppressed figures of the statistics, never as stored snapshots of a small group.
SURVEY_INDICATORS = (Indicator.NPS_EMPLOYEES, Indicator.NPS_SUPERVISORS, Indicator.NPS_DECISION_MAKERS)


def measurement_list(*, user) -> QuerySet[Measurement]:
    measurements = _scoped(
        Measurement.objects.select_related("goal__agreement__customer"),
        customer_scope(user, prefix="goal__agreement__customer__"),
    )
    if is_customer_user(user):
        measurements = measurements.exclude(source=Measurement.Source.COMPUTED, goal__indicator__in=SURVEY_INDICATORS)
    return measurements


# --- Steering-group meetings ---------------------------------------------------------------------


def _action_items(today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Action items with their ``is_overdue`` flag as of ``today`` (Helsinki), owners loaded."""
    return ActionItem.objects.with_overdue(today=today or timezone.localdate()).select_related(
        "owner_user", "owner_contact", "done_by"
    )


def meeting_list(*, user, today: dt.date | None = None) -> QuerySet[SteeringGroupMeeting]:
    return _scoped(
        SteeringGroupMeeting.objects.select_related("customer", "agreement").prefetch_related(
            Prefetch("action_items", queryset=_action_items(today))
        ),
        customer_scope(user, prefix="customer__"),
    )


def meeting_get(*, user, pk: int) -> SteeringGroupMeeting:
    return get_object_or_404(
        meeting_list(user=user).prefetch_related("provider_attendees", "customer_attendees"), pk=pk
    )


def customer_meetings(*, customer: CorporateCustomer, today: dt.date | None = None) -> QuerySet[SteeringGroupMeeting]:
    """The customer's meetings, newest first, each with its count of open and overdue items."""
    today = today or timezone.localdate()
    return customer.meetings.order_by("-date", "-pk").annotate(
        open_items=Count("action_items", filter=Q(action_items__done=False)),
        overdue_items=Count("action_items", filter=action_item_overdue(today=today, prefix="action_items__")),
    )


def previous_meeting(*, meeting: SteeringGroupMeeting) -> SteeringGroupMeeting | None:
    """The customer's meeting before this one (by date, then by when it was recorded)."""
    return (
        SteeringGroupMeeting.objects.filter(customer_id=meeting.customer_id)
        .filter(Q(date__lt=meeting.date) | Q(date=meeting.date, pk__lt=meeting.pk))
        .order_by("-date", "-pk")
        .first()
    )


def action_item_list(*, user, today: dt.date | None = None) -> QuerySet[ActionItem]:
    return _scoped(
        _action_items(today).select_related("meeting__customer"), customer_scope(user, prefix="meeting__customer__")
    )


def action_item_get(*, user, pk: int) -> ActionItem:
    return get_object_or_404(action_item_list(user=user), pk=pk)


def customer_open_action_items(*, customer: CorporateCustomer, today: dt.date | None = None) -> QuerySet[ActionItem]:
    """Open items of every meeting of the customer: overdue first, then by due date."""
    return (
        _action_items(today)
        .select_related("meeting")
        .filter(meeting__customer=customer, done=False)
        .order_by("-is_overdue", F("due_date").asc(nulls_last=True), "pk")
    )


def meeting_provider_choices(*, customer: CorporateCustomer, user) -> QuerySet:
    """Provider people a meeting form offers: the account manager, the one filling the form and
    whoever already took part in or owned items of this customer's meetings (not all staff)."""
    User = get_user_model()
    known = Q(pk=customer.account_manager_id) | Q(pk=user.pk)
    known |= Q(
        pk__in=SteeringGroupMeeting.provider_attendees.through.objects.filter(
            steeringgroupmeeting__customer=customer
        ).values("user_id")
    )
    known |= Q(pk__in=ActionItem.objects.filter(meeting__customer=customer).values("owner_user_id"))
    return (
        User.objects.filter(known, is_active=True)
        .filter(Q(role__in=sorted(PROVIDER_ROLES)) | Q(is_superuser=True))
        .order_by("full_name", "email")
    )


def goal_status(*, goal: Goal, value: dict | None) -> dict:
    """How a goal stands, in words a page can show as they are: the current value, the progress
    (at most 100 %: past the target it reads "target reached", also when lower is better)."""
    current = (value or {}).get("current_value")
    progress = (value or {}).get("progress")
    reached = goal.target_reached(None if current is None else Decimal(str(current)))
    return {
        "current_value": current,
        "measured_on": (value or {}).get("measured_on"),
        "progress": None if progress is None else min(progress, 100.0),
        "target_reached": reached,
        "lower_is_better": goal.lower_is_better,
    }


def meeting_pack(*, meeting: SteeringGroupMeeting, user, today: dt.date | None = None) -> dict:
    """What the account manager brings to a meeting: the goals' status, the indicators measured
    since the previous meeting and the open action items, as the user may see them."""
    today = today or timezone.localdate()
    on = min(meeting.date, today)
    agreement = meeting.agreement or meeting.customer.agreements.order_by("-period_start", "-pk").first()
    goals = list(agreement.goals.all()) if agreement else []
    values = goal_current_values(goals=goals, on=on, suppress=is_customer_user(user))
    previous = previous_meeting(meeting=meeting)
    # The same figures as of the previous meeting, so the pack shows what moved since then.
    before = goal_current_values(goals=goals, on=previous.date, suppress=is_customer_user(user)) if previous else {}
    measurements = measurement_list(user=user).filter(goal__agreement=agreement, measured_on__lte=on)
    if previous is not None:
        measurements = measurements.filter(measured_on__gt=previous.date)
    return {
        "on": on,
        "agreement": agreement,
        "goals": [
            (
                goal,
                goal_status(goal=goal, value=values.get(goal.pk))
                | {"previous_value": (before.get(goal.pk) or {}).get("current_value")},
            )
            for goal in goals
        ],
        "previous": previous,
        "measurements": measurements.order_by("goal_id", "measured_on", "pk") if agreement else [],
        "open_items": customer_open_action_items(customer=meeting.customer, today=today),
    }


# --- Indicators (health percentage) ---
import calendar  # noqa: E402
from decimal import ROUND_HALF_UP  # noqa: E402

from django.db.models import (  # noqa: E402
    Case,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    Max,
    OuterRef,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RowRange  # noqa: E402
from django.db.models.functions import Coalesce, Greatest, Least  # noqa: E402

# Health percentage (DOMAIN.md "Indicators"): of the customer's employees employed at any time in
# the window, those with no sick-leave day inside it; counted in the database in one pass.


def health_window(*, months: int, end: dt.date) -> tuple[dt.date, dt.date]:
    """API.md: whole days from (end + 1 day) − months calendar months to end, both inclusive."""
    after = end + dt.timedelta(days=1)
    month = after.year * 12 + after.month - 1 - months
    year, month = divmod(month, 12)
    day = min(after.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day), end


def _days_between(first, last) -> ExpressionWrapper:
    return ExpressionWrapper(last - first, output_field=DurationField())


def _whole_days(value) -> int:
    if value is None:
        return 0
    return value.days if isinstance(value, dt.timedelta) else int(value)


def health_percentage(*, customer: CorporateCustomer, months: int, end: dt.date) -> dict:
    """Employees employed in the window, those of them without a sick-leave day in it, the health
    percentage (one decimal) and sick-leave days per person-year. People known only from visits,
    with no employment dates, are not counted."""
    start, end = health_window(months=months, end=end)
    employed = (
        Employee.objects.filter(customer=customer)
        .exclude(employed_from__isnull=True, employed_until__isnull=True)
        .filter(Q(employed_from__isnull=True) | Q(employed_from__lte=end))
        .filter(Q(employed_until__isnull=True) | Q(employed_until__gte=start))
    )
    sick_in_window = SickLeave.objects.filter(employee=OuterRef("pk"), start__lte=end, end__gte=start)
    window_start, window_end = Value(start, output_field=DateField()), Value(end, output_field=DateField())
    counts = employed.aggregate(
        employees=Count("pk"),
        without_sick_leave=Count("pk", filter=~Exists(sick_in_window)),
        person_days=Sum(
            _days_between(
                Greatest(Coalesce("employed_from", window_start), window_start),
                Least(Coalesce("employed_until", window_end), window_end),
            )
        ),
    )
    # Leaves of one person may overlap (an extension that repeats days of the first certificate):
    # each leave counts only its days after the latest end of that person's earlier leaves.
    leaves = SickLeave.objects.filter(
        customer=customer, employee__in=employed.values("pk"), start__lte=end, end__gte=start
    ).annotate(
        first_day=Greatest("start", window_start),
        last_day=Least("end", window_end),
        covered_until=Window(
            Max(Least("end", window_end)),
            partition_by=[F("employee_id")],
            order_by=[F("start").asc(), F("pk").asc()],
            frame=RowRange(start=None, end=-1),
        ),
    )
    fresh = Q(covered_until__isnull=True) | Q(covered_until__lt=F("first_day"))
    leave = leaves.aggregate(
        # A leave after a gap adds its days (one more than the difference of its dates); one
        # overlapping the earlier ones only the days past them, if any.
        leaves=Count("pk", filter=fresh),
        days=Sum(
            Case(
                When(fresh, then=_days_between(F("first_day"), F("last_day"))),
                When(covered_until__lt=F("last_day"), then=_days_between(F("covered_until"), F("last_day"))),
                default=Value(dt.timedelta(0)),
                output_field=DurationField(),
            )
        ),
    )
    employees = counts["employees"]
    # A difference of dates counts the days between; each span holds one day more.
    person_days = _whole_days(counts["person_days"]) + employees
    sick_days = _whole_days(leave["days"]) + leave["leaves"]
    return {
        "window": {"start": start, "end": end},
        "employees": employees,
        "without_sick_leave": counts["without_sick_leave"],
        "health_percentage": _ratio1(counts["without_sick_leave"] * 100, employees) if employees else None,
        "sick_leave_days_per_person_year": _ratio1(sick_days * 365, person_days) if person_days else None,
    }


def health_percentage_series(*, customer: CorporateCustomer, months: int, end: dt.date, count: int = 12) -> list:
    """The health percentage at the end of each of the ``count`` months up to ``end`` (the last
    point ends on ``end`` itself), each over its own window of ``months`` months: for charts."""
    points = []
    month_end = end
    for _ in range(count):
        point = health_percentage(customer=customer, months=months, end=month_end)
        points.append({"month": f"{month_end.year}-{month_end.month:02d}"} | point)
        month_end = month_end.replace(day=1) - dt.timedelta(days=1)
    return points[::-1]


def _ratio1(numerator: int, denominator: int) -> float:
    """``numerator / denominator`` to one decimal, half up from the exact value (in floats
    23 / 80 · 100 is 28.749…, which would round to 28.7 instead of 28.8)."""
    return float((Decimal(numerator) / Decimal(denominator)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))
