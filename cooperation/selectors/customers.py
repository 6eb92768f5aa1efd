"""Customers, their contacts and roster."""

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from cooperation.access import (
    customer_scope,
)
from cooperation.models import (
    Contact,
    CorporateCustomer,
    Employee,
    SickLeave,
)
from cooperation.selectors.scope import (
    _scoped,
    roster_scope,
)

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
