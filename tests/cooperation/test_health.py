"""GET /api/v1/customers/<business_id>/health/ (API.md "Statistics"): the window, employments and
sick leaves crossing its edges, and who may read it."""

import datetime as dt

import pytest

from cooperation.selectors import health_window
from tests.cooperation.factories import EmployeeFactory, SickLeaveFactory

pytestmark = pytest.mark.django_db

D = dt.date.fromisoformat


def url(customer, **params):
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return f"/api/v1/customers/{customer.business_id}/health/?{query}"


@pytest.mark.parametrize(
    ("months", "end", "start"),
    [
        (12, "2025-12-31", "2025-01-01"),
        (6, "2025-08-31", "2025-03-01"),
        (12, "2024-02-29", "2023-03-01"),
        (12, "2024-02-28", "2023-02-28"),  # 29 February 2024 − 12 months: 28 February
        (6, "2025-08-30", "2025-02-28"),  # 31 August − 6 months: no 31 February, so its last day
        (12, "2025-06-15", "2024-06-16"),
    ],
)
def test_window_is_whole_days_back_from_the_day_after_the_end(months, end, start):
    assert health_window(months=months, end=D(end)) == (D(start), D(end))


def employee(customer, employed_from="2020-01-01", employed_until=None, *leaves):
    person = EmployeeFactory(
        customer=customer,
        employed_from=D(employed_from) if employed_from else None,
        employed_until=D(employed_until) if employed_until else None,
    )
    for start, end in leaves:
        SickLeaveFactory(employee=person, start=D(start), end=D(end))
    return person


@pytest.fixture
def roster(customer, other_customer):
    employee(customer)  # all year, never sick
    employee(customer, "2025-12-31", None, ("2025-12-31", "2026-01-10"))  # starts on the last day, sick on it
    employee(customer, "2020-01-01", "2025-01-01", ("2024-12-20", "2025-01-01"))  # leaves on the first day, sick on it
    employee(customer, "2020-01-01", "2024-12-31", ("2025-02-01", "2025-02-02"))  # left the day before: not counted
    employee(customer, "2026-01-01")  # starts the day after: not counted
    employee(customer, None, None, ("2025-05-01", "2025-05-02"))  # known only from visits: not counted
    employee(
        customer, "2020-01-01", None, ("2024-12-01", "2024-12-31"), ("2026-01-01", "2026-01-05")
    )  # sick only outside
    employee(customer, "2020-01-01", None, ("2025-06-01", "2025-06-10"))  # ten days inside
    employee(other_customer, "2020-01-01", None, ("2025-03-01", "2025-03-31"))


def test_health_percentage_with_edges_crossing_the_window(users, api_as, customer, roster):
    response = api_as(users["account-manager"]).get(url(customer, months=12, end="2025-12-31"))

    assert response.status_code == 200
    assert response.json() == {
        "window": {"start": "2025-01-01", "end": "2025-12-31"},
        "employees": 5,
        "without_sick_leave": 2,
        "health_percentage": 40.0,
        # 1 + 1 + 10 sick-leave days inside the window over 365 + 1 + 1 + 365 + 365 person-days.
        "sick_leave_days_per_person_year": 4.0,
        "suppressed": False,
    }


def test_six_months(users, api_as, customer, roster):
    body = api_as(users["admin"]).get(url(customer, months=6, end="2025-06-30")).json()

    # 1 January … 30 June: the one who starts on 31 December is not there yet; the leave
    # crossing 1 January and the June one fall inside.
    assert body["window"] == {"start": "2025-01-01", "end": "2025-06-30"}
    assert (body["employees"], body["without_sick_leave"], body["health_percentage"]) == (4, 2, 50.0)


def test_no_employees_gives_no_percentage(users, api_as, customer):
    body = api_as(users["admin"]).get(url(customer, months=12, end="2025-12-31")).json()

    assert (body["employees"], body["health_percentage"], body["sick_leave_days_per_person_year"]) == (0, None, None)


def test_bad_parameters_answer_400(users, api_as, customer):
    response = api_as(users["admin"]).get(url(customer, months=7, end="2025-13-01"))

    assert response.status_code == 400
    assert set(response.json()) == {"months", "end"}


def test_series_by_month_ends_with_the_window_of_the_end(users, api_as, customer, roster):
    client = api_as(users["decision-maker"])
    series = client.get(f"/api/v1/customers/{customer.business_id}/health/series/?months=12&end=2025-12-31").json()
    single = client.get(url(customer, months=12, end="2025-12-31")).json()

    assert [point["month"] for point in series] == [f"2025-{m:02d}" for m in range(1, 13)]
    assert series[-1] | {"month": None} == single | {"month": None}
    assert series[0]["window"] == {"start": "2024-02-01", "end": "2025-01-31"}


