"""The bookkeeping of sends: each send recorded in one statement before the next one goes, errors and
retries, attempts a dead worker left, and rows given back."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import functools
import logging
import select
import smtplib
import time
import uuid
from dataclasses import dataclass, field

import psycopg
from django.db import (
    DEFAULT_DB_ALIAS,
    DatabaseError,
    InterfaceError,
    OperationalError,
    connection,
    connections,
    transaction,
)
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.models import F
from django.utils import timezone
from psycopg import pq

from surveys.link_seal import link_seal
from surveys.models import (
    InvitationStatus,
    SendAttempt,
    SurveyInvitation,
)
from surveys.redact import mask_addresses
from surveys.services.common import (
    MAX_SEND_ATTEMPTS,
    RETRY_BASE_SECONDS,
    token_hash,
)
from surveys.services.reminders import reminder_due_at
from surveys.services.smtp import AddressNotDeliverable
from surveys.services.statistics import (
    nps_rollup_invitation_sent,
    nps_rollup_sent_rows_sql,
    stats_rollups_live,
    stats_rollups_live_sql,
)

logger = logging.getLogger(__name__)


#: Tries of one bookkeeping transaction whose database connection broke (PostgreSQL restarted,
#: the backend terminated).
BOOKKEEPING_TRIES = 4


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
        for count in dataclasses.fields(self):
            setattr(self, count.name, getattr(self, count.name) + getattr(other, count.name))


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
    #: Whether the records count sends in the rollups (see _sent_record_params).
    rollups_live: bool = False
    statements: _RecordStatements = field(default_factory=lambda: _RecordStatements())
    #: The record sent to PostgreSQL last, whose answer is not read yet (see settle()).
    unsettled: tuple | None = None

    def record(self, inv: SurveyInvitation, error: Exception | None, token: str, **following_or_release) -> None:
        """Record the outcome of the message just sent and start the attempt of the following
        one (``following=[inv]``), or give back the rest (``release=[…]``).

        The record of a message that went out is one statement, only sent to PostgreSQL here:
        ``settle()`` reads its answer, and the dispatcher calls it before the next message's
        content goes — the record is confirmed before the next message goes out, while that
        message's envelope and PostgreSQL's work on the record overlap."""
        self.settle()

        def in_transaction(changes):
            _send_record(self, changes, inv, error, token, **following_or_release)

        # One statement is one round trip to PostgreSQL and its own transaction; a caller's
        # transaction (a test, a shell) must hold the records, so the ORM's statements join it.
        db = self.statements.db
        in_one_statement = (
            error is None
            and inv.pk not in self.reminders
            and "release" not in following_or_release
            and db.vendor == "postgresql"
            and not db.in_atomic_block
        )
        if not in_one_statement:
            self._write(in_transaction)
            return
        params = _sent_record_params(self, inv, token, **following_or_release)
        try:
            self.statements.send(rollups=self.rollups_live, params=params)
        except (OperationalError, InterfaceError):
            self._connection_lost(tries=1)
            self._write(in_transaction, first_try=2)
            return
        self.unsettled = (in_transaction, params)

    def settle(self) -> None:
        """Read PostgreSQL's answer to the record sent last (a no-op if there is none). Its
        connection broken meanwhile, the record is written again on a new one, as _write does."""
        if self.unsettled is None:
            return
        (in_transaction, params), self.unsettled = self.unsettled, None
        try:
            recorded = self.statements.answer()
            if not recorded and not self.rollups_live and stats_rollups_live():
                # The rollups went live during the batch: from now on this batch counts its sends
                # (this one too; the attempts' writes are the same again).
                self.rollups_live = True
                self.statements.execute(rollups=True, params=params)
        except (OperationalError, InterfaceError):
            self._connection_lost(tries=1)
            self._write(in_transaction, first_try=2)
            return
        self.result.sent += 1

    def _write(self, in_transaction, *, first_try: int = 1) -> None:
        """``in_transaction(changes)`` in a transaction of its own, tried again on a new
        connection if the connection broke — the message is out, its record must not be lost
        with the connection. ``changes`` (counts) join the result once committed. Every write
        of a record can be repeated: a first try that committed before the connection broke
        changes nothing."""
        own = not connection.in_atomic_block
        for tries in range(first_try, BOOKKEEPING_TRIES + 1):
            changes = DispatchResult()
            try:
                with transaction.atomic():
                    if own:
                        _commit_without_waiting_for_disk()
                    in_transaction(changes)
            except (OperationalError, InterfaceError):
                # Inside a caller's transaction nothing can be tried again.
                if not own or tries == BOOKKEEPING_TRIES:
                    raise
                self._connection_lost(tries=tries)
                continue
            self.result.add(changes)
            return
        raise AssertionError("unreachable")

    @staticmethod
    def _connection_lost(*, tries: int) -> None:
        logger.warning("Survey dispatch: database connection lost; recording again", exc_info=True)
        connection.close()
        time.sleep(0.5 * tries)


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


#: The record statement's parameters, in order, with their types (see _RecordStatements).
_RECORD_PARAMETERS = {
    "now": "timestamptz",
    "token_hash": "text",
    "link_sealed": "text",
    "reminder_due_at": "timestamptz",
    "invitation": "bigint",
    "owner": "text",
    "attempt": "bigint",
    "following": "bigint",
}


@functools.cache
def _sent_record_sql(*, rollups: bool) -> str:
    """The record of a send as one statement, its parameters as $1, $2, … (for PREPARE)."""
    invitations, attempts = SurveyInvitation._meta.db_table, SendAttempt._meta.db_table
    p = {name: f"${number}" for number, name in enumerate(_RECORD_PARAMETERS, start=1)}
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
            UPDATE {invitations} SET status = '{InvitationStatus.SENT}', sent_at = {p["now"]}, lease_until = NULL,
                lease_owner = '', last_error = '', token_hash = {p["token_hash"]}, link_sealed = {p["link_sealed"]},
                reminder_due_at = {p["reminder_due_at"]}
            WHERE id = {p["invitation"]} AND lease_owner = {p["owner"]}{held} RETURNING {returning}
        ), finished AS (
            UPDATE {attempts} SET outcome = '{SendAttempt.Outcome.SENT}', finished_at = {p["now"]}
            WHERE id = {p["attempt"]}
        ), started AS (
            UPDATE {attempts} SET outcome = '{SendAttempt.Outcome.PENDING}', started_at = {p["now"]}
            WHERE id = {p["following"]}
        ){counted}
        SELECT EXISTS (SELECT FROM sent), (SELECT commit FROM settings)
    """  # noqa: S608


