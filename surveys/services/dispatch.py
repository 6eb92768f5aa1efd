"""Dispatch: claiming due invitations with a lease and sending them, each send recorded before the next."""

from __future__ import annotations

import datetime as dt
import logging
import os
import smtplib
import socket
import time
import uuid

from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from surveys import emails
from surveys.link_seal import link_open
from surveys.models import (
    InvitationStatus,
    SendAttempt,
    SkipReason,
    SurveyInvitation,
    SurveyOptOut,
)
from surveys.services.common import (
    CLAIM_LEASE_SECONDS,
    DISPATCH_BATCH_SIZE,
    LEASE_SAFETY_SECONDS,
    new_token,
)
from surveys.services.reminders import _reminder_due, reminders_may_go
from surveys.services.send_records import (
    DispatchResult,
    _attempts_left_over,
    _SendBooks,
)
from surveys.services.smtp import (
    AddressNotDeliverable,
    _mail_close,
    _quietly,
    _smtp_data,
    _smtp_envelope,
)
from surveys.services.statistics import (
    stats_rollups_live,
)

logger = logging.getLogger(__name__)


# --- Dispatch --------------------------------------------------------------------------------


def _due(now) -> Q:
    # Waiting rows that are due, and rows whose claimant died (its lease ran out).
    return Q(status=InvitationStatus.SCHEDULED, scheduled_for__lte=now) | Q(
        status=InvitationStatus.SENDING, lease_until__lt=now
    )


def invitations_expire(*, now=None) -> int:
    """Due invitations whose link would already be expired end as expired, unsent."""
    now = now or timezone.now()
    with transaction.atomic():
        expired = list(
            SurveyInvitation.objects.filter(_due(now), expires_at__lte=now)
            .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .values_list("pk", flat=True)
        )
        if not expired:
            return 0
        count = (
            SurveyInvitation.objects.filter(_due(now), pk__in=expired)
            .order_by()
            .update(status=InvitationStatus.EXPIRED, lease_until=None, lease_owner="")
        )
        # What a dead worker's batch left of them: attempts that never started, one maybe mid-send.
        _attempts_left_over(expired, now=now)
    return count


def reminders_expire(*, now=None) -> int:
    """Reminders whose link expired before they could go are dropped (never sent)."""
    now = now or timezone.now()
    with transaction.atomic():
        ids = list(
            SurveyInvitation.objects.filter(
                Q(lease_until__isnull=True) | Q(lease_until__lt=now),
                status=InvitationStatus.SENT,
                reminder_due_at__isnull=False,
                expires_at__lte=now,
            )
            .select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .values_list("pk", flat=True)
        )
        if not ids:
            return 0
        SurveyInvitation.objects.filter(pk__in=ids).update(reminder_due_at=None, lease_until=None, lease_owner="")
        _attempts_left_over(ids, now=now)
    return len(ids)


