"""Goals follow their indicators: current value, progress, monthly computed snapshots."""

import datetime as dt

import pytest
from django.utils import timezone

from cooperation.models import Measurement
from portal.indicators import goal_measurements_snapshot_all, snapshot_goal_indicators
from tests.cooperation.factories import AgreementFactory, EmployeeFactory, GoalFactory, SickLeaveFactory
from tests.surveys.factories_stats import answers

pytestmark = pytest.mark.django_db

ON = "2026-06-30"


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def agreement(customer):
    return AgreementFactory(customer=customer, period_start=dt.date(2026, 1, 1), period_end=dt.date(2026, 12, 31))


def indicator(client, goal, on=ON):
    response = client.get(f"/api/v1/goals/{goal.pk}/indicator/?on={on}")
    assert response.status_code == 200, response.content
    return response.json()


def test_nps_goal_of_supervisors_shows_current_value_and_progress(users, api_as, customer, agreement):
    goal = GoalFactory(agreement=agreement, indicator="nps-supervisors", baseline=20, target=60)
    answers([10, 10, 10, 8, 0], "2026-03-10T10:00Z", customer=customer, group="supervisor")  # NPS 40
    answers([0] * 5, "2026-03-10T10:00Z", customer=customer)  # employees: another indicator
    answers([0] * 5, "2025-06-01T10:00Z", customer=customer, group="supervisor")  # before the 12 months

    body = indicator(api_as(users["account-manager"]), goal)

    assert body == {
        "goal": goal.pk,
        "indicator": "nps-supervisors",
        "indicator_label": "NPS of supervisors",
        "computed": True,
        "current_value": 40.0,
        "measured_on": ON,
        "window": {"start": "2025-07-01", "end": ON},
        "respondents": 5,
        "baseline": "20.00",
        "target": "60.00",
        "progress": 50.0,
        "target_reached": False,
    }


def test_customer_users_see_no_nps_of_fewer_than_min_group_size(users, api_as, customer, agreement):
    goal = GoalFactory(agreement=agreement, indicator="nps-employees", baseline=0, target=50)
    answers([10, 10, 10], "2026-03-10T10:00Z", customer=customer)

    assert indicator(api_as(users["decision-maker"]), goal)["current_value"] is None
    assert indicator(api_as(users["admin"]), goal)["current_value"] == 100.0


def test_health_goal_and_monthly_snapshot(users, api_as, customer, agreement):
    goal = GoalFactory(agreement=agreement, indicator="health-percentage", baseline=50, target=100)
    sick = EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
    EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
    EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
    EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
    SickLeaveFactory(employee=sick, start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 2))
    manual = GoalFactory(agreement=agreement, indicator="custom", custom_indicator="Trained supervisors")

    assert indicator(api_as(users["admin"]), goal)["current_value"] == 75.0
    assert indicator(api_as(users["admin"]), goal)["progress"] == 50.0

    assert goal_measurements_snapshot_all(on=dt.date(2026, 6, 30)) == 1
    assert goal_measurements_snapshot_all(on=dt.date(2026, 6, 30)) == 1  # the same snapshot again
    snapshots = Measurement.objects.filter(goal=goal, source="computed")
    assert [(m.measured_on, float(m.value)) for m in snapshots] == [(dt.date(2026, 6, 30), 75.0)]
    assert not manual.measurements.exists()


def test_the_beat_task_snapshots_the_previous_month_end(customer):
    today = timezone.localdate()
    current = AgreementFactory(
        customer=customer, period_start=today - dt.timedelta(days=400), period_end=today + dt.timedelta(days=400)
    )
    goal = GoalFactory(agreement=current, indicator="sick-leave-days", baseline=10, target=5)
    person = EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
    SickLeaveFactory(employee=person, start=today - dt.timedelta(days=90), end=today - dt.timedelta(days=81))

    snapshot_goal_indicators()

    snapshot = Measurement.objects.get(goal=goal, source="computed")
    assert snapshot.measured_on == timezone.localdate().replace(day=1) - dt.timedelta(days=1)


