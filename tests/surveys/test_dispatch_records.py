"""Send records as a worker writes them: each in a transaction of its own (not the test's), so
on PostgreSQL in the one statement per message the dispatcher uses there."""

import functools

import pytest
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection

from surveys.models import SendAttempt, StatsRollupState, SurveyInvitation
from surveys.services import stats_rollups_rebuild, surveys_dispatch_due
from tests.surveys.factories import InvitationFactory, ServiceFactory, UnitFactory, VisitFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def admin_api(users, api_as):
    return api_as(users["admin"])


def nps_totals(client, **params) -> dict:
    answer = client.get("/api/v1/nps/", params)
    assert answer.status_code == 200, answer.content
    return answer.json()["total"]


def test_sends_recorded_one_by_one_keep_live_rollups_exact(admin_api, customer):
    stats_rollups_rebuild()
    care, er = UnitFactory(code="HKI-CARE-1", type="care"), UnitFactory(code="HKI-ER-1", type="emergency")
    service = ServiceFactory(code="gp-visit")
    for unit, count in ((care, 3), (er, 2)):
        for _ in range(count):
            InvitationFactory(visit=VisitFactory(customer=customer, unit=unit, service=service), service=service)

    assert surveys_dispatch_due(connection_factory=EmailBackend).sent == 5

    rolled_up = [nps_totals(admin_api, unit=u.code)["invitations_sent"] for u in (care, er)]
    total = nps_totals(admin_api)
    StatsRollupState.objects.update(live=False)
    assert rolled_up == [nps_totals(admin_api, unit=u.code)["invitations_sent"] for u in (care, er)] == [3, 2]
    assert total == nps_totals(admin_api)
    assert set(SendAttempt.objects.values_list("outcome", flat=True)) == {"sent"}
    assert SurveyInvitation.objects.filter(status="sent", token_hash__isnull=False).count() == 5


def test_a_send_whose_lease_was_lost_is_neither_recorded_nor_counted(admin_api, customer):
    stats_rollups_rebuild()
    unit = UnitFactory(code="HKI-CARE-1")
    invitations = [InvitationFactory(visit=VisitFactory(customer=customer, unit=unit)) for _ in range(3)]
    stolen = invitations[1]

    class LeaseLostMidSend(EmailBackend):
        def send_messages(self, messages):
            SurveyInvitation.objects.filter(pk=stolen.pk).update(lease_owner="another-claimant")
            return super().send_messages(messages)

    surveys_dispatch_due(connection_factory=LeaseLostMidSend)

    rolled_up = nps_totals(admin_api)
    StatsRollupState.objects.update(live=False)
    assert nps_totals(admin_api)["invitations_sent"] == 2
    assert rolled_up == nps_totals(admin_api)
    assert SurveyInvitation.objects.get(pk=stolen.pk).status == "sending"  # its new claimant's now


def test_a_send_whose_database_connection_was_lost_is_recorded_on_a_new_one(customer):
    if connection.vendor != "postgresql":
        pytest.skip("terminates a PostgreSQL backend (pg_terminate_backend); SQLite has no server connection")
    import psycopg

    unit = UnitFactory(code="HKI-CARE-1")
    for _ in range(4):
        InvitationFactory(visit=VisitFactory(customer=customer, unit=unit))
    settings = connection.settings_dict
    admin = psycopg.connect(
        host=settings["HOST"] or "localhost",
        port=settings["PORT"] or 5432,
        user=settings["USER"],
        password=settings["PASSWORD"] or None,
        dbname=settings["NAME"],
        autocommit=True,
    )
    sends, terminated = [], []

    class ConnectionLostMidSend(EmailBackend):
        def send_messages(self, messages):
            # The database drops the dispatcher's connection while the second message goes out.
            sends.append(messages)
            if len(sends) == 2:
                pid = connection.connection.info.backend_pid
                terminated.append(admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0])
            return super().send_messages(messages)

    with admin:
        result = surveys_dispatch_due(connection_factory=ConnectionLostMidSend)

    assert terminated == [True]
    assert result.sent == len(sends) == 4
    assert SurveyInvitation.objects.filter(status="sent").count() == 4
    assert sorted(SendAttempt.objects.values_list("outcome", flat=True)) == ["sent"] * 4


