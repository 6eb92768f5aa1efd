"""The invitation email, from templates the provider can edit:
``surveys/templates/surveys/email/<language>/<patient|round>{_subject.txt,.txt,.html}``."""

import binascii
import secrets
from email.header import Header
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone

from surveys.models import RespondentGroup, SurveyInvitation

EMAIL_LANGUAGES = ("fi", "sv", "en")
UNSUBSCRIBE_SALT = "surveys.unsubscribe"


def unsubscribe_signature(invitation_id: int) -> str:
    """Signed, not stored: the link names the invitation and cannot be forged for another."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(invitation_id))


def invitation_id_from_unsubscribe(value: str) -> int | None:
    try:
        return int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(value))
    except (signing.BadSignature, ValueError):
        return None


def provider_name() -> str:
    return parseaddr(settings.DEFAULT_FROM_EMAIL)[0] or "Occupational health"


def survey_url(token: str) -> str:
    return f"{settings.PORTAL_BASE_URL}/s/{token}/"


def unsubscribe_url(invitation_id: int) -> str:
    return settings.PORTAL_BASE_URL + reverse("surveys:unsubscribe", args=[unsubscribe_signature(invitation_id)])


class InvitationRenderer:
    """Builds invitation messages; each template is loaded once per renderer (one per batch)."""

    def __init__(self):
        self._templates: dict[tuple[str, str], tuple] = {}
        self.provider = provider_name()
        name, address = parseaddr(settings.DEFAULT_FROM_EMAIL)
        self.envelope_from = address
        self.from_header = formataddr((name, address), charset="utf-8")

    def _templates_for(self, language: str, kind: str):
        key = (language, kind)
        if key not in self._templates:
            base = f"surveys/email/{language}/{kind}"
            self._templates[key] = (
                get_template(f"{base}_subject.txt"),
                get_template(f"{base}.txt"),
                get_template(f"{base}.html"),
            )
        return self._templates[key]

    def context(self, invitation: SurveyInvitation, token: str) -> dict:
        visit = invitation.visit if invitation.visit_id else None
        return {
            "provider": self.provider,
            "group": invitation.respondent_group,
            "unit": invitation.unit.name if invitation.unit_id else "",
            "customer": invitation.customer.name,
            "visit_date": timezone.localtime(visit.ended_at).date() if visit else None,
            "survey_url": survey_url(token),
            "unsubscribe_url": unsubscribe_url(invitation.pk),
            "expires_at": timezone.localtime(invitation.expires_at) if invitation.expires_at else None,
        }

    def render(self, invitation: SurveyInvitation, token: str) -> tuple[dict, str, str, str]:
        """The context, subject, plain text and HTML of an invitation."""
        language = invitation.language if invitation.language in EMAIL_LANGUAGES else "fi"
        kind = "patient" if invitation.respondent_group == RespondentGroup.PATIENT else "round"
        subject_t, text_t, html_t = self._templates_for(language, kind)
        context = self.context(invitation, token)
        subject = " ".join(subject_t.render(context).split())
        return context, subject, text_t.render(context), html_t.render(context)

    def raw(self, invitation: SurveyInvitation, token: str) -> bytes:
        """The message as SMTP sends it, built directly: the same message as ``message()``
        gives, at a fraction of the cost of Python's email package (it is most of the time
        a dispatch spends outside the mail server)."""
        context, subject, text, html = self.render(invitation, token)
        boundary = secrets.token_hex(16)
        subject_header = subject if subject.isascii() else Header(subject, "utf-8").encode()
        head = (
            f"From: {self.from_header}\r\n"
            f"To: {invitation.email}\r\n"
            f"Subject: {subject_header}\r\n"
            f"Date: {formatdate()}\r\n"
            f"Message-ID: {make_msgid(domain=DNS_NAME)}\r\n"
            "MIME-Version: 1.0\r\n"
            f'Content-Type: multipart/alternative; boundary="{boundary}"\r\n'
            f"List-Unsubscribe: <{context['unsubscribe_url']}>\r\n"
            "List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"
            "\r\n"
        )
        part = 'Content-Type: text/{}; charset="utf-8"\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n'
        return b"".join(
            [
                head.encode(),
                f"--{boundary}\r\n{part.format('plain')}".encode(),
                _quoted_printable(text),
                f"\r\n--{boundary}\r\n{part.format('html')}".encode(),
                _quoted_printable(html),
                f"\r\n--{boundary}--\r\n".encode(),
            ]
        )

    def message(self, invitation: SurveyInvitation, token: str, *, connection=None) -> EmailMultiAlternatives:
        """The message for any Django email backend (files for the demo, memory in tests)."""
        context, subject, text, html = self.render(invitation, token)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            to=[invitation.email],
            connection=connection,
            headers={
                "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(html, "text/html")
        return message


def _quoted_printable(text: str) -> bytes:
    lines = text.replace("\r\n", "\n").encode("utf-8")
    return binascii.b2a_qp(lines, istext=True).replace(b"\n", b"\r\n")
