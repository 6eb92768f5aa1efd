"""The one reminder of an unanswered invitation: when it is due, and whether reminders may go now."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db.models import Q

from surveys.models import (
    InvitationStatus,
)
from surveys.services.common import (
    shift_out_of_quiet_hours,
)

logger = logging.getLogger(__name__)


def _reminder_due(now) -> Q:
    # Sent, unanswered rows whose reminder is due while the link still works, not held by a
    # live claim (a reminder's claim keeps the row sent, so an answer can still come).
    # One reminder only: never one more once it went, whatever its due time says.
    return Q(
        status=InvitationStatus.SENT, reminder_due_at__lte=now, reminder_sent_at__isnull=True, expires_at__gt=now
    ) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))


def reminder_due_at(sent_at: dt.datetime, expires_at: dt.datetime | None) -> dt.datetime | None:
    """When the one reminder of an invitation sent at ``sent_at`` goes: SURVEY_REMINDER_DAYS
    later, out of quiet hours; None when reminders are off or the link expires before."""
    days = settings.SURVEY_REMINDER_DAYS
    if days <= 0:
        return None
    due = shift_out_of_quiet_hours(sent_at + dt.timedelta(days=days))
    if expires_at is not None and due >= expires_at:
        return None
    return due


def reminders_may_go(now) -> bool:
    return settings.SURVEY_REMINDER_DAYS > 0 and shift_out_of_quiet_hours(now) == now
