"""Dispatch: claiming due invitations with a lease and sending them, each send recorded before the next."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import logging
import os
import re
import smtplib
import socket
import time
import uuid
from dataclasses import dataclass

import psycopg
from django.conf import settings
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from surveys import emails
from surveys.link_seal import link_open, link_seal
from surveys.models import (
    InvitationStatus,
    SendAttempt,
    SkipReason,
    SurveyInvitation,
    SurveyOptOut,
)
from surveys.redact import mask_addresses
from surveys.services.common import (
    CLAIM_LEASE_SECONDS,
    DISPATCH_BATCH_SIZE,
    LEASE_SAFETY_SECONDS,
    MAX_SEND_ATTEMPTS,
    RETRY_BASE_SECONDS,
    new_token,
    shift_out_of_quiet_hours,
    token_hash,
)
from surveys.services.statistics import (
    nps_rollup_invitation_sent,
    nps_rollup_sent_rows_sql,
    stats_rollups_live,
    stats_rollups_live_sql,
)

logger = logging.getLogger(__name__)


# --- Dispatch --------------------------------------------------------------------------------


@dataclass
class DispatchResult:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    expired: int = 0
    skipped: int = 0
    possible_duplicates: int = 0
    batches: int = 0
    #: Reminders sent (not in ``sent``, which counts first emails).
    reminders: int = 0

    def add(self, other: DispatchResult) -> None:
        for name in ("sent", "retried", "failed", "expired", "skipped", "possible_duplicates", "batches", "reminders"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


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


def _reminder_due(now) -> Q:
    # Sent, unanswered rows whose reminder is due while the link still works, not held by a
    # live claim (a reminder's claim keeps the row sent, so an answer can still come).
    # One reminder only: never one more once it went, whatever its due time says.
    return Q(
        status=InvitationStatus.SENT, reminder_due_at__lte=now, reminder_sent_at__isnull=True, expires_at__gt=now
    ) & (Q(lease_until__isnull=True) | Q(lease_until__lt=now))


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


def _attempts_left_over(invitation_ids: list[int], *, now) -> set[int]:
    """Close the attempts a dead batch left on these invitations: queued ones never started and
    go; a pending one was mid-send when its worker died, the mail server may have taken it, so it
    ends as unknown. Returns the invitations with such an attempt."""
    attempts = SendAttempt.objects.filter(invitation_id__in=invitation_ids)
    attempts.filter(outcome=SendAttempt.Outcome.QUEUED).delete()
    unfinished = set(attempts.filter(outcome=SendAttempt.Outcome.PENDING).values_list("invitation_id", flat=True))
    if unfinished:
        attempts.filter(invitation_id__in=unfinished, outcome=SendAttempt.Outcome.PENDING).update(
            outcome=SendAttempt.Outcome.UNKNOWN, finished_at=now
        )
    return unfinished


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
                    # One SMTP connection per batch, and the message built directly.
                    raw = renderer.raw(inv, token, reminder=reminder)
                    _smtp_send(mail.connection, renderer.envelope_from, inv.email, raw)
                else:
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
        if opened:
            opened = False
            _quietly(mail.close)
    finally:
        if opened:
            _mail_close(mail)
    return result


def _quietly(close) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        close()


class AddressNotDeliverable(smtplib.SMTPNotSupportedError):
    """The recipient's address has characters beyond ASCII and the mail server does not offer
    SMTPUTF8 (RFC 6531): no retry will change that, the invitation fails with this reason."""


_LINE_STARTING_WITH_DOT = re.compile(rb"(?m)^\.")


def _smtp_send(client: smtplib.SMTP, sender: str, recipient: str, raw: bytes) -> None:
    """``smtplib.SMTP.sendmail(sender, [recipient], raw)`` for one recipient, with its errors,
    without parsing the two addresses again at every message (they are plain addresses here).
    An address beyond ASCII (``päivi@…``) goes with SMTPUTF8 where the server offers it."""
    client.ehlo_or_helo_if_needed()
    options = [f"SIZE={len(raw)}"] if client.does_esmtp and client.has_extn("size") else []
    international = not (recipient.isascii() and sender.isascii())
    if international:
        if not client.has_extn("smtputf8"):
            raise AddressNotDeliverable(
                "The mail server does not accept email addresses with characters beyond ASCII "
                "(it does not offer SMTPUTF8), so this invitation cannot be sent to this address."
            )
        options.append("SMTPUTF8")
        if client.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        client.command_encoding = "utf-8"
    try:
        client.putcmd("mail", f"FROM:<{sender}>{''.join(' ' + option for option in options)}")
        code, reply = client.getreply()
        if code != 250:
            raise smtplib.SMTPSenderRefused(code, reply, sender)
        client.putcmd("rcpt", f"TO:<{recipient}>")
        code, reply = client.getreply()
        if code not in (250, 251):
            raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    finally:
        if international:
            client.command_encoding = "ascii"
    code, reply = client.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = _LINE_STARTING_WITH_DOT.sub(b"..", raw)
    client.send((body if body.endswith(b"\r\n") else body + b"\r\n") + b".\r\n")
    code, reply = client.getreply()
    if code != 250:
        raise smtplib.SMTPDataError(code, reply)


def _mail_close(mail) -> None:
    if isinstance(mail, SmtpBackend):
        # Without a QUIT, which would join a message cut short before its end of data (the
        # mail server drops such a message).
        if mail.connection is not None:
            _quietly(mail.connection.close)
            mail.connection = None
    else:
        _quietly(mail.close)


#: Tries of one bookkeeping transaction whose database connection broke (PostgreSQL restarted,
#: the backend terminated).
BOOKKEEPING_TRIES = 4


@dataclass
class _SendBooks:
    """The bookkeeping of one batch: a short transaction of its own after every message, which
    also starts the attempt of the next, so a worker killed at any moment leaves at most the
    one message in flight unrecorded."""

    owner: str
    worker: str
    #: The batch's attempt of each invitation (by invitation id).
    attempts: dict[int, int]
    result: DispatchResult
    #: The invitations whose message in this batch is their reminder.
    reminders: set[int] = frozenset()
    #: Whether the records count sends in the rollups (see _sent_record_in_one_statement).
    rollups_live: bool = False

    def record(self, inv: SurveyInvitation, error: Exception | None, token: str, **following_or_release) -> None:
        """Record the outcome of the message just sent and start the attempt of the following
        one (``following=[inv]``), or give back the rest (``release=[…]``)."""

        def in_transaction(changes):
            _send_record(self, changes, inv, error, token, **following_or_release)

        def alone(changes):
            _sent_record_in_one_statement(self, changes, inv, token, **following_or_release)

        # One statement is one round trip to PostgreSQL and its own transaction; a caller's
        # transaction (a test, a shell) must hold the records, so the ORM's statements join it.
        in_one_statement = (
            error is None
            and inv.pk not in self.reminders
            and "release" not in following_or_release
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
        )
        self._write(in_transaction, alone=alone if in_one_statement else None)

    def _write(self, in_transaction, *, alone=None) -> None:
        """``in_transaction(changes)`` in a transaction of its own (or ``alone(changes)``, which
        is one), tried again on a new connection if the connection broke — the message is out,
        its record must not be lost with the connection. ``changes`` (counts) join the result
        once committed. Tried again, the ORM's way is taken (every write of a record can be
        repeated: a first try that committed before the connection broke changes nothing)."""
        own = not connection.in_atomic_block
        for tries in range(1, BOOKKEEPING_TRIES + 1):
            changes = DispatchResult()
            try:
                if alone is not None and tries == 1:
                    alone(changes)
                else:
                    with transaction.atomic():
                        if own:
                            _commit_without_waiting_for_disk()
                        in_transaction(changes)
            except (OperationalError, InterfaceError):
                # Inside a caller's transaction nothing can be tried again.
                if not own or tries == BOOKKEEPING_TRIES:
                    raise
                logger.warning("Survey dispatch: database connection lost; recording again", exc_info=True)
                connection.close()
                time.sleep(0.5 * tries)
                continue
            self.result.add(changes)
            return
        raise AssertionError("unreachable")


def _commit_without_waiting_for_disk() -> None:
    """This transaction commits without waiting for PostgreSQL to flush its log to disk: a
    commit costs a round trip instead of a disk write, so a record before every message costs
    little. A killed worker loses nothing by it (what PostgreSQL holds, it keeps); only a crash
    of PostgreSQL itself may lose the last few hundred milliseconds of records (at most
    3 × wal_writer_delay), whose messages are then sent again, counted as possible duplicates
    — acceptable for a survey invitation. The database stays consistent either way."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")


