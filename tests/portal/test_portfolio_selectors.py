"""The portfolio's figures on hand-counted data: NPS per closed quarter (Helsinki quarters),
coping better, health % of many customers at once, the NPS target, goals off track, overdue
action items and the next meeting."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import translation

from cooperation.models import Indicator, Phase
from cooperation.selectors import goal_off_track, health_percentage, health_percentages
from portal import selectors
from surveys.models import BindingTarget, TargetScope
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    CustomerFactory,
    EmployeeFactory,
    GoalFactory,
    MeasurementFactory,
    MeetingFactory,
    SickLeaveFactory,
    UserFactory,
)
from tests.surveys.factories_stats import answer, answers

TODAY = dt.date(2026, 12, 2)


def test_closed_quarters_are_the_last_four_before_today_oldest_first():
    assert [q[0] for q in selectors.closed_quarters(today=TODAY)] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    assert selectors.closed_quarters(today=dt.date(2026, 10, 1))[-1] == (
        "2026-Q3",
        dt.date(2026, 7, 1),
        dt.date(2026, 9, 30),
    )


@pytest.mark.django_db
def test_nps_trend_and_coping_per_closed_quarter_by_helsinki_time():
    customer = CustomerFactory()
    other = CustomerFactory()
    answers([10, 9, 5, 7], "2025-11-15T10:00Z", customer=customer)  # 2 promoters, 1 detractor of 4: 25.0
    answers([10, 10, 10, 0], "2026-05-15T10:00Z", customer=customer)  # (3 − 1) / 4: 50.0
    # 30 June 21:30 UTC is 1 July 00:30 in Helsinki: the third quarter.
    answer(6, "2026-06-30T21:30Z", customer=customer, coping="na")
    answer(9, "2026-08-10T10:00Z", customer=customer, coping="yes")
    answer(6, "2026-08-11T10:00Z", customer=customer, coping="no")
    # 30 September 21:30 UTC is already October in Helsinki: an open quarter, not shown.
    answers([0, 0, 0], "2026-09-30T21:30Z", customer=customer)
    answers([0, 0], "2026-08-10T10:00Z", customer=other)
    answers([0], "2026-08-10T10:00Z", customer=customer, group="supervisor")

    rows = selectors.portfolio_rows(customer_ids=[customer.pk], today=TODAY)
    row = rows[0]
    assert row["nps_trend"] == [
        {"quarter": "2025-Q4", "nps": 25.0},
        {"quarter": "2026-Q1", "nps": None},
        {"quarter": "2026-Q2", "nps": 50.0},
        {"quarter": "2026-Q3", "nps": -33.3},  # 1 promoter, 2 detractors of 3
    ]
    assert (row["nps"], row["nps_n"], row["nps_quarter"]) == (-33.3, 3, "2026-Q3")
    assert row["coping"] == 50.0  # yes and no; "not applicable" left out


@pytest.mark.django_db
def test_health_of_many_customers_in_one_query_matches_the_single_customer_rule(django_assert_num_queries):
    end = dt.date(2026, 12, 1)
    first, second, empty = CustomerFactory(), CustomerFactory(), CustomerFactory()
    people = [EmployeeFactory(customer=first, employed_from=dt.date(2020, 1, 1)) for _ in range(4)]
    SickLeaveFactory(employee=people[0], start=dt.date(2026, 5, 1), end=dt.date(2026, 5, 3))
    SickLeaveFactory(employee=people[1], start=dt.date(2025, 6, 1), end=dt.date(2025, 6, 3))  # before the window
    EmployeeFactory(customer=first, employed_from=dt.date(2020, 1, 1), employed_until=dt.date(2025, 1, 1))  # gone
    for _ in range(3):
        EmployeeFactory(customer=second, employed_from=dt.date(2020, 1, 1))
    with django_assert_num_queries(1):
        health = health_percentages(customer_ids=[first.pk, second.pk, empty.pk], months=12, end=end)
    assert health == {first.pk: 75.0, second.pk: 100.0}
    assert health[first.pk] == health_percentage(customer=first, months=12, end=end)["health_percentage"]


@pytest.mark.parametrize(
    "baseline, target, current, lower, start, due, expected",
    [
        # Not there yet and the due date has passed.
        (50, 70, 60, False, dt.date(2026, 1, 1), dt.date(2026, 11, 30), True),
        # Reached: never off track, whatever the date.
        (50, 70, 71, False, dt.date(2026, 1, 1), dt.date(2026, 11, 30), False),
        # 11 of 12 months used, a quarter of the way: trails by more than 25 points.
        (50, 70, 55, False, dt.date(2026, 1, 1), dt.date(2026, 12, 31), True),
        # 11 of 12 months used, 70 % of the way: close enough.
        (50, 70, 64, False, dt.date(2026, 1, 1), dt.date(2026, 12, 31), False),
        # Lower is better: from 12 days towards 8, now 9 (75 % of the way).
        (12, 8, 9, True, dt.date(2026, 1, 1), dt.date(2026, 12, 31), False),
        # Lower is better and worse than the baseline.
        (12, 8, 13, True, dt.date(2026, 1, 1), dt.date(2026, 12, 31), True),
        # Lower is better and beyond the target: reached.
        (12, 8, 7, True, dt.date(2026, 1, 1), dt.date(2026, 11, 30), False),
        # Nothing measured, or no baseline: not judged.
        (50, 70, None, False, dt.date(2026, 1, 1), dt.date(2026, 11, 30), False),
        (None, 70, 40, False, dt.date(2026, 1, 1), dt.date(2026, 12, 31), False),
    ],
)
def test_goal_off_track(baseline, target, current, lower, start, due, expected):
    assert (
        goal_off_track(
            baseline=baseline, target=target, current=current, lower_is_better=lower, start=start, due=due, today=TODAY
        )
        is expected
    )


@pytest.mark.django_db
def test_attention_nps_target_overdue_items_and_next_meeting():
    calm, troubled, fallback = CustomerFactory(name="Calm"), CustomerFactory(name="Troubled"), CustomerFactory()
    # Calm: NPS 100 against its goal's target of 50, no goals off track.
    calm_agreement = AgreementFactory(customer=calm, phase=Phase.FOLLOW_UP)
    GoalFactory(agreement=calm_agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=40, target=50)
    answers([10, 10], "2026-08-10T10:00Z", customer=calm)
    # Troubled: an older agreement's goal is ignored; the latest one has a goal off track and
    # NPS 0 below its target 50 from the customer's binding target.
    AgreementFactory(customer=troubled, period_start=dt.date(2025, 1, 1), period_end=dt.date(2025, 12, 31))
    latest = AgreementFactory(customer=troubled, phase=Phase.AGREED)
    goal = GoalFactory(
        agreement=latest, indicator=Indicator.HEALTH_PERCENTAGE, baseline=80, target=90, due_date=dt.date(2026, 11, 1)
    )
    MeasurementFactory(goal=goal, measured_on=dt.date(2026, 10, 31), value=Decimal("82"))
    BindingTarget.objects.create(year=2026, scope=TargetScope.CUSTOMER, customer=troubled, target=50)
    BindingTarget.objects.create(year=2026, scope=TargetScope.ORGANISATION, target=-20)
    answers([10, 0], "2026-08-10T10:00Z", customer=troubled)
    # Fallback: no agreement: the organisation's target (−20); NPS −100 is below it.
    answers([0], "2026-08-10T10:00Z", customer=fallback)

    past = MeetingFactory(customer=troubled, date=TODAY - dt.timedelta(days=30))
    MeetingFactory(customer=troubled, date=TODAY + dt.timedelta(days=40))
    MeetingFactory(customer=troubled, date=TODAY)
    ActionItemFactory(meeting=past, due_date=TODAY - dt.timedelta(days=1))  # overdue
    ActionItemFactory(meeting=past, due_date=TODAY - dt.timedelta(days=9), done=True)  # done
    ActionItemFactory(meeting=past, due_date=TODAY)  # due today: not yet overdue
    ActionItemFactory(meeting=past, due_date=None)
    ActionItemFactory(meeting=MeetingFactory(customer=calm, date=TODAY - dt.timedelta(days=3)), due_date=TODAY)

    with translation.override("en"):
        rows = {
            r["customer"].name: r
            for r in selectors.portfolio_rows(customer_ids=[calm.pk, troubled.pk, fallback.pk], today=TODAY)
        }
    assert (rows["Calm"]["nps"], rows["Calm"]["nps_target"], rows["Calm"]["attention"]) == (100.0, 50.0, [])
    assert rows["Troubled"]["nps_target"] == 50.0
    assert rows["Troubled"]["attention"] == [("goal", "Health percentage"), ("nps", "2026-Q3")]
    assert rows["Troubled"]["phase"] == Phase.AGREED
    assert rows["Troubled"]["overdue_action_items"] == 1
    assert rows["Troubled"]["next_meeting"] == TODAY
    assert rows["Calm"]["overdue_action_items"] == 0
    assert rows["Calm"]["next_meeting"] is None
    assert (rows[fallback.name]["nps_target"], rows[fallback.name]["attention"]) == (-20.0, [("nps", "2026-Q3")])
    assert rows[fallback.name]["phase"] is None


@pytest.mark.django_db
def test_a_page_of_rows_takes_the_same_queries_for_5_or_25_customers(django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def build(n):
        ids = []
        for _ in range(n):
            c = CustomerFactory()
            agreement = AgreementFactory(customer=c)
            GoalFactory(agreement=agreement)
            MeetingFactory(customer=c)
            answers([9, 3], "2026-08-10T10:00Z", customer=c)
            EmployeeFactory(customer=c)
            ids.append(c.pk)
        return ids

    few, many = build(5), build(25)
    counts = []
    for ids in (few, many):
        with CaptureQueriesContext(connection) as queries:
            selectors.portfolio_rows(customer_ids=ids, today=TODAY)
        counts.append(len(queries))
    assert counts[0] == counts[1] <= 8


@pytest.mark.django_db(transaction=True)
def test_the_customer_month_rollup_gives_the_same_figures_and_keeps_up_with_new_answers():
    from surveys.models import StatsMonthlyByCustomer
    from surveys.services import nps_rollup_add, stats_rollups_rebuild

    customer, other = CustomerFactory(), CustomerFactory()
    answers([10, 9, 5, 7], "2025-11-15T10:00Z", customer=customer)
    answer(6, "2026-06-30T21:30Z", customer=customer, coping="na")  # July in Helsinki
    answer(9, "2026-08-10T10:00Z", customer=customer, coping="yes")
    answer(6, "2026-08-11T10:00Z", customer=customer, coping="no")
    answers([0, 0], "2026-08-10T10:00Z", customer=other)
    raw = selectors.portfolio_rows(customer_ids=[customer.pk, other.pk], today=TODAY)

    stats_rollups_rebuild()
    july = StatsMonthlyByCustomer.objects.get(customer=customer, month=dt.date(2026, 7, 1), respondent_group="patient")
    assert (july.n, july.detractors, july.coping_na) == (1, 1, 1)
    assert selectors.portfolio_rows(customer_ids=[customer.pk, other.pk], today=TODAY) == raw

    # A new answer after the rebuild counts at once, in its customer's month.
    nps_rollup_add(response=answer(10, "2026-09-01T10:00Z", customer=customer, coping="yes"))
    row = selectors.portfolio_rows(customer_ids=[customer.pk], today=TODAY)[0]
    assert (row["nps"], row["nps_n"], row["coping"]) == (0.0, 4, 66.7)  # 2 promoters, 2 detractors

    # Sorting every customer reads the summed totals: the same order as the shown figures.
    page, rows = selectors.portfolio_page(
        user=UserFactory(email="admin@provider.example", role="admin"),
        filters=selectors.PortfolioFilters(),
        sort="nps",
        today=TODAY,
    )
    assert [r["customer"].pk for r in rows] == [other.pk, customer.pk]
