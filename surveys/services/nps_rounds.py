"""NPS rounds for supervisors and decision-makers."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from cooperation.models import Contact, CorporateCustomer
from surveys import privacy
from surveys.models import (
    InvitationStatus,
    NpsRound,
    QuestionnaireVersion,
    RespondentGroup,
    SkipReason,
    SurveyInvitation,
)
from surveys.services.common import (
    shift_out_of_quiet_hours,
)

logger = logging.getLogger(__name__)


# --- NPS rounds for supervisors and decision-makers -------------------------------------------


def nps_round_start(
    *,
    started_by,
    respondent_group: str,
    customers: list[CorporateCustomer],
    questionnaire_version: QuestionnaireVersion | None = None,
    anonymous: bool = False,
) -> NpsRound:
    """Start a round: an invitation to every active contact of the group at the customers,
    through the same outbox as the patients' surveys (sent on the next dispatch pass). With a
    (published) ``questionnaire_version`` the link opens that questionnaire instead of the NPS
    question; an ``anonymous`` round's answers are never shown per person."""
    if questionnaire_version is not None and not questionnaire_version.is_published:
        raise ValueError("Only a published questionnaire version can be sent.")
    now = timezone.now()
    ttl = dt.timedelta(days=settings.SURVEY_LINK_TTL_DAYS)
    role = {
        RespondentGroup.SUPERVISOR: Contact.ContactRole.SUPERVISOR,
        RespondentGroup.DECISION_MAKER: Contact.ContactRole.DECISION_MAKER,
    }[respondent_group]
    with transaction.atomic():
        nps_round = NpsRound.objects.create(
            respondent_group=respondent_group,
            started_by=started_by,
            questionnaire_version=questionnaire_version,
            anonymous=anonymous,
        )
        nps_round.customers.set(customers)
        contacts = list(
            Contact.objects.filter(customer__in=customers, role=role, active=True).select_related("customer")
        )
        addresses = {c.email.lower() for c in contacts if c.email}
        opted_out = privacy.opted_out_addresses(addresses)
        invitations, seen = [], set()
        scheduled_for = shift_out_of_quiet_hours(now)
        for contact in contacts:
            email = contact.email.lower()
            if email and (contact.customer_id, email) in seen:
                continue  # one survey per person and customer, however many contact rows
            seen.add((contact.customer_id, email))
            invitation = SurveyInvitation(
                respondent_group=respondent_group,
                nps_round=nps_round,
                contact=contact,
                email=email,
                language=contact.language,
                customer=contact.customer,
                segment=contact.customer.segment,
                scheduled_for=scheduled_for,
                expires_at=scheduled_for + ttl,
            )
            reason = SkipReason.NO_EMAIL if not email else SkipReason.OPTED_OUT if email in opted_out else None
            if reason:
                invitation.status, invitation.skip_reason = InvitationStatus.SKIPPED, reason
                invitation.scheduled_for = invitation.expires_at = None
            invitations.append(invitation)
        SurveyInvitation.objects.bulk_create(invitations)
    return nps_round
