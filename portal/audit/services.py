"""Writing the audit log: one INSERT per event, and the retention that is its only deletion."""

import datetime as dt
import ipaddress
import re

from django.conf import settings
from django.db import models, transaction
from django.db.models import Subquery, Value
from django.db.models.functions import Coalesce

from cooperation.models import CorporateCustomer
from portal.audit.models import AuditEvent

#: Expired events go in batches of this many rows: short transactions that never hold a lock on
#: the whole table while the portal keeps appending.
EXPIRE_BATCH_SIZE = 5_000

#: Detail keys never stored, whatever a caller sends: answers, comments, addresses, secrets.
_FORBIDDEN_DETAIL_KEYS = re.compile(r"comment|email|token|password|secret|score|coping|answer|address|key", re.I)
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")
_MAX_TEXT = 200


def _clean(value, depth: int = 0):
    """The detail as stored: small and free of personal data (see _FORBIDDEN_DETAIL_KEYS)."""
    if isinstance(value, dict):
        if depth > 2:
            return "…"
        return {
            str(key)[:_MAX_TEXT]: _clean(item, depth + 1)
            for key, item in list(value.items())[:50]
            if not _FORBIDDEN_DETAIL_KEYS.search(str(key))
        }
    if isinstance(value, list | tuple | set | frozenset):
        return [_clean(item, depth + 1) for item in list(value)[:50]]
    if value is None or isinstance(value, bool | int | float):
        return value
    text = str(value)
    return _EMAIL.sub("[email]", text)[:_MAX_TEXT]


def _valid_address(address: str | None) -> str | None:
    try:
        return str(ipaddress.ip_address((address or "").strip()))
    except ValueError:
        return None


def _customer_columns(customer) -> dict:
    """The customer link and its business-ID copy, without a query of its own: a customer object,
    a customer id, a business ID, or a queryset naming at most one customer (then the columns are
    subqueries of the INSERT; one naming no customer leaves them empty)."""
    if customer is None:
        return {}
    if isinstance(customer, CorporateCustomer):
        return {"customer_id": customer.pk, "customer_business_id": customer.business_id}
    if isinstance(customer, int):
        rows = CorporateCustomer.objects.filter(pk=customer)
    elif isinstance(customer, str):
        rows = CorporateCustomer.objects.filter(business_id=customer)
    elif isinstance(customer, models.QuerySet) and customer.model is CorporateCustomer:
        rows = customer
    else:
        raise TypeError(f"An audit event's customer cannot be a {type(customer).__name__}.")
    rows = rows.order_by()
    return {
        "customer_id": Subquery(rows.values("pk")[:1]),
        "customer_business_id": Coalesce(Subquery(rows.values("business_id")[:1]), Value("")),
    }


def audit_event_store(
    *,
    actor,
    action: str,
    customer=None,
    link_customer: bool = True,
    target: str = "",
    detail: dict | None = None,
    client_address: str | None = None,
) -> None:
    """Append one event (in the caller's transaction, if any).

    ``actor`` is a user or None (a command, a scheduled task); an anonymous user counts as None.
    ``link_customer`` False keeps only the business-ID copy: for events written while the
    customer itself is being deleted."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    columns = _customer_columns(customer)
    if not link_customer:
        columns.pop("customer_id", None)
    AuditEvent(
        actor=actor,
        actor_email=getattr(actor, "email", "") or "",
        actor_role=getattr(actor, "role", "") or "",
        action=str(action)[:64],
        target=str(target or "")[:_MAX_TEXT],
        detail=_clean(detail or {}),
        client_address=_valid_address(client_address),
        **columns,
    ).save(force_insert=True)


def audit_events_expire(*, now: dt.datetime) -> int:
    """Delete the events older than AUDIT_RETENTION_DAYS, in batches; returns how many went."""
    cutoff = now - dt.timedelta(days=settings.AUDIT_RETENTION_DAYS)
    expired = 0
    while True:
        with transaction.atomic():
            batch = list(
                AuditEvent.objects.filter(occurred_at__lt=cutoff)
                .order_by("pk")
                .values_list("pk", flat=True)[:EXPIRE_BATCH_SIZE]
            )
            if not batch:
                return expired
            expired += AuditEvent.objects.filter(pk__in=batch)._expire()
