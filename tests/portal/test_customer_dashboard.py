"""The dashboard of a customer's decision-maker or supervisor: their own company's published
figures only, hidden cells explained in words, the goal table and the charts from one source."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from cooperation.models import Indicator, Phase
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    EmployeeFactory,
    GoalFactory,
    MeetingFactory,
    SickLeaveFactory,
    UserFactory,
)
from tests.cooperation.test_pages import sign_in
from tests.surveys.factories import UnitFactory
from tests.surveys.factories_stats import answers

#: Q3 2026 has closed (and September with it); Q4 has not.
TODAY = dt.date(2026, 10, 20)
HIDDEN_TEXT = "Hidden to protect privacy"


def _health(customer, *, employees: int, sick: list[dt.date]) -> None:
    people = [EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1)) for _ in range(employees)]
    for person, start in zip(people, sick, strict=False):
        SickLeaveFactory(employee=person, start=start, end=start + dt.timedelta(days=2))


def _own_company(customer) -> None:
    """8 employees, one sick in January and one in May: 75.0 % over 12 months, 87.5 % over 6.
    Employees' answers in each quarter of 2026 (each quarter published), supervisors' answers whose
    year to date to Q2 is published and to Q3 is not, three decision-makers' answers (hidden)."""
    _health(customer, employees=8, sick=[dt.date(2026, 1, 10), dt.date(2026, 5, 10)])
    unit = UnitFactory()
    answers([10, 10, 10, 9, 9, 8], "2026-02-10T10:00Z", customer=customer, unit=unit, coping="yes")
    answers([10, 9, 9, 9, 8, 8, 8], "2026-05-10T10:00Z", customer=customer, unit=unit, coping="partly")
    answers([10, 10, 10, 10, 6, 6, 8], "2026-08-10T10:00Z", customer=customer, unit=unit, coping="no")
    answers([10, 10, 10, 10, 9, 0], "2026-05-12T10:00Z", customer=customer, group="supervisor")
    answers([10, 0], "2026-08-12T10:00Z", customer=customer, group="supervisor")
    answers([10, 10, 0], "2026-05-14T10:00Z", customer=customer, group="decision-maker")
    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP, title="Our goals 2026")
    GoalFactory(agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=50, target=90)
    GoalFactory(agreement=agreement, indicator=Indicator.NPS_SUPERVISORS, baseline=50, target=90)
    GoalFactory(agreement=agreement, indicator=Indicator.NPS_DECISION_MAKERS, baseline=50, target=90)
    GoalFactory(agreement=agreement, indicator=Indicator.HEALTH_PERCENTAGE, baseline=60, target=70)
    meeting = MeetingFactory(customer=customer, date=dt.date(2026, 9, 1), minutes="Reviewed the figures together.")
    ActionItemFactory(meeting=meeting, description="Plan the early-support training", due_date=dt.date(2026, 10, 1))
    ActionItemFactory(meeting=meeting, description="Book the next workplace survey", due_date=dt.date(2026, 12, 1))


def _other_company(customer) -> None:
    _health(customer, employees=6, sick=[dt.date(2026, 7, 1)] * 5)
    answers([0, 0, 0, 0, 0, 0, 9], "2026-05-10T10:00Z", customer=customer, unit=UnitFactory())
    agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING, title="Their secret plan")
    GoalFactory(agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=-80, target=-10)


@pytest.fixture
def today(monkeypatch):
    monkeypatch.setattr("cooperation.dates.today", lambda: TODAY)
    return TODAY


def _page(client, user) -> str:
    sign_in(client, user)
    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def _chart(html: str, chart_id: str) -> dict | None:
    match = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)) if match else None


def _series(chart: dict, label: str) -> list:
    return next(s["values"] for s in chart["series"] if s["label"] == label)


def _goal_current(html: str, indicator: str) -> str:
    row = re.search(rf'<tr data-indicator="{indicator}">(.*?)</tr>', html, re.S).group(1)
    return re.search(r'class="num goal-current">(.*?)</td>', row, re.S).group(1)


