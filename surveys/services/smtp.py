"""Talking SMTP for dispatch: one message sent with as few round trips as smtplib allows."""

from __future__ import annotations

import contextlib
import logging
import re
import smtplib

from django.core.mail.backends.smtp import EmailBackend as SmtpBackend

logger = logging.getLogger(__name__)


def _quietly(close) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        close()


class AddressNotDeliverable(smtplib.SMTPNotSupportedError):
    """The recipient's address has characters beyond ASCII and the mail server does not offer
    SMTPUTF8 (RFC 6531): no retry will change that, the invitation fails with this reason."""


_LINE_STARTING_WITH_DOT = re.compile(rb"(?m)^\.")


def _smtp_send(client: smtplib.SMTP, sender: str, recipient: str, raw: bytes) -> None:
    """``smtplib.SMTP.sendmail(sender, [recipient], raw)`` for one recipient, with its errors,
    without parsing the two addresses again at every message (they are plain addresses here)."""
    _smtp_envelope(client, sender, recipient, size=len(raw))
    _smtp_data(client, raw)


def _smtp_envelope(client: smtplib.SMTP, sender: str, recipient: str, *, size: int) -> None:
    """MAIL FROM and RCPT TO of one message: the mail server has agreed to take it, and nothing
    is sent yet (``RSET`` or a closed connection drops it). An address beyond ASCII
    (``päivi@…``) goes with SMTPUTF8 where the server offers it."""
    client.ehlo_or_helo_if_needed()
    options = [f"SIZE={size}"] if client.does_esmtp and client.has_extn("size") else []
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


def _smtp_data(client: smtplib.SMTP, raw: bytes) -> None:
    """The message after its envelope: it is sent once the mail server answers the end of data."""
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
