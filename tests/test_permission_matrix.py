"""API.md "Who may do what", as one table: every endpoint, with every role, against the user's
own customer's objects and against another customer's.

How to add an endpoint: append a ``Case`` to ``CASES`` (or ``CASES += [...]`` from your app's
section at the end). ``url`` and ``body`` get a ``Side``: ``side.customer`` and the objects the
builders in ``WORLD_BUILDERS`` made for that customer (``side.agreement``, ``side.employee``…);
if your endpoint needs objects of its own, append a builder that answers a dict of them.
``own`` and ``other`` give the expected answer for each role in ``ROLES`` order: a status code,
or ``SEEN`` / ``HIDDEN`` for a list that answers 200 with / without the customer's objects.
Anonymous requests are checked for every case (401)."""

import itertools
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace
from typing import Any

import pytest
from rest_framework.test import APIClient

from tests.conftest import api_client_for
from tests.cooperation import factories as f

ROLES = ("admin", "account-manager", "decision-maker", "supervisor", "quality", "integration")

SEEN = "seen"  # 200, and the list holds the customer's objects
HIDDEN = "hidden"  # 200, and the list holds none of them


@dataclass(frozen=True)
class Case:
    name: str
    method: str  # get, post, patch, delete
    url: Callable[["Side"], str]
    own: tuple  # per role in ROLES order, for the user's own customer ("own portfolio", "own company")
    other: tuple  # the same for another account manager's customer
    body: Callable[["Side"], Any] | None = None


class Side(SimpleNamespace):
    """One customer and its objects."""


_unique = itertools.count(1)


def unique() -> int:
    return next(_unique)


def new_business_id() -> str:
    return f.make_business_id(5_000_000 + unique() * 13)


def cooperation_objects(customer) -> dict:
    employee = f.EmployeeFactory(customer=customer)
    # In orientation with the customer's goals recorded: it may move on, and be deleted.
    agreement = f.AgreementFactory(customer=customer, customer_responsibility_goals="Keep people at work longer.")
    goal = f.GoalFactory(agreement=agreement)
    meeting = f.MeetingFactory(customer=customer, agreement=agreement)
    return {
        "contact": f.ContactFactory(customer=customer),
        "employee": employee,
        "sick_leave": f.SickLeaveFactory(employee=employee),
        "agreement": agreement,
        "goal": goal,
        "measurement": f.MeasurementFactory(goal=goal),
        "meeting": meeting,
        "action_item": f.ActionItemFactory(meeting=meeting),
    }


#: Each builder takes a customer and answers the objects to put on its Side.
WORLD_BUILDERS: list[Callable[[Any], dict]] = [cooperation_objects]


# Expected answers per role (admin, account-manager, decision-maker, supervisor, quality, integration).
READ_OWN = (200, 200, 200, 200, 403, 403)
READ_OTHER = (200, 404, 404, 404, 403, 403)
LIST_OWN = (SEEN, SEEN, SEEN, SEEN, 403, 403)
LIST_OTHER = (SEEN, HIDDEN, HIDDEN, HIDDEN, 403, 403)
ROSTER_READ_OWN = (200, 200, 403, 403, 403, 200)
ROSTER_READ_OTHER = (200, 404, 403, 403, 403, 200)
ROSTER_LIST_OWN = (SEEN, SEEN, 403, 403, 403, SEEN)
ROSTER_LIST_OTHER = (SEEN, HIDDEN, 403, 403, 403, SEEN)


def write_own(code: int) -> tuple:
    return (code, code, 403, 403, 403, 403)


def write_other(code: int) -> tuple:
    """Changing another portfolio's object: it is not there (404)."""
    return (code, 404, 403, 403, 403, 403)


def create_other(code: int) -> tuple:
    """A body naming another portfolio's customer: answered like an unknown one (400)."""
    return (code, 400, 403, 403, 403, 403)


def roster_write(code: int, *, other: bool) -> tuple:
    return (code, 400 if other else code, 403, 403, 403, code)


API = "/api/v1"