@dataclass
class _RecordStatements:
    """The record statements of one batch, prepared on its database connection (SQL PREPARE):
    PostgreSQL plans each once instead of at every message (planning it cost more than its
    writes). Prepared again for every batch, and dropped at its end, because a plan is made
    for the tables as they are: one made while the attempts table was nearly empty (a new
    installation, the benchmark's fresh database) scans that whole table for each record once
    it has grown — tenfold slower after 20,000 sends."""

    #: A name of this batch's own (a worker's connection outlives its batches).
    prefix: str = field(default_factory=lambda: f"survey_send_record_{uuid.uuid4().hex[:12]}")
    #: The statements prepared so far, with the connection they were prepared on.
    prepared: dict[str, object] = field(default_factory=dict)
    #: This thread's database connection, held rather than looked up at every message.
    db: BaseDatabaseWrapper = field(default_factory=lambda: connections[DEFAULT_DB_ALIAS])

    def _name(self, rollups: bool) -> str:
        name = f"{self.prefix}_{'counted' if rollups else 'plain'}"
        # A new connection (the old one broke) has none of them yet.
        if self.prepared.get(name) is not self.db.connection:
            types = ", ".join(_RECORD_PARAMETERS.values())
            with self.db.cursor() as cursor:
                cursor.execute(f"PREPARE {name} ({types}) AS {_sent_record_sql(rollups=rollups)}")
            self.prepared[name] = self.db.connection
        return name

    def execute(self, *, rollups: bool, params: dict) -> bool:
        """Record a send and wait for the answer: whether the row was this batch's to record."""
        self.send(rollups=rollups, params=params)
        return self.answer()

    def send(self, *, rollups: bool, params: dict) -> None:
        """Send a record to PostgreSQL without waiting for its answer (read by ``answer()``;
        no other statement may use the connection in between). Through libpq's asynchronous
        calls, which psycopg exposes as ``Connection.pgconn`` for such uses; the values go as
        text, which PostgreSQL reads as the types the statement was prepared with."""
        self.db.ensure_connection()
        with self.db.wrap_database_errors:
            name = self._name(rollups).encode()
            pgconn = self.db.connection.pgconn
            pgconn.send_query_prepared(name, [_as_text(params[parameter]) for parameter in _RECORD_PARAMETERS])
            while pgconn.flush():  # only when the socket's buffer is full
                select.select([], [pgconn.socket], [])

    def answer(self) -> bool:
        """Wait for the answer to the record sent last: whether the row was this batch's."""
        with self.db.wrap_database_errors:
            pgconn = self.db.connection.pgconn
            results = []
            while True:
                if pgconn.is_busy():
                    select.select([pgconn.socket], [], [])
                    pgconn.consume_input()
                    continue
                result = pgconn.get_result()
                if result is None:
                    break
                results.append(result)
            for result in results:
                if result.status != pq.ExecStatus.TUPLES_OK:
                    raise _database_error(result)
            if not results:
                raise psycopg.OperationalError("the database sent no answer to the send record")
            return results[-1].get_value(0, 0) == b"t"

    def drop(self) -> None:
        """Deallocate the statements still on the connection (quietly: a broken connection took
        them with it)."""
        for name, prepared_on in self.prepared.items():
            if prepared_on is self.db.connection:
                with contextlib.suppress(DatabaseError), self.db.cursor() as cursor:
                    cursor.execute(f"DEALLOCATE {name}")
        self.prepared.clear()


