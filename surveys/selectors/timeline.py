"""The surveys app's part of a customer's timeline (portal/timeline.py combines the parts): the
NPS rounds sent to the customer's supervisors or decision-makers. Same shape as
``cooperation.selectors.timeline``: ``(kind, ref, moment)`` rows, then the details of one page."""

from django.db.models import CharField, Count, F, QuerySet, Value

from cooperation.models import CorporateCustomer
from surveys.models import InvitationStatus, NpsRound, SurveyInvitation

NPS_ROUND = "nps-round"
KINDS = (NPS_ROUND,)


def customer_timeline_sources(*, customer: CorporateCustomer) -> dict[str, QuerySet]:
    rows = (
        NpsRound.objects.filter(customers=customer)
        .annotate(kind=Value(NPS_ROUND, output_field=CharField()), ref=F("pk"), moment=F("started_at"))
        .values_list("kind", "ref", "moment")
        .order_by()
    )
    return {NPS_ROUND: rows}


def customer_timeline_entries(*, customer: CorporateCustomer, refs: dict[str, list[int]]) -> dict[tuple, dict]:
    """Each round with how many of this customer's people it invited (invitations not skipped)."""
    ids = refs.get(NPS_ROUND) or []
    if not ids:
        return {}
    invited = dict(
        SurveyInvitation.objects.filter(nps_round_id__in=ids, customer=customer)
        .exclude(status=InvitationStatus.SKIPPED)
        .values("nps_round_id")
        .annotate(n=Count("pk"))
        .values_list("nps_round_id", "n")
        .order_by()
    )
    return {
        (NPS_ROUND, r.pk): {
            "kind": NPS_ROUND,
            "at": r.started_at,
            "object": r,
            "by": r.started_by,
            "invited": invited.get(r.pk, 0),
        }
        for r in NpsRound.objects.filter(pk__in=ids, customers=customer).select_related("started_by")
    }