def _send_record(
    books: _SendBooks,
    changes: DispatchResult,
    inv: SurveyInvitation,
    error: Exception | None,
    token: str,
    *,
    following: list[SurveyInvitation] = (),
    release: list[SurveyInvitation] = (),
) -> None:
    """Records the outcome of the message just sent, then starts the attempt of the following
    one (or gives back the ones this batch has no time left for)."""
    now = timezone.now()
    attempt = books.attempts[inv.pk]
    if inv.pk in books.reminders:
        _reminder_record(inv, attempt, error, owner=books.owner, result=changes, now=now)
    elif error is not None:
        _record_error(inv, attempt, error, owner=books.owner, result=changes, now=now)
    else:
        # Only a row this batch still holds is recorded, and counted: one whose lease ran out
        # and that another claimant took is counted by that claimant when it records its send.
        held = SurveyInvitation.objects.filter(pk=inv.pk, lease_owner=books.owner).update(
            status=InvitationStatus.SENT,
            sent_at=now,
            lease_until=None,
            lease_owner="",
            last_error="",
            token_hash=token_hash(token),
            link_sealed=link_seal(inv.pk, token, token_hash(token)),
            reminder_due_at=reminder_due_at(now, inv.expires_at),
        )
        SendAttempt.objects.filter(pk=attempt).update(outcome=SendAttempt.Outcome.SENT, finished_at=now)
        if held:
            inv.sent_at = now
            nps_rollup_invitation_sent(invitation=inv)
        changes.sent += 1
    if release:
        _release([later.pk for later in release], owner=books.owner)
    if following:
        # Written before that message goes out: if the worker dies while sending it, this
        # attempt stays pending, and the resend is counted as a possible duplicate.
        SendAttempt.objects.filter(pk=books.attempts[following[0].pk]).update(
            outcome=SendAttempt.Outcome.PENDING, started_at=now
        )


