"""The weekly alert digest: one email per account manager per ISO week, in their language,
through an outbox claimed with a lease, retried after a failure, never sent twice."""

import datetime as dt
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from portal.alerts.models import Alert, AlertDigest, AlertKind, DigestStatus
from portal.alerts.services import queue_digests, send_digests
from portal.alerts.tasks import queue_alert_digests
from tests.cooperation.factories import CustomerFactory, UserFactory
from tests.surveys.smtp_sink import SmtpSink
from tests.workers import celery_worker, wait_until

MONDAY = dt.date(2026, 11, 30)  # ISO week 2026-W49


def nps_alert(customer, **fields):
    return Alert.objects.create(
        customer=customer,
        kind=AlertKind.NPS_BELOW_TARGET,
        params={"quarter": "2026-Q3", "nps": 12.5, "target": 30.0, "n": 8},
        raised_at=timezone.now(),
        **fields,
    )


def at(day: dt.date, hour: int = 8) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


@pytest.fixture
def managers(db):
    english = UserFactory(email="anna@provider.example", language="en", full_name="Anna Manager")
    finnish = UserFactory(email="pekka@provider.example", language="fi", full_name="Pekka Päällikkö")
    snoozed_only = UserFactory(email="sam@provider.example", language="sv")
    nps_alert(CustomerFactory(name="Anna's Customer Oy", account_manager=english))
    nps_alert(CustomerFactory(name="Pekka's Customer Oy", account_manager=finnish))
    nps_alert(CustomerFactory(account_manager=finnish), acknowledged_at=timezone.now(), note="Booked a call.")
    nps_alert(CustomerFactory(account_manager=snoozed_only), snoozed_until=MONDAY + dt.timedelta(days=10))
    nps_alert(CustomerFactory(account_manager=snoozed_only), cleared_at=timezone.now())
    return english, finnish


@pytest.mark.django_db
def test_each_account_manager_gets_one_digest_a_week_in_their_language(managers):
    assert queue_digests(today=MONDAY) == 2
    assert send_digests(now=at(MONDAY))["sent"] == 2
    by_recipient = {m.to[0]: m for m in mail.outbox}
    assert set(by_recipient) == {"anna@provider.example", "pekka@provider.example"}

    english = by_recipient["anna@provider.example"]
    assert "2026-W49" in english.subject and "1 open" in english.subject
    assert "Anna's Customer Oy" in english.body
    assert "Employee NPS 12.5 in 2026-Q3 is below the target 30.0 (8 answers)." in english.body
    assert "http://localhost:8000/reports/indicators/?customer=" in english.body
    assert "http://localhost:8000/alerts/" in english.body
    finnish = by_recipient["pekka@provider.example"]
    assert "12,5" in finnish.body and "12.5" not in finnish.body  # written out in Finnish

    # Again the same week (a second beat run, a retry): nothing new, nothing sent twice.
    assert queue_digests(today=MONDAY + dt.timedelta(days=2)) == 0
    assert send_digests(now=at(MONDAY, 9)) == {"sent": 0, "empty": 0, "failed": 0, "retry": 0}
    assert len(mail.outbox) == 2
    # The next week is a new digest.
    assert queue_digests(today=MONDAY + dt.timedelta(days=7)) == 2


@pytest.mark.django_db
def test_a_failed_send_is_retried_later_and_a_held_lease_is_respected(managers):
    queue_digests(today=MONDAY)
    with mock.patch("portal.alerts.services.digest.send_mail", side_effect=OSError("Connection refused")):
        assert send_digests(now=at(MONDAY))["retry"] == 2
    assert mail.outbox == []
    digest = AlertDigest.objects.get(recipient__email="anna@provider.example")
    assert (digest.status, digest.attempts, digest.last_error) == (DigestStatus.PENDING, 1, "Connection refused")
    assert digest.next_attempt_at > at(MONDAY)

    # Not due yet: nothing is tried.
    assert send_digests(now=at(MONDAY))["sent"] == 0
    # Another sender holds Pekka's row with a live lease: it is left alone.
    later = digest.next_attempt_at + dt.timedelta(seconds=1)
    AlertDigest.objects.filter(recipient__email="pekka@provider.example").update(
        status=DigestStatus.SENDING, lease_owner="other", lease_until=later + dt.timedelta(minutes=5)
    )
    assert send_digests(now=later)["sent"] == 1
    assert [m.to for m in mail.outbox] == [["anna@provider.example"]]
    # Its lease runs out (the sender died): the row is taken over and sent, once.
    assert send_digests(now=later + dt.timedelta(minutes=6))["sent"] == 1
    assert sorted(m.to[0] for m in mail.outbox) == ["anna@provider.example", "pekka@provider.example"]
    assert send_digests(now=later + dt.timedelta(hours=1))["sent"] == 0


@pytest.mark.django_db
def test_a_digest_gives_up_after_the_last_attempt(managers, settings):
    settings.ALERT_DIGEST_MAX_ATTEMPTS = 2
    queue_digests(today=MONDAY)
    with mock.patch("portal.alerts.services.digest.send_mail", side_effect=OSError("550 No such user")):
        send_digests(now=at(MONDAY))
        assert send_digests(now=at(MONDAY, 12))["failed"] == 2
    assert set(AlertDigest.objects.values_list("status", flat=True)) == {DigestStatus.FAILED}
    assert send_digests(now=at(MONDAY + dt.timedelta(days=1)))["sent"] == 0


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_each_digest_once_through_smtp(managers):
    with SmtpSink() as sink, celery_worker("alerts", **sink.env):
        queue_alert_digests.delay()
        wait_until(lambda: sink.received() >= 2, timeout=60, what="two digests")
        queue_alert_digests.delay()  # the same week again
        wait_until(
            lambda: AlertDigest.objects.filter(status=DigestStatus.SENT).count() == 2, timeout=30, what="recorded"
        )
        import time

        time.sleep(3)
    assert sorted(sink.recipients()) == ["anna@provider.example", "pekka@provider.example"]