CASES: list[Case] = [
    # --- customers
    Case("customers: list", "get", lambda s: f"{API}/customers/?search={s.customer.business_id}", LIST_OWN, LIST_OTHER),
    Case("customers: retrieve", "get", lambda s: f"{API}/customers/{s.customer.business_id}/", READ_OWN, READ_OTHER),
    Case(
        "customers: create",
        "post",
        lambda s: f"{API}/customers/",
        write_own(201),
        create_other(201),  # naming another account manager as the manager
        body=lambda s: {
            "business_id": new_business_id(),
            "name": f"New customer {unique()} Oy",
            "headcount": 30,
            "account_manager": s.customer.account_manager.email,
        },
    ),
    Case(
        "customers: update",
        "patch",
        lambda s: f"{API}/customers/{s.customer.business_id}/",
        write_own(200),
        write_other(200),
        body=lambda s: {"headcount": 300},
    ),
    # --- contacts
    Case("contacts: list", "get", lambda s: f"{API}/contacts/?customer={s.customer.business_id}", LIST_OWN, LIST_OTHER),
    Case("contacts: retrieve", "get", lambda s: f"{API}/contacts/{s.contact.pk}/", READ_OWN, READ_OTHER),
    Case(
        "contacts: create",
        "post",
        lambda s: f"{API}/contacts/",
        write_own(201),
        create_other(201),
        body=lambda s: {"customer": s.customer.business_id, "name": "Maija Meikäläinen", "role": "hr"},
    ),
    Case(
        "contacts: update",
        "patch",
        lambda s: f"{API}/contacts/{s.contact.pk}/",
        write_own(200),
        write_other(200),
        body=lambda s: {"title": "CEO"},
    ),
    # --- roster: employees and sick leaves (the integration writes for every customer)
    Case(
        "employees: list",
        "get",
        lambda s: f"{API}/employees/?customer={s.customer.business_id}",
        ROSTER_LIST_OWN,
        ROSTER_LIST_OTHER,
    ),
    Case(
        "employees: retrieve", "get", lambda s: f"{API}/employees/{s.employee.pk}/", ROSTER_READ_OWN, ROSTER_READ_OTHER
    ),
    Case(
        "employees: upsert one",
        "post",
        lambda s: f"{API}/employees/",
        roster_write(201, other=False),
        roster_write(201, other=True),
        body=lambda s: {"customer": s.customer.business_id, "external_id": f"new-{unique()}", "language": "sv"},
    ),
    Case(
        "employees: upsert a list",
        "post",
        lambda s: f"{API}/employees/",
        roster_write(200, other=False),
        (200, 400, 403, 403, 403, 200),
        body=lambda s: [{"customer": s.customer.business_id, "external_id": s.employee.external_id, "language": "en"}],
    ),
    Case(
        "sick leaves: list",
        "get",
        lambda s: f"{API}/sick-leaves/?customer={s.customer.business_id}",
        ROSTER_LIST_OWN,
        ROSTER_LIST_OTHER,
    ),
    Case(
        "sick leaves: retrieve",
        "get",
        lambda s: f"{API}/sick-leaves/{s.sick_leave.pk}/",
        ROSTER_READ_OWN,
        ROSTER_READ_OTHER,
    ),
    Case(
        "sick leaves: create",
        "post",
        lambda s: f"{API}/sick-leaves/",
        roster_write(201, other=False),
        roster_write(201, other=True),
        body=lambda s: {
            "customer": s.customer.business_id,
            "employee": s.employee.external_id,
            "start": "2026-02-02",
            "end": "2026-02-04",
        },
    ),
    # --- agreements
    Case(
        "agreements: list",
        "get",
        lambda s: f"{API}/agreements/?customer={s.customer.business_id}",
        LIST_OWN,
        LIST_OTHER,
    ),
    Case("agreements: retrieve", "get", lambda s: f"{API}/agreements/{s.agreement.pk}/", READ_OWN, READ_OTHER),
    Case(
        "agreements: create",
        "post",
        lambda s: f"{API}/agreements/",
        write_own(201),
        create_other(201),
        body=lambda s: {
            "customer": s.customer.business_id,
            "title": "Responsibility goals 2027",
            "period_start": "2027-01-01",
            "period_end": "2027-12-31",
        },
    ),
    Case(
        "agreements: update",
        "patch",
        lambda s: f"{API}/agreements/{s.agreement.pk}/",
        write_own(200),
        write_other(200),
        body=lambda s: {"themes": ["employee-wellbeing", "personnel-management"]},
    ),
    Case(
        "agreements: delete a draft",
        "delete",
        lambda s: f"{API}/agreements/{s.agreement.pk}/",
        write_own(204),
        write_other(204),
    ),
    Case(
        "agreements: transition history",
        "get",
        lambda s: f"{API}/agreements/{s.agreement.pk}/transitions/",
        READ_OWN,
        READ_OTHER,
    ),
    Case(
        "agreements: move to the next phase",
        "post",
        lambda s: f"{API}/agreements/{s.agreement.pk}/transitions/",
        write_own(201),
        write_other(201),
        body=lambda s: {"to_phase": "identification", "note": "Orientation meeting held."},
    ),
    # --- goals and measurements
    Case("goals: list", "get", lambda s: f"{API}/goals/?customer={s.customer.business_id}", LIST_OWN, LIST_OTHER),
    Case("goals: retrieve", "get", lambda s: f"{API}/goals/{s.goal.pk}/", READ_OWN, READ_OTHER),
    Case(
        "goals: create",
        "post",
        lambda s: f"{API}/goals/",
        write_own(201),
        create_other(201),  # naming another portfolio's agreement
        body=lambda s: {
            "agreement": s.agreement.pk,
            "theme": "personnel-management",
            "indicator": "nps-supervisors",
            "target": "60",
        },
    ),
    Case(
        "goals: update",
        "patch",
        lambda s: f"{API}/goals/{s.goal.pk}/",
        write_own(200),
        write_other(200),
        body=lambda s: {"target": "90"},
    ),
    Case("goals: delete", "delete", lambda s: f"{API}/goals/{s.goal.pk}/", write_own(204), write_other(204)),
    Case(
        "measurements: list",
        "get",
        lambda s: f"{API}/measurements/?customer={s.customer.business_id}",
        LIST_OWN,
        LIST_OTHER,
    ),
    Case("measurements: retrieve", "get", lambda s: f"{API}/measurements/{s.measurement.pk}/", READ_OWN, READ_OTHER),
    Case(
        "measurements: record",
        "post",
        lambda s: f"{API}/measurements/",
        write_own(201),
        create_other(201),
        body=lambda s: {"goal": s.goal.pk, "measured_on": "2026-09-30", "value": "84.5"},
    ),
    # --- steering-group meetings and their action items
    Case("meetings: list", "get", lambda s: f"{API}/meetings/?customer={s.customer.business_id}", LIST_OWN, LIST_OTHER),
    Case("meetings: retrieve", "get", lambda s: f"{API}/meetings/{s.meeting.pk}/", READ_OWN, READ_OTHER),
    Case(
        "meetings: create",
        "post",
        lambda s: f"{API}/meetings/",
        write_own(201),
        create_other(201),
        body=lambda s: {
            "customer": s.customer.business_id,
            "date": "2026-10-01",
            "action_items": [{"description": "Follow sick leave monthly", "owner": "HR"}],
        },
    ),
    Case(
        "meetings: update",
        "patch",
        lambda s: f"{API}/meetings/{s.meeting.pk}/",
        write_own(200),
        write_other(200),
        body=lambda s: {"decisions": "Start the early-support model."},
    ),
    Case(
        "action items: list",
        "get",
        lambda s: f"{API}/action-items/?customer={s.customer.business_id}",
        LIST_OWN,
        LIST_OTHER,
    ),
    Case("action items: retrieve", "get", lambda s: f"{API}/action-items/{s.action_item.pk}/", READ_OWN, READ_OTHER),
    Case(
        "action items: mark done",
        "patch",
        lambda s: f"{API}/action-items/{s.action_item.pk}/",
        write_own(200),
        write_other(200),
        body=lambda s: {"done": True},
    ),
]