def test_rollups_that_go_live_mid_batch_count_every_send_after(admin_api, customer):
    unit = UnitFactory(code="HKI-CARE-1")
    for _ in range(4):
        InvitationFactory(visit=VisitFactory(customer=customer, unit=unit))
    sends = []

    class RebuiltMidBatch(EmailBackend):
        def send_messages(self, messages):
            sends.append(messages)
            if len(sends) == 2:
                # Someone runs rebuild_stats_rollups while the batch sends: it counts the one
                # send recorded so far, and the rollups are live from now on.
                stats_rollups_rebuild()
            return super().send_messages(messages)

    assert not StatsRollupState.objects.filter(live=True).exists()
    assert surveys_dispatch_due(connection_factory=RebuiltMidBatch).sent == 4

    rolled_up = nps_totals(admin_api)
    StatsRollupState.objects.update(live=False)
    assert rolled_up["invitations_sent"] == nps_totals(admin_api)["invitations_sent"] == 4
    assert sorted(SendAttempt.objects.values_list("outcome", flat=True)) == ["sent"] * 4


def test_a_worker_connection_keeps_no_prepared_statement_after_its_batches(customer, monkeypatch):
    """The record statement is prepared per batch (so PostgreSQL plans it for the tables as they
    are then) and dropped at the batch's end: a worker's long-lived connection does not pile
    them up."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL's prepared statements")
    from surveys.services import dispatch

    monkeypatch.setattr(dispatch, "invitations_claim", functools.partial(dispatch.invitations_claim, batch_size=2))
    unit = UnitFactory(code="HKI-CARE-1")
    for _ in range(5):
        InvitationFactory(visit=VisitFactory(customer=customer, unit=unit))
    prepared_while_sending = []

    class Watching(EmailBackend):
        def send_messages(self, messages):
            with connection.cursor() as cursor:
                cursor.execute("SELECT count(*) FROM pg_prepared_statements")
                prepared_while_sending.append(cursor.fetchone()[0])
            return super().send_messages(messages)

    assert surveys_dispatch_due(connection_factory=Watching).sent == 5

    # Three batches (2 + 2 + 1): prepared at each batch's first record, gone at its end.
    assert prepared_while_sending == [0, 1, 0, 1, 0]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0


def test_each_message_goes_out_only_after_the_one_before_is_recorded(customer, settings):
    """A record is sent to PostgreSQL while the next message's envelope goes (the two overlap),
    but confirmed before that message's content: when the mail server has a message, every one
    before it is recorded sent, and its own attempt is already marked as started — even when
    PostgreSQL is slow to write a record (here another session holds a row it needs)."""
    if connection.vendor != "postgresql":
        pytest.skip("the one-statement record is PostgreSQL's")
    import threading

    import psycopg
    from aiosmtpd.controller import Controller

    from tests.surveys.smtp_sink import free_port

    unit = UnitFactory(code="HKI-CARE-1")
    invitations = [InvitationFactory(visit=VisitFactory(customer=customer, unit=unit)) for _ in range(6)]
    db = connection.settings_dict

    def session(**options):
        return psycopg.connect(
            host=db["HOST"] or "localhost", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"], **options
        )

    observer, locker = session(autocommit=True), session()
    seen, slowed = [], invitations[1].email

    class Observing:
        async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
            if address == slowed:
                # The second message's record will wait for this lock for half a second.
                locker.execute(
                    "SELECT 1 FROM surveys_sendattempt a JOIN surveys_surveyinvitation i ON i.id = a.invitation_id"
                    " WHERE i.email = %s FOR UPDATE OF a",
                    [address],
                )
                threading.Timer(0.5, locker.rollback).start()
            envelope.rcpt_tos.append(address)
            return "250 OK"

        async def handle_DATA(self, server, session, envelope):
            # What another session sees once this message's content has arrived.
            (recipient,) = envelope.rcpt_tos
            seen.append(
                observer.execute(
                    "SELECT (SELECT count(*) FROM surveys_surveyinvitation WHERE status = 'sent'),"
                    " (SELECT a.outcome FROM surveys_sendattempt a JOIN surveys_surveyinvitation i"
                    "  ON i.id = a.invitation_id WHERE i.email = %s)",
                    [recipient],
                ).fetchone()
            )
            return "250 OK"

    port = free_port()
    controller = Controller(Observing(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    try:
        with observer, locker:
            assert surveys_dispatch_due().sent == len(invitations)
    finally:
        controller.stop()

    assert seen == [(number, "pending") for number in range(len(invitations))]
    assert SurveyInvitation.objects.filter(status="sent").count() == len(invitations)
