"""Dispatch through real Celery processes (worker and beat) on the configured broker, to a local
SMTP server: timing, skips, racing workers, a worker killed mid-batch."""

import datetime as dt
import os
import signal
import time
from collections import Counter

import pytest
from django.utils import timezone

from surveys import services
from surveys.models import SendAttempt, SurveyInvitation, SurveyOptOut
from surveys.tasks import dispatch_due_surveys
from tests.surveys.factories import ServiceFactory, UnitFactory, visit_payload
from tests.surveys.smtp_sink import SmtpSink
from tests.workers import celery_beat, celery_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {"SURVEY_DISPATCH_INTERVAL_SECONDS": "1"}


def due_visits(customer, unit, count: int, *, prefix: str = "v") -> list[dict]:
    ended = (timezone.now() - dt.timedelta(hours=3)).isoformat()
    return [
        visit_payload(
            customer,
            unit,
            external_id=f"{prefix}-{i}",
            patient={"external_id": f"{prefix}-p-{i}", "email": f"{prefix}{i}@example.com", "language": "fi"},
            ended_at=ended,
        )
        for i in range(count)
    ]


def test_a_visit_brings_exactly_one_email_after_the_delay_and_none_for_skipped_ones(users, api_as, customer, settings):
    settings.SURVEY_DELAY_SECONDS = 5
    settings.SURVEY_QUIET_HOURS = None
    unit = UnitFactory(code="HKI-CARE-1", name="Helsinki care")
    ServiceFactory(code="covid-test", collects_feedback=False)
    SurveyOptOut.objects.create(email="no-thanks@example.com")
    with SmtpSink() as sink, celery_worker("w1", **sink.env, **FAST), celery_beat(**FAST):
        now = timezone.now()
        visits = [
            visit_payload(customer, unit, n=1, ended_at=now.isoformat()),
            visit_payload(customer, unit, n=2, service="covid-test", ended_at=now.isoformat()),
            visit_payload(customer, unit, n=3, patient={"external_id": "p-3"}, ended_at=now.isoformat()),
            visit_payload(
                customer,
                unit,
                n=4,
                patient={"external_id": "p-4", "email": "no-thanks@example.com"},
                ended_at=now.isoformat(),
            ),
            visit_payload(customer, unit, n=5, ended_at=(now - dt.timedelta(days=20)).isoformat()),
        ]
        answer = api_as(users["integration"]).post("/api/v1/visits/", visits, format="json")
        assert answer.status_code == 201
        statuses = [v["survey"]["status"] for v in answer.json()]
        assert statuses == ["scheduled", "skipped", "skipped", "skipped", "skipped"]
        scheduled_for = dt.datetime.fromisoformat(answer.json()[0]["survey"]["scheduled_for"])

        # Beat runs every second; nothing may go before scheduled_for.
        while timezone.now() < scheduled_for - dt.timedelta(seconds=0.3):
            assert sink.received() == 0
            time.sleep(0.2)
        wait_until(lambda: sink.received() >= 1, timeout=40, what="the survey email")
        received_at = timezone.now()
        time.sleep(2.5)  # a few more beats: still one
    assert received_at >= scheduled_for
    assert sink.recipients() == ["patient1@example.com"]
    email = sink.parsed()[0]
    assert email["Subject"].startswith("Miten onnistuimme? Kerro kokemuksestasi – ")
    assert email["List-Unsubscribe"].startswith("<http://localhost:8000/s/unsubscribe/")
    assert "Helsinki care" in email.get_body(("plain",)).get_content()
    link = email.get_body(("plain",)).get_content().split("http://localhost:8000", 1)[1].split()[0]
    assert link.startswith("/s/") and link in email.get_body(("html",)).get_content()
    invitation = SurveyInvitation.objects.get(visit__external_id="v-1")
    assert invitation.status == "sent" and invitation.sent_at >= scheduled_for
    assert SendAttempt.objects.filter(outcome="sent").count() == 1


