"""What the surveys app's writes share: tokens, quiet hours and the limits of sending."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import secrets
from zoneinfo import ZoneInfo

from django.conf import settings

from surveys.models import (
    InvitationStatus,
)

logger = logging.getLogger(__name__)


HELSINKI = ZoneInfo("Europe/Helsinki")

#: Invitations one claim takes. Small enough that a claim (and the lease it holds) is done in
#: seconds and several workers share a backlog; large enough that one SMTP connection and a
#: few bulk queries serve many messages.
DISPATCH_BATCH_SIZE = 200
#: How long a claim holds its rows. A dead worker's rows come back after this; a live worker
#: stops a batch well before it runs out (LEASE_SAFETY_SECONDS: longer than one send may take,
#: bounded by EMAIL_TIMEOUT), so no row is sent twice.
CLAIM_LEASE_SECONDS = settings.SURVEY_CLAIM_LEASE_SECONDS
LEASE_SAFETY_SECONDS = min(60, CLAIM_LEASE_SECONDS / 4)
#: Tries before an invitation ends as failed; the waits between them grow fourfold from
#: SURVEY_RETRY_BASE_SECONDS (1, 4, 16, 64 minutes by default): a mail server down for an hour
#: or so loses nothing.
MAX_SEND_ATTEMPTS = 5
RETRY_BASE_SECONDS = settings.SURVEY_RETRY_BASE_SECONDS

STATUSES_THAT_COUNT_AS_SURVEYED = [
    InvitationStatus.SCHEDULED,
    InvitationStatus.SENDING,
    InvitationStatus.SENT,
    InvitationStatus.ANSWERED,
]


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> str:
    """192 random bits, URL-safe; only its hash is stored."""
    return secrets.token_urlsafe(24)


def shift_out_of_quiet_hours(when: dt.datetime) -> dt.datetime:
    """Move a time inside SURVEY_QUIET_HOURS (Helsinki hours, start inclusive, end exclusive)
    to the end of the quiet hours."""
    quiet = settings.SURVEY_QUIET_HOURS
    if not quiet:
        return when
    start, end = quiet
    local = when.astimezone(HELSINKI)
    hour = local.hour
    inside = (start <= hour < end) if start < end else (hour >= start or hour < end)
    if not inside:
        return when
    day = local.date() if hour < end else local.date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time(end), tzinfo=HELSINKI)