@functools.cache
def _sent_record_sql(*, rollups: bool) -> str:
    invitations, attempts = SurveyInvitation._meta.db_table, SendAttempt._meta.db_table
    if rollups:
        fine, coarse = nps_rollup_sent_rows_sql(source="sent")
        counted, held = f", fine AS ({fine}), coarse AS ({coarse})", ""
    else:
        # Not counted, so recorded only while the rollups are not live (a rebuild may have
        # made them live since the batch began): otherwise nothing is, and the batch counts.
        counted, held = "", f" AND NOT {stats_rollups_live_sql()}"
    # The dimensions the rollups count a send by, as the UPDATE leaves them.
    returning = "sent_at, respondent_group, segment, unit_type, unit_id, service_id, channel"
    return f"""
        WITH settings AS (
            SELECT set_config('synchronous_commit', 'off', true) AS commit
        ), sent AS (
            -- Only a row this batch still holds is recorded and counted (as in _send_record).
            UPDATE {invitations} SET status = '{InvitationStatus.SENT}', sent_at = %(now)s, lease_until = NULL,
                lease_owner = '', last_error = '', token_hash = %(token_hash)s, link_sealed = %(link_sealed)s,
                reminder_due_at = %(reminder_due_at)s
            WHERE id = %(invitation)s AND lease_owner = %(owner)s{held} RETURNING {returning}
        ), finished AS (
            UPDATE {attempts} SET outcome = '{SendAttempt.Outcome.SENT}', finished_at = %(now)s
            WHERE id = %(attempt)s
        ), started AS (
            UPDATE {attempts} SET outcome = '{SendAttempt.Outcome.PENDING}', started_at = %(now)s
            WHERE id = %(following)s
        ){counted}
        SELECT EXISTS (SELECT FROM sent), (SELECT commit FROM settings)
    """  # noqa: S608


#: Only statements run with ``prepare=True`` are prepared on the connection (the dispatcher's
#: record of a send): Django's own cursors bind on the client and never prepare.
_PREPARE_ONLY_WHEN_ASKED = 2**31 - 1


def _sent_record_in_one_statement(
    books: _SendBooks,
    changes: DispatchResult,
    inv: SurveyInvitation,
    token: str,
    *,
    following: list[SurveyInvitation],
) -> None:
    """What ``_send_record`` writes for a message that went out, in one statement: one round
    trip to PostgreSQL per message (the ORM's way takes four). Its own transaction, committed
    without waiting for the disk (see _commit_without_waiting_for_disk: set_config(…, true) is
    SET LOCAL). Prepared once per connection, values bound on the server: PostgreSQL plans it
    once instead of at every message (planning it cost more than its writes). Its writes are
    the invitation's, two attempts' (changing no indexed column: no index grows) and, while
    the rollups are live, their two counters (without them when they are not: counters that no
    row changes still cost their tables' locks and indexes at every message)."""
    now = timezone.now()
    hashed = token_hash(token)
    params = {
        "now": now,
        "token_hash": hashed,
        "link_sealed": link_seal(inv.pk, token, hashed),
        "reminder_due_at": reminder_due_at(now, inv.expires_at),
        "invitation": inv.pk,
        "owner": books.owner,
        "attempt": books.attempts[inv.pk],
        "following": books.attempts[following[0].pk] if following else None,
    }
    connection.ensure_connection()
    raw = connection.connection
    if raw.prepare_threshold is None:
        raw.prepare_threshold = _PREPARE_ONLY_WHEN_ASKED
    with connection.wrap_database_errors, psycopg.Cursor(raw) as cursor:
        cursor.execute(_sent_record_sql(rollups=books.rollups_live), params, prepare=True)
        recorded, _commit = cursor.fetchone()
        if not recorded and not books.rollups_live and stats_rollups_live():
            # The rollups went live during the batch: from now on this batch counts its sends
            # (this one too; the attempts' writes are the same again).
            books.rollups_live = True
            cursor.execute(_sent_record_sql(rollups=True), params, prepare=True)
    changes.sent += 1


