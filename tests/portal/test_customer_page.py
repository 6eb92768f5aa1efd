"""The customer page, the customer's 360 for account managers and administrators: key figures
with their trends, the agreement's goals, meetings, contacts and the timeline with notes; who may
see it; notes that are refused say why and save nothing; the timeline's order, filter and paging
in a constant number of queries."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cooperation.models import (
    CustomerNote,
    GoalChange,
    Indicator,
    Phase,
    PhaseTransition,
)
from portal.selectors import closed_quarters
from portal.timeline import customer_timeline, timeline_filter
from surveys.models import NpsRound, RespondentGroup
from surveys.services import nps_round_start
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    ContactFactory,
    EmployeeFactory,
    GoalFactory,
    MeasurementFactory,
    MeetingFactory,
    SickLeaveFactory,
)
from tests.cooperation.test_meetings import HELSINKI, at_helsinki
from tests.cooperation.test_pages import sign_in
from tests.surveys.factories_stats import answers

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 15)


@pytest.fixture
def now(monkeypatch):
    at_helsinki(monkeypatch, 2026, 11, 15, 12, 0)
    return TODAY


def url(customer) -> str:
    return reverse("cooperation:customer-detail", args=[customer.business_id])


def note_url(customer) -> str:
    return reverse("cooperation:customer-note-create", args=[customer.business_id])


def get(client, path: str, **params) -> str:
    response = client.get(path, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def moment(*args) -> dt.datetime:
    return dt.datetime(*args, tzinfo=HELSINKI)


def timeline_of(page: str) -> str:
    return page[page.index('id="timeline"') : page.index('id="contacts"')]


def entries_of(page: str) -> list[str]:
    """The timeline's entries as their kinds, in the order shown."""
    return re.findall(r'class="timeline-entry timeline-([a-z-]+)"', timeline_of(page))


# --- Who sees it --------------------------------------------------------------------------------


def test_account_manager_sees_only_the_own_portfolio_and_admin_every_customer(
    client, users, now, customer, other_customer
):
    sign_in(client, users["account-manager"])
    assert "Timeline" in get(client, url(customer))
    assert client.get(url(other_customer)).status_code == 404
    response = client.post(note_url(other_customer), {"text": "Not mine"})
    assert response.status_code == 404
    client.post(reverse("logout"))
    sign_in(client, users["admin"])
    for each in (customer, other_customer):
        page = get(client, url(each))
        assert each.name in page and "Add the note" in page


