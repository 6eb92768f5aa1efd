"""Reads of the survey app."""

from django.db.models import QuerySet
from django.utils import timezone

from surveys.models import InvitationStatus, NpsRound, SurveyInvitation, Visit


def visit_list() -> QuerySet[Visit]:
    return Visit.objects.select_related("customer", "employee", "unit", "practitioner", "service", "invitation")


def survey_status(invitation: SurveyInvitation | None, *, now=None) -> dict:
    """The survey of a visit as the visits API reports it. A claimed row still counts as
    scheduled, and a sent link that ran out unanswered as expired."""
    if invitation is None:
        return {"status": None, "scheduled_for": None, "skip_reason": ""}
    now = now or timezone.now()
    status = invitation.status
    if status == InvitationStatus.SENDING:
        status = InvitationStatus.SCHEDULED
    elif status == InvitationStatus.SENT and invitation.expires_at and invitation.expires_at <= now:
        status = InvitationStatus.EXPIRED
    return {"status": status, "scheduled_for": invitation.scheduled_for, "skip_reason": invitation.skip_reason}


def invitation_for_token(token_hash: str) -> SurveyInvitation | None:
    """The invitation a survey link opens: a sent, unexpired one, or one already answered
    (it shows the thank-you page); anything else is as if the link did not exist."""
    invitation = (
        SurveyInvitation.objects.select_related("unit", "visit", "customer").filter(token_hash=token_hash).first()
    )
    if invitation is None:
        return None
    if invitation.status == InvitationStatus.ANSWERED:
        return invitation
    if invitation.status == InvitationStatus.SENT and invitation.expires_at and invitation.expires_at > timezone.now():
        return invitation
    return None


def nps_round_list(*, customer_filter) -> QuerySet[NpsRound]:
    """Rounds that include a customer the user may read (``customer_filter`` from customer_scope
    with the ``customers__`` prefix)."""
    return (
        NpsRound.objects.filter(customer_filter)
        .distinct()
        .select_related("started_by")
        .prefetch_related("customers")
        .order_by("-started_at")
    )


def nps_round_invitation_counts(nps_round: NpsRound) -> dict[str, int]:
    counts: dict[str, int] = {}
    for status in nps_round.invitations.values_list("status", flat=True):
        counts[status] = counts.get(status, 0) + 1
    return counts
