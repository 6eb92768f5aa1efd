"""Reads for the portal's own pages: dashboards that combine cooperation and surveys."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from cooperation import selectors as cooperation_selectors
from cooperation.models import CorporateCustomer, ResponsibilityAgreement, action_item_overdue


def portfolio_overview(*, user) -> QuerySet[CorporateCustomer]:
    """The user's customers with their latest agreement's phase, open and overdue action items."""
    latest_agreement = ResponsibilityAgreement.objects.filter(customer=OuterRef("pk")).order_by("-period_start", "-pk")
    return cooperation_selectors.customer_list(user=user).annotate(
        agreement_phase=Subquery(latest_agreement.values("phase")[:1]),
        agreement_id=Subquery(latest_agreement.values("pk")[:1]),
        open_action_items=Count("meetings__action_items", filter=Q(meetings__action_items__done=False)),
        overdue_action_items=Count(
            "meetings__action_items",
            filter=action_item_overdue(today=timezone.localdate(), prefix="meetings__action_items__"),
        ),
    )
