"""Visits, invitations and NPS rounds."""

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from cooperation.access import customer_scope
from cooperation.models import CorporateCustomer
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
        .select_related("started_by", "questionnaire_version__questionnaire")
        .prefetch_related("customers")
        .order_by("-started_at")
    )


def nps_round_invitation_counts(nps_round: NpsRound, *, user) -> dict[str, int]:
    """Invitations of the round by status (every status, 0 when none), counting only the
    customers the user may read: a round an admin started may span several portfolios."""
    counts = dict.fromkeys(InvitationStatus.values, 0)
    rows = (
        nps_round.invitations.filter(_scope_or_nothing(user, prefix="customer__"))
        .values("status")
        .annotate(n=Count("pk"))
    )
    counts.update({row["status"]: row["n"] for row in rows})
    return counts


def nps_round_customers(nps_round: NpsRound, *, user) -> QuerySet[CorporateCustomer]:
    """The round's customers that the user may read."""
    return nps_round.customers.filter(_scope_or_nothing(user)).order_by("name")


def nps_round_summaries(rounds: list[NpsRound], *, user) -> dict[int, dict]:
    """``{round id: {"counts": …, "customers": […]}}`` for a page of rounds in two queries: what
    nps_round_invitation_counts and nps_round_customers give for one round, for all of them."""
    summaries = {r.pk: {"counts": dict.fromkeys(InvitationStatus.values, 0), "customers": []} for r in rounds}
    if not summaries:
        return summaries
    counts = (
        SurveyInvitation.objects.filter(_scope_or_nothing(user, prefix="customer__"), nps_round_id__in=summaries)
        .values("nps_round_id", "status")
        .annotate(n=Count("pk"))
    )
    for row in counts:
        summaries[row["nps_round_id"]]["counts"][row["status"]] = row["n"]
    customers = (
        CorporateCustomer.objects.filter(_scope_or_nothing(user), nps_rounds__in=summaries)
        .annotate(round_id=F("nps_rounds__id"))
        .order_by("name", "pk")
    )
    for customer in customers:
        summaries[customer.round_id]["customers"].append(customer)
    return summaries


def _scope_or_nothing(user, *, prefix: str = "") -> Q:
    # An admin's scope is the empty Q(), which is falsy: test for None, not truth.
    scope = customer_scope(user, prefix=prefix)
    return Q(pk__in=[]) if scope is None else scope
