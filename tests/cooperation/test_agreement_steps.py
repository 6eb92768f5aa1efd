"""The agreement as guided steps: each step's page, its fields and messages, moving on with
and without what the phase needs, goals in planning, and who may do what."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from cooperation.models import Goal, GoalChange, Measurement, Phase, PhaseTransition, ResponsibilityAgreement
from cooperation.selectors import agreement_steps, phase_prerequisites
from tests.cooperation.factories import AgreementFactory, GoalFactory, MeetingFactory
from tests.cooperation.test_pages import sign_in

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def step_url(agreement, step):
    return reverse("cooperation:agreement-step", args=[agreement.pk, step])


def snapshot(agreement):
    """Everything a step may change, to show that a refused request changed nothing."""
    fresh = ResponsibilityAgreement.objects.get(pk=agreement.pk)
    fields = [f.name for f in ResponsibilityAgreement._meta.concrete_fields if f.name != "updated_at"]
    return (
        {name: getattr(fresh, name) for name in fields},
        list(fresh.goals.values()),
        fresh.transitions.count(),
    )


@pytest.fixture
def signed_in_manager(client, manager):
    sign_in(client, manager)
    return client


# --- The selector ----------------------------------------------------------------------------------


class TestPrerequisiteSelector:
    def test_orientation_needs_the_customers_goals(self, customer):
        agreement = AgreementFactory(customer=customer, customer_responsibility_goals="  ")
        (item,) = phase_prerequisites(agreement=agreement)
        assert (item.field, item.met) == ("customer_responsibility_goals", False)
        agreement.customer_responsibility_goals = "Healthy personnel"
        assert phase_prerequisites(agreement=agreement)[0].met is True

    def test_identification_needs_a_theme(self, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.IDENTIFICATION)
        assert [(p.field, p.met) for p in phase_prerequisites(agreement=agreement)] == [("identified_themes", False)]
        agreement.identified_themes = ["personnel-management"]
        assert [p.met for p in phase_prerequisites(agreement=agreement)] == [True]

    def test_planning_needs_a_goal_and_both_signatories(self, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING, agreed_by_provider="Anna")
        items = phase_prerequisites(agreement=agreement)
        assert [(p.field, p.met) for p in items] == [
            ("goals", False),
            ("agreed_by_provider", True),
            ("agreed_by_customer", False),
        ]
        GoalFactory(agreement=agreement)
        agreement.agreed_by_customer = "Pekka"
        assert all(p.met for p in phase_prerequisites(agreement=agreement))

    def test_agreed_and_follow_up_need_nothing_more(self, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.AGREED)
        assert phase_prerequisites(agreement=agreement) == []
        assert phase_prerequisites(agreement=agreement, phase=Phase.FOLLOW_UP) == []

    def test_steps_say_done_current_and_upcoming_with_what_each_needs(self, customer):
        agreement = AgreementFactory(
            customer=customer, phase=Phase.PLANNING, customer_responsibility_goals="Goals", identified_themes=[]
        )
        steps = agreement_steps(agreement=agreement)
        assert [(s["phase"], s["number"], s["state"]) for s in steps] == [
            ("orientation", 1, "done"),
            ("identification", 2, "done"),
            ("planning", 3, "current"),
            ("agreed", 4, "upcoming"),
            ("follow-up", 5, "upcoming"),
        ]
        # Each step's list is judged on the agreement as it is now, done steps too.
        assert [s["ready"] for s in steps] == [True, False, False, True, True]

    def test_a_closed_agreement_has_every_step_done(self, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.CLOSED)
        assert {s["state"] for s in agreement_steps(agreement=agreement)} == {"done"}

    def test_the_service_refuses_exactly_what_the_selector_lists_as_unmet(self, customer, manager):
        from django.core.exceptions import ValidationError

        from cooperation import services

        agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING, agreed_by_customer="Pekka")
        unmet = {p.field: str(p.message) for p in phase_prerequisites(agreement=agreement) if not p.met}
        with pytest.raises(ValidationError) as refused:
            services.agreement_advance(agreement=agreement, to_phase=Phase.AGREED, by=manager)
        assert dict(refused.value.message_dict) == {field: [message] for field, message in unmet.items()}


# --- Each step's page ------------------------------------------------------------------------------


class TestStepPages:
    def test_the_agreement_opens_on_its_current_step_with_the_stepper(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.IDENTIFICATION, customer_responsibility_goals="G")
        page = signed_in_manager.get(reverse("cooperation:agreement-detail", args=[agreement.pk]), **EN)
        html = page.content.decode()
        assert page.status_code == 200
        assert "Step 2 of 5" in html
        assert '<nav class="stepper" aria-label="Phases of the agreement">' in html
        current = html.split('aria-current="step"')
        assert len(current) == 2 and "Discussion and identification" in current[1].split("</li>")[0]
        # Done steps link back; later ones are not links.
        assert f'href="{step_url(agreement, "orientation")}"' in html
        assert f'href="{step_url(agreement, "planning")}"' not in html
        assert 'name="identified_themes"' in html and 'name="customer_responsibility_goals"' not in html

    def test_each_step_shows_only_its_own_fields(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
        own = {
            "orientation": ["title", "period_start", "period_end", "customer_responsibility_goals", "themes"],
            "identification": ["identified_themes", "identification_notes"],
            "planning": ["support_actions", "agreed_by_provider", "agreed_by_customer"],
            "agreed": [],
            "follow-up": [],
        }
        every = {name for names in own.values() for name in names}
        for step, names in own.items():
            html = signed_in_manager.get(step_url(agreement, step), **EN).content.decode()
            shown = {name for name in every if f'name="{name}"' in html}
            assert shown == set(names), step

    @pytest.mark.parametrize("language", ["fi", "sv", "en"])
    def test_the_date_pickers_show_the_stored_period_in_every_language(self, signed_in_manager, customer, language):
        agreement = AgreementFactory(customer=customer, period_start=dt.date(2026, 1, 31))
        html = signed_in_manager.get(step_url(agreement, "orientation"), HTTP_ACCEPT_LANGUAGE=language)
        assert 'type="date" name="period_start" value="2026-01-31"' in html.content.decode()

    def test_a_later_step_is_not_open_yet(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer)
        response = signed_in_manager.get(step_url(agreement, "planning"))
        assert response["Location"] == step_url(agreement, "orientation")
        assert signed_in_manager.get(step_url(agreement, "nonsense")).status_code == 404

    def test_the_checklist_ticks_what_is_already_true(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING, agreed_by_provider="Anna")
        html = signed_in_manager.get(step_url(agreement, "planning"), **EN).content.decode()
        panel = html.split('id="move-on-title"')[1].split("</section>")[0]
        assert "What must be true to move on" in html
        items = panel.split('<li class="checklist-item ')[1:]
        assert [item.split('"')[0] for item in items] == ["is-unmet", "is-met", "is-unmet"]
        assert "The person who agreed on the provider&#x27;s side is named." in items[1]
        assert 'name="advance"' in panel


class TestSaving:
    def test_orientation_saves_and_stays_on_the_step(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer)
        response = signed_in_manager.post(
            step_url(agreement, "orientation"),
            {
                "save": "1",
                "title": "Vastuullisuus 2027",
                "period_start": "2027-01-01",
                "period_end": "2027-12-31",
                "customer_responsibility_goals": "Healthy personnel",
                "themes": ["employee-wellbeing", "personnel-management"],
            },
        )
        assert response["Location"] == step_url(agreement, "orientation")
        agreement.refresh_from_db()
        assert (agreement.title, agreement.period_end, agreement.phase) == (
            "Vastuullisuus 2027",
            dt.date(2027, 12, 31),
            Phase.ORIENTATION,
        )
        assert agreement.themes == ["employee-wellbeing", "personnel-management"]

    @pytest.mark.parametrize(
        "data, field, message",
        [
            (
                {"title": "", "period_start": "2027-01-01", "period_end": "2027-12-31"},
                "title",
                "Give the agreement a title.",
            ),
            ({"title": "T", "period_start": "2027-13-01", "period_end": "2027-12-31"}, "period_start", "valid date"),
            (
                {"title": "T", "period_start": "2027-06-01", "period_end": "2027-01-01"},
                "period_end",
                "The period cannot end before it starts.",
            ),
            (
                {"title": "T", "period_start": "2027-01-01", "period_end": "2027-12-31", "themes": ["carbon"]},
                "themes",
                "Select a valid choice",
            ),
            ({"title": "x" * 201, "period_start": "2027-01-01", "period_end": "2027-12-31"}, "title", "at most 200"),
        ],
    )
    def test_bad_orientation_input_is_explained_and_nothing_is_saved(
        self, signed_in_manager, customer, data, field, message
    ):
        agreement = AgreementFactory(customer=customer)
        before = snapshot(agreement)
        response = signed_in_manager.post(step_url(agreement, "orientation"), {"save": "1", **data}, **EN)
        html = response.content.decode()
        assert response.status_code == 200
        summary = html.split('class="error-summary"')[1].split("</div>")[0]
        assert message in summary and f'href="#id_{field}' in summary
        assert snapshot(agreement) == before

    def test_identification_saves_its_themes(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.IDENTIFICATION)
        signed_in_manager.post(
            step_url(agreement, "identification"),
            {"save": "1", "identified_themes": ["personnel-competence"], "identification_notes": "Training"},
        )
        agreement.refresh_from_db()
        assert (agreement.identified_themes, agreement.identification_notes) == (["personnel-competence"], "Training")

    def test_an_unknown_theme_in_identification_changes_nothing(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.IDENTIFICATION)
        before = snapshot(agreement)
        response = signed_in_manager.post(
            step_url(agreement, "identification"), {"save": "1", "identified_themes": ["carbon"]}, **EN
        )
        assert "Select a valid choice" in response.content.decode()
        assert snapshot(agreement) == before

    def test_planning_names_that_are_too_long_are_refused(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING)
        before = snapshot(agreement)
        response = signed_in_manager.post(
            step_url(agreement, "planning"), {"save": "1", "agreed_by_provider": "A" * 201}, **EN
        )
        assert "at most 200 characters" in response.content.decode()
        assert snapshot(agreement) == before

    def test_an_agreed_agreement_keeps_its_signatories_when_planning_is_edited_later(self, signed_in_manager, customer):
        agreement = AgreementFactory(
            customer=customer,
            phase=Phase.AGREED,
            identified_themes=["employee-wellbeing"],
            agreed_by_provider="Anna",
            agreed_by_customer="Pekka",
        )
        before = snapshot(agreement)
        response = signed_in_manager.post(
            step_url(agreement, "planning"),
            {"save": "1", "support_actions": "More", "agreed_by_provider": "", "agreed_by_customer": "Pekka"},
            **EN,
        )
        assert "keeps the names of those who agreed it" in response.content.decode()
        assert snapshot(agreement) == before
        # A correction that keeps the names is allowed in a done step.
        signed_in_manager.post(
            step_url(agreement, "planning"),
            {"save": "1", "support_actions": "More", "agreed_by_provider": "Anna", "agreed_by_customer": "Pekka"},
        )
        agreement.refresh_from_db()
        assert (agreement.support_actions, agreement.phase) == ("More", Phase.AGREED)


class TestMovingOn:
    def test_unmet_prerequisites_are_explained_and_nothing_changes(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING)
        before = snapshot(agreement)
        response = signed_in_manager.post(
            step_url(agreement, "planning"),
            {
                "advance": "1",
                "to_phase": "agreed",
                "support_actions": "Supervisor training",
                "agreed_by_provider": "Anna",
            },
            **EN,
        )
        html = response.content.decode()
        assert response.status_code == 200
        summary = html.split('class="error-summary"')[1].split("</div>")[0]
        assert "Agree at least one goal with a target first." in summary
        assert "Name who agreed on the customer&#x27;s side." in summary
        # What was typed is shown again, but neither it nor the phase was saved.
        assert 'value="Anna"' in html
        assert snapshot(agreement) == before

    def test_met_prerequisites_move_on_with_what_the_page_held(self, signed_in_manager, customer, manager):
        agreement = AgreementFactory(customer=customer)
        response = signed_in_manager.post(
            step_url(agreement, "orientation"),
            {
                "advance": "1",
                "to_phase": "identification",
                "note": "Kick-off with the HR director",
                "title": agreement.title,
                "period_start": "2026-01-01",
                "period_end": "2026-12-31",
                "customer_responsibility_goals": "Healthy personnel",
            },
        )
        assert response["Location"] == step_url(agreement, "identification")
        agreement.refresh_from_db()
        assert (agreement.phase, agreement.customer_responsibility_goals) == (Phase.IDENTIFICATION, "Healthy personnel")
        transition = PhaseTransition.objects.get(agreement=agreement)
        assert (transition.to_phase, transition.by, transition.note) == (
            "identification",
            manager,
            "Kick-off with the HR director",
        )

    def test_planning_moves_to_agreed_once_a_goal_and_both_names_are_there(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING, identified_themes=["employee-wellbeing"])
        GoalFactory(agreement=agreement)
        response = signed_in_manager.post(
            step_url(agreement, "planning"),
            {"advance": "1", "to_phase": "agreed", "agreed_by_provider": "Anna", "agreed_by_customer": "Pekka"},
        )
        assert response["Location"] == step_url(agreement, "agreed")
        agreement.refresh_from_db()
        assert agreement.phase == Phase.AGREED and agreement.agreed_at is not None

    def test_a_stale_page_cannot_skip_a_phase(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.AGREED)
        before = snapshot(agreement)
        response = signed_in_manager.post(step_url(agreement, "agreed"), {"advance": "1", "to_phase": "closed"}, **EN)
        assert "can only move to" in response.content.decode()
        assert snapshot(agreement) == before

    def test_follow_up_closes_the_agreement_and_then_nothing_can_change(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
        response = signed_in_manager.post(step_url(agreement, "follow-up"), {"advance": "1", "to_phase": "closed"})
        assert response["Location"] == step_url(agreement, "follow-up")
        agreement.refresh_from_db()
        assert agreement.phase == Phase.CLOSED
        html = signed_in_manager.get(step_url(agreement, "orientation"), **EN).content.decode()
        assert "This agreement is closed" in html and 'name="save"' not in html and 'name="advance"' not in html
        before = snapshot(agreement)
        response = signed_in_manager.post(step_url(agreement, "orientation"), {"save": "1", "title": "New"}, **EN)
        assert "A closed agreement cannot change." in response.content.decode()
        assert snapshot(agreement) == before


class TestGoalsInPlanning:
    def test_a_goal_is_added_with_baseline_target_and_direction(self, signed_in_manager, customer):
        agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING)
        response = signed_in_manager.post(
            reverse("cooperation:goal-create", args=[agreement.pk]),
            {"theme": "employee-wellbeing", "indicator": "sick-leave-days", "baseline": "12", "target": "9"},
        )
        assert response["Location"] == step_url(agreement, "planning")
        goal = agreement.goals.get()
        assert (goal.baseline, goal.target, goal.lower_is_better) == (Decimal("12"), Decimal("9"), True)
        html = signed_in_manager.get(step_url(agreement, "planning"), **EN).content.decode()
        assert "Lower is better" in html and reverse("cooperation:goal-update", args=[goal.pk]) in html

    @pytest.mark.parametrize(
        "data, message",
        [
            ({"theme": "employee-wellbeing", "indicator": "health-percentage", "target": ""}, "A goal needs a target."),
            ({"theme": "employee-wellbeing", "indicator": "custom", "target": "5"}, "Name the custom indicator."),
            ({"theme": "employee-wellbeing", "indicator": "health-percentage", "target": "lots"}, "Enter a number."),
            ({"theme": "carbon", "indicator": "health-percentage", "target": "5"}, "Select a valid choice"),
        ],
    )
    def test_a_bad_goal_is_explained_and_not_added(self, signed_in_manager, customer, data, message):
        agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING)
        response = signed_in_manager.post(reverse("cooperation:goal-create", args=[agreement.pk]), data, **EN)
        assert response.status_code == 200
        assert message in response.content.decode().split('class="error-summary"')[1]
        assert not Goal.objects.exists()

    def test_editing_a_goal_keeps_the_change_with_who_made_it(self, signed_in_manager, customer, manager):
        agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING)
        goal = GoalFactory(agreement=agreement, baseline=80, target=85)
        url = reverse("cooperation:goal-update", args=[goal.pk])
        assert 'value="85.00"' in signed_in_manager.get(url).content.decode()
        response = signed_in_manager.post(
            url, {"theme": goal.theme, "indicator": goal.indicator, "baseline": "80", "target": "90"}
        )
        assert response["Location"] == step_url(agreement, "planning")
        change = GoalChange.objects.get(goal=goal)
        assert (change.by, change.changes["target"]) == (manager, {"before": "85.00", "after": "90.00"})

    def test_a_bad_edit_changes_nothing(self, signed_in_manager, customer):
        goal = GoalFactory(agreement=AgreementFactory(customer=customer, phase=Phase.PLANNING), target=85)
        response = signed_in_manager.post(
            reverse("cooperation:goal-update", args=[goal.pk]),
            {"theme": goal.theme, "indicator": "custom", "target": "90"},
            **EN,
        )
        assert "Name the custom indicator." in response.content.decode()
        goal.refresh_from_db()
        assert (goal.indicator, goal.target) == ("health-percentage", Decimal("85.00"))
        assert not GoalChange.objects.exists()


def test_follow_up_shows_measurements_and_links_the_meetings(client, manager, customer):
    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP)
    goal = GoalFactory(agreement=agreement, indicator="custom", custom_indicator="Trained supervisors")
    Measurement.objects.create(goal=goal, measured_on=dt.date(2026, 3, 31), value=Decimal("42.5"), note="Q1")
    meeting = MeetingFactory(customer=customer, agreement=agreement, date=dt.date(2026, 4, 2))
    unrelated = MeetingFactory(customer=customer, date=dt.date(2026, 5, 2))
    sign_in(client, manager)
    html = client.get(step_url(agreement, "follow-up"), **EN).content.decode()
    assert "Trained supervisors" in html and ">42.50<" in html and "Q1" in html
    assert reverse("cooperation:meeting-detail", args=[meeting.pk]) in html
    assert reverse("cooperation:meeting-detail", args=[unrelated.pk]) not in html
    assert reverse("cooperation:meeting-create", args=[customer.business_id]) in html


# --- Who may do what ---------------------------------------------------------------------------------


class TestWhoMay:
    def test_the_customers_people_read_the_steps_without_forms(self, client, users, customer):
        agreement = AgreementFactory(
            customer=customer, phase=Phase.PLANNING, customer_responsibility_goals="Healthy personnel"
        )
        goal = GoalFactory(agreement=agreement)
        sign_in(client, users["decision-maker"])
        html = client.get(step_url(agreement, "orientation"), **EN).content.decode()
        assert "Healthy personnel" in html and 'name="advance"' not in html and 'name="save"' not in html
        before = snapshot(agreement)
        for step in ("orientation", "planning"):
            response = client.post(step_url(agreement, step), {"save": "1", "title": "Mine", "advance": "1"})
            assert response.status_code == 403
        assert client.get(reverse("cooperation:goal-create", args=[agreement.pk])).status_code == 403
        assert client.post(reverse("cooperation:goal-update", args=[goal.pk]), {"target": "1"}).status_code == 403
        assert snapshot(agreement) == before

    def test_outside_the_portfolio_every_step_and_goal_answers_404(self, client, manager, other_customer):
        agreement = AgreementFactory(customer=other_customer, phase=Phase.PLANNING)
        goal = GoalFactory(agreement=agreement)
        sign_in(client, manager)
        before = snapshot(agreement)
        assert client.get(step_url(agreement, "orientation")).status_code == 404
        assert client.post(step_url(agreement, "planning"), {"advance": "1", "to_phase": "agreed"}).status_code == 404
        assert client.get(reverse("cooperation:goal-create", args=[agreement.pk])).status_code == 404
        assert client.post(reverse("cooperation:goal-update", args=[goal.pk]), {"target": "1"}).status_code == 404
        assert snapshot(agreement) == before

    def test_an_administrator_edits_any_customers_agreement(self, client, users, other_customer):
        agreement = AgreementFactory(customer=other_customer, phase=Phase.IDENTIFICATION)
        sign_in(client, users["admin"])
        client.post(step_url(agreement, "identification"), {"save": "1", "identified_themes": ["employee-wellbeing"]})
        agreement.refresh_from_db()
        assert agreement.identified_themes == ["employee-wellbeing"]

    def test_quality_staff_see_no_agreements(self, client, users, customer):
        agreement = AgreementFactory(customer=customer)
        sign_in(client, users["quality"])
        assert client.get(step_url(agreement, "orientation")).status_code == 403
