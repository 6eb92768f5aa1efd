"""The daily alert computation on hand-made data: each kind is raised when its condition holds,
closes by itself when it clears, and a second run the same day adds nothing."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from cooperation.models import Indicator, Phase
from portal.alerts.models import Alert, AlertKind
from portal.alerts.selectors import evidence, reason
from portal.alerts.services import refresh_alerts
from portal.alerts.tasks import refresh_account_alerts
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    CustomerFactory,
    EmployeeFactory,
    GoalFactory,
    MeasurementFactory,
    MeetingFactory,
    SickLeaveFactory,
)
from tests.surveys.factories_stats import answers

TODAY = dt.date(2026, 12, 2)  # the last closed quarter: 2026-Q3

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def english():
    """Reasons are written out in the active language; these tests read English."""
    with translation.override("en"):
        yield


def open_alerts(kind, customer=None):
    alerts = Alert.objects.filter(kind=kind, cleared_at__isnull=True)
    return alerts.filter(customer=customer) if customer else alerts


def test_nps_below_target_with_enough_answers_raises_an_alert_that_clears_when_nps_recovers(settings):
    settings.MIN_GROUP_SIZE = 5
    low = CustomerFactory()
    GoalFactory(agreement=AgreementFactory(customer=low), indicator=Indicator.NPS_EMPLOYEES, baseline=10, target=30)
    answers([10, 9, 7, 3, 2], "2026-08-10T10:00Z", customer=low)  # (2 − 2) / 5: 0 < 30
    few = CustomerFactory()
    GoalFactory(agreement=AgreementFactory(customer=few), indicator=Indicator.NPS_EMPLOYEES, baseline=10, target=30)
    answers([0, 0, 0, 0], "2026-08-10T10:00Z", customer=few)  # 4 answers: too few to mean anything
    answers([0] * 6, "2026-10-10T10:00Z", customer=few)  # the open quarter does not count

    refresh_alerts(today=TODAY)

    alert = open_alerts(AlertKind.NPS_BELOW_TARGET).get()
    assert alert.customer == low
    assert alert.params == {"quarter": "2026-Q3", "nps": 0.0, "target": 30.0, "n": 5}
    assert reason(alert) == "Employee NPS 0.0 in 2026-Q3 is below the target 30.0 (5 answers)."
    assert evidence(alert)[0][1] == f"/reports/indicators/?customer={low.business_id}"

    answers([10] * 5, "2026-09-10T10:00Z", customer=low)  # (7 − 2) / 10: 50
    refresh_alerts(today=TODAY)
    alert.refresh_from_db()
    assert alert.cleared_at is not None
    assert not open_alerts(AlertKind.NPS_BELOW_TARGET).exists()


def test_health_drop_against_the_same_window_a_year_earlier(settings):
    settings.ALERT_HEALTH_DROP_POINTS = 5
    customer = CustomerFactory()
    people = [EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1)) for _ in range(10)]
    sick = [SickLeaveFactory(employee=p, start=dt.date(2026, 5, 4), end=dt.date(2026, 5, 8)) for p in people[:2]]
    steady = CustomerFactory()
    for p in [EmployeeFactory(customer=steady, employed_from=dt.date(2020, 1, 1)) for _ in range(10)]:
        # Sick in both windows: no change.
        SickLeaveFactory(employee=p, start=dt.date(2026, 5, 4), end=dt.date(2026, 5, 8))
        SickLeaveFactory(employee=p, start=dt.date(2025, 5, 4), end=dt.date(2025, 5, 8))

    refresh_alerts(today=TODAY)

    alert = open_alerts(AlertKind.HEALTH_DROP).get()
    assert alert.customer == customer
    assert alert.params["health"] == 80.0 and alert.params["before"] == 100.0 and alert.params["drop"] == 20.0
    assert reason(alert).startswith("Health percentage fell 20.0 points in a year: 80.0 % in the 12 months to")

    # 4 points is under the threshold of 5: the alert closes.
    settings.ALERT_HEALTH_DROP_POINTS = 25
    refresh_alerts(today=TODAY)
    assert not open_alerts(AlertKind.HEALTH_DROP).exists()
    assert sick  # the leaves stay; only the threshold changed


def test_overdue_action_item_alert_per_item_closes_when_it_is_done():
    customer = CustomerFactory()
    meeting = MeetingFactory(customer=customer, date=dt.date(2026, 3, 10))
    late = ActionItemFactory(meeting=meeting, due_date=dt.date(2026, 6, 1), description="Train supervisors")
    ActionItemFactory(meeting=meeting, due_date=dt.date(2026, 12, 2))  # due today: not overdue yet
    ActionItemFactory(meeting=meeting, due_date=dt.date(2026, 6, 1), done=True)

    refresh_alerts(today=TODAY)

    alert = open_alerts(AlertKind.ACTION_ITEM_OVERDUE).get()
    assert (alert.customer, alert.subject) == (customer, f"action-item:{late.pk}")
    assert "Train supervisors" in reason(alert)
    assert evidence(alert)[0][1] == f"/meetings/{meeting.pk}/"

    late.done = True
    late.save()
    refresh_alerts(today=TODAY)
    assert not open_alerts(AlertKind.ACTION_ITEM_OVERDUE).exists()


def test_no_meeting_in_six_months_for_customers_in_cooperation(settings):
    settings.ALERT_MEETING_MONTHS = 6
    quiet = CustomerFactory()
    AgreementFactory(customer=quiet)
    MeetingFactory(customer=quiet, date=dt.date(2026, 6, 1))  # before 2 June: over six months ago
    never = CustomerFactory()
    AgreementFactory(customer=never)
    recent = CustomerFactory()
    AgreementFactory(customer=recent)
    MeetingFactory(customer=recent, date=dt.date(2026, 6, 2))
    closed = CustomerFactory()
    AgreementFactory(customer=closed, phase=Phase.CLOSED)
    CustomerFactory()  # no agreement: no cooperation to meet about

    refresh_alerts(today=TODAY)

    alerts = {a.customer_id: a for a in open_alerts(AlertKind.NO_MEETING)}
    assert set(alerts) == {quiet.pk, never.pk}
    assert "the last one was on" in reason(alerts[quiet.pk])
    assert evidence(alerts[quiet.pk])[0][1] == f"/customers/{quiet.business_id}/meetings/"

    MeetingFactory(customer=quiet, date=dt.date(2026, 11, 20))
    refresh_alerts(today=TODAY)
    assert set(open_alerts(AlertKind.NO_MEETING).values_list("customer_id", flat=True)) == {never.pk}


def test_goal_off_track_alert_per_goal_closes_when_it_reaches_its_target():
    customer = CustomerFactory()
    agreement = AgreementFactory(customer=customer)
    goal = GoalFactory(agreement=agreement, baseline=80, target=85, due_date=dt.date(2026, 11, 30))
    MeasurementFactory(goal=goal, measured_on=dt.date(2026, 6, 30), value=81)
    on_track = GoalFactory(agreement=agreement, baseline=80, target=85, due_date=dt.date(2026, 11, 30))
    MeasurementFactory(goal=on_track, measured_on=dt.date(2026, 6, 30), value=86)

    refresh_alerts(today=TODAY)

    alert = open_alerts(AlertKind.GOAL_OFF_TRACK).get()
    assert alert.subject == f"goal:{goal.pk}"
    assert reason(alert) == "Goal off its track to target: Health percentage."
    assert evidence(alert)[0][1] == f"/agreements/{agreement.pk}/#goal-{goal.pk}"

    MeasurementFactory(goal=goal, measured_on=dt.date(2026, 11, 1), value=85)
    refresh_alerts(today=TODAY)
    assert not open_alerts(AlertKind.GOAL_OFF_TRACK).exists()


def test_a_second_run_adds_nothing_and_a_returning_condition_raises_a_new_alert():
    customer = CustomerFactory()
    meeting = MeetingFactory(customer=customer, date=dt.date(2026, 11, 10))
    item = ActionItemFactory(meeting=meeting, due_date=dt.date(2026, 6, 1))
    GoalFactory(agreement=AgreementFactory(customer=customer), due_date=dt.date(2026, 11, 30)).measurements.create(
        measured_on=dt.date(2026, 6, 30), value=81
    )

    first = refresh_alerts(today=TODAY)
    assert first.raised == 2
    before = list(Alert.objects.values_list("pk", "raised_at", "params").order_by("pk"))
    second = refresh_account_alerts.run()  # the beat task, today being whatever day it is
    again = refresh_alerts(today=TODAY)
    assert (again.raised, again.cleared, again.updated) == (0, 0, 0)
    assert second["open"] >= 1
    assert list(Alert.objects.values_list("pk", "raised_at", "params").order_by("pk")) == before

    item.done = True
    item.save()
    refresh_alerts(today=TODAY)
    item.done = False
    item.save()
    refresh_alerts(today=TODAY)
    history = Alert.objects.filter(kind=AlertKind.ACTION_ITEM_OVERDUE).order_by("pk")
    assert [a.cleared_at is None for a in history] == [False, True]


def test_the_database_keeps_one_open_alert_per_customer_kind_and_subject():
    customer = CustomerFactory()
    now = timezone.now()
    Alert.objects.create(customer=customer, kind=AlertKind.NO_MEETING, raised_at=now, cleared_at=now)
    Alert.objects.create(customer=customer, kind=AlertKind.NO_MEETING, raised_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Alert.objects.create(customer=customer, kind=AlertKind.NO_MEETING, raised_at=now)


def test_the_computation_takes_a_constant_number_of_queries(django_assert_max_num_queries):
    for n in range(6):
        customer = CustomerFactory()
        agreement = AgreementFactory(customer=customer)
        goal = GoalFactory(agreement=agreement, due_date=dt.date(2026, 11, 30))
        MeasurementFactory(goal=goal, value=81)
        ActionItemFactory(meeting=MeetingFactory(customer=customer, date=dt.date(2026, 3, n + 1)))
        EmployeeFactory(customer=customer)
    with django_assert_max_num_queries(20):
        result = refresh_alerts(today=TODAY)
    assert result.raised == 18  # a goal, an action item and no recent meeting for each of six
