"""Dispatch: claiming due invitations with a lease and sending them, each send recorded before the next."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import re
import smtplib
import socket
import time
import uuid
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass

import psycopg
from django.core.mail import get_connection
from django.core.mail.backends.smtp import EmailBackend as SmtpBackend
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F, Q
from django.utils import timezone

from surveys import emails
from surveys.models import (
    InvitationStatus,
    SendAttempt,
    SkipReason,
    StatsRollupState,
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
    token_hash,
)
from surveys.services.statistics import nps_rollup_invitation_sent, nps_rollup_invitation_sent_statements

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

    def add(self, other: DispatchResult) -> None:
        for name in ("sent", "retried", "failed", "expired", "skipped", "possible_duplicates", "batches"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def _due(now) -> Q:
    # Waiting rows that are due, and rows whose claimant died (its lease ran out).
    return Q(status=InvitationStatus.SCHEDULED, scheduled_for__lte=now) | Q(
        status=InvitationStatus.SENDING, lease_until__lt=now
    )


def invitations_expire(*, now=None) -> int:
    """Due invitations whose link would already be expired end as expired, unsent."""
    now = now or timezone.now()
    return (
        SurveyInvitation.objects.filter(_due(now), expires_at__lte=now)
        .order_by()
        .update(status=InvitationStatus.EXPIRED, lease_until=None, lease_owner="")
    )


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
        if not ids:
            return []
        # The conditional UPDATE is what makes the claim safe on any database: a row another
        # claimant took meanwhile no longer matches _due().
        SurveyInvitation.objects.filter(_due(now), pk__in=ids).update(
            status=InvitationStatus.SENDING,
            lease_owner=owner,
            lease_until=now + dt.timedelta(seconds=CLAIM_LEASE_SECONDS),
            attempts=F("attempts") + 1,
        )
    return list(SurveyInvitation.objects.filter(pk__in=ids, lease_owner=owner).values_list("pk", flat=True))


def surveys_dispatch_due(*, max_seconds: float | None = None, connection_factory=get_connection) -> DispatchResult:
    """One dispatch pass: expire what can no longer be sent, then claim and send due
    invitations batch by batch until none is due (or ``max_seconds`` have passed)."""
    started = time.monotonic()
    result = DispatchResult(expired=invitations_expire())
    owner = uuid.uuid4().hex
    with _RecordsAside() as aside:
        while True:
            ids = invitations_claim(owner=owner)
            if not ids:
                break
            result.add(_dispatch_batch(ids, owner=owner, connection_factory=connection_factory, aside=aside))
            if max_seconds is not None and time.monotonic() - started > max_seconds:
                break
    return result


def _worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _dispatch_batch(
    ids: list[int], *, owner: str, connection_factory, aside: _RecordsAside | None = None
) -> DispatchResult:
    result = DispatchResult(batches=1)
    lease_deadline = time.monotonic() + CLAIM_LEASE_SECONDS - LEASE_SAFETY_SECONDS
    now = timezone.now()
    invitations = list(
        SurveyInvitation.objects.filter(pk__in=ids, lease_owner=owner)
        .select_related("unit", "customer", "visit")
        .order_by("scheduled_for", "pk")
    )

    # People who opted out after the invitation was written get nothing.
    opted_out = set(
        SurveyOptOut.objects.filter(email__in={inv.email for inv in invitations}).values_list("email", flat=True)
    )
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
    # accepted that message. Close it as unknown and count the resend as a possible duplicate.
    with transaction.atomic():
        unfinished = set(
            SendAttempt.objects.filter(
                invitation_id__in=[inv.pk for inv in invitations], outcome=SendAttempt.Outcome.PENDING
            ).values_list("invitation_id", flat=True)
        )
        if unfinished:
            SendAttempt.objects.filter(invitation_id__in=unfinished, outcome=SendAttempt.Outcome.PENDING).update(
                outcome=SendAttempt.Outcome.UNKNOWN, finished_at=now
            )
    result.possible_duplicates = len(unfinished)
    books = _SendBooks(owner=owner, worker=_worker_name(), unfinished=unfinished, result=result)

    renderer = emails.InvitationRenderer()
    mail = connection_factory()
    smtp = isinstance(mail, SmtpBackend)
    # On PostgreSQL the record of each message is written on a thread of its own while the next
    # message goes out, up to its last line: its end of data (the moment the mail server takes
    # it) waits for that record. So records cost no time of their own, and at any moment at most
    # one message is out and unrecorded. Elsewhere (SQLite, a caller's transaction, other
    # backends) each record is simply written before the next message.
    overlap = smtp and aside is not None and connection.vendor == "postgresql" and not connection.in_atomic_block
    write = aside.submit if overlap else _now
    opened = False
    recorded: Future | None = None
    try:
        # Each future is the record of the message before, which starts the attempt of the next.
        recorded = write(books.start, invitations[0])
        for number, inv in enumerate(invitations):
            # A fresh link per send. Its hash is stored with the send's record: a link of a
            # message whose send was never recorded stays dead, and its resend carries a new one.
            token = new_token()
            error = None
            try:
                if not opened:
                    mail.open()
                    opened = True
                if smtp:
                    # One SMTP connection per batch, and the message built directly.
                    _smtp_send_all_but_end(mail.connection, renderer.envelope_from, inv.email, renderer.raw(inv, token))
                    recorded.result()
                    _smtp_end_of_data(mail.connection)
                else:
                    recorded.result()
                    mail.send_messages([renderer.message(inv, token, connection=mail)])
            except (smtplib.SMTPException, OSError) as exc:
                error = exc
                opened = False
                _mail_close(mail)
            attempt = recorded.result()
            following = invitations[number + 1 : number + 2]
            if following and time.monotonic() > lease_deadline:
                # Give the rest back before the lease runs out, or another claimant would send
                # them while this one still does.
                recorded = None
                books.record(inv, attempt, error, token, release=invitations[number + 1 :])
                break
            recorded = write(books.record, inv, attempt, error, token, following=following)
        if recorded is not None:
            recorded.result()
        if opened:
            opened = False
            _quietly(mail.close)
    finally:
        if recorded is not None and not recorded.done():
            # Leaving on an error: the last record still counts, its message went out.
            with contextlib.suppress(Exception):
                recorded.result()
        if opened:
            _mail_close(mail)
    return result


def _now(function, *args, **kwargs) -> Future:
    """``function`` run at once, its outcome in a future (as ``_RecordsAside.submit`` gives)."""
    future: Future = Future()
    try:
        future.set_result(function(*args, **kwargs))
    except Exception as exc:  # handed to whoever asks for the result, as a thread's future would
        future.set_exception(exc)
    return future


class _RecordsAside:
    """One thread, with a database connection of its own, writing a dispatch pass's send records
    in order; it starts on the first record."""

    def __init__(self):
        self.pool: ThreadPoolExecutor | None = None

    def submit(self, function, *args, **kwargs) -> Future:
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="survey-records")
        return self.pool.submit(function, *args, **kwargs)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        if self.pool is not None:
            # Closed on the thread that holds it: each thread has a connection of its own (so
            # looked up there, not bound here).
            self.pool.submit(lambda: connection.close()).result()
            self.pool.shutdown()


def _quietly(close) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        close()


_LINE_STARTING_WITH_DOT = re.compile(rb"(?m)^\.")


def _smtp_send_all_but_end(client: smtplib.SMTP, sender: str, recipient: str, raw: bytes) -> None:
    """``smtplib.SMTP.sendmail(sender, [recipient], raw)`` up to, not including, the end of data
    (the final "." line): the mail server takes nothing before it. Errors as sendmail's."""
    client.ehlo_or_helo_if_needed()
    options = [f"size={len(raw)}"] if client.does_esmtp and client.has_extn("size") else []
    code, reply = client.mail(sender, options)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, sender)
    code, reply = client.rcpt(recipient)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({recipient: (code, reply)})
    code, reply = client.docmd("data")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    body = _LINE_STARTING_WITH_DOT.sub(b"..", raw)
    if client.sock is not None:
        # The end of data follows the body alone: without this, the kernel would hold it back
        # until the mail server acknowledged the body (Nagle's algorithm; tens of ms).
        client.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    client.send(body if body.endswith(b"\r\n") else body + b"\r\n")


