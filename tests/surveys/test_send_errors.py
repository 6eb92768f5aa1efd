"""A mail server's refusal names the recipient; the portal keeps and logs it without the address."""

import logging

import pytest
from aiosmtpd.controller import Controller
from django.core.management import call_command

from surveys.models import SendAttempt, SurveyInvitation
from tests.surveys.factories import InvitationFactory
from tests.surveys.smtp_sink import free_port

pytestmark = pytest.mark.django_db

ADDRESS = "paivi.patient+visit@example.com"


class _RefusesEveryRecipient:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return f"550 5.1.1 <{address}>: Recipient address rejected: User unknown in virtual mailbox table"


@pytest.fixture
def refusing_smtp(settings):
    port = free_port()
    controller = Controller(_RefusesEveryRecipient(), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    yield
    controller.stop()


def test_a_refusal_is_stored_and_logged_without_the_recipient_address(refusing_smtp, caplog):
    invitation = InvitationFactory(email=ADDRESS)
    with caplog.at_level(logging.INFO):
        call_command("dispatch_due_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    invitation.refresh_from_db()
    assert invitation.status == "failed", "a 5xx refusal is final"
    stored = [invitation.last_error, *SendAttempt.objects.values_list("error", flat=True)]
    assert all("550" in error and "Recipient address rejected" in error for error in stored), stored
    assert all("***@example.com" in error for error in stored), "the domain stays for operations"
    logged = caplog.text
    assert "Recipient address rejected" in logged
    for text in [*stored, logged]:
        assert "paivi" not in text and "patient+visit" not in text
    assert SurveyInvitation.objects.get().email == ADDRESS, "the address itself stays for the send"