@pytest.mark.parametrize(
    ("role", "own", "other"),
    [
        ("admin", 200, 200),
        ("account-manager", 200, 404),
        ("decision-maker", 200, 404),
        ("supervisor", 200, 404),
        ("quality", 403, 403),
        ("integration", 403, 403),
    ],
)
def test_who_may_read_health(users, api_as, customer, other_customer, role, own, other):
    client = api_as(users[role])
    assert client.get(url(customer, months=12, end="2025-12-31")).status_code == own
    assert client.get(url(other_customer, months=12, end="2025-12-31")).status_code == other


def test_percentage_rounds_half_up_from_its_exact_value(users, api_as, customer):
    # 23 of 80 without sick leave: 28.75 % exactly, so 28.8 (23 / 80 · 100 in floats is 28.749…).
    for number in range(80):
        leaves = [] if number < 23 else [("2025-03-02", "2025-03-02")]
        employee(customer, "2020-01-01", None, *leaves)

    body = api_as(users["admin"]).get(url(customer, months=12, end="2025-12-31")).json()

    assert (body["employees"], body["without_sick_leave"], body["health_percentage"]) == (80, 23, 28.8)
    # 57 days over 80 person-years.
    assert body["sick_leave_days_per_person_year"] == 0.7


def test_overlapping_sick_leaves_count_each_day_once(users, api_as, customer):
    # A leave extended by a second certificate that repeats some of its days: 1–15 June is 15 days.
    employee(customer, "2020-01-01", None, ("2025-06-01", "2025-06-10"), ("2025-06-05", "2025-06-15"))
    # One inside another, and one crossing the window's start: 1–10 January inside it.
    employee(customer, "2020-01-01", None, ("2024-12-20", "2025-01-10"), ("2025-01-02", "2025-01-03"))
    employee(customer, "2020-01-01", None, ("2025-03-01", "2025-03-05"), ("2025-03-06", "2025-03-06"))
    employee(customer)

    body = api_as(users["admin"]).get(url(customer, months=12, end="2025-12-31")).json()

    # 15 + 10 + 6 days over four person-years.
    assert (body["employees"], body["without_sick_leave"]) == (4, 1)
    assert body["sick_leave_days_per_person_year"] == 7.8


# --- A customer's people: closed month-ends only, and nothing of fewer than MIN_GROUP_SIZE ---


@pytest.fixture
def publication_day(monkeypatch):
    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2026, 2, 15))


@pytest.mark.parametrize(
    ("end", "words"),
    [
        ("2025-12-30", "last day of a month"),
        ("2025-06-15", "last day of a month"),
        ("2026-02-28", "published the day after it ends"),  # February is still open
        ("2026-03-31", "published the day after it ends"),
    ],
)
def test_customer_users_read_windows_ending_on_a_closed_months_end_only(
    users, api_as, customer, roster, publication_day, end, words
):
    for path in ("health/", "health/series/"):
        response = api_as(users["supervisor"]).get(
            f"/api/v1/customers/{customer.business_id}/{path}?months=12&end={end}"
        )
        assert response.status_code == 400
        assert list(response.json()) == ["end"]
        assert words in response.json()["end"][0]
    # Staff keep every day.
    assert api_as(users["account-manager"]).get(url(customer, months=12, end="2025-06-15")).status_code == 200


def test_customer_users_default_to_the_last_closed_month(users, api_as, customer, roster, publication_day):
    body = api_as(users["decision-maker"]).get(url(customer, months=12)).json()

    assert body["window"] == {"start": "2025-02-01", "end": "2026-01-31"}


def test_fewer_employees_than_the_threshold_show_nothing_to_customer_users(
    users, api_as, customer, publication_day, settings
):
    for number in range(4):
        employee(customer, "2020-01-01", None, *([("2025-03-02", "2025-03-02")] if number else []))

    seen = api_as(users["decision-maker"]).get(url(customer, months=12, end="2025-12-31")).json()
    staff = api_as(users["admin"]).get(url(customer, months=12, end="2025-12-31")).json()

    assert seen == {
        "window": {"start": "2025-01-01", "end": "2025-12-31"},
        "employees": None,
        "without_sick_leave": None,
        "health_percentage": None,
        "sick_leave_days_per_person_year": None,
        "suppressed": True,
    }
    assert (staff["employees"], staff["health_percentage"], staff["suppressed"]) == (4, 25.0, False)
    settings.MIN_GROUP_SIZE = 4
    assert api_as(users["decision-maker"]).get(url(customer, months=12, end="2025-12-31")).json()["employees"] == 4