def _smtp_end_of_data(client: smtplib.SMTP) -> None:
    client.send(b".\r\n")
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
    """The bookkeeping of one batch: a short transaction of its own before every message, so a
    worker killed at any moment leaves at most the one message in flight unrecorded."""

    owner: str
    worker: str
    unfinished: set[int]
    result: DispatchResult

    def start(self, inv: SurveyInvitation) -> SendAttempt:
        return self._write(lambda changes, again: _attempt_start(self, changes, inv, again=again))

    def record(
        self, inv: SurveyInvitation, attempt: SendAttempt, error: Exception | None, token: str, **following_or_release
    ) -> SendAttempt | None:
        """Record the outcome of the message just sent and start the attempt of the following
        one (``following=[inv]``), or give back the rest (``release=[…]``)."""

        def in_transaction(changes, *, again):
            return _send_record(self, changes, inv, attempt, error, token, again=again, **following_or_release)

        def alone(changes):
            return _sent_record_in_one_statement(self, changes, inv, attempt, token, **following_or_release)

        # One statement is one round trip to PostgreSQL and its own transaction; a caller's
        # transaction (a test, a shell) must hold the records, so the ORM's statements join it.
        in_one_statement = (
            error is None
            and "release" not in following_or_release
            and connection.vendor == "postgresql"
            and not connection.in_atomic_block
        )
        return self._write(in_transaction, alone=alone if in_one_statement else None)

    def _write(self, in_transaction, *, alone=None):
        """``in_transaction(changes, again=…)`` in a transaction of its own (or ``alone(changes)``,
        which is one), tried again on a new connection if the connection broke — the message is
        out, its record must not be lost with the connection. ``changes`` (counts) join the
        result once committed. Tried again, the ORM's way is taken: it tidies up after a first
        try that may have committed before the connection broke."""
        own = not connection.in_atomic_block
        for tries in range(1, BOOKKEEPING_TRIES + 1):
            changes = DispatchResult()
            try:
                if alone is not None and tries == 1:
                    value = alone(changes)
                else:
                    with transaction.atomic():
                        if own:
                            _commit_without_waiting_for_disk()
                        value = in_transaction(changes, again=tries > 1)
            except (OperationalError, InterfaceError):
                # Inside a caller's transaction nothing can be tried again.
                if not own or tries == BOOKKEEPING_TRIES:
                    raise
                logger.warning("Survey dispatch: database connection lost; recording again", exc_info=True)
                connection.close()
                time.sleep(0.5 * tries)
                continue
            self.result.add(changes)
            return value
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