def invitations_claim(*, owner: str, batch_size: int = DISPATCH_BATCH_SIZE) -> list[int]:
    """Claim up to ``batch_size`` due invitations for ``owner`` with a lease; concurrent
    claimants (other workers, other machines) never get the same row."""
    now = timezone.now()
    with transaction.atomic():
        # Two queries, each matching a partial index in its order, rather than one with an OR
        # that would sort every waiting row: first rows whose claimant died, then due ones.
        lapsed = SurveyInvitation.objects.filter(status=InvitationStatus.SENDING, lease_until__lt=now).order_by(
            "lease_until"
        )
        due = SurveyInvitation.objects.filter(status=InvitationStatus.SCHEDULED, scheduled_for__lte=now).order_by(
            "scheduled_for"
        )
        ids: list[int] = []
        for candidates in (lapsed, due):
            if connection.features.has_select_for_update_skip_locked:
                # PostgreSQL: skip rows another claimant holds instead of queueing behind it.
                candidates = candidates.select_for_update(skip_locked=True)
            ids += candidates.values_list("pk", flat=True)[: batch_size - len(ids)]
            if len(ids) >= batch_size:
                break
        reminder_ids: list[int] = []
        if len(ids) < batch_size and reminders_may_go(now):
            # Reminders fill what first sends leave of a batch (never inside quiet hours).
            reminders = SurveyInvitation.objects.filter(_reminder_due(now)).order_by("reminder_due_at")
            if connection.features.has_select_for_update_skip_locked:
                reminders = reminders.select_for_update(skip_locked=True)
            reminder_ids = list(reminders.values_list("pk", flat=True)[: batch_size - len(ids)])
        first_sends = bool(ids)
        if not ids and not reminder_ids:
            return []
        lease_until = now + dt.timedelta(seconds=CLAIM_LEASE_SECONDS)
        # The conditional UPDATE is what makes the claim safe on any database: a row another
        # claimant took meanwhile no longer matches _due().
        if first_sends:
            SurveyInvitation.objects.filter(_due(now), pk__in=ids).update(
                status=InvitationStatus.SENDING,
                lease_owner=owner,
                lease_until=lease_until,
                attempts=F("attempts") + 1,
            )
        if reminder_ids:
            SurveyInvitation.objects.filter(_reminder_due(now), pk__in=reminder_ids).update(
                lease_owner=owner, lease_until=lease_until, reminder_attempts=F("reminder_attempts") + 1
            )
            ids += reminder_ids
    return list(SurveyInvitation.objects.filter(pk__in=ids, lease_owner=owner).values_list("pk", flat=True))


def surveys_dispatch_due(*, max_seconds: float | None = None, connection_factory=get_connection) -> DispatchResult:
    """One dispatch pass: expire what can no longer be sent, then claim and send due
    invitations batch by batch until none is due (or ``max_seconds`` have passed)."""
    started = time.monotonic()
    result = DispatchResult(expired=invitations_expire())
    reminders_expire()
    owner = uuid.uuid4().hex
    # One renderer for the pass: each combination of language, unit and dates is rendered once.
    renderer = emails.InvitationRenderer()
    while True:
        ids = invitations_claim(owner=owner)
        if not ids:
            break
        result.add(_dispatch_batch(ids, owner=owner, connection_factory=connection_factory, renderer=renderer))
        if max_seconds is not None and time.monotonic() - started > max_seconds:
            break
    return result


