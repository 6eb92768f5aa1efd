"""The invitation email, from templates the provider can edit:
``surveys/templates/surveys/email/<language>/<patient|round>{_subject.txt,.txt,.html}``."""

from email.utils import parseaddr

from django.conf import settings
from django.core import signing
from django.core.mail import EmailMultiAlternatives
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

    def message(self, invitation: SurveyInvitation, token: str, *, connection=None) -> EmailMultiAlternatives:
        language = invitation.language if invitation.language in EMAIL_LANGUAGES else "fi"
        kind = "patient" if invitation.respondent_group == RespondentGroup.PATIENT else "round"
        subject_t, text_t, html_t = self._templates_for(language, kind)
        context = self.context(invitation, token)
        message = EmailMultiAlternatives(
            subject=" ".join(subject_t.render(context).split()),
            body=text_t.render(context),
            to=[invitation.email],
            connection=connection,
            headers={
                "List-Unsubscribe": f"<{context['unsubscribe_url']}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
            },
        )
        message.attach_alternative(html_t.render(context), "text/html")
        return message
