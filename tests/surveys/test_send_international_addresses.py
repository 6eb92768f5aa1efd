"""A patient address with letters beyond ASCII (``päivi@…``) goes out where the mail server
offers SMTPUTF8; where it does not, that one invitation fails with a clear reason and the
others of the batch still go."""

import pytest
from aiosmtpd.controller import Controller

from surveys.models import SendAttempt, SurveyInvitation
from surveys.services import surveys_dispatch_due
from tests.surveys.factories import InvitationFactory
from tests.surveys.smtp_sink import free_port

pytestmark = pytest.mark.django_db(transaction=True)

INTERNATIONAL = "päivi.mäkelä@example.com"


class _Keeps:
    def __init__(self):
        self.received: list[tuple[list[str], list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append((list(envelope.rcpt_tos), list(envelope.mail_options), envelope.content))
        return "250 OK"


@pytest.fixture
def mail_server(settings):
    servers = []

    def start(*, smtputf8: bool) -> _Keeps:
        handler, port = _Keeps(), free_port()
        controller = Controller(handler, hostname="127.0.0.1", port=port, enable_SMTPUTF8=smtputf8)
        controller.start()
        servers.append(controller)
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
        return handler

    yield start
    for controller in servers:
        controller.stop()


def test_an_address_beyond_ascii_goes_out_with_smtputf8(mail_server):
    server = mail_server(smtputf8=True)
    international = InvitationFactory(email=INTERNATIONAL)
    plain = InvitationFactory(email="matti@example.com")

    result = surveys_dispatch_due()

    assert result.sent == 2 and result.failed == 0
    by_recipient = {rcpts[0]: (options, content) for rcpts, options, content in server.received}
    options, content = by_recipient[INTERNATIONAL]
    assert "SMTPUTF8" in options
    assert f"To: {INTERNATIONAL}".encode() in content
    assert "SMTPUTF8" not in by_recipient["matti@example.com"][0]
    assert set(SurveyInvitation.objects.values_list("status", flat=True)) == {"sent"}
    assert {international.pk, plain.pk} == set(
        SurveyInvitation.objects.filter(token_hash__isnull=False).values_list("pk", flat=True)
    )


def test_without_smtputf8_that_invitation_fails_with_the_reason_and_the_batch_goes_on(mail_server):
    server = mail_server(smtputf8=False)
    international = InvitationFactory(email=INTERNATIONAL)
    plain = [InvitationFactory(email=f"patient{n}@example.com") for n in range(3)]

    result = surveys_dispatch_due()

    assert result.sent == 3 and result.failed == 1
    assert sorted(rcpts[0] for rcpts, _options, _content in server.received) == sorted(p.email for p in plain)
    international.refresh_from_db()
    assert international.status == "failed", "no retry can change what the mail server supports"
    assert "does not accept email addresses with characters beyond ASCII" in international.last_error
    assert "SMTPUTF8" in international.last_error
    assert SendAttempt.objects.get(invitation=international).outcome == "error"
    assert SurveyInvitation.objects.filter(status="sent").count() == 3
    assert not SendAttempt.objects.filter(outcome__in=["queued", "pending"]).exists()
