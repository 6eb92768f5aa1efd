"""The audit trail's entry point for every app.

The audit log itself (its model, admin and retention) belongs to the portal, which the lower apps
must not import (portal -> surveys -> cooperation). Any app records an event by sending this
signal; the portal stores it (``portal.audit``).

    audit_event.send(sender=..., actor=request.user, action="statistics.view",
                     customer=customer_or_None, target="nps", detail={...})

``actor`` may be None (a management command or a scheduled task); ``detail`` is a small JSON-able
dict and never holds an employee's answer, comment, email address or token.
"""

from django.dispatch import Signal

audit_event = Signal()


def audit_record(*, sender, actor, action: str, customer=None, target: str = "", detail: dict | None = None) -> None:
    """Record one audit event (a convenience over ``audit_event.send``)."""
    audit_event.send(sender=sender, actor=actor, action=action, customer=customer, target=target, detail=detail or {})
