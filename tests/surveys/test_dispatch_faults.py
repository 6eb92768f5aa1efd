"""Fault injection: 1,000 due invitations dispatched by real Celery workers to a mail server that
refuses some recipients (4xx, 5xx) and stalls past the client's timeout for others, through a
worker killed mid-batch, a restart of the broker (the test's own redis-server) and, on
PostgreSQL, the workers' database connections terminated mid-batch.

Afterwards every invitation is sent, failed with its reason or expired, and no one got an email
twice except, at most, the one message in flight at each kill."""

import datetime as dt
import os
import re
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections import Counter
from contextlib import ExitStack, contextmanager

import pytest
from django.db import connection
from django.utils import timezone

from surveys import services
from surveys.models import SendAttempt, SurveyInvitation
from tests.surveys.factories import UnitFactory
from tests.surveys.smtp_sink import Fault, SmtpSink, free_port
from tests.surveys.test_dispatch_worker import _validated, due_visits
from tests.workers import celery_beat, celery_worker, wait_until

pytestmark = [pytest.mark.faults, pytest.mark.worker, pytest.mark.django_db(transaction=True)]

INVITATIONS = 1000
LEASE_SECONDS = 8
SMTP_TIMEOUT_SECONDS = 1
WORKER_ENV = {
    "SURVEY_DISPATCH_INTERVAL_SECONDS": "1",
    # A dead worker's claims come back after this.
    "SURVEY_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS),
    # Tries after 0.2, 0.8, 3.2 and 12.8 s instead of minutes.
    "SURVEY_RETRY_BASE_SECONDS": "0.2",
    "EMAIL_TIMEOUT": str(SMTP_TIMEOUT_SECONDS),
    "LOG_LEVEL": "WARNING",
}

# The mail server's faults, by recipient number (disjoint sets; numbers are the visits' own).
REFUSED = {n for n in range(INVITATIONS) if n % 50 == 7}  # 550 at every try: failed at once
BUSY_ONCE = {n for n in range(INVITATIONS) if n % 50 == 19}  # 451 at the first try, then accepted
BUSY_ALWAYS = {n for n in range(INVITATIONS) if n % 100 == 29}  # 451 at every try: failed after five
SLOW_ONCE = {n for n in range(INVITATIONS) if n % 100 == 41}  # stalls past the timeout once
SLOW_ALWAYS = {n for n in range(INVITATIONS) if n % 500 == 53}  # stalls at every try: failed after five
EXPIRED = {n for n in range(INVITATIONS) if n % 100 == 97}  # the link ran out before dispatch


def recipient(number: int) -> str:
    return f"f{number}@example.com"


def mail_server_fault(address: str, tries: int) -> Fault | None:
    number = int(re.fullmatch(r"f(\d+)@example\.com", address).group(1))
    stall = Fault(stall=3 * SMTP_TIMEOUT_SECONDS)
    busy = Fault(reply="451 4.3.2 Try again later")
    if number in REFUSED:
        return Fault(reply="550 5.1.1 No such user")
    if number in BUSY_ALWAYS or (number in BUSY_ONCE and tries == 1):
        return busy
    if number in SLOW_ALWAYS or (number in SLOW_ONCE and tries == 1):
        return stall
    return None


class Broker:
    """The test's own redis-server on a free port, restartable; never the shared one. Without
    a redis-server binary the workers use the embedded broker, and there is nothing to restart."""

    def __init__(self):
        self.binary = shutil.which("redis-server")
        self.port = free_port()
        self.folder = tempfile.mkdtemp(prefix="fault-redis-")
        self.process = None

    @property
    def env(self) -> dict[str, str]:
        return {"REDIS_URL": f"redis://127.0.0.1:{self.port}/0" if self.binary else ""}

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self._answers, timeout=20, what="redis-server to start")

    def _answers(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=20)

    def restart(self, *, down_for: float) -> None:
        self.stop()
        time.sleep(down_for)
        self.start()


@contextmanager
def own_broker():
    broker = Broker()
    if broker.binary:
        broker.start()
    try:
        yield broker
    finally:
        broker.stop()
        shutil.rmtree(broker.folder, ignore_errors=True)


def worker_name(process) -> str:
    """How services name a worker in its send attempts (host:pid; the solo pool sends itself)."""
    return f"{socket.gethostname()}:{process.pid}"


def mid_batch(process) -> bool:
    return SendAttempt.objects.filter(worker=worker_name(process), outcome="pending").exists()


def failure(reason: str) -> str:
    """The kind of a stored send error: the mail server's reply code, or a timeout."""
    if "timed out" in reason:
        return "timed out"
    code = re.search(r"\((\d{3}), ", reason)
    return f"refused {code.group(1)}" if code else reason[:60]


def terminate_worker_connections() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND application_name LIKE 'fault-worker-%%'"
        )
        return cursor.fetchone()[0]