def _attempt_start(books: _SendBooks, changes: DispatchResult, inv: SurveyInvitation, *, again: bool) -> SendAttempt:
    """Written before the message goes out: if the worker dies while sending it, this attempt
    stays pending, and the resend is counted as a possible duplicate."""
    if again:
        # The broken connection may have committed the first try.
        SendAttempt.objects.filter(invitation=inv, worker=books.worker, outcome=SendAttempt.Outcome.PENDING).delete()
    return SendAttempt.objects.create(
        invitation=inv, worker=books.worker, possible_duplicate=inv.pk in books.unfinished
    )


def _send_record(
    books: _SendBooks,
    changes: DispatchResult,
    inv: SurveyInvitation,
    attempt: SendAttempt,
    error: Exception | None,
    token: str,
    *,
    again: bool,
    following: list[SurveyInvitation] = (),
    release: list[SurveyInvitation] = (),
) -> SendAttempt | None:
    """Records the outcome of the message just sent, then starts the attempt of the following
    one (or gives back the ones this batch has no time left for)."""
    now = timezone.now()
    if error is not None:
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
        )
        SendAttempt.objects.filter(pk=attempt.pk).update(outcome=SendAttempt.Outcome.SENT, finished_at=now)
        if held:
            inv.sent_at = now
            nps_rollup_invitation_sent(invitation=inv)
        changes.sent += 1
    if release:
        _release([later.pk for later in release], owner=books.owner)
    if following:
        return _attempt_start(books, changes, following[0], again=again)
    return None


