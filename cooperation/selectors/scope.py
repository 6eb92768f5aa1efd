"""Who may see and change which customers' data."""

from django.db.models import Q, QuerySet

from cooperation.access import (
    Role,
    customer_scope,
    is_admin,
    may_write_customers,
    may_write_roster,
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
