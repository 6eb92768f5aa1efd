"""Questionnaires: new versions, and a person's answers to a questionnaire round."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from surveys.models import (
    KIND_RANGE,
    InvitationStatus,
    Question,
    QuestionAnswer,
    QuestionKind,
    QuestionnaireResponse,
    QuestionnaireVersion,
    SurveyInvitation,
)
from surveys.services.answers import response_record


class QuestionnaireAnswerError(ValueError):
    """An answer the question does not accept: ``errors`` is ``{question code: message}``."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


def questionnaire_new_version(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """An unpublished copy of ``version`` (its themes and questions) to edit; the published
    one stays as it was, and the answers given to it keep pointing at its questions."""
    with transaction.atomic():
        latest = version.questionnaire.versions.select_for_update().order_by("-number").first()
        new = QuestionnaireVersion.objects.create(questionnaire=version.questionnaire, number=latest.number + 1)
        themes = {}
        for theme in version.themes.order_by("position", "pk"):
            old_pk = theme.pk
            theme.pk, theme.id, theme.version = None, None, new
            theme.save()
            themes[old_pk] = theme
        for question in version.questions.order_by("position", "pk"):
            question.pk, question.id, question.version = None, None, new
            question.theme = themes.get(question.theme_id)
            question.save()
    return new


def questionnaire_publish(*, version: QuestionnaireVersion) -> QuestionnaireVersion:
    """Freeze the version: from now on it can be sent, and no longer edited. A version without
    questions is refused (ValidationError), and nothing changes."""
    if not version.questions.exists():
        raise ValidationError(
            {
                "questions": [
                    _("Add at least one question before publishing: a questionnaire without questions cannot be sent.")
                ]
            }
        )
    if version.published_at is None:
        version.published_at = timezone.now()
        version.save(update_fields=["published_at"])
    return version


def _checked(question: Question, raw) -> tuple[int | None, str] | None:
    """``(number, text)`` to store, None when left empty; ValueError with a message if invalid."""
    raw = "" if raw is None else str(raw).strip()
    if raw == "":
        return None
    if question.kind in KIND_RANGE:
        low, high = KIND_RANGE[question.kind]
        try:
            number = int(raw)
        except ValueError:
            number = None
        if number is None or not low <= number <= high:
            raise ValueError(f"out-of-range:{low}:{high}")
        return number, ""
    if question.kind == QuestionKind.YES_NO:
        if raw not in ("yes", "no"):
            raise ValueError("choice")
        return (1 if raw == "yes" else 0), ""
    if question.kind == QuestionKind.CHOICE:
        if raw not in {value for value, _label in question.localized_options("en")}:
            raise ValueError("choice")
        return None, raw
    return None, raw[:5000]


def questionnaire_answers_check(*, version: QuestionnaireVersion, data: dict) -> dict[int, tuple]:
    """``{question id: (number, text)}`` of the answers in ``data`` (keyed by question code), or
    QuestionnaireAnswerError naming every question whose answer is missing or invalid."""
    from django.utils.translation import gettext as _

    answers, errors = {}, {}
    for question in version.questions.all():
        try:
            value = _checked(question, data.get(question.code))
        except ValueError as error:
            reason = str(error)
            if reason.startswith("out-of-range"):
                _kind, low, high = reason.split(":")
                errors[question.code] = _("Choose a number from %(low)s to %(high)s.") % {"low": low, "high": high}
            else:
                errors[question.code] = _("Choose one of the options given.")
            continue
        if value is None:
            if question.required:
                errors[question.code] = _("Please answer this question.")
            continue
        answers[question.pk] = value
    if errors:
        raise QuestionnaireAnswerError(errors)
    return answers


def questionnaire_answers_record(
    *, invitation: SurveyInvitation, data: dict, language: str
) -> QuestionnaireResponse | None:
    """Save all of a person's answers in one transaction; None if the link was answered
    already or its round closed meanwhile (nothing saved). Invalid answers raise
    QuestionnaireAnswerError before anything is written. An NPS question's answer also counts
    in the round's NPS, as a plain round's answer does."""
    nps_round = invitation.nps_round
    version = nps_round.questionnaire_version
    answers = questionnaire_answers_check(version=version, data=data)
    questions = {q.pk: q for q in version.questions.all()}
    nps = next((n for pk, (n, _t) in answers.items() if questions[pk].kind == QuestionKind.NPS), None)
    now = timezone.now()
    if invitation.status != InvitationStatus.SENT or not invitation.expires_at or invitation.expires_at <= now:
        return None
    with transaction.atomic():
        if nps is not None:
            comment = next((t for pk, (_n, t) in answers.items() if questions[pk].kind == QuestionKind.TEXT), "")
            if response_record(invitation=invitation, score=nps, comment=comment, language=language) is None:
                return None
        elif not SurveyInvitation.objects.filter(
            pk=invitation.pk, status=InvitationStatus.SENT, expires_at__gt=now
        ).update(status=InvitationStatus.ANSWERED, answered_at=now):
            return None
        response = QuestionnaireResponse.objects.create(
            invitation=invitation,
            version=version,
            customer_id=invitation.customer_id,
            segment=invitation.segment,
            respondent_group=invitation.respondent_group,
            anonymous=nps_round.anonymous,
            language=language,
            answered_at=now,
        )
        QuestionAnswer.objects.bulk_create(
            QuestionAnswer(response=response, question_id=pk, number=number, text=text)
            for pk, (number, text) in answers.items()
        )
    return response


__all__ = [
    "QuestionnaireAnswerError",
    "questionnaire_answers_check",
    "questionnaire_answers_record",
    "questionnaire_new_version",
    "questionnaire_publish",
]