def _as_text(value) -> bytes | None:
    """A parameter of the record statement in PostgreSQL's text form (None is NULL)."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError("a record's times are aware")
        return value.isoformat().encode()
    return str(value).encode()


def _database_error(result) -> psycopg.Error:
    """psycopg's exception for an error answer, as its own calls raise (a terminated backend is
    an OperationalError, which the bookkeeping takes as a lost connection)."""
    sqlstate = (result.error_field(pq.DiagnosticField.SQLSTATE) or b"").decode()
    message = (result.error_message or b"").decode(errors="replace").strip()
    try:
        return psycopg.errors.lookup(sqlstate)(message)
    except KeyError:
        return psycopg.OperationalError(message)


def _sent_record_params(
    books: _SendBooks, inv: SurveyInvitation, token: str, *, following: list[SurveyInvitation]
) -> dict:
    """What ``_send_record`` writes for a message that went out, as the parameters of the one
    statement (see _sent_record_sql): one round trip to PostgreSQL per message (the ORM's way
    takes four), its own transaction, committed without waiting for the disk (see
    _commit_without_waiting_for_disk: set_config(…, true) is SET LOCAL), prepared (see
    _RecordStatements). Its writes are the invitation's, two attempts' and, while the rollups
    are live, their two counters (without them when they are not: counters that no row changes
    still cost their tables' locks and indexes at every message)."""
    now = timezone.now()
    hashed = token_hash(token)
    return {
        "now": now,
        "token_hash": hashed,
        "link_sealed": link_seal(inv.pk, token, hashed),
        "reminder_due_at": reminder_due_at(now, inv.expires_at),
        "invitation": inv.pk,
        "owner": books.owner,
        "attempt": books.attempts[inv.pk],
        "following": books.attempts[following[0].pk] if following else None,
    }


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
