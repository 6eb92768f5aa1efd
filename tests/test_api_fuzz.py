"""Schemathesis against the served schema (/api/schema/), once per role: no answer is a server
error, and every answer — its status, content type, headers and body — is what the schema says.

Every operation is a test per role (``-k "units and quality"`` picks some). The tests share a
realistic data set (factories: two customers with their agreements, goals, meetings, roster,
visits and answers), and each runs in a savepoint of its own, so what one writes is gone before
the next; generated path ids, codes, business IDs and emails are swapped for real ones now and
then, so the fuzzing reaches the objects and their valid paths too, not only the 404s. The
requests, 2xx answers and failures per role are printed at the end of the run."""

import datetime as dt
import os
from collections import Counter
from dataclasses import dataclass, field

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from portal.alerts.models import Alert
from portal.wsgi import application
from surveys.models import BindingTarget, NpsRound, UnitQualityStaff
from surveys.services import feedback_case_open
from tests.cooperation import factories as f
from tests.surveys import factories as sf
from tests.surveys.factories_stats import answer

ROLES = ("admin", "account-manager", "decision-maker", "supervisor", "quality", "integration")
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    response_headers_conformance,
]
#: Examples per operation and role: 69 operations × 6 roles stay within about three minutes on
#: two cores (measured in CI), and still reach every status an operation answers. A longer hunt:
#: ``FUZZ_MAX_EXAMPLES=200 pytest tests/test_api_fuzz.py``.
MAX_EXAMPLES = int(os.environ.get("FUZZ_MAX_EXAMPLES", "10"))

schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
# Generated examples only: the coverage phase's hundreds of boundary cases per operation would not
# fit the time; the fuzzing phase reaches the same boundaries over the runs.
schema.config.phases.update(phases=["examples", "fuzzing"])


# --- Counts for the run's summary (printed by tests/conftest.py) ---------------------------------


@dataclass
class FuzzCounts:
    requests: Counter = field(default_factory=Counter)
    successes: Counter = field(default_factory=Counter)  # 2xx answers: the fuzzing reached real objects
    failed_requests: Counter = field(default_factory=Counter)
    operations: Counter = field(default_factory=Counter)


COUNTS = FuzzCounts()


def summary_lines(failed_reports) -> list[str]:
    """A table of requests and failures per role; ``failed_reports`` are the run's failed tests."""
    if not COUNTS.operations:
        return []
    failed_operations = Counter(
        role for report in failed_reports for role in ROLES if report.nodeid.endswith(f"[{role}]")
    )
    header = ("role", "operations", "requests", "2xx", "failed requests", "failed operations")
    lines = ["{:<16} {:>10} {:>9} {:>6} {:>16} {:>18}".format(*header)]
    for role in ROLES:
        if COUNTS.operations[role]:
            lines.append(
                f"{role:<16} {COUNTS.operations[role]:>10} {COUNTS.requests[role]:>9} {COUNTS.successes[role]:>6} "
                f"{COUNTS.failed_requests[role]:>16} {failed_operations[role]:>18}"
            )
    lines.append(
        f"{'all':<16} {sum(COUNTS.operations.values()):>10} {sum(COUNTS.requests.values()):>9} "
        f"{sum(COUNTS.successes.values()):>6} {sum(COUNTS.failed_requests.values()):>16} "
        f"{sum(failed_operations.values()):>18}"
    )
    return lines


# --- The data set ----------------------------------------------------------------------------------


@dataclass
class World:
    """Real values per path or query parameter name, and a token per role."""

    tokens: dict[str, str]
    values: dict[str, list]


WORLD: World | None = None