def test_a_thousand_invitations_through_kills_broker_restarts_smtp_faults_and_lost_connections(customer, fault_summary):
    postgres = connection.vendor == "postgresql"
    unit = UnitFactory(code="U-FAULTS")
    services.visits_record(items=_validated(due_visits(customer, unit, INVITATIONS, prefix="f")))
    SurveyInvitation.objects.filter(email__in=[recipient(n) for n in EXPIRED]).update(
        expires_at=timezone.now() - dt.timedelta(minutes=1)
    )
    assert SurveyInvitation.objects.filter(status="scheduled").count() == INVITATIONS
    injected: Counter[str] = Counter()
    killed: list[str] = []
    not_injected: list[str] = []
    started = time.monotonic()

    with own_broker() as broker, SmtpSink(faults=mail_server_fault, delay=0.002) as sink, ExitStack() as stack:
        env = {**sink.env, **WORKER_ENV, **broker.env}

        def start_worker(name: str, *, purge: bool = False):
            # PGAPPNAME names the worker's database connections, so only they are terminated.
            return stack.enter_context(celery_worker(name, purge=purge, PGAPPNAME=f"fault-worker-{name}", **env))

        workers = {"w1": start_worker("w1", purge=True), "w2": start_worker("w2")}
        stack.enter_context(celery_beat(**env))

        # 1. A worker killed mid-batch; a new one takes over once its lease has run out.
        victim = workers.pop("w1")
        wait_until(lambda: sink.received() >= 100 and mid_batch(victim), timeout=90, what="w1 sending")
        os.kill(victim.pid, signal.SIGKILL)
        victim.wait(timeout=10)
        killed.append(worker_name(victim))
        injected["worker SIGKILL"] += 1
        # What it leaves unrecorded: at most the one message in flight.
        assert SendAttempt.objects.filter(worker=killed[0], outcome="pending").count() <= 1
        workers["w3"] = start_worker("w3")

        # 2. The broker restarts while the workers send.
        if broker.binary:
            wait_until(lambda: sink.received() >= 300, timeout=90, what="300 emails")
            broker.restart(down_for=1.5)
            injected["broker restart"] += 1
        else:
            not_injected.append("broker restart (no redis-server binary: the embedded broker has no server)")

        # 3. The workers' database connections terminated mid-batch, twice.
        if postgres:
            for threshold in (500, 700):
                wait_until(
                    lambda threshold=threshold: sink.received() >= threshold
                    and any(mid_batch(w) for w in workers.values()),
                    timeout=90,
                    what=f"{threshold} emails",
                )
                injected["pg_terminate_backend"] += terminate_worker_connections()
        else:
            not_injected.append("pg_terminate_backend (PostgreSQL only; this run is on SQLite)")

        # Leases pass and retries run until no invitation waits any more.
        wait_until(
            lambda: not SurveyInvitation.objects.filter(status__in=["scheduled", "sending"]).exists(),
            timeout=120,
            interval=0.5,
            what="every invitation to end",
        )
        time.sleep(1.5)  # nothing more arrives
        delivered = Counter(sink.recipients())
        injected.update(sink.injected)

    statuses = Counter(SurveyInvitation.objects.values_list("status", flat=True))
    reasons = dict(SurveyInvitation.objects.filter(status="failed").values_list("email", "last_error"))
    failed = Counter(failure(reason) for reason in reasons.values())
    duplicates = sum(n - 1 for n in delivered.values())
    flagged = SendAttempt.objects.filter(possible_duplicate=True).count()
    fault_summary.append(
        f"dispatch faults ({'PostgreSQL' if postgres else 'SQLite'}, {time.monotonic() - started:.0f} s): "
        f"{INVITATIONS} invitations: {statuses['sent']} sent, {statuses['failed']} failed "
        f"({', '.join(f'{n} {reason}' for reason, n in failed.most_common())}), {statuses['expired']} expired; "
        f"{len(delivered)} recipients got {delivered.total()} emails: {duplicates} duplicate(s), "
        f"{flagged} resend(s) flagged as possible duplicates; faults injected: "
        f"{', '.join(f'{n} {kind}' for kind, n in sorted(injected.items()))}"
        + (f"; not injected: {'; '.join(not_injected)}" if not_injected else "")
    )

    failing = REFUSED | BUSY_ALWAYS | SLOW_ALWAYS
    sent = INVITATIONS - len(failing) - len(EXPIRED)
    assert statuses == {"sent": sent, "failed": len(failing), "expired": len(EXPIRED)}
    assert all("550" in reasons[recipient(n)] for n in REFUSED)
    assert all("451" in reasons[recipient(n)] for n in BUSY_ALWAYS)
    assert all("timed out" in reasons[recipient(n)] for n in SLOW_ALWAYS)
    # Every sent invitation reached its recipient; no one else got anything.
    assert set(delivered) == set(SurveyInvitation.objects.filter(status="sent").values_list("email", flat=True))
    # At most the message in flight at each kill went twice, and each such resend is flagged.
    assert duplicates <= flagged <= len(killed)
    assert all(SendAttempt.objects.filter(worker=name, outcome="unknown").count() <= 1 for name in killed)
    assert injected["4xx refusal"] and injected["5xx refusal"] and injected["stall"]
