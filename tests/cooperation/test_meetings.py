"""Steering-group meetings in the browser: meetings recorded with participants of both sides,
action items owned on either side and ticked off, overdue ones flagged, and the meeting pack."""

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.staticfiles import finders
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from cooperation import services
from cooperation.models import ActionItem, Indicator, Measurement, SteeringGroupMeeting
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    ContactFactory,
    GoalFactory,
    MeasurementFactory,
    MeetingFactory,
    UserFactory,
)

PASSWORD = "correct horse battery"
HELSINKI = dt.timezone(dt.timedelta(hours=2))  # EET: March 2026 is before the switch to summer time


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"


def at_helsinki(monkeypatch, *args):
    """Make "now" the given Helsinki wall-clock time for the code under test."""
    moment = dt.datetime(*args, tzinfo=HELSINKI)
    monkeypatch.setattr(timezone, "now", lambda: moment.astimezone(dt.UTC))


def page_of(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


# --- Services ---------------------------------------------------------------------------------------


@pytest.mark.django_db
class TestMeetingServices:
    @pytest.fixture(autouse=True)
    def english(self):
        # Services answer in the active language, Finnish by default; these tests read English.
        with translation.override("en"):
            yield

    def test_a_meeting_needs_a_date_and_saves_nothing_without_one(self, customer):
        with pytest.raises(ValidationError) as error:
            services.meeting_create(customer=customer, date=None, minutes="Lost?")
        assert error.value.message_dict == {"date": ["Give the date of the meeting."]}
        assert not SteeringGroupMeeting.objects.exists()

    def test_participants_come_from_the_right_side(self, users, customer, other_customer):
        foreign_contact = ContactFactory(customer=other_customer)
        with pytest.raises(ValidationError) as error:
            services.meeting_create(
                customer=customer,
                date=dt.date(2026, 4, 1),
                provider_attendees=[users["decision-maker"]],
                customer_attendees=[foreign_contact],
            )
        assert set(error.value.message_dict) == {"provider_attendees", "customer_attendees"}
        assert "does not work for the provider" in error.value.message_dict["provider_attendees"][0]
        assert not SteeringGroupMeeting.objects.exists()

    def test_a_meeting_keeps_both_sides_agenda_and_decisions(self, manager, customer):
        ceo = ContactFactory(customer=customer, name="Pekka Pomo")
        meeting = services.meeting_create(
            customer=customer,
            date=dt.date(2026, 4, 1),
            provider_attendees=[manager],
            provider_participants="Occupational physician",
            customer_attendees=[ceo],
            agenda="1. Indicators\n2. Training",
            decisions="Train supervisors\n\nFollow sick leave monthly\n",
        )
        assert list(meeting.provider_attendees.all()) == [manager]
        assert list(meeting.customer_attendees.all()) == [ceo]
        assert meeting.decision_list == ["Train supervisors", "Follow sick leave monthly"]

        services.meeting_update(meeting=meeting, customer_attendees=[], minutes="Done.")
        meeting.refresh_from_db()
        assert (list(meeting.customer_attendees.all()), meeting.minutes) == ([], "Done.")
        assert list(meeting.provider_attendees.all()) == [manager]

    def test_an_action_item_needs_a_description_and_an_owner(self, customer):
        meeting = MeetingFactory(customer=customer)
        with pytest.raises(ValidationError) as error:
            services.action_item_add(meeting=meeting, description="  ", owner="")
        assert error.value.message_dict == {
            "description": ["Describe the action."],
            "owner": ["Name the owner of the action item."],
        }
        assert not ActionItem.objects.exists()

    def test_an_owner_is_someone_of_either_side_or_a_name(self, manager, customer, other_customer):
        meeting = MeetingFactory(customer=customer)
        hr = ContactFactory(customer=customer, name="Hanna HR")
        by_contact = services.action_item_add(meeting=meeting, description="Survey", owner_contact=hr)
        by_user = services.action_item_add(meeting=meeting, description="Training", owner_user=manager)
        by_name = services.action_item_add(meeting=meeting, description="Visit", owner=" Shop steward ")
        assert (by_contact.owner, by_contact.owner_contact, by_contact.owner_user) == ("Hanna HR", hr, None)
        assert (by_user.owner, by_user.owner_user) == (manager.get_full_name(), manager)
        assert (by_name.owner, by_name.owner_user, by_name.owner_contact) == ("Shop steward", None, None)

        # Changing the owner to a plain name drops the link to the contact.
        services.action_item_update(action_item=by_contact, owner="Works council")
        by_contact.refresh_from_db()
        assert (by_contact.owner, by_contact.owner_contact) == ("Works council", None)

        for bad in (
            {"owner_user": manager, "owner_contact": hr},
            {"owner_contact": ContactFactory(customer=other_customer)},
            {"owner_user": UserFactory(role="decision-maker", customer=customer)},
        ):
            with pytest.raises(ValidationError) as error:
                services.action_item_add(meeting=meeting, description="Bad owner", **bad)
            assert list(error.value.message_dict) == ["owner"]
        assert not ActionItem.objects.filter(description="Bad owner").exists()

    def test_ticking_off_stamps_who_and_when_and_reopening_clears_it(self, monkeypatch, manager, users, customer):
        item = ActionItemFactory(meeting=MeetingFactory(customer=customer))
        at_helsinki(monkeypatch, 2026, 3, 10, 9, 0)
        services.action_item_complete(action_item=item, by=manager)
        item.refresh_from_db()
        first_stamp = item.done_at
        assert (item.done, item.done_by) == (True, manager)
        # Ticking it off again (a second click, another tab) keeps the first stamp.
        at_helsinki(monkeypatch, 2026, 3, 11, 9, 0)
        services.action_item_complete(action_item=item, by=users["admin"])
        item.refresh_from_db()
        assert (item.done_at, item.done_by) == (first_stamp, manager)
        services.action_item_reopen(action_item=item, by=manager)
        item.refresh_from_db()
        assert (item.done, item.done_at, item.done_by) == (False, None, None)

    def test_a_due_date_outside_the_calendar_is_refused(self, customer):
        meeting = MeetingFactory(customer=customer)
        with pytest.raises(ValidationError) as error:
            services.action_item_add(meeting=meeting, description="Far", owner="HR", due_date=dt.date(3001, 1, 1))
        assert list(error.value.message_dict) == ["due_date"]


# --- Overdue: one rule, Helsinki days --------------------------------------------------------------


@pytest.mark.django_db
class TestOverdue:
    def test_an_item_is_overdue_from_the_first_minute_after_its_due_day_in_helsinki(
        self, monkeypatch, client, manager, customer
    ):
        meeting = MeetingFactory(customer=customer, date=dt.date(2026, 2, 1))
        ActionItemFactory(meeting=meeting, description="Due on the tenth", due_date=dt.date(2026, 3, 10))
        ActionItemFactory(meeting=meeting, description="Done late", due_date=dt.date(2026, 3, 1), done=True)
        ActionItemFactory(meeting=meeting, description="No due date", due_date=None)
        sign_in(client, manager)
        detail = reverse("cooperation:meeting-detail", args=[meeting.pk])

        # 23:59 in Helsinki on the due day is 21:59 UTC: still in time.
        at_helsinki(monkeypatch, 2026, 3, 10, 23, 59)
        assert not ActionItem.objects.overdue(today=timezone.localdate()).exists()
        assert "Overdue" not in page_of(client.get(detail))

        # A minute later it is the 11th in Helsinki (still the 10th in UTC): overdue.
        at_helsinki(monkeypatch, 2026, 3, 11, 0, 0)
        assert timezone.now().astimezone(dt.UTC).day == 10
        overdue = ActionItem.objects.overdue(today=timezone.localdate())
        assert list(overdue.values_list("description", flat=True)) == ["Due on the tenth"]
        page = page_of(client.get(detail))
        assert page.count('class="badge badge-overdue"') == 1
        row = page[page.index("Due on the tenth") :].split("</tr>")[0]
        assert "Overdue" in row

    def test_overdue_items_are_flagged_on_the_customer_page_the_meeting_list_and_the_portfolio(
        self, monkeypatch, client, manager, customer
    ):
        at_helsinki(monkeypatch, 2026, 5, 5, 12, 0)
        meeting = MeetingFactory(customer=customer, date=dt.date(2026, 2, 1))
        ActionItemFactory(meeting=meeting, description="Late thing", due_date=dt.date(2026, 5, 4))
        ActionItemFactory(meeting=meeting, description="Fine thing", due_date=dt.date(2026, 5, 5))
        sign_in(client, manager)
        for url in (
            reverse("cooperation:customer-detail", args=[customer.business_id]),
            reverse("cooperation:meeting-list", args=[customer.business_id]),
        ):
            page = page_of(client.get(url))
            assert "Late thing" in page and "Fine thing" in page
            late_row = page[page.index("Late thing") :].split("</tr>")[0]
            fine_row = page[page.index("Fine thing") :].split("</tr>")[0]
            assert "Overdue" in late_row and "Overdue" not in fine_row
        home = page_of(client.get(reverse("home")))
        row = home[home.index(customer.name) :].split("</tr>")[0]
        assert "1 overdue" in row


# --- Pages, per role ---------------------------------------------------------------------------------


@pytest.mark.django_db
class TestAccountManagerPages:
    def test_records_a_meeting_adds_an_item_and_ticks_it_off(self, client, manager, customer):
        ceo = ContactFactory(customer=customer, name="Pekka Pomo", role="decision-maker")
        agreement = AgreementFactory(customer=customer)
        sign_in(client, manager)
        response = client.post(
            reverse("cooperation:meeting-create", args=[customer.business_id]),
            {
                "date": "2026-04-15",
                "agreement": agreement.pk,
                "provider_attendees": [manager.pk],
                "provider_participants": "Occupational physician",
                "customer_attendees": [ceo.pk],
                "agenda": "Indicators",
                "minutes": "Went through the indicators.",
                "decisions": "Train supervisors\nFollow sick leave monthly",
            },
        )
        meeting = customer.meetings.get()
        detail = reverse("cooperation:meeting-detail", args=[meeting.pk])
        assert response["Location"] == detail
        page = page_of(client.get(detail))
        assert "Pekka Pomo" in page and "Occupational physician" in page
        assert "<li>Train supervisors</li>" in page and "<li>Follow sick leave monthly</li>" in page

        response = client.post(
            reverse("cooperation:action-item-create", args=[meeting.pk]),
            {"description": "Early-support training", "owner": f"contact:{ceo.pk}", "due_date": "2026-06-01"},
        )
        assert response["Location"] == detail
        item = meeting.action_items.get()
        assert (item.owner, item.owner_contact) == ("Pekka Pomo", ceo)

        response = client.post(reverse("cooperation:action-item-complete", args=[item.pk]), {"next": detail})
        assert response["Location"] == detail
        item.refresh_from_db()
        assert (item.done, item.done_by) == (True, manager)
        assert "Open again" in page_of(client.get(detail))

        # A link elsewhere in "next" is not followed.
        response = client.post(
            reverse("cooperation:action-item-reopen", args=[item.pk]), {"next": "https://evil.example/"}
        )
        assert response["Location"] == detail
        item.refresh_from_db()
        assert not item.done

    def test_a_meeting_without_a_date_is_explained_at_the_top_and_nothing_is_saved(self, client, manager, customer):
        sign_in(client, manager)
        response = client.post(
            reverse("cooperation:meeting-create", args=[customer.business_id]), {"minutes": "Forgot the date"}
        )
        page = page_of(response)
        summary = page[page.index('class="error-summary"') :].split("</div>")[0]
        assert 'href="#id_date"' in summary and "This field is required." in summary
        assert not SteeringGroupMeeting.objects.exists()

    def test_an_action_item_without_an_owner_is_explained_and_not_saved(self, client, manager, customer):
        meeting = MeetingFactory(customer=customer)
        sign_in(client, manager)
        response = client.post(
            reverse("cooperation:action-item-create", args=[meeting.pk]), {"description": "", "owner": ""}
        )
        page = page_of(response)
        summary = page[page.index('class="error-summary"') :].split("</div>")[0]
        assert 'href="#id_description"' in summary
        assert 'href="#id_owner"' in summary and "Name the owner of the action item." in summary
        assert not ActionItem.objects.exists()

    def test_edits_a_meeting_and_an_action_item(self, client, manager, customer):
        meeting = MeetingFactory(customer=customer, minutes="Draft")
        item = ActionItemFactory(meeting=meeting, owner="HR manager")
        sign_in(client, manager)
        form = page_of(client.get(reverse("cooperation:meeting-update", args=[meeting.pk])))
        assert "Draft" in form
        client.post(
            reverse("cooperation:meeting-update", args=[meeting.pk]),
            {"date": meeting.date.isoformat(), "minutes": "Final minutes"},
        )
        meeting.refresh_from_db()
        assert meeting.minutes == "Final minutes"
        client.post(
            reverse("cooperation:action-item-update", args=[item.pk]),
            {"description": "Changed", "owner": f"user:{manager.pk}", "due_date": ""},
        )
        item.refresh_from_db()
        assert (item.description, item.owner_user, item.due_date) == ("Changed", manager, None)

    def test_another_portfolio_answers_404_and_changes_nothing(self, client, manager, other_customer):
        meeting = MeetingFactory(customer=other_customer)
        item = ActionItemFactory(meeting=meeting)
        sign_in(client, manager)
        for url in (
            reverse("cooperation:meeting-list", args=[other_customer.business_id]),
            reverse("cooperation:meeting-create", args=[other_customer.business_id]),
            reverse("cooperation:meeting-detail", args=[meeting.pk]),
            reverse("cooperation:meeting-update", args=[meeting.pk]),
            reverse("cooperation:meeting-pack", args=[meeting.pk]),
            reverse("cooperation:action-item-update", args=[item.pk]),
        ):
            assert client.get(url).status_code == 404, url
        assert client.post(reverse("cooperation:action-item-complete", args=[item.pk])).status_code == 404
        response = client.post(
            reverse("cooperation:action-item-create", args=[meeting.pk]), {"description": "x", "owner_name": "y"}
        )
        assert response.status_code == 404
        item.refresh_from_db()
        assert not item.done and meeting.action_items.count() == 1

    def test_an_administrator_ticks_off_any_customers_item(self, client, users, other_customer):
        item = ActionItemFactory(meeting=MeetingFactory(customer=other_customer))
        sign_in(client, users["admin"])
        client.post(reverse("cooperation:action-item-complete", args=[item.pk]))
        item.refresh_from_db()
        assert item.done


@pytest.mark.django_db
class TestCustomerPeople:
    @pytest.mark.parametrize("role", ["decision-maker", "supervisor"])
    def test_read_their_own_companys_meetings_and_cannot_change_them(self, client, users, customer, role):
        meeting = MeetingFactory(customer=customer, minutes="Our minutes", decisions="Our decision")
        item = ActionItemFactory(meeting=meeting, description="Our action")
        sign_in(client, users[role])
        page = page_of(client.get(reverse("cooperation:meeting-detail", args=[meeting.pk])))
        assert "Our minutes" in page and "Our decision" in page and "Our action" in page
        assert "Mark done" not in page and "Add an action item" not in page
        assert "Our action" in page_of(client.get(reverse("cooperation:meeting-list", args=[customer.business_id])))
        assert "Our action" in page_of(client.get(reverse("cooperation:meeting-pack", args=[meeting.pk])))
        assert client.post(reverse("cooperation:action-item-complete", args=[item.pk])).status_code == 403
        assert client.get(reverse("cooperation:meeting-update", args=[meeting.pk])).status_code == 403
        assert client.get(reverse("cooperation:meeting-create", args=[customer.business_id])).status_code == 403
        item.refresh_from_db()
        assert not item.done

    def test_another_companys_meeting_answers_404(self, client, users, other_customer):
        meeting = MeetingFactory(customer=other_customer)
        item = ActionItemFactory(meeting=meeting)
        sign_in(client, users["decision-maker"])
        assert client.get(reverse("cooperation:meeting-detail", args=[meeting.pk])).status_code == 404
        assert client.get(reverse("cooperation:meeting-pack", args=[meeting.pk])).status_code == 404
        assert client.get(reverse("cooperation:meeting-list", args=[other_customer.business_id])).status_code == 404
        assert client.post(reverse("cooperation:action-item-complete", args=[item.pk])).status_code == 404

    @pytest.mark.parametrize("role", ["quality", "integration"])
    def test_quality_and_integration_see_no_meetings(self, client, users, customer, role):
        meeting = MeetingFactory(customer=customer)
        sign_in(client, users[role])
        assert client.get(reverse("cooperation:meeting-detail", args=[meeting.pk])).status_code == 403
        assert client.get(reverse("cooperation:meeting-pack", args=[meeting.pk])).status_code == 403


# --- The meeting pack ----------------------------------------------------------------------------------


@pytest.mark.django_db
class TestMeetingPack:
    @pytest.fixture
    def pack_data(self, customer, other_customer):
        agreement = AgreementFactory(customer=customer, title="Goals 2026")
        fewer_sick_days = GoalFactory(
            agreement=agreement,
            indicator=Indicator.CUSTOM,
            custom_indicator="Sick-leave days a person",
            baseline=Decimal("10"),
            target=Decimal("8"),
        )
        satisfaction = GoalFactory(
            agreement=agreement,
            indicator=Indicator.CUSTOM,
            custom_indicator="Supervisor satisfaction",
            baseline=Decimal("50"),
            target=Decimal("80"),
        )
        MeasurementFactory(goal=fewer_sick_days, measured_on=dt.date(2026, 2, 15), value=Decimal("9.10"))
        MeasurementFactory(goal=fewer_sick_days, measured_on=dt.date(2026, 4, 30), value=Decimal("4.35"))
        MeasurementFactory(goal=satisfaction, measured_on=dt.date(2026, 5, 10), value=Decimal("65.00"))
        nps = GoalFactory(agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=20, target=40)
        MeasurementFactory(
            goal=nps, measured_on=dt.date(2026, 5, 31), value=Decimal("33.00"), source=Measurement.Source.COMPUTED
        )
        MeetingFactory(customer=customer, date=dt.date(2026, 3, 1))
        meeting = MeetingFactory(customer=customer, agreement=agreement, date=dt.date(2026, 6, 1))
        earlier = MeetingFactory(customer=customer, date=dt.date(2026, 1, 10))
        ActionItemFactory(meeting=earlier, description="Still open from January", due_date=dt.date(2026, 2, 1))
        ActionItemFactory(meeting=earlier, description="Finished in January", done=True)
        ActionItemFactory(meeting=MeetingFactory(customer=other_customer), description="Someone else's item")
        return meeting

    def test_brings_goals_indicators_since_the_last_meeting_and_open_items(self, client, manager, pack_data):
        sign_in(client, manager)
        page = page_of(client.get(reverse("cooperation:meeting-pack", args=[pack_data.pk])))
        # Lower is better, and far past its target: "Target reached", never 282.5 %.
        row = page[page.index("Sick-leave days a person") :].split("</tr>")[0]
        assert "Target reached" in row and "4.35" in row and "282" not in page
        # Beside it the value at the previous meeting (1 March): what moved since.
        assert "At the last meeting (1 Mar 2026)" in page and ">9.1<" in row
        row = page[page.index("Supervisor satisfaction") :].split("</tr>")[0]
        assert "50.0 %" in row and "Target reached" not in row
        # Measured since the previous meeting (1 March), not before it.
        since = page[page.index("Indicators since the last meeting") :].split("</section>")[0]
        assert "4.35" in since and "9.10" not in since and "65.00" in since and "33.00" in since
        assert "Still open from January" in page
        assert "Finished in January" not in page and "Someone else&#x27;s item" not in page
        row = page[page.index("Still open from January") :].split("</tr>")[0]
        assert "Overdue" in row
        assert 'rel="stylesheet"' in page
        with open(finders.find("portal/portal.css"), encoding="utf-8") as css:
            assert "@media print" in css.read()

    def test_a_decision_maker_sees_no_stored_survey_figures_of_a_small_group(self, client, users, pack_data):
        sign_in(client, users["decision-maker"])
        page = page_of(client.get(reverse("cooperation:meeting-pack", args=[pack_data.pk])))
        assert "4.35" in page and "Still open from January" in page
        assert "33.00" not in page
        assert "Mark done" not in page


@pytest.mark.django_db
def test_the_api_keeps_the_agenda_and_who_ticked_an_item_off(api_as, manager, customer):
    client = api_as(manager)
    created = client.post(
        "/api/v1/meetings/",
        {
            "customer": customer.business_id,
            "date": "2026-04-15",
            "agenda": "Indicators",
            "action_items": [{"description": "Training", "owner": "HR"}],
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    assert created.json()["agenda"] == "Indicators"
    item_id = created.json()["action_items"][0]["id"]
    assert client.patch(f"/api/v1/action-items/{item_id}/", {"done": True}, format="json").status_code == 200
    assert ActionItem.objects.get(pk=item_id).done_by == manager


@pytest.mark.django_db
def test_meeting_pages_make_as_many_queries_for_many_items_as_for_few(client, manager, customer):
    """SQL per page stays constant in the rows shown: no query per meeting or action item."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_in(client, manager)
    meeting = MeetingFactory(customer=customer, date=dt.date(2026, 5, 1))
    MeetingFactory(customer=customer, date=dt.date(2026, 2, 1))
    contact = ContactFactory(customer=customer)

    def add_items(n):
        for _ in range(n):
            ActionItemFactory(meeting=meeting, owner_contact=contact, owner=contact.name)
            ActionItemFactory(
                meeting=meeting,
                owner_user=manager,
                owner=manager.email,
                done=True,
                done_at=timezone.now(),
                done_by=UserFactory(),
            )
            MeetingFactory(customer=customer)

    urls = [
        reverse("cooperation:meeting-detail", args=[meeting.pk]),
        reverse("cooperation:meeting-list", args=[customer.business_id]),
        reverse("cooperation:customer-detail", args=[customer.business_id]),
        reverse("cooperation:meeting-pack", args=[meeting.pk]),
    ]

    def counts():
        result = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    add_items(1)
    few = counts()
    add_items(5)
    assert counts() == few
