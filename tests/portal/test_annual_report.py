"""The annual cooperation report (issue 10 item 3): the page and the PDF hold the year's key
figures; a decision-maker's copy shows employee figures only as they are published; only the
account manager, admin and the customer's decision-makers get it."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from cooperation.economics import services as economics
from cooperation.models import Indicator
from surveys.models import RespondentGroup
from tests.cooperation.factories import ActionItemFactory, AgreementFactory, GoalFactory, MeetingFactory
from tests.surveys.factories import UnitFactory
from tests.surveys.factories_stats import answer

YEAR = 2025
TODAY = dt.date(2026, 2, 10)
WORKED_RESULTS = {"sick_leave_days": 13, "accidents": 24, "early_retirement_fees": 90, "competence_talks": 83}


@pytest.fixture
def year_of_cooperation(customer, monkeypatch):
    """2025 of ``customer``: an agreement with an NPS goal, 12 employee answers (NPS 50) and 2
    supervisor answers, a matrix, saved economic assumptions and a meeting with a decision."""
    monkeypatch.setattr("cooperation.dates.today", lambda: TODAY)
    agreement = AgreementFactory(
        customer=customer, title="Goals 2025", period_start=dt.date(YEAR, 1, 1), period_end=dt.date(YEAR, 12, 31)
    )
    GoalFactory(
        agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=30, target=40, due_date=dt.date(YEAR, 12, 31)
    )
    unit = UnitFactory()
    for i, score in enumerate([10, 10, 10, 10, 10, 10, 9, 8, 8, 8, 5, 3]):
        answer(score, f"{YEAR}-0{1 + i % 9}-15T10:00Z", customer=customer, unit=unit, coping="yes")
    for score in (2, 9):
        answer(score, f"{YEAR}-05-20T10:00Z", customer=customer, unit=unit, group=RespondentGroup.SUPERVISOR)
    matrix = economics.matrix_copy_template(customer=customer, template_code="city-2009", year=YEAR)
    economics.matrix_results_record(matrix=matrix, results=WORKED_RESULTS)
    defaults = {
        "employees": 100,
        "sick_leave_days": 10,
        "day_cost": 350,
        "early_retirements_avoided": 0,
        "monthly_pension": 1200,
        "years": 3,
    }
    economics.economic_assumptions_save(
        customer=customer,
        scenarios={
            "a": defaults | {"investment_per_employee": 20, "sick_leave_reduction": 0},
            "b": defaults
            | {"investment_per_employee": 400, "sick_leave_reduction": 10, "early_retirements_avoided": 1},
        },
    )
    meeting = MeetingFactory(customer=customer, date=dt.date(YEAR, 6, 3), decisions="Start a back-care campaign")
    ActionItemFactory(meeting=meeting, description="Book the ergonomist", due_date=dt.date(YEAR, 9, 1))
    return customer


def url(customer, suffix=""):
    return f"/customers/{customer.business_id}/report/{YEAR}/{suffix}"


@pytest.fixture
def client(client):
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_account_managers_page_holds_the_years_figures(client, users, year_of_cooperation):
    client.force_login(users["account-manager"])
    page = client.get(url(year_of_cooperation))
    html = page.content.decode()
    assert page.status_code == 200
    # 7 promoters and 2 detractors of 12: NPS 41.7 against a target of 40.
    assert "Goals 2025" in html and "Target reached" in html
    assert "<strong>41.7</strong>" in html
    assert "Start a back-care campaign" in html and "Book the ergonomist" in html
    assert "<svg" in html and 'role="img"' in html  # the NPS chart, drawn on the server
    # Scenario B: 35,000 € saved a year × 3 + one early-retirement fee of 55,200 € = 160,200 € back
    # for 120,000 € invested: 1.34 € per euro, ROI 33.5 %.
    assert "160,200 €" in html and "1.34" in html and "33.5 %" in html


def pdf_text(response) -> str:
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_contains_the_key_figures(client, users, year_of_cooperation):
    client.force_login(users["account-manager"])
    response = client.get(url(year_of_cooperation, "pdf/"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response)
    assert "Annual cooperation report 2025" in text
    assert "Goals 2025" in text and "Start a back-care campaign" in text
    assert "Work-health matrix" in text


def test_a_decision_makers_copy_shows_published_figures_only(client, users, year_of_cooperation):
    client.force_login(users["decision-maker"])
    html = client.get(url(year_of_cooperation)).content.decode()
    # Two supervisors answered: a staff copy shows their NPS (0), the company's copy hides it.
    assert '<span class="muted">hidden</span>' in html and "Supervisors" in html
    client.force_login(users["account-manager"])
    staff = client.get(url(year_of_cooperation)).content.decode()
    assert "Supervisors" in staff and '<span class="muted">hidden</span>' not in staff
    client.force_login(users["decision-maker"])
    text = pdf_text(client.get(url(year_of_cooperation, "pdf/")))
    assert "Annual cooperation report 2025" in text


def test_who_gets_the_report(client, users, year_of_cooperation, other_customer):
    for role, status in (("supervisor", 403), ("quality", 403), ("integration", 403), ("admin", 200)):
        client.force_login(users[role])
        assert client.get(url(year_of_cooperation)).status_code == status, role
    client.force_login(users["account-manager"])
    assert client.get(url(other_customer)).status_code == 404
    assert client.get(url(other_customer, "pdf/")).status_code == 404
    client.force_login(users["decision-maker"])
    assert client.get(url(other_customer)).status_code == 404


def test_a_year_outside_the_reports_span_is_not_there(client, users, year_of_cooperation):
    client.force_login(users["account-manager"])
    assert client.get(f"/customers/{year_of_cooperation.business_id}/report/1999/").status_code == 404
    assert client.get(f"/customers/{year_of_cooperation.business_id}/report/2027/").status_code == 404
