"""A goal's progress reads right in both directions: 0–100 %, "target reached" at or past the
target (never 282.5 %), "worse than the baseline" when the value moved away, nothing to measure
along without a baseline; the agreement page, the meeting pack and the API all show the same."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cooperation.models import Indicator, Phase
from cooperation.progress import ProgressState, goal_progress
from tests.cooperation.factories import AgreementFactory, GoalFactory, MeasurementFactory, MeetingFactory
from tests.cooperation.test_pages import sign_in


@pytest.mark.parametrize(
    "baseline, target, current, lower, percent, reached, state",
    [
        # Higher is better: 62 → 70.
        (62, 70, 66, False, 50.0, False, ProgressState.ON_THE_WAY),
        (62, 70, 70, False, 100.0, True, ProgressState.REACHED),
        (62, 70, "84.6", False, 100.0, True, ProgressState.REACHED),  # was 282.5 %
        (62, 70, 58, False, 0.0, False, ProgressState.WORSE_THAN_BASELINE),
        (62, 70, 62, False, 0.0, False, ProgressState.ON_THE_WAY),
        # Lower is better: sick-leave days 14 → 10.
        (14, 10, 12, True, 50.0, False, ProgressState.ON_THE_WAY),
        (14, 10, 10, True, 100.0, True, ProgressState.REACHED),
        (14, 10, 6, True, 100.0, True, ProgressState.REACHED),
        (14, 10, 16, True, 0.0, False, ProgressState.WORSE_THAN_BASELINE),
        # Without a baseline there is no way to measure along, but "reached" still reads.
        (None, 70, 66, False, None, False, ProgressState.NO_BASELINE),
        (None, 70, 75, False, None, True, ProgressState.REACHED),
        (None, 10, 12, True, None, False, ProgressState.NO_BASELINE),
        (None, 10, 9, True, None, True, ProgressState.REACHED),
        # No value yet.
        (62, 70, None, False, None, False, ProgressState.NO_VALUE),
        # Almost there is not there: 99.96 % must not round to a false 100 %.
        (0, 10000, "9999.6", False, 99.9, False, ProgressState.ON_THE_WAY),
    ],
)
def test_progress_in_both_directions(baseline, target, current, lower, percent, reached, state):
    progress = goal_progress(baseline=baseline, target=target, current=current, lower_is_better=lower)
    assert (progress.percent, progress.target_reached, progress.state) == (percent, reached, state)


@pytest.mark.django_db
def test_the_goal_model_takes_its_direction_from_the_baseline_or_the_indicator():
    sick = GoalFactory(indicator=Indicator.SICK_LEAVE_DAYS, baseline=None, target=10)
    assert sick.lower_is_better and sick.target_reached(Decimal(9)) and not sick.target_reached(Decimal(11))
    assert sick.progress(Decimal(9)) is None  # reached, but no baseline to measure along
    health = GoalFactory(indicator=Indicator.HEALTH_PERCENTAGE, baseline=62, target=70)
    assert (health.progress(Decimal("84.6")), health.target_reached(Decimal("84.6"))) == (100.0, True)
    down = GoalFactory(indicator=Indicator.CUSTOM, custom_indicator="Accidents", baseline=8, target=4)
    assert (down.progress(Decimal(6)), down.progress(Decimal(2)), down.progress(Decimal(9))) == (50.0, 100.0, 0.0)


def _page(client, url) -> str:
    return client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_agreement_page_and_meeting_pack_say_target_reached_instead_of_going_past_100(client, manager, customer):
    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
    beyond = GoalFactory(
        agreement=agreement, indicator=Indicator.CUSTOM, custom_indicator="Trained", baseline=62, target=70
    )
    MeasurementFactory(goal=beyond, measured_on=dt.date(2026, 1, 31), value=Decimal("84.6"))
    fewer = GoalFactory(
        agreement=agreement, indicator=Indicator.CUSTOM, custom_indicator="Accidents", baseline=14, target=10
    )
    MeasurementFactory(goal=fewer, measured_on=dt.date(2026, 1, 31), value=12)
    worse = GoalFactory(
        agreement=agreement, indicator=Indicator.CUSTOM, custom_indicator="Injuries", baseline=5, target=3
    )
    MeasurementFactory(goal=worse, measured_on=dt.date(2026, 1, 31), value=7)
    meeting = MeetingFactory(customer=customer, agreement=agreement, date=dt.date(2026, 2, 10))
    sign_in(client, manager)
    for url in (
        reverse("cooperation:agreement-detail", args=[agreement.pk]),
        reverse("cooperation:meeting-pack", args=[meeting.pk]),
    ):
        page = _page(client, url)
        assert "282.5" not in page
        trained = page[page.index("Trained") :].split("</tr>")[0]
        assert "Target reached" in trained
        accidents = page[page.index("Accidents") :].split("</tr>")[0]
        assert "50.0 %" in accidents and "lower is better" in accidents and "Target reached" not in accidents
        injuries = page[page.index("Injuries") :].split("</tr>")[0]
        assert "worse than the baseline" in injuries and "-100" not in injuries


@pytest.mark.django_db
def test_the_api_gives_the_same_progress(api_as, manager, customer):
    goal = GoalFactory(
        agreement=AgreementFactory(customer=customer),
        indicator=Indicator.CUSTOM,
        custom_indicator="X",
        baseline=62,
        target=70,
    )
    MeasurementFactory(goal=goal, measured_on=dt.date(2026, 1, 31), value=Decimal("84.6"))
    body = api_as(manager).get(f"/api/v1/goals/{goal.pk}/indicator/?on=2026-02-01").json()
    assert (body["current_value"], body["progress"], body["target_reached"]) == (84.6, 100.0, True)
