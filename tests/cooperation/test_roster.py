"""The roster from the patient-record system: employees upserted by (customer, external ID),
lists all or nothing, and sick leaves."""

import datetime as dt

from cooperation.models import Employee, SickLeave
from tests.cooperation.factories import EmployeeFactory

API = "/api/v1"


def test_an_employee_is_created_then_updated_by_its_external_id(api_as, users, customer):
    client = api_as(users["integration"])
    body = {"customer": customer.business_id, "external_id": "p-77", "email": "a@example.com", "language": "sv"}
    created = client.post(f"{API}/employees/", body, format="json")
    assert created.status_code == 201, created.content
    updated = client.post(
        f"{API}/employees/",
        {"customer": customer.business_id, "external_id": "p-77", "employed_from": "2024-05-01"},
        format="json",
    )
    assert updated.status_code == 200
    assert updated.json()["id"] == created.json()["id"]
    employee = Employee.objects.get(customer=customer, external_id="p-77")
    # Fields left out keep what was stored.
    assert (employee.email, employee.language, employee.employed_from) == ("a@example.com", "sv", dt.date(2024, 5, 1))


def test_a_list_is_upserted_and_answered_in_order(api_as, users, customer):
    existing = EmployeeFactory(customer=customer, external_id="p-1", language="fi")
    response = api_as(users["integration"]).post(
        f"{API}/employees/",
        [
            {"customer": customer.business_id, "external_id": "p-1", "language": "en"},
            {"customer": customer.business_id, "external_id": "p-2"},
        ],
        format="json",
    )
    assert response.status_code == 201
    assert [e["external_id"] for e in response.json()] == ["p-1", "p-2"]
    existing.refresh_from_db()
    assert existing.language == "en"


def test_a_list_with_one_bad_item_stores_nothing_and_names_the_item(api_as, users, customer):
    existing = EmployeeFactory(customer=customer, external_id="p-1", language="fi")
    response = api_as(users["integration"]).post(
        f"{API}/employees/",
        [
            {"customer": customer.business_id, "external_id": "p-1", "language": "en"},
            {"customer": customer.business_id, "external_id": "p-2"},
            {"customer": customer.business_id, "external_id": "p-3", "language": "de"},
            {
                "customer": customer.business_id,
                "external_id": "p-4",
                "employed_from": "2025-01-01",
                "employed_until": "2024-01-01",
            },
        ],
        format="json",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"2", "3"}
    assert list(errors["2"]) == ["language"]
    assert list(errors["3"]) == ["employed_until"]
    existing.refresh_from_db()
    assert existing.language == "fi"
    assert list(Employee.objects.values_list("external_id", flat=True)) == ["p-1"]


def test_a_list_naming_an_unknown_customer_is_refused_by_index(api_as, manager, customer, other_customer):
    response = api_as(manager).post(
        f"{API}/employees/",
        [
            {"customer": customer.business_id, "external_id": "p-1"},
            {"customer": other_customer.business_id, "external_id": "p-2"},
        ],
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"errors": {"1": {"customer": [f"Unknown customer {other_customer.business_id}."]}}}
    assert not Employee.objects.exists()


def test_a_too_long_list_is_refused(api_as, users, customer):
    items = [{"customer": customer.business_id, "external_id": f"p-{i}"} for i in range(1001)]
    response = api_as(users["integration"]).post(f"{API}/employees/", items, format="json")
    assert response.status_code == 400
    assert not Employee.objects.exists()


def test_a_sick_leave_is_recorded_once(api_as, users, customer):
    employee = EmployeeFactory(customer=customer, external_id="p-9")
    client = api_as(users["integration"])
    body = {"customer": customer.business_id, "employee": "p-9", "start": "2026-03-02", "end": "2026-03-06"}
    first = client.post(f"{API}/sick-leaves/", body, format="json")
    again = client.post(f"{API}/sick-leaves/", body, format="json")
    assert (first.status_code, again.status_code) == (201, 200)
    assert first.json()["days"] == 5
    assert first.json()["id"] == again.json()["id"]
    assert SickLeave.objects.get().employee == employee


def test_sick_leave_dates_must_be_in_order(api_as, users, customer):
    EmployeeFactory(customer=customer, external_id="p-9")
    response = api_as(users["integration"]).post(
        f"{API}/sick-leaves/",
        {"customer": customer.business_id, "employee": "p-9", "start": "2026-03-06", "end": "2026-03-02"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["end"]
    assert not SickLeave.objects.exists()


def test_a_sick_leave_of_another_customers_employee_is_refused(api_as, users, customer, other_customer):
    EmployeeFactory(customer=other_customer, external_id="p-9")
    response = api_as(users["integration"]).post(
        f"{API}/sick-leaves/",
        {"customer": customer.business_id, "employee": "p-9", "start": "2026-03-02", "end": "2026-03-02"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"employee": ["Unknown employee p-9."]}
