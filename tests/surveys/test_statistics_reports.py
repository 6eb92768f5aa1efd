"""Binding targets: the API, the report page with its explanation, and the CSV download."""

import csv
import datetime as dt
import io

import pytest

from surveys.models import BindingTarget
from tests.surveys.factories import UnitFactory
from tests.surveys.factories_stats import answers

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def city_unit(customer):
    """A unit whose year misses its binding target of 70, the first quarter worst."""
    unit = UnitFactory(code="CITY-OH", type="care")
    answers([10] * 7 + [8] * 2 + [3], "2026-02-10T10:00Z", customer=customer, unit=unit)  # Q1: 60.0
    answers([10] * 8 + [8] * 2, "2026-05-10T10:00Z", customer=customer, unit=unit)  # Q2: 80.0, so far 70.0
    answers([10] * 6 + [0] * 4, "2026-08-10T10:00Z", customer=customer, unit=unit)  # Q3: 20.0, so far 53.3
    return unit


@pytest.fixture
def target(city_unit):
    return BindingTarget.objects.create(year=2026, scope="unit", unit=city_unit, target=70)


def test_report_api_gives_the_year_and_each_quarter_with_cumulative_values(users, api_as, target):
    body = api_as(users["quality"]).get(f"/api/v1/binding-targets/{target.pk}/report/").json()

    assert (body["year"]["n"], body["year"]["nps"], body["met"]) == (30, 53.3, False)
    assert [(q["period"], q["n"], q["nps"], q["cumulative_nps"], q["cumulative_met"]) for q in body["quarters"]] == [
        ("2026-Q1", 10, 60.0, 60.0, False),
        ("2026-Q2", 10, 80.0, 70.0, True),
        ("2026-Q3", 10, 20.0, 53.3, False),
        ("2026-Q4", 0, None, 53.3, False),
    ]
    assert body["target"]["unit"] == "CITY-OH"


def test_report_page_files_the_explanation(users, client, target):
    client.force_login(users["quality"])
    page = client.get(f"/reports/binding-targets/{target.pk}/")
    assert page.status_code == 200
    assert "53,3" in page.content.decode()  # Finnish: a decimal comma

    saved = client.post(
        f"/reports/binding-targets/{target.pk}/",
        {"explanation": "Waiting times grew in spring.", "corrective_actions": "Two more nurses from May."},
    )

    assert saved.status_code == 302
    target.refresh_from_db()
    assert (target.explanation, target.corrective_actions) == (
        "Waiting times grew in spring.",
        "Two more nurses from May.",
    )
    assert "Waiting times grew in spring." in client.get(f"/reports/binding-targets/{target.pk}/").content.decode()


def test_account_managers_read_their_customers_reports_only_and_may_not_file_them(
    users, client, target, customer, other_customer
):
    own = BindingTarget.objects.create(year=2026, scope="customer", customer=customer, target=70)
    other = BindingTarget.objects.create(year=2026, scope="customer", customer=other_customer, target=70)
    client.force_login(users["account-manager"])
    assert client.get(f"/reports/binding-targets/{own.pk}/").status_code == 200
    assert client.post(f"/reports/binding-targets/{own.pk}/", {"explanation": "x"}).status_code == 403
    # The unit's report spans every customer's answers, beyond the manager's portfolio.
    assert client.get(f"/reports/binding-targets/{target.pk}/").status_code == 404
    assert client.get(f"/reports/binding-targets/{other.pk}/").status_code == 404
    client.force_login(users["decision-maker"])
    assert client.get(f"/reports/binding-targets/{target.pk}/").status_code == 403
    assert client.get("/reports/binding-targets/").status_code == 403