def build_side(customer) -> Side:
    side = Side(customer=customer)
    for builder in WORLD_BUILDERS:
        for name, value in builder(customer).items():
            setattr(side, name, value)
    return side


def check(response, expected, case: Case) -> None:
    where = f"{case.method.upper()} {response.request['PATH_INFO']}"
    if expected in (SEEN, HIDDEN):
        assert response.status_code == 200, (where, response.status_code, response.content[:300])
        body = response.json()
        results = body["results"] if isinstance(body, dict) and "results" in body else body
        assert bool(results) == (expected == SEEN), (where, expected, results)
    else:
        assert response.status_code == expected, (where, response.status_code, response.content[:300])


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.parametrize("role", [*ROLES, "anonymous"])
@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_who_may_do_what(case: Case, role: str, users, customer, other_customer):
    client = APIClient() if role == "anonymous" else api_client_for(users[role])
    for side_name, side_customer in (("own", customer), ("other", other_customer)):
        side = build_side(side_customer)
        kwargs = {"format": "json"}
        if case.body is not None:
            kwargs["data"] = case.body(side)
        response = getattr(client, case.method)(case.url(side), **kwargs)
        expected = 401 if role == "anonymous" else (case.own if side_name == "own" else case.other)[ROLES.index(role)]
        check(response, expected, case)


