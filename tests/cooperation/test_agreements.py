"""Responsibility agreements move through their phases one step at a time, each step kept with
who and when (DOMAIN.md: orientation, identification, planning and agreement)."""

import datetime as dt

import pytest

from cooperation.models import PHASE_ORDER, Phase, PhaseTransition, ResponsibilityAgreement
from tests.cooperation.factories import AgreementFactory, GoalFactory

API = "/api/v1"


def advance(client, agreement, to_phase, note=""):
    return client.post(
        f"{API}/agreements/{agreement.pk}/transitions/", {"to_phase": to_phase, "note": note}, format="json"
    )


def ready_for(phase: str, customer) -> ResponsibilityAgreement:
    """An agreement standing in ``phase`` with everything that phase needs to move on."""
    agreement = AgreementFactory(
        customer=customer,
        phase=phase,
        customer_responsibility_goals="Carbon-neutral by 2030; the best employer in the field.",
        identified_themes=["employee-wellbeing"],
        agreed_by_provider="Dr. Liisa Lääkäri",
        agreed_by_customer="Pekka Pomo, CEO",
    )
    GoalFactory(agreement=agreement, target=90)
    return agreement


def test_an_agreement_walks_every_phase_and_keeps_the_history(api_as, manager, customer):
    client = api_as(manager)
    created = client.post(
        f"{API}/agreements/",
        {
            "customer": customer.business_id,
            "title": "Responsibility goals 2026–2027",
            "period_start": "2026-01-01",
            "period_end": "2027-12-31",
        },
        format="json",
    )
    assert created.status_code == 201, created.content
    assert created.json()["phase"] == "orientation"
    agreement = ResponsibilityAgreement.objects.get(pk=created.json()["id"])

    steps = [
        ({"customer_responsibility_goals": "Keep people at work until retirement."}, "identification"),
        ({"identified_themes": ["employee-wellbeing", "personnel-management"]}, "planning"),
        ({"agreed_by_provider": "Liisa Lääkäri", "agreed_by_customer": "Pekka Pomo"}, None),
    ]
    for patch, to_phase in steps:
        assert client.patch(f"{API}/agreements/{agreement.pk}/", patch, format="json").status_code == 200
        if to_phase:
            response = advance(client, agreement, to_phase, note=f"to {to_phase}")
            assert response.status_code == 201, response.content
            assert response.json()["phase"] == to_phase
    goal = client.post(
        f"{API}/goals/",
        {"agreement": agreement.pk, "theme": "employee-wellbeing", "indicator": "health-percentage", "target": "92"},
        format="json",
    )
    assert goal.status_code == 201, goal.content
    agreed = advance(client, agreement, "agreed", note="Signed in the steering group")
    assert agreed.status_code == 201, agreed.content
    assert agreed.json()["agreed_at"] is not None
    assert advance(client, agreement, "follow-up").json()["phase"] == "follow-up"
    assert advance(client, agreement, "closed").json()["phase"] == "closed"

    history = client.get(f"{API}/agreements/{agreement.pk}/transitions/").json()
    assert [(h["from_phase"], h["to_phase"]) for h in history] == list(zip(PHASE_ORDER, PHASE_ORDER[1:], strict=False))
    assert {h["by"] for h in history} == {manager.email}
    assert history[2]["note"] == "Signed in the steering group"
    assert all(dt.datetime.fromisoformat(h["at"]) for h in history)


@pytest.mark.parametrize("current", PHASE_ORDER)
def test_every_skip_or_step_back_is_refused(current, api_as, manager, customer):
    client = api_as(manager)
    agreement = ready_for(current, customer)
    next_index = PHASE_ORDER.index(current) + 1
    for to_phase in PHASE_ORDER:
        if next_index < len(PHASE_ORDER) and to_phase == PHASE_ORDER[next_index]:
            continue
        response = advance(client, agreement, to_phase)
        assert response.status_code == 400, (current, to_phase)
        assert list(response.json()) == ["to_phase"]
    agreement.refresh_from_db()
    assert agreement.phase == current
    assert not PhaseTransition.objects.filter(agreement=agreement).exists()


