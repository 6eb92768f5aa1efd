"""Which pages and API endpoints leave an audit event when someone reads them: the one table.

Every named route of the URLconf is either here (AUDITED_ROUTES) or in UNAUDITED_ROUTES with the
reason it shows no customer's statistics, health figures, comments, reports or lists of people;
tests/portal/test_audit.py fails on a route in neither, so a new one is never forgotten silently.
The middleware (portal.audit.middleware) records a successful GET of an audited route.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet

from cooperation.access import Role, is_admin
from cooperation.economics.models import WorkHealthMatrix
from cooperation.models import (
    Contact,
    CorporateCustomer,
    Employee,
    Goal,
    Measurement,
    ResponsibilityAgreement,
    SickLeave,
    SteeringGroupMeeting,
)
from portal.audit.models import AuditAction as A
from surveys.models import BindingTarget, FeedbackCase, Response, Visit


def _customer_of(model, path: str = "customer", kwarg: str = "pk", field: str = "pk") -> Callable[[dict], QuerySet]:
    """The customer of the object a URL names, as a queryset the INSERT reads as a subquery."""

    def customer(kwargs: dict) -> QuerySet:
        owners = model.objects.filter(**{field: kwargs[kwarg]}).values(path)
        return CorporateCustomer.objects.filter(pk__in=owners)

    return customer


def _portfolio_roles(user) -> bool:
    return is_admin(user) or user.role == Role.ACCOUNT_MANAGER


@dataclass(frozen=True)
class AuditedRoute:
    action: str
    #: The customer from the URL's kwargs; without it: the URL's business_id, else the
    #: ``customer`` query parameter, else the user's own company.
    customer: Callable[[dict], QuerySet] | None = None
    #: Only for the users it is true of (a page that shows customers' data to some roles only).
    applies_to: Callable[[object], bool] | None = None


#: Route names as ``request.resolver_match.view_name`` gives them. The API and the report pages
#: share a few names (binding-target-report); both mean the same action.
AUDITED_ROUTES: dict[str, AuditedRoute] = {
    # Statistics: NPS and coping better (API and the indicators page), a goal's indicator value
    # and its monthly snapshots, and an agreement's page, which shows its goals' current values.
    "nps": AuditedRoute(A.STATISTICS_VIEW),
    "coping": AuditedRoute(A.STATISTICS_VIEW),
    "indicators": AuditedRoute(A.STATISTICS_VIEW),
    "nps-by-channel": AuditedRoute(A.STATISTICS_VIEW),
    "goal-indicator": AuditedRoute(A.STATISTICS_VIEW, customer=_customer_of(Goal, "agreement__customer")),
    "measurement-list": AuditedRoute(A.API_LIST),
    "measurement-detail": AuditedRoute(A.API_VIEW, customer=_customer_of(Measurement, "goal__agreement__customer")),
    "cooperation:agreement-detail": AuditedRoute(A.CUSTOMER_VIEW, customer=_customer_of(ResponsibilityAgreement)),
    "cooperation:agreement-step": AuditedRoute(A.CUSTOMER_VIEW, customer=_customer_of(ResponsibilityAgreement)),
    # The meeting pack: goals' current values and the indicators since the last meeting.
    "cooperation:meeting-pack": AuditedRoute(A.REPORT_VIEW, customer=_customer_of(SteeringGroupMeeting)),
    # The decision-makers' questionnaire: a customer's answers per person, the portfolio's averages.
    "questionnaire-customer": AuditedRoute(A.REPORT_VIEW),
    "questionnaire-portfolio": AuditedRoute(A.STATISTICS_VIEW),
    "questionnaire-results": AuditedRoute(A.REPORT_VIEW),
    # Health figures.
    "customer-health": AuditedRoute(A.HEALTH_VIEW),
    "customer-health-series": AuditedRoute(A.HEALTH_VIEW),
    # Employees' comments: the API, the quality staff's page, one answer in the admin.
    "comment-list": AuditedRoute(A.COMMENTS_VIEW),
    "quality-comments": AuditedRoute(A.COMMENTS_VIEW),
    # The quality staff's NPS of every unit and of each practitioner (across all customers).
    "quality-units": AuditedRoute(A.STATISTICS_VIEW),
    "quality-practitioners": AuditedRoute(A.STATISTICS_VIEW),
    "admin:surveys_response_change": AuditedRoute(A.COMMENTS_VIEW, customer=_customer_of(Response, kwarg="object_id")),
    # Feedback cases: the answer's comment and, where the person asked for it, their contact.
    "feedback-case-list": AuditedRoute(A.COMMENTS_VIEW),
    "feedback-case-detail": AuditedRoute(A.COMMENTS_VIEW, customer=_customer_of(FeedbackCase, "response__customer")),
    "feedback-case-page": AuditedRoute(A.COMMENTS_VIEW, customer=_customer_of(FeedbackCase, "response__customer")),
    # Binding-target reports: page, API and CSV.
    "binding-target-report": AuditedRoute(A.REPORT_VIEW, customer=_customer_of(BindingTarget)),
    "binding-target-csv": AuditedRoute(A.REPORT_EXPORT, customer=_customer_of(BindingTarget)),
    # Customers: the portfolio dashboard, the list and each customer's page (and API).
    "home": AuditedRoute(A.CUSTOMER_LIST, applies_to=_portfolio_roles),
    # A decision-maker's or supervisor's dashboard: their own company's figures.
    "dashboard": AuditedRoute(A.STATISTICS_VIEW),
    "cooperation:customer-list": AuditedRoute(A.CUSTOMER_LIST),
    "cooperation:customer-detail": AuditedRoute(A.CUSTOMER_VIEW),
    "customer-list": AuditedRoute(A.API_LIST),
    "customer-detail": AuditedRoute(A.CUSTOMER_VIEW),
    # Lists of people and their visits and sick leave (API).
    "employee-list": AuditedRoute(A.API_LIST),
    "employee-detail": AuditedRoute(A.API_VIEW, customer=_customer_of(Employee)),
    "sick-leave-list": AuditedRoute(A.API_LIST),
    "sick-leave-detail": AuditedRoute(A.API_VIEW, customer=_customer_of(SickLeave)),
    "contact-list": AuditedRoute(A.API_LIST),
    "contact-detail": AuditedRoute(A.API_VIEW, customer=_customer_of(Contact)),
    "visit-list": AuditedRoute(A.API_LIST),
    "visit-detail": AuditedRoute(A.API_VIEW, customer=_customer_of(Visit, kwarg="external_id", field="external_id")),
    # Work-health matrices: a customer's yearly results, sick-leave days among them.
    "cooperation:matrix-list": AuditedRoute(A.REPORT_VIEW),
    # The annual cooperation report: the year's figures of one customer, on the page and as a PDF.
    "annual-report": AuditedRoute(A.REPORT_VIEW),
    "annual-report-pdf": AuditedRoute(A.REPORT_EXPORT),
    # The economic impact calculator starts from the customer's sick-leave days.
    "cooperation:economic-impact": AuditedRoute(A.REPORT_VIEW),
    "cooperation:matrix-detail": AuditedRoute(A.REPORT_VIEW, customer=_customer_of(WorkHealthMatrix)),
    "customer-matrices": AuditedRoute(A.REPORT_VIEW),
    "matrix-detail": AuditedRoute(A.REPORT_VIEW, customer=_customer_of(WorkHealthMatrix)),
    # Account alerts: their reasons quote customers' NPS and health figures.
    "alert-list": AuditedRoute(A.API_LIST),
    "alerts:inbox": AuditedRoute(A.CUSTOMER_LIST),
}

#: Named routes that leave no event, by reason. Admin pages other than an answer's are left out
#: of the check: the admin's own history records its changes, and this app records the ones that
#: matter (users' roles and permissions, answers) from the models.
UNAUDITED_ROUTES: frozenset[str] = frozenset(
    {
        # The public survey pages: anonymous people answering, never an audited read.
        "surveys:answer",
        "surveys:unsubscribe",
        # Signing in and out, the language switch, the API's root and its documentation.
        "login",
        "logout",
        "set_language",
        "api-root",
        "schema",
        "api-docs",
        # The provider's own master data: units, practitioners, services.
        "unit-list",
        "unit-detail",
        "practitioner-list",
        "practitioner-detail",
        "service-list",
        "service-detail",
        # Agreements' texts, goals' definitions, meetings and their action items: plans agreed
        # with the customer, no figures about its people (the pages with figures are audited).
        "agreement-list",
        "agreement-detail",
        "agreement-transitions",
        "goal-list",
        "goal-detail",
        "meeting-list",
        "meeting-detail",
        "action-item-list",
        "action-item-detail",
        "cooperation:meeting-list",
        "cooperation:meeting-detail",
        # Forms that write (their reads are the audited pages they lead back to).
        "cooperation:customer-create",
        "cooperation:matrix-fill",
        "cooperation:matrix-indicators",
        "matrix-results",
        # Ready matrix templates and the early-retirement fee estimate: no customer's data.
        "matrix-template-list",
        "early-retirement-fee",
        "cooperation:contact-create",
        "cooperation:agreement-create",
        "cooperation:goal-create",
        "cooperation:goal-update",
        "cooperation:meeting-create",
        "cooperation:meeting-update",
        "cooperation:action-item-create",
        "cooperation:action-item-update",
        "cooperation:action-item-complete",
        "cooperation:action-item-reopen",
        "cooperation:customer-note-create",
        # Acknowledging or snoozing an alert (the reads are the audited inbox and alert list).
        "alert-acknowledge",
        "alerts:acknowledge",
        "alerts:snooze",
        # NPS rounds (whom the provider surveyed, and counts) and binding targets (the targets
        # set, not the results: those are the audited reports).
        "nps-round-list",
        "nps-round-detail",
        "questionnaire-version-list",  # the questions, no answers
        "questionnaire-version-detail",
        "surveys:nps-rounds",
        "binding-target-list",
        "binding-target-detail",
        # The feedback-case queue and figures: scores, units, due times and counts, no comment
        # or contact (the case's own page and the API, which show them, are audited).
        "feedback-case-queue",
        "feedback-case-report",
        "feedback-case-figures",
        # Chats' and phone calls' response delay (the contact-centre system's log and the
        # figures of it): the provider's own service times by unit, no customer or person.
        "contacts-log",
        "response-delay",
        "response-delay-report",
    }
)