def _is_permanent(exc: Exception) -> bool:
    """A mail server's 5xx refusal of the recipient, or an address it cannot take at all, will
    not change on a retry."""
    if isinstance(exc, AddressNotDeliverable):
        return True
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return False


def _record_error(inv: SurveyInvitation, attempt: int, exc: Exception, *, owner: str, result, now) -> None:
    # A mail server's refusal quotes the recipient: kept and logged without the address.
    reason = mask_addresses(f"{type(exc).__name__}: {exc}")[:2000]
    logger.warning("Survey invitation %s: send failed (attempt %s): %s", inv.pk, inv.attempts, reason)
    final = inv.attempts >= MAX_SEND_ATTEMPTS or _is_permanent(exc)
    changes = {"lease_until": None, "lease_owner": "", "last_error": reason}
    if final:
        changes["status"] = InvitationStatus.FAILED
        result.failed += 1
    else:
        changes["status"] = InvitationStatus.SCHEDULED
        changes["scheduled_for"] = now + dt.timedelta(seconds=RETRY_BASE_SECONDS * 4 ** (inv.attempts - 1))
        result.retried += 1
    SurveyInvitation.objects.filter(pk=inv.pk, lease_owner=owner).update(**changes)
    SendAttempt.objects.filter(pk=attempt).update(outcome=SendAttempt.Outcome.ERROR, finished_at=now, error=reason)


def _reminder_record(inv: SurveyInvitation, attempt: int, exc: Exception | None, *, owner: str, result, now) -> None:
    """The outcome of a reminder: sent (once: its due time goes), or tried again later like a
    first send, or given up (the first email went; nothing else changes)."""
    held = SurveyInvitation.objects.filter(pk=inv.pk, lease_owner=owner)
    if exc is None:
        held.update(reminder_sent_at=now, reminder_due_at=None, lease_until=None, lease_owner="")
        SendAttempt.objects.filter(pk=attempt).update(outcome=SendAttempt.Outcome.SENT, finished_at=now)
        result.reminders += 1
        return
    reason = mask_addresses(f"{type(exc).__name__}: {exc}")[:2000]
    logger.warning("Survey invitation %s: reminder failed (attempt %s): %s", inv.pk, inv.reminder_attempts, reason)
    if inv.reminder_attempts >= MAX_SEND_ATTEMPTS or _is_permanent(exc):
        held.update(reminder_due_at=None, lease_until=None, lease_owner="")
        result.failed += 1
    else:
        wait = dt.timedelta(seconds=RETRY_BASE_SECONDS * 4 ** (inv.reminder_attempts - 1))
        held.update(reminder_due_at=now + wait, lease_until=None, lease_owner="")
        result.retried += 1
    SendAttempt.objects.filter(pk=attempt).update(outcome=SendAttempt.Outcome.ERROR, finished_at=now, error=reason)


def _release(invitation_ids: list[int], *, owner: str) -> None:
    """Give back rows this batch had no time left to send, before its lease runs out; their
    queued attempts go (they never started)."""
    SendAttempt.objects.filter(invitation_id__in=invitation_ids, outcome=SendAttempt.Outcome.QUEUED).delete()
    held = SurveyInvitation.objects.filter(pk__in=invitation_ids, lease_owner=owner)
    held.filter(status=InvitationStatus.SENDING).update(
        status=InvitationStatus.SCHEDULED, lease_until=None, lease_owner="", attempts=F("attempts") - 1
    )
    # Reminders stay sent, their reminder still due.
    held.exclude(status=InvitationStatus.SENDING).update(
        lease_until=None, lease_owner="", reminder_attempts=F("reminder_attempts") - 1
    )
