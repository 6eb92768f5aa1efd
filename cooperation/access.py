"""Who sees which customers.

Roles live here, at the bottom of the dependency chain (portal -> surveys -> cooperation), so
that every app scopes its data the same way without importing the portal's user model: any
object with ``role``, ``pk`` and ``customer_id`` (the portal's ``accounts.User``) will do.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Administrator")
    ACCOUNT_MANAGER = "account-manager", _("Account manager")
    DECISION_MAKER = "decision-maker", _("Corporate decision-maker")
    SUPERVISOR = "supervisor", _("Supervisor")
    QUALITY = "quality", _("Quality staff")
    INTEGRATION = "integration", _("Integration (API only)")


#: Roles of the corporate customer's own people: read-only, their own company, aggregates only.
CUSTOMER_ROLES = frozenset({Role.DECISION_MAKER, Role.SUPERVISOR})

#: Roles of the provider's own staff: they take part in steering groups and own action items.
PROVIDER_ROLES = frozenset({Role.ADMIN, Role.ACCOUNT_MANAGER, Role.QUALITY})


def is_admin(user) -> bool:
    return bool(user.is_authenticated and (user.role == Role.ADMIN or user.is_superuser))


def is_customer_user(user) -> bool:
    return bool(user.is_authenticated) and user.role in CUSTOMER_ROLES and not user.is_superuser


def is_provider_person(user) -> bool:
    return bool(user.is_active) and (user.role in PROVIDER_ROLES or user.is_superuser)


def customer_scope(user, *, prefix: str = "") -> Q | None:
    """A filter for the customers a user may read, with ``prefix`` pointing at the customer
    (``""`` on CorporateCustomer itself, ``"customer__"`` on its children).

    Returns None when the role may not read customer data at all (the API answers 403)."""
    if not user.is_authenticated:
        return None
    if is_admin(user):
        return Q()
    if user.role == Role.ACCOUNT_MANAGER:
        return Q(**{f"{prefix}account_manager_id": user.pk})
    if user.role in CUSTOMER_ROLES:
        # A customer user without a company sees nothing rather than everything.
        return Q(**{f"{prefix}pk": user.customer_id or 0})
    return None


def may_write_customers(user) -> bool:
    return is_admin(user) or (user.is_authenticated and user.role == Role.ACCOUNT_MANAGER)


def may_write_roster(user) -> bool:
    """Employees and sick leaves: admin, account managers (own portfolio), the integration."""
    return may_write_customers(user) or (user.is_authenticated and user.role == Role.INTEGRATION)