#: What sending and recording a message read of an invitation (and the email of its visit,
#: customer and unit): loading whole rows cost a fifth of a worker's time (each time value is
#: read in Python), and while a record is unsettled no lazy load may touch the connection.
_FIELDS_A_SEND_READS = (
    *("respondent_group", "email", "language", "status", "expires_at"),
    *("attempts", "reminder_attempts", "token_hash", "link_sealed"),
    # The dimensions the rollups count a send by.
    *("segment", "unit_type", "channel", "visit_id", "customer_id", "unit_id", "service_id"),
    *("visit__ended_at", "customer__name", "unit__name", "unit__name_fi", "unit__name_sv"),
)


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _dispatch_batch(
    ids: list[int], *, owner: str, connection_factory, renderer: emails.InvitationRenderer | None = None
) -> DispatchResult:
    result = DispatchResult(batches=1)
    lease_deadline = time.monotonic() + CLAIM_LEASE_SECONDS - LEASE_SAFETY_SECONDS
    now = timezone.now()
    invitations = list(
        SurveyInvitation.objects.filter(pk__in=ids, lease_owner=owner)
        .select_related("unit", "customer", "visit")
        .only(*_FIELDS_A_SEND_READS)
        .order_by("scheduled_for", "pk")
    )

    # A reminder's row stays sent while claimed; its link is the first email's, opened again.
    # One answered meanwhile, opted out, or whose link cannot be opened (erased, new
    # SECRET_KEY) gets none: its reminder is dropped.
    links: dict[int, str] = {}
    dropped: list[int] = []
    for inv in invitations:
        if inv.status != InvitationStatus.SENDING:
            token = link_open(inv.pk, inv.link_sealed, inv.token_hash) if inv.status == InvitationStatus.SENT else None
            if token is None:
                dropped.append(inv.pk)
            else:
                links[inv.pk] = token

    # People who opted out after the invitation was written get nothing.
    opted_out = set(
        SurveyOptOut.objects.filter(email__in={inv.email for inv in invitations}).values_list("email", flat=True)
    )
    dropped += [inv.pk for inv in invitations if inv.pk in links and inv.email in opted_out]
    if dropped:
        SurveyInvitation.objects.filter(pk__in=dropped, lease_owner=owner).update(
            reminder_due_at=None, lease_until=None, lease_owner=""
        )
        invitations = [inv for inv in invitations if inv.pk not in dropped]
    if opted_out:
        skipped = [inv.pk for inv in invitations if inv.email in opted_out]
        result.skipped = SurveyInvitation.objects.filter(pk__in=skipped, lease_owner=owner).update(
            status=InvitationStatus.SKIPPED,
            skip_reason=SkipReason.OPTED_OUT,
            lease_until=None,
            lease_owner="",
        )
        invitations = [inv for inv in invitations if inv.email not in opted_out]
    if not invitations:
        return result

    # An attempt left pending means its worker died mid-send: the mail server may have
    # accepted that message. It is closed as unknown and the resend counts as a possible
    # duplicate. Then this batch's attempts are written at once, queued; the first one pending.
    with transaction.atomic():
        unfinished = _attempts_left_over([inv.pk for inv in invitations], now=now)
        worker = _worker_name()
        attempts = SendAttempt.objects.bulk_create(
            SendAttempt(
                invitation=inv,
                worker=worker,
                outcome=SendAttempt.Outcome.PENDING if number == 0 else SendAttempt.Outcome.QUEUED,
                possible_duplicate=inv.pk in unfinished,
                reminder=inv.pk in links,
            )
            for number, inv in enumerate(invitations)
        )
    result.possible_duplicates = len(unfinished)
    books = _SendBooks(
        owner=owner,
        worker=worker,
        attempts={attempt.invitation_id: attempt.pk for attempt in attempts},
        reminders=set(links),
        result=result,
        rollups_live=connection.vendor == "postgresql" and stats_rollups_live(),
    )

    renderer = renderer or emails.InvitationRenderer()
    mail = connection_factory()
    smtp = isinstance(mail, SmtpBackend)
    opened = False
    try:
        # Each message is recorded before the next one goes out, in the same statement that
        # starts the attempt of the next (see _SendBooks): a worker killed at any moment leaves
        # at most the one message in flight unrecorded, its attempt pending.
        for number, inv in enumerate(invitations):
            # A fresh link per first send. Its hash is stored with the send's record: a link of a
            # message whose send was never recorded stays dead, and its resend carries a new one.
            # A reminder carries the first email's link.
            reminder = inv.pk in links
            token = links[inv.pk] if reminder else new_token()
            error = None
            try:
                if not opened:
                    mail.open()
                    opened = True
                if smtp:
                    # One SMTP connection per batch, and the message built directly. Its envelope
                    # goes while PostgreSQL writes the record of the message before; its content
                    # only once that record is confirmed.
                    raw = renderer.raw(inv, token, reminder=reminder)
                    _smtp_envelope(mail.connection, renderer.envelope_from, inv.email, size=len(raw))
                    books.settle()
                    _smtp_data(mail.connection, raw)
                else:
                    books.settle()
                    mail.send_messages([renderer.message(inv, token, connection=mail, reminder=reminder)])
            except AddressNotDeliverable as exc:
                # This address alone cannot go through this mail server: the connection stays.
                error = exc
            except (smtplib.SMTPException, OSError) as exc:
                error = exc
                opened = False
                _mail_close(mail)
            following = invitations[number + 1 : number + 2]
            if following and time.monotonic() > lease_deadline:
                # Give the rest back before the lease runs out, or another claimant would send
                # them while this one still does.
                books.record(inv, error, token, release=invitations[number + 1 :])
                break
            books.record(inv, error, token, following=following)
        books.settle()
        if opened:
            opened = False
            _quietly(mail.close)
    finally:
        if opened:
            _mail_close(mail)
        try:
            books.settle()  # a message that went out before an error has its record read
        finally:
            books.statements.drop()
    return result
