"""Agreements, goals and measurements."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cooperation.access import (
    customer_scope,
    is_customer_user,
)
from cooperation.models import (
    Goal,
    Indicator,
    Measurement,
    PhaseTransition,
    ResponsibilityAgreement,
)
from cooperation.selectors.scope import (
    _scoped,
    write_scope,
)

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
#: Computed from the roster and sick leaves: the customer's people see them only as the health
#: figures published to them (nothing for fewer than MIN_GROUP_SIZE employees).
HEALTH_INDICATORS = (Indicator.HEALTH_PERCENTAGE, Indicator.SICK_LEAVE_DAYS)


def measurement_list(*, user) -> QuerySet[Measurement]:
    measurements = _scoped(
        Measurement.objects.select_related("goal__agreement__customer"),
        customer_scope(user, prefix="goal__agreement__customer__"),
    )
    if is_customer_user(user):
        measurements = measurements.exclude(
            source=Measurement.Source.COMPUTED, goal__indicator__in=(*SURVEY_INDICATORS, *HEALTH_INDICATORS)
        )
    return measurements
