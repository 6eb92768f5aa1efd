"""The invitation email, from templates the provider can edit:
``surveys/templates/surveys/email/<language>/<patient|round>{_subject.txt,.txt,.html}``."""

import base64
import binascii
import functools
import hashlib
import hmac
import re
import secrets
from email.utils import formataddr, formatdate, make_msgid, parseaddr

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.utils import DNS_NAME
from django.template.loader import get_template
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language

from surveys.models import RespondentGroup, SurveyInvitation

EMAIL_LANGUAGES = ("fi", "sv", "en")
# Where the links go in a rendered template, before each message gets its own (URL-safe
# characters only, so HTML escaping leaves them as they are).
SURVEY_URL_MARK = "SURVEY-URL-6c1f0e9a"
UNSUBSCRIBE_URL_MARK = "UNSUBSCRIBE-URL-6c1f0e9a"
#: Rendered combinations (language, unit, dates …) kept per renderer, i.e. per batch.
RENDER_CACHE_SIZE = 256
UNSUBSCRIBE_SALT = "surveys.unsubscribe"
#: Characters that make a display name need quotes in an address (RFC 5322 "specials").
_SPECIALS = re.compile(r'[][\\()<>@,:;".]')


@functools.cache
def _unsubscribe_key(secret: str) -> bytes:
    return hashlib.sha256(f"{UNSUBSCRIBE_SALT}:{secret}".encode()).digest()


def _unsubscribe_mac(value: str) -> str:
    mac = hmac.new(_unsubscribe_key(settings.SECRET_KEY), value.encode(), hashlib.sha256).digest()[:16]
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def unsubscribe_signature(invitation_id: int) -> str:
    """Signed, not stored: the link names the invitation and cannot be forged for another
    (an HMAC of 128 bits under a key derived from SECRET_KEY, computed once)."""
    return f"{invitation_id}-{_unsubscribe_mac(str(invitation_id))}"


def invitation_id_from_unsubscribe(value: str) -> int | None:
    invitation_id, _, mac = value.partition("-")
    # compare_digest refuses non-ASCII text: such a link is simply not ours.
    if not (invitation_id.isascii() and invitation_id.isdigit() and mac.isascii()):
        return None
    if not hmac.compare_digest(mac, _unsubscribe_mac(invitation_id)):
        return None
    return int(invitation_id)


def provider_name(language: str | None = None) -> str:
    """The provider's name in ``language`` (by default the active one): PROVIDER_NAME_FI, _SV,
    _EN; English for any other language."""
    names = settings.PROVIDER_NAMES
    language = (language or get_language() or "en")[:2]
    return names.get(language) or names.get("en") or "Occupational health"


def from_address(language: str, *, encoded: bool = False) -> str:
    """The sender of an email in ``language``: the provider's name there and DEFAULT_FROM_EMAIL's
    address; ``encoded`` as the header goes on the wire (RFC 2047), else for Django's mail."""
    name, address = provider_name(language), parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    if encoded:
        return formataddr((name, address), charset="utf-8")
    # Django encodes the header itself; formataddr would already have (it always encodes).
    if _SPECIALS.search(name):
        name = '"{}"'.format(name.replace("\\", "\\\\").replace('"', '\\"'))
    return f"{name} <{address}>"


def survey_url(token: str) -> str:
    return f"{settings.PORTAL_BASE_URL}/s/{token}/"


def unsubscribe_url(invitation_id: int) -> str:
    return _unsubscribe_base() + unsubscribe_signature(invitation_id) + "/"


def _unsubscribe_base() -> str:
    # reverse() once, not per message: the path up to the signature never changes.
    return settings.PORTAL_BASE_URL + reverse("surveys:unsubscribe", args=["x"])[:-2]


def email_language(invitation: SurveyInvitation) -> str:
    return invitation.language if invitation.language in EMAIL_LANGUAGES else "fi"


