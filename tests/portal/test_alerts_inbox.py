"""The alert inbox: an account manager's portfolio's open alerts, newest first, filtered by kind;
acknowledging with a note and snoozing; the count in the navigation; other people's alerts."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.alerts.models import Alert, AlertKind
from tests.cooperation.factories import UserFactory

pytestmark = pytest.mark.django_db


def make(customer, kind=AlertKind.NO_MEETING, subject="", days_ago=0, **fields):
    params = {
        AlertKind.NO_MEETING: {"months": 6, "last_meeting": "2026-03-10"},
        AlertKind.ACTION_ITEM_OVERDUE: {
            "item": 1,
            "meeting": 1,
            "description": "Train supervisors",
            "due_date": "2026-06-01",
        },
        AlertKind.GOAL_OFF_TRACK: {"goal": 1, "agreement": 1, "label": "Sick-leave days"},
    }[kind]
    return Alert.objects.create(
        customer=customer,
        kind=kind,
        subject=subject,
        params=params,
        raised_at=timezone.now() - dt.timedelta(days=days_ago),
        **fields,
    )


@pytest.fixture
def browser(client, manager):
    client.force_login(manager)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_inbox_lists_the_own_portfolios_open_alerts_newest_first_with_reasons_and_links(
    browser, customer, other_customer
):
    old = make(customer, days_ago=3)
    new = make(customer, AlertKind.GOAL_OFF_TRACK, "goal:1")
    make(customer, AlertKind.ACTION_ITEM_OVERDUE, "action-item:1", cleared_at=timezone.now())  # closed
    make(other_customer, AlertKind.ACTION_ITEM_OVERDUE, "action-item:2")  # a colleague's

    page = browser.get("/alerts/")
    html = page.content.decode()

    assert page.status_code == 200
    assert html.index(f'id="alert-{new.pk}"') < html.index(f'id="alert-{old.pk}"')
    assert "Goal off its track to target: Sick-leave days." in html
    assert "No steering-group meeting in 6 months: the last one was on" in html
    assert "Train supervisors" not in html and "Other Customer Ab" not in html
    assert f'href="/customers/{customer.business_id}/meetings/"' in html
    assert 'class="nav-count"' in html and ">2</span>" in html

    only_goals = browser.get("/alerts/?kind=goal-off-track").content.decode()
    assert f'id="alert-{new.pk}"' in only_goals and f'id="alert-{old.pk}"' not in only_goals


def test_acknowledging_with_a_note_takes_the_alert_off_the_count(browser, customer, manager):
    alert = make(customer)
    response = browser.post(f"/alerts/{alert.pk}/acknowledge/", {f"a{alert.pk}-note": "Meeting booked for January."})
    assert response.status_code == 302
    alert.refresh_from_db()
    assert (alert.acknowledged_by, alert.note) == (manager, "Meeting booked for January.")
    assert alert.acknowledged_at is not None
    page = browser.get("/alerts/").content.decode()
    assert "Alert acknowledged: Own Customer Oy." in page
    assert 'class="nav-count"' not in page
    assert "Meeting booked for January." in browser.get("/alerts/?state=acknowledged").content.decode()


def test_an_empty_note_is_refused_with_a_clear_message_and_nothing_changes(browser, customer):
    alert = make(customer)
    response = browser.post(f"/alerts/{alert.pk}/acknowledge/", {f"a{alert.pk}-note": "   "})
    assert response.status_code == 400
    assert "Write a note: what will be done, or why nothing needs to be done." in response.content.decode()
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and alert.note == ""


def test_a_closed_alert_cannot_be_acknowledged(browser, customer):
    alert = make(customer, cleared_at=timezone.now())
    response = browser.post(f"/alerts/{alert.pk}/acknowledge/", {f"a{alert.pk}-note": "Done."}, follow=True)
    assert "This alert has already closed by itself: its condition cleared." in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_snoozing_hides_the_alert_until_the_day_and_bad_days_are_refused(browser, customer):
    alert = make(customer)
    today = timezone.localdate()
    for bad, message in [
        (today.isoformat(), "Choose a day after today."),
        ((today + dt.timedelta(days=400)).isoformat(), "Snooze for a year at most."),
        ("not a date", "Enter a valid date."),
        ("", "Choose the day the alert comes back."),
    ]:
        response = browser.post(f"/alerts/{alert.pk}/snooze/", {f"s{alert.pk}-until": bad})
        assert response.status_code == 400, bad
        assert message in response.content.decode()
    assert Alert.objects.get(pk=alert.pk).snoozed_until is None

    until = today + dt.timedelta(days=7)
    assert browser.post(f"/alerts/{alert.pk}/snooze/", {f"s{alert.pk}-until": until.isoformat()}).status_code == 302
    assert Alert.objects.get(pk=alert.pk).snoozed_until == until
    assert f'id="alert-{alert.pk}"' not in browser.get("/alerts/").content.decode()
    assert f'id="alert-{alert.pk}"' in browser.get("/alerts/?state=snoozed").content.decode()


def test_someone_elses_alert_is_not_found_and_nothing_changes(browser, other_customer):
    alert = make(other_customer)
    assert browser.post(f"/alerts/{alert.pk}/acknowledge/", {f"a{alert.pk}-note": "Mine now"}).status_code == 404
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    assert browser.post(f"/alerts/{alert.pk}/snooze/", {f"s{alert.pk}-until": tomorrow}).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None and alert.snoozed_until is None


def test_an_admin_handles_every_portfolios_alerts_and_other_roles_are_refused(client, customer, other_customer):
    alert = make(other_customer)
    client.force_login(UserFactory(role="admin"))
    assert f'id="alert-{alert.pk}"' in client.get("/alerts/").content.decode()
    assert client.post(f"/alerts/{alert.pk}/acknowledge/", {f"a{alert.pk}-note": "Seen"}).status_code == 302
    for role in ("quality", "integration"):
        client.force_login(UserFactory(role=role))
        assert client.get("/alerts/").status_code == 403
        assert 'href="/alerts/"' not in client.get("/reports/indicators/").content.decode()


def test_the_navigation_count_is_one_query(browser, customer, django_assert_max_num_queries):
    for n in range(5):
        make(customer, AlertKind.GOAL_OFF_TRACK, f"goal:{n}")
    page = browser.get("/customers/")
    assert ">5</span>" in page.content.decode()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        browser.get("/customers/")
    assert sum('"alerts_alert"' in q["sql"] for q in queries.captured_queries) == 1