@pytest.mark.parametrize("role", ["decision-maker", "supervisor"])
def test_a_customers_own_people_never_see_it_and_cannot_add_notes(client, users, now, customer, role):
    CustomerNote.objects.create(customer=customer, author=users["account-manager"], text="Internal remark")
    sign_in(client, users[role])
    response = client.get(url(customer), follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.redirect_chain == [(reverse("home"), 302), (reverse("dashboard"), 302)]
    page = response.content.decode()
    assert "Internal remark" not in page and "Timeline" not in page and "Add the note" not in page
    assert client.post(note_url(customer), {"text": "From the customer"}).status_code == 403
    assert list(CustomerNote.objects.values_list("text", flat=True)) == ["Internal remark"]


def test_quality_staff_may_not_open_it(client, users, now, customer):
    sign_in(client, users["quality"])
    assert client.get(url(customer)).status_code == 403
    assert client.post(note_url(customer), {"text": "x"}).status_code == 403
    assert not CustomerNote.objects.exists()


# --- What it shows --------------------------------------------------------------------------------


def test_the_header_shows_nps_health_the_next_meeting_and_open_items(client, users, now, customer):
    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
    GoalFactory(agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=20, target=60)
    GoalFactory(agreement=agreement, indicator=Indicator.HEALTH_PERCENTAGE, baseline=60, target=80)
    quarters = closed_quarters(today=now)
    assert [q[0] for q in quarters] == ["2025-Q4", "2026-Q1", "2026-Q2", "2026-Q3"]
    # 2026-Q3: 6 promoters, 2 passives, 2 detractors of 10 answers: NPS 40, below the target 60.
    answers([10] * 6 + [8] * 2 + [3] * 2, moment(2026, 8, 10, 12), customer=customer, coping="yes")
    answers([10] * 2, moment(2026, 2, 10, 12), customer=customer)
    for n in range(10):  # 8 of 10 without sick leave in the last 12 months: 80.0 %
        employee = EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
        if n < 2:
            SickLeaveFactory(employee=employee, start=dt.date(2026, 9, 1), end=dt.date(2026, 9, 3))
    held = MeetingFactory(customer=customer, date=dt.date(2026, 9, 1), decisions="Train the supervisors")
    ActionItemFactory(meeting=held, description="Late thing", due_date=dt.date(2026, 10, 1))
    ActionItemFactory(meeting=held, description="Fine thing", due_date=dt.date(2026, 12, 1))
    upcoming = MeetingFactory(customer=customer, date=dt.date(2026, 12, 3))
    ContactFactory(customer=customer, name="Maija Meikäläinen", title="HR director")
    sign_in(client, users["account-manager"])

    page = get(client, url(customer))
    header = page[page.index('id="figures-title"') : page.index("customer-charts")]
    assert ">40<" in header and "Below target" in header and "target 60" in header
    assert "2026-Q3, 10 answers" in header
    assert "80 %" in header and "Target met" in header  # health 80.0 % against the goal's 80
    assert "100 %" in header  # coping better: every answer "yes"
    assert reverse("cooperation:meeting-detail", args=[upcoming.pk]) in header and "3 Dec 2026" in header
    assert ">2</a>" in header and "1 overdue" in header
    # The charts carry their figures as tables, the NPS one with its margin of error.
    assert "Margin of error (95 %)" in page and "±" in page
    assert page.count('<details class="chart-figures">') == 2
    assert 'id="customer-nps-data"' in page and 'id="customer-health-data"' in page
    # Agreement, meetings (past and next), contacts.
    assert reverse("cooperation:agreement-detail", args=[agreement.pk]) in page
    meetings = page[page.index('id="meetings"') : page.index('id="timeline"')]
    assert reverse("cooperation:meeting-detail", args=[held.pk]) in meetings
    assert reverse("cooperation:meeting-pack", args=[upcoming.pk]) in meetings
    assert "Late thing" in meetings and "Fine thing" in meetings
    assert "Maija Meikäläinen" in page and "HR director" in page


def test_the_goals_read_target_reached_rather_than_past_100_percent(client, users, now, customer):
    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
    fewer = GoalFactory(
        agreement=agreement, indicator=Indicator.CUSTOM, custom_indicator="Accidents", baseline=14, target=10
    )
    MeasurementFactory(goal=fewer, measured_on=dt.date(2026, 10, 31), value=4)
    halfway = GoalFactory(
        agreement=agreement, indicator=Indicator.CUSTOM, custom_indicator="Trained", baseline=60, target=80
    )
    MeasurementFactory(goal=halfway, measured_on=dt.date(2026, 10, 31), value=70)
    sign_in(client, users["account-manager"])
    page = get(client, url(customer))
    goals = page[page.index('id="agreement"') : page.index('id="meetings"')]
    accidents = goals[goals.index("Accidents") :].split("</tr>")[0]
    assert "Target reached" in accidents and "lower is better" in accidents and "250" not in accidents
    trained = goals[goals.index("Trained") :].split("</tr>")[0]
    assert "50.0 %" in trained and "Target reached" not in trained


def test_a_customer_with_nothing_yet_gets_plain_empty_states(client, users, now, customer):
    sign_in(client, users["account-manager"])
    page = get(client, url(customer))
    assert "No responsibility agreement yet." in page
    assert "Nothing has happened with this customer yet." in page
    assert "None planned." in page
    assert "No figures for this period yet." in page


# --- Notes ------------------------------------------------------------------------------------------


def test_a_note_is_added_with_its_author_and_shows_first_in_the_timeline(client, users, now, customer):
    MeetingFactory(customer=customer, date=dt.date(2026, 11, 1))
    sign_in(client, users["account-manager"])
    response = client.post(note_url(customer), {"text": "  Called the HR director:\nthey want a work-ability day.  "})
    assert response.status_code == 302 and response["Location"] == url(customer) + "#timeline"
    note = CustomerNote.objects.get()
    assert (note.customer, note.author, note.text) == (
        customer,
        users["account-manager"],
        "Called the HR director:\nthey want a work-ability day.",
    )
    page = get(client, url(customer))
    assert entries_of(page) == ["note", "meeting"]
    assert "Called the HR director:<br>they want a work-ability day." in timeline_of(page)
    assert users["account-manager"].get_full_name() in timeline_of(page)


@pytest.mark.parametrize(
    "text, message",
    [
        ("", "Write the note before saving it."),
        ("   \n  ", "Write the note before saving it."),
        ("x" * 4001, "A note can be at most 4000 characters long; this one has 4001."),
    ],
    ids=["empty", "blank", "too-long"],
)
def test_a_refused_note_says_why_and_saves_nothing(client, users, now, customer, text, message):
    sign_in(client, users["account-manager"])
    response = client.post(note_url(customer), {"text": text}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    page = response.content.decode()
    summary = page[page.index('class="error-summary"') :].split("</div>")[0]
    assert "There is a problem" in summary and message in summary and 'href="#id_text"' in summary
    assert not CustomerNote.objects.exists()


# --- The timeline -------------------------------------------------------------------------------------


@pytest.fixture
def history(users, customer, now):
    """One entry of every kind, each at a known moment (newest first in the comment):
    note 14 Nov, NPS round 12 Nov, action item done 10 Nov, measurement 31 Oct, goal changed
    20 Oct, meeting 1 Oct, phase transition 15 Sep, goal added 1 Sep; and a meeting still to come."""
    manager = users["account-manager"]
    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
    goal = GoalFactory(agreement=agreement, indicator=Indicator.CUSTOM, custom_indicator="Trained", target=80)
    type(goal).objects.filter(pk=goal.pk).update(created_at=moment(2026, 9, 1, 9))
    transition = PhaseTransition.objects.create(
        agreement=agreement, from_phase="agreed", to_phase="follow-up", by=manager
    )
    PhaseTransition.objects.filter(pk=transition.pk).update(at=moment(2026, 9, 15, 9))
    meeting = MeetingFactory(customer=customer, date=dt.date(2026, 10, 1), decisions="Start the training")
    MeetingFactory(customer=customer, date=dt.date(2026, 12, 1))  # still to come: not history
    change = GoalChange.objects.create(goal=goal, by=manager, changes={"target": {"before": "75", "after": "80"}})
    GoalChange.objects.filter(pk=change.pk).update(at=moment(2026, 10, 20, 9))
    MeasurementFactory(goal=goal, measured_on=dt.date(2026, 10, 31), value=70)
    ActionItemFactory(
        meeting=meeting, description="Book the trainer", done=True, done_at=moment(2026, 11, 10, 9), done_by=manager
    )
    ContactFactory(customer=customer, role="supervisor", email="boss@customer.example")
    nps_round = nps_round_start(started_by=manager, respondent_group=RespondentGroup.SUPERVISOR, customers=[customer])
    NpsRound.objects.filter(pk=nps_round.pk).update(started_at=moment(2026, 11, 12, 9))
    note = CustomerNote.objects.create(customer=customer, author=manager, text="Lunch with the CEO")
    CustomerNote.objects.filter(pk=note.pk).update(created_at=moment(2026, 11, 14, 9))
    return agreement


NEWEST_FIRST = ["note", "nps-round", "action-done", "measurement", "goal-changed", "meeting", "phase", "goal-added"]


def test_the_timeline_shows_everything_newest_first(client, users, history, customer):
    sign_in(client, users["account-manager"])
    page = get(client, url(customer))
    assert entries_of(page) == NEWEST_FIRST
    timeline = timeline_of(page)
    assert "Lunch with the CEO" in timeline
    assert "NPS survey to Supervisors: 1 person invited" in timeline
    assert "Book the trainer" in timeline and "Start the training" in timeline
    assert "Target: 75 → 80" in timeline
    assert "Agreed → <strong>Follow-up</strong>" in timeline
    assert "12/01/2026" not in timeline  # the meeting still to come is not history


@pytest.mark.parametrize(
    "kind, shown",
    [
        ("note", ["note"]),
        ("meeting", ["meeting"]),
        ("goal", ["goal-changed", "goal-added"]),
        ("nps-round", ["nps-round"]),
        ("action", ["action-done"]),
        ("phase", ["phase"]),
        ("measurement", ["measurement"]),
        ("no-such-kind", NEWEST_FIRST),
    ],
)
def test_the_timeline_filters_by_kind(client, users, history, customer, kind, shown):
    sign_in(client, users["account-manager"])
    page = get(client, url(customer), kind=kind)
    assert entries_of(page) == shown
    if shown != NEWEST_FIRST:
        assert f'<option value="{kind}" selected>' in page


def test_an_empty_filter_says_so_and_leads_back(client, users, now, customer):
    CustomerNote.objects.create(customer=customer, author=users["account-manager"], text="Only a note")
    sign_in(client, users["account-manager"])
    page = get(client, url(customer), kind="meeting")
    assert "Nothing of this kind yet." in page and 'href="?#timeline"' in page


def test_the_timeline_pages_without_repeating_an_entry(client, users, now, customer):
    manager = users["account-manager"]
    for n in range(25):
        note = CustomerNote.objects.create(customer=customer, author=manager, text=f"Note number {n:02d}.")
        # Every other pair shares a moment: ties must still page in a fixed order.
        CustomerNote.objects.filter(pk=note.pk).update(created_at=moment(2026, 10, 1 + n // 2, 9))
    sign_in(client, manager)
    first = get(client, url(customer), kind="note")
    second = get(client, url(customer), kind="note", page=2)
    seen = re.findall(r"Note number (\d\d)", timeline_of(first)) + re.findall(
        r"Note number (\d\d)", timeline_of(second)
    )
    assert len(seen) == 25 and len(set(seen)) == 25
    assert seen[0] in ("24",) and seen[-1] in ("00", "01")
    assert "Showing 1–20 of 25" in first and "Showing 21–25 of 25" in second
    assert "?kind=note&amp;page=2#timeline" in first


def _many(customer, manager, count: int) -> None:
    meeting = MeetingFactory(customer=customer, date=dt.date(2026, 10, 1), decisions="One\nTwo")
    agreement = AgreementFactory(customer=customer)
    goal = GoalFactory(agreement=agreement)
    for n in range(count):
        CustomerNote.objects.create(customer=customer, author=manager, text=f"Note {n}")
        MeetingFactory(customer=customer, date=dt.date(2026, 1, 1) + dt.timedelta(days=n))
        ActionItemFactory(meeting=meeting, done=True, done_at=timezone.now(), done_by=manager)
        PhaseTransition.objects.create(
            agreement=agreement, from_phase="orientation", to_phase="identification", by=manager
        )
        GoalChange.objects.create(goal=goal, by=manager, changes={"target": {"before": n, "after": n + 1}})
        MeasurementFactory(goal=goal, measured_on=dt.date(2026, 1, 1) + dt.timedelta(days=n), value=n)
        nps_round = NpsRound.objects.create(respondent_group=RespondentGroup.SUPERVISOR, started_by=manager)
        nps_round.customers.add(customer)


def test_the_timeline_costs_the_same_few_queries_however_long_it_is(
    django_assert_max_num_queries, users, now, customer
):
    _many(customer, users["account-manager"], 20)  # 140 and more entries
    # A count, the page of the union, the details of each kind on it (8) and the round's invitations.
    with django_assert_max_num_queries(11):
        page, entries = customer_timeline(customer=customer, today=now)
    assert page.paginator.count > 140 and len(entries) == 20
    with django_assert_max_num_queries(4):
        page, entries = customer_timeline(customer=customer, today=now, only=timeline_filter("note"))
    assert len(entries) == 20 and {e["kind"] for e in entries} == {"note"}


def test_the_whole_page_costs_the_same_queries_for_a_short_and_a_long_history(
    client, users, now, customer, other_customer
):
    sign_in(client, users["admin"])
    counts = []
    for each, count in ((customer, 2), (other_customer, 30)):
        _many(each, users["account-manager"], count)
        client.get(url(each))  # warm up (session, sites)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(each)).status_code == 200
        counts.append(len(queries))
    # Details are fetched per kind on the page, so a page of fewer kinds costs no more.
    assert counts[1] <= counts[0]