# --- surveys: master data, visits, NPS rounds (helper B) ---------------------------------------


def survey_objects(customer) -> dict:
    from tests.surveys.factories import PractitionerFactory, ServiceFactory, UnitFactory, VisitFactory

    unit = UnitFactory()
    visit = VisitFactory(customer=customer, unit=unit)
    nps_round = _nps_round(customer)
    return {
        "unit": unit,
        "practitioner": PractitionerFactory(unit=unit),
        "service": ServiceFactory(),
        "visit": visit,
        "nps_round": nps_round,
    }


def _nps_round(customer):
    from surveys.models import NpsRound

    nps_round = NpsRound.objects.create(respondent_group="supervisor", started_by=customer.account_manager)
    nps_round.customers.add(customer)
    return nps_round


WORLD_BUILDERS.append(survey_objects)

# Master data belongs to no customer: the same answer on both sides.
MASTER_LIST = (SEEN, SEEN, 403, 403, SEEN, SEEN)
MASTER_READ = (200, 200, 403, 403, 200, 200)


def master_write(code: int) -> tuple:
    return (code, 403, 403, 403, 403, code)


VISITS = (200, 403, 403, 403, 403, 200)


def visit_body(s) -> dict:
    n = unique()
    return {
        "external_id": f"matrix-{n}",
        "customer": s.customer.business_id,
        "patient": {"external_id": f"matrix-p-{n}", "email": f"matrix{n}@example.com"},
        "unit": s.unit.code,
        "channel": "visit",
        "ended_at": "2026-11-22T10:30:00+02:00",
    }


CASES += [
    Case("units: list", "get", lambda s: f"{API}/units/?code={s.unit.code}", MASTER_LIST, MASTER_LIST),
    Case("units: retrieve", "get", lambda s: f"{API}/units/{s.unit.code}/", MASTER_READ, MASTER_READ),
    Case(
        "units: create",
        "post",
        lambda s: f"{API}/units/",
        master_write(201),
        master_write(201),
        body=lambda s: {"code": f"U-{unique()}", "name": "Espoo emergency", "type": "emergency"},
    ),
    Case(
        "units: update",
        "patch",
        lambda s: f"{API}/units/{s.unit.code}/",
        master_write(200),
        master_write(200),
        body=lambda s: {"nps_target": 75},
    ),
    Case(
        "practitioners: list",
        "get",
        lambda s: f"{API}/practitioners/?code={s.practitioner.code}",
        MASTER_LIST,
        MASTER_LIST,
    ),
    Case(
        "practitioners: retrieve",
        "get",
        lambda s: f"{API}/practitioners/{s.practitioner.code}/",
        MASTER_READ,
        MASTER_READ,
    ),
    Case(
        "practitioners: create",
        "post",
        lambda s: f"{API}/practitioners/",
        master_write(201),
        master_write(201),
        body=lambda s: {"code": f"dr-new-{unique()}", "name": "Dr. Virtanen", "unit": s.unit.code},
    ),
    Case("services: list", "get", lambda s: f"{API}/services/?code={s.service.code}", MASTER_LIST, MASTER_LIST),
    Case("services: retrieve", "get", lambda s: f"{API}/services/{s.service.code}/", MASTER_READ, MASTER_READ),
    Case(
        "services: create",
        "post",
        lambda s: f"{API}/services/",
        master_write(201),
        master_write(201),
        body=lambda s: {"code": f"covid-{unique()}", "name": "COVID test", "collects_feedback": False},
    ),
    Case(
        "services: update",
        "patch",
        lambda s: f"{API}/services/{s.service.code}/",
        master_write(200),
        master_write(200),
        body=lambda s: {"collects_feedback": False},
    ),
    Case("visits: record", "post", lambda s: f"{API}/visits/", master_write(201), master_write(201), body=visit_body),
    Case("visits: retrieve", "get", lambda s: f"{API}/visits/{s.visit.external_id}/", VISITS, VISITS),
    Case(
        "nps rounds: list",
        "get",
        lambda s: f"{API}/nps-rounds/?customer={s.customer.business_id}",
        (SEEN, SEEN, 403, 403, 403, 403),
        (SEEN, HIDDEN, 403, 403, 403, 403),
    ),
    Case(
        "nps rounds: retrieve",
        "get",
        lambda s: f"{API}/nps-rounds/{s.nps_round.pk}/",
        (200, 200, 403, 403, 403, 403),
        (200, 404, 403, 403, 403, 403),
    ),
    Case(
        "nps rounds: start",
        "post",
        lambda s: f"{API}/nps-rounds/",
        write_own(201),
        create_other(201),
        body=lambda s: {"respondent_group": "decision-maker", "customers": [s.customer.business_id]},
    ),
    Case(
        "questionnaire versions: list",
        "get",
        lambda s: f"{API}/questionnaire-versions/",
        (200, 200, 403, 403, 403, 403),
        (200, 200, 403, 403, 403, 403),
    ),
    Case(
        "questionnaire results: a customer's",
        "get",
        lambda s: f"{API}/questionnaire-results/?customer={s.customer.business_id}",
        (200, 200, 403, 403, 403, 403),
        (200, 404, 403, 403, 403, 403),
    ),
]