def build_world() -> World:
    own = f.CustomerFactory(name="Own Customer Oy", account_manager=f.UserFactory(role="account-manager"))
    other = f.CustomerFactory(name="Other Customer Ab", account_manager=f.UserFactory(role="account-manager"))
    users = {
        "admin": f.UserFactory(role="admin", is_staff=True),
        "account-manager": own.account_manager,
        "decision-maker": f.UserFactory(role="decision-maker", customer=own),
        "supervisor": f.UserFactory(role="supervisor", customer=own),
        "quality": f.UserFactory(role="quality"),
        "integration": f.UserFactory(role="integration"),
    }
    values: dict[str, list] = {name: [] for name in ("contact", "employee", "sick_leave", "agreement", "goal")}
    values |= {name: [] for name in ("measurement", "meeting", "action_item", "visit", "nps_round", "target")}
    values |= {name: [] for name in ("business_id", "unit", "practitioner", "service", "external_id", "email")}
    values |= {"feedback_case": [], "quality_email": [], "cause": ["waiting-time", "other"]}
    values["alert"] = []
    # The decision-makers' questionnaire shipped by the data migration.
    values["questionnaire_version"] = [sf.decision_maker_questionnaire().pk]
    last_year = timezone.localdate().year - 1
    for customer in (own, other):
        unit = sf.UnitFactory()
        practitioner = sf.PractitionerFactory(unit=unit)
        service = sf.ServiceFactory()
        employee = f.EmployeeFactory(customer=customer, email=f"worker@{customer.business_id}.example")
        agreement = f.AgreementFactory(customer=customer, customer_responsibility_goals="Keep people at work longer.")
        goal = f.GoalFactory(agreement=agreement)
        meeting = f.MeetingFactory(customer=customer, agreement=agreement)
        visit = sf.VisitFactory(customer=customer, employee=employee, unit=unit, practitioner=practitioner)
        nps_round = NpsRound.objects.create(respondent_group="supervisor", started_by=customer.account_manager)
        nps_round.customers.add(customer)
        for month in (3, 4, 5):
            for score in (10, 9, 9, 7, 3, 10):
                response = answer(
                    score,
                    dt.datetime(last_year, month, 10, 12, tzinfo=dt.UTC),
                    customer=customer,
                    practitioner=practitioner,
                    service=service,
                    coping="yes" if score > 8 else "na",
                    comment="Quick and friendly." if score > 8 else "",
                )
                case = feedback_case_open(response=response, contact="040 123 4567" if month == 4 else "")
                if case is not None:
                    values["feedback_case"].append(case.pk)
        values["contact"].append(f.ContactFactory(customer=customer).pk)
        values["employee"].append(employee.pk)
        values["sick_leave"].append(f.SickLeaveFactory(employee=employee).pk)
        values["agreement"].append(agreement.pk)
        values["goal"].append(goal.pk)
        values["measurement"].append(f.MeasurementFactory(goal=goal).pk)
        values["meeting"].append(meeting.pk)
        values["action_item"].append(f.ActionItemFactory(meeting=meeting).pk)
        values["alert"].append(
            Alert.objects.create(
                customer=customer, kind="goal-off-track", subject=f"goal:{goal.pk}", raised_at=timezone.now()
            ).pk
        )
        values["visit"].append(visit.external_id)
        values["nps_round"].append(nps_round.pk)
        values["target"].append(
            BindingTarget.objects.create(year=last_year, scope="customer", customer=customer, target=50).pk
        )
        values["business_id"].append(customer.business_id)
        values["unit"].append(unit.code)
        values["practitioner"].append(practitioner.code)
        values["service"].append(service.code)
        values["external_id"].append(employee.external_id)
        values["email"].append(customer.account_manager.email)
    UnitQualityStaff.objects.create(unit=unit, user=users["quality"])
    values["quality_email"].append(users["quality"].email)
    values["target"].append(BindingTarget.objects.create(year=last_year, scope="organisation", target=40).pk)
    tokens = {role: Token.objects.get_or_create(user=user)[0].key for role, user in users.items()}
    return World(tokens=tokens, values=values)


@pytest.fixture(scope="module")
def fuzz_world_data(django_db_setup, django_db_blocker):
    """The data set, made once for the module in a transaction of its own that is rolled back at
    the end; each test runs in a savepoint inside it (``db``), so what one test writes is gone
    before the next (Django's ``setUpTestData``)."""
    global WORLD
    with django_db_blocker.unblock():
        module_transaction = transaction.atomic()
        module_transaction.__enter__()
        try:
            WORLD = build_world()
            yield WORLD
        finally:
            WORLD = None
            transaction.set_rollback(True)
            module_transaction.__exit__(None, None, None)