def _goal_value(html: str, indicator: str) -> float:
    return float(re.match(r"-?[\d.]+", _goal_current(html, indicator)).group(0))


@pytest.mark.django_db
def test_a_decision_maker_lands_on_the_dashboard_of_their_own_company(client, users, customer, other_customer, today):
    _own_company(customer)
    _other_company(other_customer)
    sign_in(client, users["decision-maker"])
    response = client.get(reverse("home"), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain[-1][0] == reverse("dashboard")
    html = response.content.decode()
    assert customer.name in html and "Our goals 2026" in html
    # Health: 6 of 8 employees without sick leave in the 12 months to September, 7 of 8 in 6 months.
    assert '<p class="figure">75 %</p>' in html and '<p class="figure">87.5 %</p>' in html
    # Employees' NPS, year to date to Q3: 13 promoters, 2 detractors of 20 answers = 55.0; the
    # target is the agreement's goal.
    nps = _chart(html, "nps-patient")
    assert _series(nps, "NPS of the quarter") == [83.3, 57.1, 28.6]
    assert _series(nps, "Year to date") == [83.3, 69.2, 55.0]
    assert nps["target"] == 90
    assert nps["band"]["lower"][0] is not None and nps["band"]["upper"][0] <= 100
    # The steering group: the minutes and the overdue item flagged with the shared badge.
    assert "Reviewed the figures together." in html
    overdue_row = html.split("Plan the early-support training")[1].split("</tr>")[0]
    assert "badge-overdue" in overdue_row
    assert "badge-overdue" not in html.split("Book the next workplace survey")[1].split("</tr>")[0]
    # Nothing of the other company: its name, its agreement, its NPS (-71.4) or its health (16.7).
    for leak in (other_customer.name, "Their secret plan", "-71.4", "16.7"):
        assert leak not in html, leak


@pytest.mark.django_db
def test_the_goal_table_and_the_charts_show_the_same_figures(client, users, customer, today):
    _own_company(customer)
    html = _page(client, users["decision-maker"])
    nps = _chart(html, "nps-patient")
    assert _goal_value(html, "nps-employees") == _series(nps, "Year to date")[-1] == 55.0
    health = _chart(html, "health-trend")
    assert _goal_value(html, "health-percentage") == health["series"][0]["values"][-1] == 75.0
    # Supervisors: the year to date to Q3 is hidden (Q3 alone had two answers), so the latest
    # published one is to Q2: 5 promoters and 1 detractor of 6 = 66.7 in the goal table, the key
    # figure and the chart alike. (It used to be "–" in the goal table while the indicators
    # page showed 66.7.)
    supervisors = _chart(html, "nps-supervisor")
    assert _series(supervisors, "Year to date") == [None, 66.7, None]
    assert _series(supervisors, "NPS of the quarter") == [None, None, None]
    assert _goal_value(html, "nps-supervisors") == 66.7
    assert '<p class="figure">66.7</p>' in html
    sign_in(client, users["decision-maker"])
    indicators = client.get("/reports/indicators/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<td>66.7</td>" in indicators.split("<h2>NPS: Supervisors")[1].split("</section>")[0]
    agreement_page = client.get(
        reverse("cooperation:agreement-detail", args=[customer.agreements.get().pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert ">66.7<" in agreement_page


@pytest.mark.django_db
def test_the_api_gives_a_goal_the_same_published_value_as_the_dashboard(users, customer, today, api_as):
    _own_company(customer)
    goal = customer.agreements.get().goals.get(indicator=Indicator.NPS_SUPERVISORS)
    value = api_as(users["decision-maker"]).get(f"/api/v1/goals/{goal.pk}/indicator/").json()
    assert value["current_value"] == 66.7 and value["window"] == {"start": "2026-01-01", "end": "2026-06-30"}
    hidden = customer.agreements.get().goals.get(indicator=Indicator.NPS_DECISION_MAKERS)
    assert api_as(users["decision-maker"]).get(f"/api/v1/goals/{hidden.pk}/indicator/").json()["current_value"] is None


@pytest.mark.django_db
def test_a_hidden_cell_is_explained_and_its_figures_never_leak(client, users, customer, today):
    _own_company(customer)
    html = _page(client, users["decision-maker"])
    # Decision-makers: three answers (2 promoters, 1 detractor: 33.3), too few in every cell.
    assert _chart(html, "nps-decision-maker") is None
    section = html.split("<h3>Decision-makers</h3>")[1].split("</div>")[0]
    assert HIDDEN_TEXT in section
    assert "33.3" not in html
    assert _goal_current(html, "nps-decision-makers").count(HIDDEN_TEXT) == 1
    # No JSON of any chart holds a hidden figure: hidden quarters are null.
    supervisors = _chart(html, "nps-supervisor")
    assert supervisors["band"]["lower"] == [None, None, None]
    assert "100.0" not in json.dumps(supervisors) and "-100" not in json.dumps(supervisors)


@pytest.mark.django_db
def test_the_score_distribution_comes_only_from_a_published_cell(client, users, customer, other_customer, today):
    _own_company(customer)
    distribution = _chart(_page(client, users["decision-maker"]), "score-distribution")
    # The employees' published year to date: 20 answers, of which 8 tens, 5 nines, 5 eights, 2 sixes.
    counts = distribution["series"][0]["values"]
    assert sum(counts) == 20 and counts[10] == 8 and counts[9] == 5 and counts[6] == 2
    client.post(reverse("logout"))
    answers([10, 9, 3], "2026-05-10T10:00Z", customer=other_customer, unit=UnitFactory())
    small = UserFactory(email="ceo@other.example", role="decision-maker", customer=other_customer)
    html = _page(client, small)
    assert _chart(html, "score-distribution") is None
    assert _chart(html, "nps-patient") is None
    assert HIDDEN_TEXT in html.split('id="scores"')[1].split("</div>")[0]
    # Health of fewer than MIN_GROUP_SIZE employees is hidden too, said in words.
    assert "Fewer than 5 employees in the period" in html
    assert _chart(html, "health-trend") is None


@pytest.mark.django_db
def test_a_supervisor_sees_the_same_dashboard(client, users, customer, other_customer, today):
    _own_company(customer)
    _other_company(other_customer)
    html = _page(client, users["supervisor"])
    assert _series(_chart(html, "nps-patient"), "Year to date") == [83.3, 69.2, 55.0]
    assert other_customer.name not in html and "-71.4" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["account-manager", "quality", "admin", "integration"])
def test_provider_staff_do_not_get_the_customers_dashboard(client, users, role):
    sign_in(client, users[role])
    assert client.get(reverse("dashboard")).status_code == 403


@pytest.mark.django_db
def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get(reverse("dashboard"))
    assert response.status_code == 302 and reverse("login") in response["Location"]


@pytest.mark.django_db
def test_the_dashboard_reads_a_bounded_number_of_queries(client, users, customer, today, django_assert_max_num_queries):
    _own_company(customer)
    sign_in(client, users["decision-maker"])
    with django_assert_max_num_queries(100):
        assert client.get(reverse("dashboard")).status_code == 200
    # More history, meetings, items and goals do not add queries.
    agreement = customer.agreements.get()
    for n in range(5):
        meeting = MeetingFactory(customer=customer, date=dt.date(2026, 4, 1) + dt.timedelta(days=n))
        ActionItemFactory.create_batch(3, meeting=meeting)
        GoalFactory(agreement=agreement, indicator=Indicator.MANAGER_SATISFACTION, baseline=1, target=2)
    answers([9] * 30, "2025-11-10T10:00Z", customer=customer, unit=UnitFactory())
    with django_assert_max_num_queries(100):
        assert client.get(reverse("dashboard")).status_code == 200