def test_csv_download(users, client, target):
    target.explanation = "Waiting times grew in spring."
    target.save()
    client.force_login(users["admin"])

    response = client.get(f"/reports/binding-targets/{target.pk}/csv/")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    quarters = {row[0]: row for row in rows if row and row[0].startswith("2026")}
    assert quarters["2026-Q1"][1] == "10" and quarters["2026-Q1"][5] == "60.0"
    assert quarters["2026-Q2"][7] == "70.0"
    assert quarters["2026"][5] == "53.3"
    assert any("Waiting times grew in spring." in row for row in rows)


def test_organisation_target_applies_to_the_nps_api(users, api_as, city_unit):
    client = api_as(users["quality"])
    created = client.post(
        "/api/v1/binding-targets/", {"year": 2026, "scope": "organisation", "target": 70}, format="json"
    )
    assert created.status_code == 201, created.content

    total = client.get("/api/v1/nps/", {"start": "2026-01-01", "end": "2026-12-31"}).json()["total"]

    assert (total["target"], total["target_met"]) == (70, False)


def test_binding_target_validation(users, api_as, customer):
    client = api_as(users["admin"])

    no_unit = client.post("/api/v1/binding-targets/", {"year": 2026, "scope": "unit", "target": 70}, format="json")
    both = client.post(
        "/api/v1/binding-targets/",
        {"year": 2026, "scope": "organisation", "customer": customer.business_id, "target": 70},
        format="json",
    )
    client.post("/api/v1/binding-targets/", {"year": 2026, "scope": "organisation", "target": 70}, format="json")
    twice = client.post(
        "/api/v1/binding-targets/", {"year": 2026, "scope": "organisation", "target": 60}, format="json"
    )

    assert (no_unit.status_code, list(no_unit.json())) == (400, ["unit"])
    assert (both.status_code, list(both.json())) == (400, ["customer"])
    assert (twice.status_code, list(twice.json())) == (400, ["year"])


@pytest.mark.parametrize(
    ("role", "read", "write"),
    [
        ("admin", 200, 201),
        ("quality", 200, 201),
        ("account-manager", 200, 403),
        ("decision-maker", 403, 403),
        ("supervisor", 403, 403),
        ("integration", 403, 403),
    ],
)
def test_who_may_use_binding_targets(users, api_as, role, read, write):
    client = api_as(users[role])
    assert client.get("/api/v1/binding-targets/").status_code == read
    body = {"year": 2027, "scope": "organisation", "target": 70}
    assert client.post("/api/v1/binding-targets/", body, format="json").status_code == write


def test_indicator_page_shows_nps_coping_and_health_with_suppression(users, client, customer, monkeypatch):
    from tests.cooperation.factories import EmployeeFactory

    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2026, 7, 1))
    unit = UnitFactory(code="IND-1", type="care")
    answers([10] * 6, "2026-02-10T10:00Z", customer=customer, unit=unit, coping="yes")
    answers([0, 0], "2026-05-10T10:00Z", customer=customer, unit=unit, group="supervisor")  # two only
    answers([0] * 9, "2026-07-01T10:00Z", customer=customer, unit=unit)  # today: Q3 is open
    EmployeeFactory(customer=customer)

    client.force_login(users["decision-maker"])
    page = client.get("/reports/indicators/", {"year": 2026})
    html = page.content.decode()

    assert page.status_code == 200
    assert "2026-Q1" in html and "100,0" in html  # employees' NPS, Finnish decimals
    assert "2026-Q3" not in html  # the open quarter is not published
    assert "-100,0" not in html  # the supervisors' two answers stay suppressed
    assert "Terveysprosentti" in html or "Health percentage" in html
    assert 'id="how-figures-are-published"' in html
    # A choice outside the offered ones is ignored by the form rather than widening anything.
    assert client.get("/reports/indicators/", {"year": 2027, "unit": "IND-1"}).status_code == 200

    client.force_login(users["admin"])
    assert "-100,0" in client.get("/reports/indicators/", {"year": 2026}).content.decode()
    client.force_login(users["integration"])
    assert client.get("/reports/indicators/").status_code == 403