@pytest.fixture
def fuzz_world(fuzz_world_data, db, request):
    COUNTS.operations[request.node.callspec.params["role"]] += 1
    # Requests reach the WSGI application directly, not through Django's test client: keep the
    # test's connection (inside its transaction) open across requests, as the test client does.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield fuzz_world_data
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# --- Real values in place of generated ones --------------------------------------------------------

#: The kind of object a path's ``{id}`` names, by the path's first segment.
PATH_ID_KINDS = {
    "contacts": "contact",
    "employees": "employee",
    "sick-leaves": "sick_leave",
    "agreements": "agreement",
    "goals": "goal",
    "measurements": "measurement",
    "meetings": "meeting",
    "action-items": "action_item",
    "nps-rounds": "nps_round",
    "binding-targets": "target",
    "units": "unit",
    "practitioners": "practitioner",
    "services": "service",
    "visits": "visit",
    "feedback-cases": "feedback_case",
    "alerts": "alert",
    "questionnaire-versions": "questionnaire_version",
}
#: Query and body fields that name objects, and the kind they name.
FIELD_KINDS = {
    "customer": "business_id",
    "questionnaire_version": "questionnaire_version",
    "unit": "unit",
    "unit__code": "unit",
    "practitioner": "practitioner",
    "service": "service",
    "agreement": "agreement",
    "goal": "goal",
    "meeting": "meeting",
    "employee": "external_id",
    "external_id": "external_id",
    "code": "unit",
    "account_manager": "email",
    "owner": "quality_email",
    "cause": "cause",
}


def _path_kind(path: str, name: str) -> str | None:
    if name == "business_id":
        return "business_id"
    segment = path.removeprefix("/api/v1/").split("/")[0]
    return PATH_ID_KINDS.get(segment)


def _swapped(values: dict, kinds: dict) -> st.SearchStrategy:
    """Each value of ``kinds`` (name → kind) is kept or replaced by a real one, as Hypothesis picks."""
    names = [name for name in values if name in kinds and WORLD is not None and WORLD.values.get(kinds[name])]
    if not names:
        return st.just(values)
    choices = {name: st.one_of(st.just(values[name]), st.sampled_from(WORLD.values[kinds[name]])) for name in names}
    return st.fixed_dictionaries(choices).map(lambda picked: {**values, **picked})


@schema.hook
def flatmap_path_parameters(context, path_parameters):
    if not path_parameters:
        return st.just(path_parameters)
    kinds = {name: _path_kind(context.operation.path, name) for name in path_parameters}
    return _swapped(path_parameters, {name: kind for name, kind in kinds.items() if kind})


@schema.hook
def flatmap_query(context, query):
    if not query:
        return st.just(query)
    return _swapped(query, FIELD_KINDS)


@schema.hook
def flatmap_body(context, body):
    if not isinstance(body, dict):
        return st.just(body)
    return _swapped(body, FIELD_KINDS)


#: A role an endpoint refuses outright (API.md: 403) gets that answer whatever the input, before
#: any of it is read: after this many, the rest of its examples are not sent, which leaves the time
#: to the roles that may use the endpoint.
REFUSALS_ENOUGH = 3
REFUSED: Counter = Counter()


# --- The test --------------------------------------------------------------------------------------


@pytest.mark.fuzz
@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)
def test_api_answers_as_its_schema_says(case, role, fuzz_world):
    refusals = (case.operation.label, role)
    if REFUSED[refusals] >= REFUSALS_ENOUGH:
        return
    headers = {"Authorization": f"Token {fuzz_world.tokens[role]}", "Accept-Language": "en"}
    response = case.call(headers=headers)
    REFUSED[refusals] += response.status_code == 403
    COUNTS.requests[role] += 1
    COUNTS.successes[role] += response.status_code < 300
    try:
        case.validate_response(response, checks=CHECKS, headers=headers)
    except BaseException:
        COUNTS.failed_requests[role] += 1
        raise