@pytest.mark.parametrize("current", PHASE_ORDER[:-1])
def test_every_legal_step_is_taken_and_recorded(current, api_as, manager, customer):
    agreement = ready_for(current, customer)
    next_phase = PHASE_ORDER[PHASE_ORDER.index(current) + 1]
    response = advance(api_as(manager), agreement, next_phase, note="ok")
    assert response.status_code == 201, response.content
    transition = PhaseTransition.objects.get(agreement=agreement)
    assert (transition.from_phase, transition.to_phase, transition.by, transition.note) == (
        current,
        next_phase,
        manager,
        "ok",
    )


def test_an_unknown_phase_is_refused(api_as, manager, customer):
    response = advance(api_as(manager), ready_for(Phase.ORIENTATION, customer), "signed")
    assert response.status_code == 400
    assert list(response.json()) == ["to_phase"]


def test_orientation_needs_the_customers_own_goals(api_as, manager, customer):
    agreement = AgreementFactory(customer=customer, customer_responsibility_goals="")
    response = advance(api_as(manager), agreement, "identification")
    assert response.status_code == 400
    assert list(response.json()) == ["customer_responsibility_goals"]


def test_identification_needs_identified_themes(api_as, manager, customer):
    agreement = AgreementFactory(customer=customer, phase=Phase.IDENTIFICATION, identified_themes=[])
    response = advance(api_as(manager), agreement, "planning")
    assert response.status_code == 400
    assert list(response.json()) == ["identified_themes"]


def test_agreeing_without_a_goal_or_the_names_of_those_agreeing_is_refused(api_as, manager, customer):
    agreement = AgreementFactory(customer=customer, phase=Phase.PLANNING, identified_themes=["employee-wellbeing"])
    response = advance(api_as(manager), agreement, "agreed")
    assert response.status_code == 400
    assert set(response.json()) == {"goals", "agreed_by_provider", "agreed_by_customer"}
    agreement.refresh_from_db()
    assert (agreement.phase, agreement.agreed_at) == (Phase.PLANNING, None)
    assert not agreement.transitions.exists()


def test_identified_themes_are_among_the_three_themes(api_as, manager, customer):
    agreement = AgreementFactory(customer=customer)
    response = api_as(manager).patch(
        f"{API}/agreements/{agreement.pk}/", {"identified_themes": ["carbon-footprint"]}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["identified_themes"]


def test_the_period_must_be_in_order_and_nothing_is_saved(api_as, manager, customer):
    response = api_as(manager).post(
        f"{API}/agreements/",
        {
            "customer": customer.business_id,
            "title": "Backwards",
            "period_start": "2026-12-31",
            "period_end": "2026-01-01",
        },
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()) == ["period_end"]
    assert not ResponsibilityAgreement.objects.exists()


def test_what_was_agreed_survives(api_as, manager, customer):
    agreement = ready_for(Phase.AGREED, customer)
    client = api_as(manager)
    cleared = client.patch(f"{API}/agreements/{agreement.pk}/", {"agreed_by_customer": ""}, format="json")
    assert cleared.status_code == 400
    assert list(cleared.json()) == ["agreed_by_customer"]
    assert client.delete(f"{API}/agreements/{agreement.pk}/").status_code == 400
    assert ResponsibilityAgreement.objects.filter(pk=agreement.pk, agreed_by_customer="Pekka Pomo, CEO").exists()


def test_a_closed_agreement_cannot_change(api_as, manager, customer):
    agreement = ready_for(Phase.CLOSED, customer)
    response = api_as(manager).patch(f"{API}/agreements/{agreement.pk}/", {"title": "Rewritten"}, format="json")
    assert response.status_code == 400
    agreement.refresh_from_db()
    assert agreement.title != "Rewritten"


def test_the_customers_people_read_the_agreement_and_its_history(api_as, users, customer, manager):
    agreement = ready_for(Phase.ORIENTATION, customer)
    assert advance(api_as(manager), agreement, "identification").status_code == 201
    history = api_as(users["decision-maker"]).get(f"{API}/agreements/{agreement.pk}/transitions/")
    assert history.status_code == 200
    assert history.json()[0]["to_phase"] == "identification"