class InvitationRenderer:
    """Builds invitation messages; each template is loaded once per renderer (one per batch)."""

    def __init__(self):
        self._templates: dict[tuple[str, str], tuple] = {}
        self._rendered: dict[tuple, tuple[str, str, str]] = {}
        self._subjects: dict[str, str] = {}
        self.unsubscribe_base = _unsubscribe_base()
        self.envelope_from = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
        self.from_headers = {language: from_address(language, encoded=True) for language in EMAIL_LANGUAGES}
        self.from_addresses = {language: from_address(language) for language in EMAIL_LANGUAGES}

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

    def context(
        self, invitation: SurveyInvitation, token: str, language: str = "fi", *, reminder: bool = False
    ) -> dict:
        """What the templates get; names (the provider's, the unit's) in the email's ``language``;
        ``reminder`` for the one reminder (same link, the templates add a line of their own)."""
        visit = invitation.visit if invitation.visit_id else None
        return {
            "provider": provider_name(language),
            "group": invitation.respondent_group,
            "unit": invitation.unit.localized_name(language) if invitation.unit_id else "",
            "customer": invitation.customer.name,
            "visit_date": timezone.localtime(visit.ended_at).date() if visit else None,
            "survey_url": survey_url(token),
            "unsubscribe_url": self.unsubscribe_base + unsubscribe_signature(invitation.pk) + "/",
            "expires_at": timezone.localtime(invitation.expires_at) if invitation.expires_at else None,
            "reminder": reminder,
        }

    def render(self, invitation: SurveyInvitation, token: str, *, reminder: bool = False) -> tuple[dict, str, str, str]:
        """The context, subject, plain text and HTML of an invitation.

        Invitations of one batch mostly share language, unit and dates: the templates are
        rendered once per such combination, with markers where the two links go, and each
        message gets its own links by replacing the markers."""
        language = email_language(invitation)
        kind = "patient" if invitation.respondent_group == RespondentGroup.PATIENT else "round"
        context = self.context(invitation, token, language, reminder=reminder)
        key = (
            reminder,
            language,
            kind,
            context["group"],
            context["unit"],
            context["customer"] if kind == "round" else "",
            context["visit_date"],
            context["expires_at"].date() if context["expires_at"] else None,
        )
        rendered = self._rendered.get(key)
        if rendered is None:
            subject_t, text_t, html_t = self._templates_for(language, kind)
            marked = {**context, "survey_url": SURVEY_URL_MARK, "unsubscribe_url": UNSUBSCRIBE_URL_MARK}
            rendered = (" ".join(subject_t.render(marked).split()), text_t.render(marked), html_t.render(marked))
            if len(self._rendered) >= RENDER_CACHE_SIZE:
                self._rendered.clear()
            self._rendered[key] = rendered
        subject, text, html = rendered
        text, html = (
            part.replace(SURVEY_URL_MARK, context["survey_url"]).replace(
                UNSUBSCRIBE_URL_MARK, context["unsubscribe_url"]
            )
            for part in (text, html)
        )
        return context, subject, text, html

    def raw(self, invitation: SurveyInvitation, token: str, *, reminder: bool = False) -> bytes:
        """The message as SMTP sends it, built directly: the same message as ``message()``
        gives, at a fraction of the cost of Python's email package (it is most of the time
        a dispatch spends outside the mail server)."""
        context, subject, text, html = self.render(invitation, token, reminder=reminder)
        boundary = secrets.token_hex(16)
        subject_header = self._subjects.get(subject)
        if subject_header is None:
            subject_header = self._subjects[subject] = _encoded_header(subject)
        head = (
            f"From: {self.from_headers[email_language(invitation)]}\r\n"
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

    def message(
        self, invitation: SurveyInvitation, token: str, *, connection=None, reminder: bool = False
    ) -> EmailMultiAlternatives:
        """The message for any Django email backend (files for the demo, memory in tests)."""
        context, subject, text, html = self.render(invitation, token, reminder=reminder)
        message = EmailMultiAlternatives(
            subject=subject,
            body=text,
            from_email=self.from_addresses[email_language(invitation)],
            to=[invitation.email],
            connection=connection,
            headers={
                "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(html, "text/html")
        return message


def _encoded_header(value: str) -> str:
    """RFC 2047 encoded words of at most 75 characters, folded onto continuation lines."""
    if value.isascii():
        return value
    words, chunk = [], ""
    for char in value:
        if len((chunk + char).encode()) > 45:  # 45 bytes are 60 characters of base64
            words.append(chunk)
            chunk = char
        else:
            chunk += char
    words.append(chunk)
    return "\r\n ".join(f"=?utf-8?b?{base64.b64encode(word.encode()).decode()}?=" for word in words)


def _quoted_printable(text: str) -> bytes:
    lines = text.replace("\r\n", "\n").encode("utf-8")
    return binascii.b2a_qp(lines, istext=True).replace(b"\n", b"\r\n")
