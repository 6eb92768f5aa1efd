"""Records who read which customer's data: after a successful GET of a route in the audit
table (portal.audit.routes), one INSERT; every other request costs no query at all."""

from portal.audit.context import audit_request, client_address
from portal.audit.routes import AUDITED_ROUTES
from portal.audit.services import audit_event_store

#: Query parameters whose values are kept: the filters of statistics and lists, none personal.
#: Any other parameter is kept by name only (an employee's external id, an email, a token…).
KEPT_PARAMETERS = frozenset(
    {
        "group",
        "customer",
        "segment",
        "unit",
        "unit_type",
        "practitioner",
        "service",
        "channel",
        "start",
        "end",
        "by",
        "months",
        "year",
        "on",
        "limit",
        "offset",
        "format",
        "ordering",
        "search",
        "q",
        "role",
        "active",
        "status",
    }
)
_MASKED = "…"


def _query(request) -> dict:
    return {
        name: ([value[:100] for value in request.GET.getlist(name)] if name in KEPT_PARAMETERS else _MASKED)
        for name in list(request.GET)[:30]
    }


class AuditMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Model signals (a role changed in the admin, an answer edited) learn the actor here.
        with audit_request(request):
            response = self.get_response(request)
        if request.method == "GET" and 200 <= response.status_code < 300:
            self._record(request)
        return response

    def _record(self, request) -> None:
        match = request.resolver_match
        route = AUDITED_ROUTES.get(match.view_name) if match is not None else None
        if route is None:
            return
        # Token-authenticated API users are known only now: DRF set request.user in the view.
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return
        if route.applies_to is not None and not route.applies_to(user):
            return
        if route.customer is not None:
            customer = route.customer(match.kwargs)
        elif match.kwargs.get("business_id"):
            customer = match.kwargs["business_id"]
        elif request.GET.get("customer"):
            customer = request.GET["customer"]
        else:
            customer = getattr(user, "customer_id", None)
        audit_event_store(
            actor=user,
            action=route.action,
            customer=customer,
            target=match.view_name,
            detail={"path": request.path, "query": _query(request)},
            client_address=client_address(request),
        )
