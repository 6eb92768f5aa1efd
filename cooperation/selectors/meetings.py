"""Steering-group meetings, action items and the meeting pack."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from cooperation.access import (
    PROVIDER_ROLES,
    customer_scope,
    is_customer_user,
)
from cooperation.goal_values import goal_current_values
from cooperation.models import (
    ActionItem,
    CorporateCustomer,
    Goal,
    SteeringGroupMeeting,
    action_item_overdue,
)
from cooperation.selectors.agreements import (
    measurement_list,
)
from cooperation.selectors.scope import (
    _scoped,
)

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
    """How a goal stands, in words a page can show as they are: the current value and the
    progress by the one rule of ``cooperation.progress`` (0–100 %; at or past the target it reads
    "target reached", also when lower is better)."""
    current = (value or {}).get("current_value")
    progress = goal.progress_at(current)
    return {
        "current_value": current,
        "measured_on": (value or {}).get("measured_on"),
        "progress": progress.percent,
        "progress_state": progress.state,
        "target_reached": progress.target_reached,
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