def test_a_manual_goal_shows_its_latest_measurement(users, api_as, agreement):
    goal = GoalFactory(agreement=agreement, indicator="manager-satisfaction", baseline=80, target=90)
    Measurement.objects.create(goal=goal, measured_on=dt.date(2026, 3, 31), value=85)
    Measurement.objects.create(goal=goal, measured_on=dt.date(2026, 9, 30), value=88)

    body = indicator(api_as(users["supervisor"]), goal)

    assert (body["computed"], body["current_value"], body["measured_on"], body["progress"]) == (
        False,
        85.0,
        "2026-03-31",
        50.0,
    )


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
def test_who_may_read_a_goal_value(users, api_as, customer, other_customer, role, own, other):
    own_goal = GoalFactory(agreement=AgreementFactory(customer=customer))
    other_goal = GoalFactory(agreement=AgreementFactory(customer=other_customer))
    client = api_as(users[role])

    assert client.get(f"/api/v1/goals/{own_goal.pk}/indicator/").status_code == own
    assert client.get(f"/api/v1/goals/{other_goal.pk}/indicator/").status_code == other


def test_customer_users_see_the_year_to_date_of_the_last_closed_quarter_only(
    users, api_as, customer, agreement, monkeypatch
):
    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2026, 5, 20))
    goal = GoalFactory(agreement=agreement, indicator="nps-employees", baseline=0, target=50)
    answers([10, 10, 10], "2026-03-10T10:00Z", customer=customer)
    client = api_as(users["decision-maker"])

    small = indicator(client, goal, on="2026-05-20")
    assert (small["current_value"], small["respondents"]) == (None, None)  # not even how few

    # Answers of the open quarter, or a day apart, change nothing a customer's person sees: the
    # value is the published cell of 2026-Q1, never a rolling window.
    answers([10, 10, 10], "2026-03-11T11:00Z", customer=customer)
    answers([0], "2026-05-11T10:00Z", customer=customer)
    on_19th, on_20th = indicator(client, goal, on="2026-05-19"), indicator(client, goal, on="2026-05-20")
    assert on_19th == on_20th
    assert (on_20th["current_value"], on_20th["respondents"]) == (100.0, 6)
    assert on_20th["window"] == {"start": "2026-01-01", "end": "2026-03-31"}
    # A day after today is no later publication.
    assert indicator(client, goal, on="2026-12-31") == on_20th
    assert indicator(api_as(users["admin"]), goal, on="2026-05-20")["respondents"] == 7  # staff: the 12 months


def test_customer_users_see_a_health_goal_of_a_small_group_as_nothing(users, api_as, customer, agreement, monkeypatch):
    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2026, 7, 15))
    goal = GoalFactory(agreement=agreement, indicator="health-percentage", baseline=50, target=100)
    for _number in range(4):
        EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))

    seen = indicator(api_as(users["supervisor"]), goal, on="2026-07-15")
    assert (seen["current_value"], seen["window"]) == (None, {"start": "2025-07-01", "end": "2026-06-30"})
    EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
    assert indicator(api_as(users["supervisor"]), goal, on="2026-07-15")["current_value"] == 100.0
    assert goal_measurements_snapshot_all(on=dt.date(2026, 6, 30)) == 1
    assert api_as(users["supervisor"]).get(f"/api/v1/measurements/?goal={goal.pk}").json()["results"] == []


@pytest.mark.django_db
def test_a_stored_nps_snapshot_of_a_small_group_never_reaches_the_customers_people(users, api_as, customer):
    import datetime as dt

    from cooperation.models import Phase
    from portal.indicators import goal_measurement_snapshot
    from tests.cooperation.factories import AgreementFactory, GoalFactory
    from tests.surveys.factories_stats import answers

    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
    goal = GoalFactory(agreement=agreement, indicator="nps-supervisors", baseline=0, target=50)
    answers([0], "2026-10-10T10:00Z", customer=customer, group="supervisor")
    assert goal_measurement_snapshot(goal=goal, on=dt.date(2026, 10, 31)) is not None

    staff = api_as(users["account-manager"]).get(f"/api/v1/measurements/?goal={goal.pk}").json()
    assert [m["value"] for m in staff["results"]] == ["-100.00"]
    for role in ("decision-maker", "supervisor"):
        seen = api_as(users[role]).get(f"/api/v1/measurements/?goal={goal.pk}").json()
        assert seen["results"] == [], "one supervisor's answer must not show"