# --- statistics: NPS, coping, health, goal values, comments, binding targets (helper C) --------

# Statistics name the customer in a filter: another portfolio's customer answers 404.
STATS_OWN = (200, 200, 200, 200, 200, 403)
STATS_OTHER = (200, 404, 404, 404, 200, 403)
COMMENTS = (200, 403, 403, 403, 200, 403)
TARGETS_LIST = (200, 200, 403, 403, 200, 403)

CASES += [
    Case("nps", "get", lambda s: f"{API}/nps/?customer={s.customer.business_id}&by=quarter", STATS_OWN, STATS_OTHER),
    Case("coping", "get", lambda s: f"{API}/coping/?customer={s.customer.business_id}", STATS_OWN, STATS_OTHER),
    Case(
        "health percentage",
        "get",
        lambda s: f"{API}/customers/{s.customer.business_id}/health/?months=12&end=2025-12-31",
        READ_OWN,
        READ_OTHER,
    ),
    Case(
        "health percentage by month",
        "get",
        lambda s: f"{API}/customers/{s.customer.business_id}/health/series/?months=6&end=2025-12-31",
        READ_OWN,
        READ_OTHER,
    ),
    Case("goal indicator value", "get", lambda s: f"{API}/goals/{s.goal.pk}/indicator/", READ_OWN, READ_OTHER),
    Case("comments", "get", lambda s: f"{API}/comments/", COMMENTS, COMMENTS),
    Case("binding targets: list", "get", lambda s: f"{API}/binding-targets/", TARGETS_LIST, TARGETS_LIST),
]


# --- account alerts (helper "alerts") -----------------------------------------------------------


def alert_objects(customer) -> dict:
    from django.utils import timezone

    from portal.alerts.models import Alert

    subject = f"goal:{unique()}"
    params = {"goal": 1, "agreement": 1, "label": "Sick-leave days"}
    alert = Alert.objects.create(
        customer=customer, kind="goal-off-track", subject=subject, params=params, raised_at=timezone.now()
    )
    return {"alert": alert}


WORLD_BUILDERS.append(alert_objects)

ALERTS_OWN = (SEEN, SEEN, 403, 403, 403, 403)
ALERTS_OTHER = (SEEN, HIDDEN, 403, 403, 403, 403)

CASES += [
    Case(
        "alerts: list",
        "get",
        lambda s: f"{API}/alerts/?customer={s.customer.business_id}&open=true",
        ALERTS_OWN,
        ALERTS_OTHER,
    ),
    Case(
        "alerts: acknowledge",
        "post",
        lambda s: f"{API}/alerts/{s.alert.pk}/acknowledge/",
        write_own(200),
        write_other(200),
        body=lambda s: {"note": "Called the HR manager."},
    ),
]


# --- service contacts: the chat and phone log, and the response delay (helper "contacts") ------

# Contacts belong to the provider's units, not to a customer: the same answer on both sides.
CONTACT_LOG = (201, 403, 403, 403, 403, 201)
RESPONSE_DELAY = (200, 403, 403, 403, 200, 403)


def contact_body(s) -> dict:
    return {
        "external_id": f"chat-{unique()}",
        "channel": "chat",
        "unit": s.unit.code,
        "started_at": "2026-11-02T08:00:00+02:00",
        "first_response_at": "2026-11-02T08:00:45+02:00",
    }


CASES += [
    Case("contacts log: record", "post", lambda s: f"{API}/contacts-log/", CONTACT_LOG, CONTACT_LOG, body=contact_body),
    Case(
        "response delay",
        "get",
        lambda s: f"{API}/response-delay/?channel=chat&unit={s.unit.code}&by=day",
        RESPONSE_DELAY,
        RESPONSE_DELAY,
    ),
]
