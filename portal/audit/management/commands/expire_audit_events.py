from django.core.management.base import BaseCommand
from django.utils import timezone

from portal.audit.services import audit_events_expire


class Command(BaseCommand):
    help = "Delete audit events older than AUDIT_RETENTION_DAYS now (what the daily task does)."

    def handle(self, *args, **options):
        expired = audit_events_expire(now=timezone.now())
        self.stdout.write(f"Expired {expired} audit events.")