def test_two_workers_racing_over_500_due_invitations_send_each_once(customer):
    unit = UnitFactory(code="U-RACE")
    services.visits_record(items=_validated(due_visits(customer, unit, 500)))
    assert SurveyInvitation.objects.filter(status="scheduled").count() == 500
    with (
        SmtpSink() as sink,
        celery_worker("w1", **sink.env, **FAST) as w1,
        celery_worker("w2", purge=False, **sink.env, **FAST) as w2,
    ):
        for _ in range(6):
            dispatch_due_surveys.delay()
        wait_until(lambda: sink.received() >= 500, timeout=120, what="500 emails")
        time.sleep(1.5)
    for worker in (w1, w2):
        assert "Traceback" not in worker.log_path.read_text()  # every task ended cleanly
    recipients = Counter(sink.recipients())
    assert len(recipients) == 500
    assert max(recipients.values()) == 1
    assert SurveyInvitation.objects.filter(status="sent").count() == 500
    assert SendAttempt.objects.count() == 500


def test_a_worker_killed_mid_batch_loses_nothing_and_resends_at_most_the_message_in_flight(customer):
    unit = UnitFactory(code="U-KILL")
    services.visits_record(items=_validated(due_visits(customer, unit, 60)))
    with SmtpSink(delay=0.05) as sink:
        with celery_worker("doomed", **sink.env, **FAST) as worker:
            dispatch_due_surveys.delay()
            wait_until(lambda: sink.received() >= 10, timeout=60, what="the first emails")
            os.kill(worker.pid, signal.SIGKILL)
            worker.wait(timeout=10)
        assert sink.received() < 60
        held = SurveyInvitation.objects.filter(status="sending")
        assert held.exists()
        # Time passes: the dead worker's lease runs out.
        held.update(lease_until=timezone.now() - dt.timedelta(seconds=1))
        with celery_worker("rescuer", purge=False, **sink.env, **FAST):
            dispatch_due_surveys.delay()
            wait_until(lambda: len(set(sink.recipients())) >= 60, timeout=60, what="the rest of the emails")
            time.sleep(1)
    recipients = Counter(sink.recipients())
    duplicates = sum(n - 1 for n in recipients.values())
    flagged = SendAttempt.objects.filter(possible_duplicate=True).count()
    assert len(recipients) == 60
    # Each send is recorded before the next one goes out: only the message in flight at the
    # kill is unknown, so the rescuer resends exactly one as a possible duplicate.
    assert flagged == 1
    assert duplicates <= flagged
    assert SurveyInvitation.objects.filter(status="sent").count() == 60


def test_smtp_errors_are_retried_later_then_fail_with_the_reason(customer):
    unit = UnitFactory(code="U-DOWN")
    services.visits_record(items=_validated(due_visits(customer, unit, 1)))
    invitation = SurveyInvitation.objects.get()
    with celery_worker(
        "w1",
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT="1",  # nothing listens here
        EMAIL_TIMEOUT="2",
        **FAST,
    ):
        dispatch_due_surveys.delay()
        wait_until(
            lambda: SurveyInvitation.objects.get().attempts == 1
            and SurveyInvitation.objects.get().status == "scheduled",
            timeout=30,
            what="a retry",
        )
        invitation.refresh_from_db()
        assert invitation.scheduled_for > timezone.now() + dt.timedelta(seconds=30)
        assert "Connection refused" in invitation.last_error or "Error" in invitation.last_error
        # The last try: it ends as failed with the reason.
        SurveyInvitation.objects.update(attempts=services.MAX_SEND_ATTEMPTS - 1, scheduled_for=timezone.now())
        dispatch_due_surveys.delay()
        wait_until(lambda: SurveyInvitation.objects.get().status == "failed", timeout=30, what="failed")
    invitation.refresh_from_db()
    assert invitation.last_error
    assert SendAttempt.objects.filter(outcome="error").count() == 2


def _validated(items):
    from surveys.api.serializers import VisitInSerializer

    serializer = VisitInSerializer(data=items, many=True)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data
