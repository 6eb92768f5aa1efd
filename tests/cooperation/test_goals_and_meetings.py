"""Goals keep a record of every later change; measurements follow them; steering-group meetings
carry action items that are marked done."""

import datetime as dt
from decimal import Decimal

from cooperation import services
from cooperation.models import ActionItem, Goal, GoalChange, Measurement, Phase, SteeringGroupMeeting
from tests.cooperation.factories import ActionItemFactory, AgreementFactory, GoalFactory, MeetingFactory

API = "/api/v1"


def test_a_goal_without_a_target_is_refused(api_as, manager, customer):
    agreement = AgreementFactory(customer=customer)
    response = api_as(manager).post(
        f"{API}/goals/",
        {"agreement": agreement.pk, "theme": "employee-wellbeing", "indicator": "health-percentage"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["target"]
    assert not Goal.objects.exists()


def test_a_custom_indicator_is_named(api_as, manager, customer):
    agreement = AgreementFactory(customer=customer)
    response = api_as(manager).post(
        f"{API}/goals/",
        {"agreement": agreement.pk, "theme": "personnel-competence", "indicator": "custom", "target": "100"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["custom_indicator"]


def test_every_change_of_a_goal_is_kept_with_before_after_and_who(api_as, manager, users, customer):
    goal = GoalFactory(agreement=AgreementFactory(customer=customer), baseline=80, target=85)
    url = f"{API}/goals/{goal.pk}/"
    api_as(manager).patch(url, {"target": "88.5", "due_date": "2027-06-30"}, format="json")
    response = api_as(users["admin"]).patch(url, {"baseline": "81"}, format="json")
    assert response.status_code == 200
    changes = response.json()["changes"]
    assert [c["by"] for c in changes] == [manager.email, users["admin"].email]
    assert changes[0]["changes"] == {
        "target": {"before": "85.00", "after": "88.50"},
        "due_date": {"before": "2026-12-31", "after": "2027-06-30"},
    }
    assert changes[1]["changes"] == {"baseline": {"before": "80.00", "after": "81.00"}}
    # The customer's people see the record too: trust comes from agreed things being visible.
    assert len(api_as(users["decision-maker"]).get(url).json()["changes"]) == 2


def test_sending_the_same_values_records_no_change(api_as, manager, customer):
    goal = GoalFactory(agreement=AgreementFactory(customer=customer), target=85)
    response = api_as(manager).patch(f"{API}/goals/{goal.pk}/", {"target": "85.00"}, format="json")
    assert response.status_code == 200
    assert not GoalChange.objects.exists()


def test_a_goal_of_an_agreed_agreement_stays(api_as, manager, customer):
    goal = GoalFactory(agreement=AgreementFactory(customer=customer, phase=Phase.AGREED))
    assert api_as(manager).delete(f"{API}/goals/{goal.pk}/").status_code == 400
    assert Goal.objects.filter(pk=goal.pk).exists()


def test_a_measurement_is_recorded(api_as, manager, customer):
    goal = GoalFactory(agreement=AgreementFactory(customer=customer))
    response = api_as(manager).post(
        f"{API}/measurements/", {"goal": goal.pk, "measured_on": "2026-06-30", "value": "83.4"}, format="json"
    )
    assert response.status_code == 201, response.content
    assert (response.json()["value"], response.json()["source"]) == ("83.40", "manual")


def test_a_computed_measurement_replaces_that_days_computed_one(customer):
    goal = GoalFactory(agreement=AgreementFactory(customer=customer))
    for value in (Decimal("80"), Decimal("81.5")):
        services.measurement_record(goal=goal, measured_on=dt.date(2026, 7, 1), value=value, source="computed")
    assert list(Measurement.objects.values_list("value", flat=True)) == [Decimal("81.50")]


def test_a_meeting_is_kept_with_its_action_items_and_items_are_marked_done(api_as, manager, customer):
    agreement = AgreementFactory(customer=customer)
    client = api_as(manager)
    created = client.post(
        f"{API}/meetings/",
        {
            "customer": customer.business_id,
            "agreement": agreement.pk,
            "date": "2026-04-15",
            "decisions": "Start the early-support model.",
            "action_items": [
                {"description": "Train supervisors", "owner": "HR manager", "due_date": "2026-06-01"},
                {"description": "Report sick leave monthly", "owner": "Occupational health nurse"},
            ],
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    item = created.json()["action_items"][0]
    assert (item["done"], item["done_at"]) == (False, None)

    done = client.patch(f"{API}/action-items/{item['id']}/", {"done": True}, format="json")
    assert done.status_code == 200
    assert done.json()["done_at"] is not None
    undone = client.patch(f"{API}/action-items/{item['id']}/", {"done": False}, format="json")
    assert undone.json()["done_at"] is None


def test_editing_a_meeting_changes_named_items_and_adds_new_ones(api_as, manager, customer):
    meeting = MeetingFactory(customer=customer)
    kept = ActionItemFactory(meeting=meeting, description="Kept as it was")
    changed = ActionItemFactory(meeting=meeting, description="Old wording")
    response = api_as(manager).patch(
        f"{API}/meetings/{meeting.pk}/",
        {
            "action_items": [
                {"id": changed.pk, "description": "New wording", "done": True},
                {"description": "A new item", "owner": "CEO"},
            ]
        },
        format="json",
    )
    assert response.status_code == 200, response.content
    items = {i["description"]: i for i in response.json()["action_items"]}
    assert set(items) == {"Kept as it was", "New wording", "A new item"}
    assert items["New wording"]["done_at"] is not None
    assert ActionItem.objects.get(pk=kept.pk).description == "Kept as it was"


def test_a_bad_action_item_leaves_the_meeting_as_it_was(api_as, manager, customer):
    meeting = MeetingFactory(customer=customer, minutes="Original minutes")
    other_meetings_item = ActionItemFactory()
    response = api_as(manager).patch(
        f"{API}/meetings/{meeting.pk}/",
        {"minutes": "Rewritten", "action_items": [{"id": other_meetings_item.pk, "done": True}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["action_items"]
    meeting.refresh_from_db()
    assert meeting.minutes == "Original minutes"
    assert not ActionItem.objects.get(pk=other_meetings_item.pk).done


def test_a_new_action_item_needs_an_owner(api_as, manager, customer):
    response = api_as(manager).post(
        f"{API}/meetings/",
        {"customer": customer.business_id, "date": "2026-04-15", "action_items": [{"description": "Who does this?"}]},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["action_items"]
    assert not SteeringGroupMeeting.objects.exists()


def test_a_meeting_names_an_agreement_of_its_own_customer(api_as, users, customer, other_customer):
    response = api_as(users["admin"]).post(
        f"{API}/meetings/",
        {
            "customer": customer.business_id,
            "date": "2026-04-15",
            "agreement": AgreementFactory(customer=other_customer).pk,
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["agreement"]
