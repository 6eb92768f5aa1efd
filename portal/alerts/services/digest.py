"""The weekly alert digest: an outbox row per account manager and ISO week, claimed with a
lease (like the survey dispatcher's), sent through Django's mail API, recorded as sent, retried
with growing waits after a failure, never sent twice once recorded."""

import datetime as dt
import logging
import uuid

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cooperation.access import Role
from portal.alerts.models import Alert, AlertDigest, DigestStatus
from portal.alerts.selectors import awake, evidence, reason

logger = logging.getLogger(__name__)


def iso_week(day: dt.date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


def _digest_alerts(user, *, today: dt.date):
    return (
        Alert.objects.filter(awake(today), customer__account_manager=user, cleared_at__isnull=True)
        .select_related("customer")
        .order_by("customer__name", "-raised_at", "pk")
    )


def queue_digests(*, today: dt.date) -> int:
    """One digest row for this week for each active account manager with open alerts that are
    not snoozed; a second call the same week adds none. Returns the rows added."""
    week = iso_week(today)
    waiting = Alert.objects.filter(awake(today), customer__account_manager=OuterRef("pk"), cleared_at__isnull=True)
    managers = (
        get_user_model()
        .objects.filter(Exists(waiting), is_active=True, role=Role.ACCOUNT_MANAGER, email__gt="")
        .values_list("pk", flat=True)
    )
    before = AlertDigest.objects.filter(week=week).count()
    AlertDigest.objects.bulk_create(
        [AlertDigest(recipient_id=pk, week=week) for pk in managers], ignore_conflicts=True, batch_size=1000
    )
    return AlertDigest.objects.filter(week=week).count() - before


def claim_digests(*, owner: str, now: dt.datetime, batch_size: int = 50) -> list[int]:
    """Take up to ``batch_size`` due rows (waiting, or a dead sender's whose lease ran out)."""
    due = Q(status=DigestStatus.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    lapsed = Q(status=DigestStatus.SENDING, lease_until__lt=now)
    with transaction.atomic():
        candidates = AlertDigest.objects.filter(due | lapsed).order_by("pk")
        if connection.features.has_select_for_update_skip_locked:
            candidates = candidates.select_for_update(skip_locked=True)
        ids = list(candidates.values_list("pk", flat=True)[:batch_size])
        AlertDigest.objects.filter(pk__in=ids).update(
            status=DigestStatus.SENDING,
            lease_owner=owner,
            lease_until=now + dt.timedelta(seconds=settings.ALERT_DIGEST_LEASE_SECONDS),
        )
    return ids


def render_digest(*, user, today: dt.date) -> tuple[str, str] | None:
    """Subject and body in the user's language; None when nothing is open any more."""
    alerts = list(_digest_alerts(user, today=today))
    if not alerts:
        return None
    with translation.override(user.language or settings.LANGUAGE_CODE):
        items = [
            {
                "alert": alert,
                "reason": reason(alert),
                "links": [(label, f"{settings.PORTAL_BASE_URL}{url}") for label, url in evidence(alert)],
            }
            for alert in alerts
        ]
        subject = _("Account alerts of the week %(week)s: %(count)d open") % {
            "week": iso_week(today),
            "count": len(alerts),
        }
        body = render_to_string(
            "alerts/digest_email.txt",
            {"user": user, "items": items, "inbox_url": f"{settings.PORTAL_BASE_URL}{reverse('alerts:inbox')}"},
        )
    return subject, body


def send_digests(*, now: dt.datetime | None = None, owner: str | None = None) -> dict:
    """Send the claimed digests one by one, each recorded before the next."""
    now = now or timezone.now()
    owner = owner or uuid.uuid4().hex
    today = timezone.localdate(now)
    counts = {"sent": 0, "empty": 0, "failed": 0, "retry": 0}
    for pk in claim_digests(owner=owner, now=now):
        digest = AlertDigest.objects.select_related("recipient").get(pk=pk)
        held = AlertDigest.objects.filter(pk=pk, lease_owner=owner, status=DigestStatus.SENDING)
        message = render_digest(user=digest.recipient, today=today)
        if message is None:
            # Everything closed or snoozed since the row was queued: nothing to say this week.
            held.update(status=DigestStatus.SENT, sent_at=timezone.now(), lease_owner="", lease_until=None)
            counts["empty"] += 1
            continue
        try:
            send_mail(message[0], message[1], None, [digest.recipient.email])
        except Exception as error:  # noqa: BLE001 (any mail error: record it and try again later)
            attempts = digest.attempts + 1
            give_up = attempts >= settings.ALERT_DIGEST_MAX_ATTEMPTS
            wait = settings.ALERT_DIGEST_RETRY_BASE_SECONDS * 4 ** (attempts - 1)
            held.update(
                status=DigestStatus.FAILED if give_up else DigestStatus.PENDING,
                attempts=attempts,
                next_attempt_at=None if give_up else now + dt.timedelta(seconds=wait),
                last_error=str(error)[:1000],
                lease_owner="",
                lease_until=None,
            )
            logger.warning("Alert digest %s to user %s failed: %s", digest.week, digest.recipient_id, error)
            counts["failed" if give_up else "retry"] += 1
            continue
        held.update(
            status=DigestStatus.SENT,
            attempts=digest.attempts + 1,
            sent_at=timezone.now(),
            last_error="",
            lease_owner="",
            lease_until=None,
        )
        counts["sent"] += 1
    return counts
