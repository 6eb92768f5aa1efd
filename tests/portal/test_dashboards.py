"""Pages that combine cooperation and surveys: goals with their current values, the links each
role gets."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from cooperation.models import Indicator, Phase
from tests.cooperation.factories import AgreementFactory, EmployeeFactory, GoalFactory, SickLeaveFactory
from tests.cooperation.test_pages import sign_in
from tests.surveys.factories_stats import answers


@pytest.mark.django_db
def test_the_agreement_page_shows_each_goals_current_value_and_progress(client, users, customer):
    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
    GoalFactory(agreement=agreement, indicator=Indicator.HEALTH_PERCENTAGE, baseline=60, target=80)
    today = timezone.localdate()
    for n in range(8):  # the customer's people see health figures of at least MIN_GROUP_SIZE employees
        employee = EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
        if n < 2:  # inside the window of the last closed month, which is what they see
            SickLeaveFactory(employee=employee, start=today - dt.timedelta(days=100), end=today - dt.timedelta(days=98))
    sign_in(client, users["decision-maker"])
    page = client.get(reverse("cooperation:agreement-detail", args=[agreement.pk]), HTTP_ACCEPT_LANGUAGE="en")
    page = page.content.decode()
    # 6 of 8 employees had no sick leave: 75.0 %, three quarters of the way from 60 to 80.
    assert ">75.0<" in page
    assert "75.0 %" in page


@pytest.mark.django_db
def test_an_nps_goal_of_a_small_group_is_hidden_from_the_customers_people(client, users, customer, settings):
    settings.MIN_GROUP_SIZE = 5
    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
    GoalFactory(agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=0, target=50)
    now = timezone.now() - dt.timedelta(days=3)
    answers([10, 10, 9], now, customer=customer)
    url = reverse("cooperation:agreement-detail", args=[agreement.pk])
    sign_in(client, users["account-manager"])
    assert ">100.0<" in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), (
        "the account manager sees the value"
    )
    client.post(reverse("logout"))
    sign_in(client, users["decision-maker"])
    assert ">100.0<" not in client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode(), (
        "three respondents are too few for the customer"
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    "role, present, absent",
    [
        (
            "account-manager",
            ["/customers/", "/reports/indicators/", "/reports/binding-targets/"],
            ["/reports/comments/"],
        ),
        ("quality", ["/reports/quality/", "/reports/indicators/"], ["/customers/", "/reports/comments/"]),
        ("decision-maker", ["/reports/indicators/"], ["/customers/", "/reports/comments/", "/api/docs/"]),
    ],
)
def test_each_role_gets_its_own_links(client, users, role, present, absent):
    sign_in(client, users[role])
    page = client.get(reverse("home"), follow=True).content.decode()
    nav = page.split("<nav>")[1].split("</nav>")[0]
    for href in present:
        assert f'href="{href}"' in nav
    for href in absent:
        assert f'href="{href}"' not in nav


@pytest.mark.django_db
def test_the_indicators_page_offers_no_customer_choice_to_a_customers_people(client, users):
    sign_in(client, users["account-manager"])
    assert 'name="customer"' in client.get("/reports/indicators/").content.decode()
    client.post(reverse("logout"))
    sign_in(client, users["decision-maker"])
    page = client.get("/reports/indicators/")
    html = page.content.decode()
    assert page.status_code == 200
    # Only what is published to them: a year and a unit type, never a unit or a segment.
    for field in ("customer", "unit", "segment"):
        assert f'name="{field}"' not in html, field
    assert 'name="year"' in html and 'name="unit_type"' in html
