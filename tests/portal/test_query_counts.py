"""Each main page costs the same number of SQL queries with a few rows as with many: its rows
are loaded with the page, never one query per row (issue 8, the pages at national scale).

A row of CASES names a page (who reads it, its URL) and how to give it more rows of what it
lists; the test asks the page once to warm up, counts the queries, grows it, counts again."""

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Indicator
from surveys.models import BindingTarget, NpsRound, RespondentGroup, UnitQualityStaff
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    ContactFactory,
    CustomerFactory,
    GoalFactory,
    MeasurementFactory,
    MeetingFactory,
    UserFactory,
)
from tests.surveys.factories import PractitionerFactory, UnitFactory
from tests.surveys.factories_stats import answer

pytestmark = pytest.mark.django_db

FEW, MORE = 2, 6


@pytest.fixture
def world():
    admin = UserFactory(email="admin@provider.example", role="admin")
    manager = UserFactory(email="am@provider.example", role="account-manager")
    quality = UserFactory(email="quality@provider.example", role="quality")
    customer = CustomerFactory(account_manager=manager)
    decision_maker = UserFactory(email="dm@customer.example", role="decision-maker", customer=customer)
    unit = UnitFactory()
    UnitQualityStaff.objects.create(unit=unit, user=quality)
    w = SimpleNamespace(
        admin=admin,
        manager=manager,
        quality=quality,
        decision_maker=decision_maker,
        customer=customer,
        unit=unit,
        agreement=AgreementFactory(customer=customer),
    )
    w.meeting = MeetingFactory(customer=customer, agreement=w.agreement)
    return w


def _full_customer(manager):
    """A customer with an agreement, goals, measurements, meetings and overdue action items."""
    customer = CustomerFactory(account_manager=manager)
    agreement = AgreementFactory(customer=customer)
    for indicator in (Indicator.NPS_EMPLOYEES, Indicator.HEALTH_PERCENTAGE):
        MeasurementFactory(goal=GoalFactory(agreement=agreement, indicator=indicator))
    today = timezone.localdate()
    for days in (-30, 30):
        meeting = MeetingFactory(customer=customer, agreement=agreement, date=today + dt.timedelta(days=days))
        ActionItemFactory(meeting=meeting, due_date=today - dt.timedelta(days=5))
    answer(9, timezone.now() - dt.timedelta(days=100), customer=customer)
    return customer


def _grow_customer(w) -> None:
    """One more of everything the customer's own pages list."""
    today = timezone.localdate()
    ContactFactory(customer=w.customer)
    AgreementFactory(customer=w.customer)
    goal = GoalFactory(agreement=w.agreement, indicator=Indicator.NPS_EMPLOYEES)
    MeasurementFactory(goal=goal)
    meeting = MeetingFactory(customer=w.customer, agreement=w.agreement, date=today + dt.timedelta(days=7))
    ActionItemFactory(meeting=meeting)
    ActionItemFactory(meeting=w.meeting, due_date=today - dt.timedelta(days=3))


def _grow_quality(w) -> None:
    practitioner = PractitionerFactory(unit=w.unit)
    answer(4, timezone.now() - dt.timedelta(days=3), unit=w.unit, practitioner=practitioner, comment="Odotin pitkään.")
    BindingTarget.objects.create(year=timezone.localdate().year, scope="unit", unit=UnitFactory(), target=50)


def _grow_rounds(w) -> None:
    nps_round = NpsRound.objects.create(respondent_group=RespondentGroup.SUPERVISOR, started_by=w.manager)
    nps_round.customers.add(w.customer, _full_customer(w.manager))


@dataclass(frozen=True)
class Case:
    who: str
    url: Callable  # world -> URL
    grow: Callable  # world -> None: more rows of what the page lists


def _customer_url(name):
    return lambda w: reverse(name, kwargs={"business_id": w.customer.business_id})


CASES = {
    "admin portfolio": Case("admin", lambda w: reverse("home"), lambda w: _full_customer(w.manager)),
    "admin portfolio search": Case(
        "admin", lambda w: reverse("home") + "?q=Customer", lambda w: _full_customer(w.manager)
    ),
    "account manager portfolio": Case("manager", lambda w: reverse("home"), lambda w: _full_customer(w.manager)),
    "customer list": Case("admin", lambda w: reverse("cooperation:customer-list"), lambda w: _full_customer(w.manager)),
    "customer page": Case("admin", _customer_url("cooperation:customer-detail"), _grow_customer),
    "dashboard of its decision-maker": Case("decision_maker", lambda w: reverse("dashboard"), _grow_customer),
    "agreement": Case(
        "admin", lambda w: reverse("cooperation:agreement-detail", args=[w.agreement.pk]), _grow_customer
    ),
    "meetings": Case("admin", _customer_url("cooperation:meeting-list"), _grow_customer),
    "meeting": Case("admin", lambda w: reverse("cooperation:meeting-detail", args=[w.meeting.pk]), _grow_customer),
    "meeting pack": Case("admin", lambda w: reverse("cooperation:meeting-pack", args=[w.meeting.pk]), _grow_customer),
    "NPS rounds": Case("manager", lambda w: reverse("surveys:nps-rounds"), _grow_rounds),
    "quality feedback": Case("quality", lambda w: reverse("quality-comments"), _grow_quality),
    "binding targets": Case("quality", lambda w: reverse("binding-target-list"), _grow_quality),
}


def _shape(sql: str) -> str:
    return re.sub(r"\b\d+\b|'[^']*'", "?", sql)


def _count(client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [q["sql"] for q in queries.captured_queries]


@pytest.mark.parametrize("name", CASES)
def test_a_page_costs_no_query_per_row(client, world, name):
    case = CASES[name]
    client.force_login(getattr(world, case.who))
    url = case.url(world)
    for _ in range(FEW):
        case.grow(world)
    client.get(url)  # warms the session and Django's caches
    few = _count(client, url)
    for _ in range(MORE - FEW):
        case.grow(world)
    many = _count(client, url)
    assert len(many) == len(few), f"{len(few)} queries with {FEW} rows, {len(many)} with {MORE}:\n" + "\n".join(
        _shape(q)[:300] for q in many
    )
