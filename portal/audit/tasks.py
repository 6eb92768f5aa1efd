from celery import shared_task
from django.utils import timezone

from portal.audit.services import audit_events_expire


@shared_task
def expire_audit_events() -> int:
    """Daily: the audit log keeps AUDIT_RETENTION_DAYS of events."""
    return audit_events_expire(now=timezone.now())
