"""Answers and opt-outs."""

from __future__ import annotations

import logging

from django.db import transaction
from django.utils import timezone

from surveys import privacy
from surveys.models import (
    InvitationStatus,
    RespondentGroup,
    Response,
    SkipReason,
    SurveyInvitation,
    SurveyOptOut,
)
from surveys.services.feedback_cases import feedback_case_open
from surveys.services.statistics import nps_rollup_add

logger = logging.getLogger(__name__)


# --- Answers and opt-outs ----------------------------------------------------------------------


def response_record(
    *,
    invitation: SurveyInvitation,
    score: int,
    coping: str = "",
    comment: str = "",
    language: str,
    contact: str = "",
) -> Response | None:
    """Record the answer to a sent invitation; None if it was answered already (nothing changes).
    A patient's answer of 0–6, or one with a ``contact`` (the person asked to be contacted and
    gave a phone number or an email address), opens a feedback case in the same transaction."""
    now = timezone.now()
    with transaction.atomic():
        # The conditional UPDATE lets exactly one of two simultaneous submits through.
        if not SurveyInvitation.objects.filter(pk=invitation.pk, status=InvitationStatus.SENT).update(
            status=InvitationStatus.ANSWERED, answered_at=now, reminder_due_at=None
        ):
            return None
        if invitation.respondent_group != RespondentGroup.PATIENT:
            coping = ""
        response = Response.objects.create(
            invitation=invitation,
            respondent_group=invitation.respondent_group,
            score=score,
            coping=coping,
            comment=comment,
            language=language,
            answered_at=now,
            **invitation.facts(),
        )
        nps_rollup_add(response=response)
        feedback_case_open(response=response, contact=contact)
    return response


def opt_out_record(*, email: str) -> SurveyOptOut | None:
    """No survey goes to this address again; its waiting invitations are skipped."""
    email = email.strip().lower()
    if not email:
        return None
    with transaction.atomic():
        # Known already, in plain or (its person erased) only as a hash: nothing new to store.
        opt_out = SurveyOptOut.objects.filter(email=email).first()
        if opt_out is None and privacy.opted_out_addresses({email}):
            opt_out = SurveyOptOut.objects.filter(email_hash=privacy.address_hash(email)).first()
        if opt_out is None:
            opt_out, _created = SurveyOptOut.objects.get_or_create(email=email)
        SurveyInvitation.objects.filter(email=email, status=InvitationStatus.SCHEDULED).update(
            status=InvitationStatus.SKIPPED, skip_reason=SkipReason.OPTED_OUT
        )
    return opt_out