def _sent_record_in_one_statement(
    books: _SendBooks,
    changes: DispatchResult,
    inv: SurveyInvitation,
    attempt: SendAttempt,
    token: str,
    *,
    following: list[SurveyInvitation],
) -> SendAttempt | None:
    """What ``_send_record`` writes for a message that went out, in one statement: one round
    trip to PostgreSQL per message (the ORM's way takes seven), which keeps dispatch close to
    the mail server's own pace. Its own transaction, committed without waiting for the disk
    (see _commit_without_waiting_for_disk: set_config(…, true) is SET LOCAL)."""
    now = timezone.now()
    inv.sent_at = now
    invitations, attempts = SurveyInvitation._meta.db_table, SendAttempt._meta.db_table
    rollups = nps_rollup_invitation_sent_statements(invitation=inv, where="(SELECT counted FROM outcome)")
    sql = f"""
        WITH settings AS (
            SELECT set_config('synchronous_commit', 'off', true),
                EXISTS (SELECT FROM {StatsRollupState._meta.db_table} WHERE live) AS rollups_live
        ), sent AS (
            UPDATE {invitations} SET status = %s, sent_at = %s, lease_until = NULL, lease_owner = '',
                last_error = '', token_hash = %s
            WHERE id = %s AND lease_owner = %s RETURNING id
        ), outcome AS (
            -- Only a row this batch still holds is counted (as in _send_record).
            SELECT EXISTS (SELECT FROM sent) AND (SELECT rollups_live FROM settings) AS counted
        ), finished AS (
            UPDATE {attempts} SET outcome = %s, finished_at = %s WHERE id = %s
        ), started AS (
            INSERT INTO {attempts} (invitation_id, started_at, outcome, error, worker, possible_duplicate)
            SELECT %s::bigint, %s, %s, '', %s, %s WHERE %s RETURNING id
        ), fine AS ({rollups[0][0]}), coarse AS ({rollups[1][0]})
        SELECT (SELECT id FROM started), (SELECT counted FROM outcome)
    """  # noqa: S608
    following_one = following[0] if following else None
    params = [
        *(InvitationStatus.SENT, now, token_hash(token), inv.pk, books.owner),
        *(SendAttempt.Outcome.SENT, now, attempt.pk),
        following_one.pk if following_one else None,
        *(now, SendAttempt.Outcome.PENDING, books.worker),
        following_one is not None and following_one.pk in books.unfinished,
        following_one is not None,
        *rollups[0][1],
        *rollups[1][1],
    ]
    # A prepared statement with its values bound on the server: the statement is planned once
    # per connection instead of at every message (Django's cursors bind on the client).
    connection.ensure_connection()
    with connection.wrap_database_errors, psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, prepare=True)
        started, _counted = cursor.fetchone()
    changes.sent += 1
    return SendAttempt(pk=started, invitation=following_one, worker=books.worker) if started else None


def _is_permanent(exc: Exception) -> bool:
    """A mail server's 5xx refusal of the recipient will not change on a retry."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _msg in exc.recipients.values())
    return False


def _record_error(inv: SurveyInvitation, attempt: SendAttempt, exc: Exception, *, owner: str, result, now) -> None:
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
    SendAttempt.objects.filter(pk=attempt.pk).update(outcome=SendAttempt.Outcome.ERROR, finished_at=now, error=reason)


def _release(invitation_ids: list[int], *, owner: str) -> None:
    """Give back rows this batch had no time left to send, before its lease runs out."""
    SurveyInvitation.objects.filter(pk__in=invitation_ids, lease_owner=owner).update(
        status=InvitationStatus.SCHEDULED, lease_until=None, lease_owner="", attempts=F("attempts") - 1
    )
