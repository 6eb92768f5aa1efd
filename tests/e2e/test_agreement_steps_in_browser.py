"""An account manager walks a responsibility agreement through its steps in the browser:
orientation → discussion and identification → planning and agreement (goals) → agreed →
follow-up; then every step is looked at in fi, sv and en on a laptop and a phone, with
screenshots under tests/e2e/screenshots/ (not committed)."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from cooperation.models import Indicator, Phase, ResponsibilityAgreement
from tests.cooperation.factories import AgreementFactory, GoalFactory, MeasurementFactory, MeetingFactory
from tests.e2e.conftest import sign_in
from tests.e2e.test_meetings_in_browser import LOCALES, SCREENSHOTS, WIDTHS, no_sideways_scrolling

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

STEPS = ["orientation", "identification", "planning", "agreed", "follow-up"]


def current_step(page):
    return page.locator('.stepper li[aria-current="step"]')


def move_on(page):
    page.locator("button[name=advance]").click()


def test_an_account_manager_walks_the_agreement_through_its_steps(page, manager, customer):
    sign_in(page, manager.email)
    page.goto(f"/customers/{customer.business_id}/")
    page.click("text=New agreement")
    page.fill("input[name=title]", "Vastuullisuus 2027")
    page.fill("input[name=period_start]", "2027-01-01")
    page.fill("input[name=period_end]", "2027-12-31")
    page.click("main button[type=submit]")
    agreement = ResponsibilityAgreement.objects.get(customer=customer)

    # 1. Orientation: the checklist says what is missing; moving on without it changes nothing.
    expect(page.locator("h2.step-title")).to_have_text("Orientation")
    expect(current_step(page)).to_contain_text("Orientation")
    expect(page.locator(".stepper li")).to_have_count(5)
    expect(page.locator(".move-on .checklist-item.is-unmet")).to_have_count(1)
    move_on(page)
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Record the customer's responsibility themes and goals")
    summary.locator("a").first.click()
    expect(page.locator("#id_customer_responsibility_goals")).to_be_focused()
    agreement.refresh_from_db()
    assert agreement.phase == Phase.ORIENTATION

    page.fill("#id_customer_responsibility_goals", "Healthy and competent personnel; fair management")
    page.get_by_label("Employee well-being").check()
    page.click("button[name=save]")
    expect(page.locator(".messages")).to_contain_text("Saved.")
    expect(page.locator(".move-on .checklist-item.is-met")).to_have_count(1)
    move_on(page)

    # 2. Discussion and identification, with what orientation recorded beside it.
    expect(current_step(page)).to_contain_text("Discussion and identification")
    expect(page.locator(".reference")).to_contain_text("Healthy and competent personnel")
    expect(page.locator(".stepper li.is-done a")).to_have_count(1)
    # An earlier step can be looked at again.
    page.locator(".stepper li.is-done a").click()
    expect(page.locator("h2.step-title")).to_have_text("Orientation")
    expect(page.locator("main")).to_contain_text("This phase is done")
    expect(page.locator("button[name=advance]")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "agreement-orientation-done-en-desktop.png"), full_page=True)
    page.go_back()
    page.get_by_label("Personnel management").check()
    page.fill("#id_identification_notes", "Early support in supervisory work")
    move_on(page)

    # 3. Planning and agreement: goals are worked out here.
    expect(current_step(page)).to_contain_text("Planning and agreement")
    move_on(page)
    expect(page.locator(".error-summary")).to_contain_text("Agree at least one goal with a target first.")
    expect(page.locator(".error-summary")).to_contain_text("Name who agreed on the customer's side.")
    agreement.refresh_from_db()
    assert agreement.phase == Phase.PLANNING

    page.click("text=Add a goal")
    page.select_option("select[name=indicator]", "sick-leave-days")
    page.fill("input[name=baseline]", "12")
    page.click("main button[type=submit]")
    expect(page.locator(".error-summary")).to_contain_text("A goal needs a target.")
    page.fill("input[name=target]", "9")
    page.fill("textarea[name=description]", "Fewer sick-leave days through early support")
    page.click("main button[type=submit]")
    goals = page.locator("table.goals")
    expect(goals).to_contain_text("Sick-leave days per person-year")
    expect(goals).to_contain_text("Lower is better")

    goals.locator("a", has_text="Edit").click()
    page.fill("input[name=target]", "8.5")
    page.click("main button[type=submit]")
    expect(page.locator("table.goals")).to_contain_text("8.50")

    page.fill("#id_support_actions", "Supervisor training twice a year")
    page.fill("#id_agreed_by_provider", "Anna Asiakkuus")
    page.fill("#id_agreed_by_customer", "Pekka Pomo")
    page.fill("#id_note", "Signed in the steering group")
    move_on(page)

    # 4. Agreed: the record of what was agreed, and by whom.
    expect(current_step(page)).to_contain_text("Agreed")
    expect(page.locator("main")).to_contain_text("Pekka Pomo")
    expect(page.locator("main")).to_contain_text("Supervisor training twice a year")
    expect(page.locator(".history")).to_contain_text("Signed in the steering group")
    expect(page.locator(".stepper li.is-done")).to_have_count(3)
    move_on(page)

    # 5. Follow-up: goals with their measurements, and the steering-group meetings.
    expect(current_step(page)).to_contain_text("Follow-up")
    goal = agreement.goals.get()
    MeasurementFactory(goal=goal, measured_on=dt.date(2027, 3, 31), value=Decimal("10.20"), note="Q1")
    meeting = MeetingFactory(customer=customer, agreement=agreement, date=dt.date(2027, 4, 2))
    page.reload()
    expect(page.locator("#follow-up-goals")).to_contain_text("10.20")
    expect(page.locator("#follow-up-goals")).to_contain_text("Q1")
    page.locator("#meetings a", has_text="Steering group").click()
    expect(page).to_have_url(re.compile(rf"/meetings/{meeting.pk}/$"))

    agreement.refresh_from_db()
    assert agreement.phase == Phase.FOLLOW_UP
    assert list(agreement.transitions.values_list("to_phase", flat=True)) == [
        "identification",
        "planning",
        "agreed",
        "follow-up",
    ]


@pytest.fixture
def one_agreement_per_step(customer):
    """An agreement standing at each step, filled in as far as a real one would be."""
    base = {
        "customer": customer,
        "title": "Vastuullisuustavoitteet 2026–2027 ja työkyvyn tuki",
        "customer_responsibility_goals": "Henkilöstön hyvinvointi ja osaaminen; reilu johtaminen",
        "themes": ["employee-wellbeing", "personnel-competence"],
    }
    identified = {"identified_themes": ["employee-wellbeing", "personnel-management"]}
    agreed = {
        **identified,
        "support_actions": "Esihenkilökoulutus kahdesti vuodessa",
        "agreed_by_provider": "Anna Asiakkuus",
        "agreed_by_customer": "Pekka Pomo",
    }
    agreements = {
        "orientation": AgreementFactory(**{**base, "customer_responsibility_goals": ""}),
        "identification": AgreementFactory(phase=Phase.IDENTIFICATION, **base),
        "planning": AgreementFactory(phase=Phase.PLANNING, **base, **identified, agreed_by_provider="Anna Asiakkuus"),
        "agreed": AgreementFactory(phase=Phase.AGREED, **base, **agreed),
        "follow-up": AgreementFactory(phase=Phase.FOLLOW_UP, **base, **agreed),
    }
    for step in ("planning", "agreed", "follow-up"):
        GoalFactory(agreement=agreements[step], indicator=Indicator.SICK_LEAVE_DAYS, baseline=12, target=9)
        GoalFactory(
            agreement=agreements[step],
            indicator=Indicator.CUSTOM,
            custom_indicator="Esihenkilöistä varhaisen tuen mallin koulutuksen käyneitä prosentteina",
            baseline=20,
            target=90,
        )
    for goal in agreements["follow-up"].goals.all():
        MeasurementFactory(goal=goal, measured_on=dt.date(2026, 3, 31), value=Decimal("10.40"), note="Q1")
    MeetingFactory(customer=customer, agreement=agreements["follow-up"], date=dt.date(2026, 4, 2))
    return agreements


def test_every_step_in_every_language_on_a_laptop_and_a_phone(browser, live_server, manager, one_agreement_per_step):
    for language, locale in LOCALES.items():
        context = browser.new_context(base_url=live_server.url, locale=locale)
        page = context.new_page()
        sign_in(page, manager.email)
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            for step, agreement in one_agreement_per_step.items():
                page.goto(f"/agreements/{agreement.pk}/steps/{step}/")
                expect(page.locator("html")).to_have_attribute("lang", language)
                expect(current_step(page)).to_have_count(1)
                page.screenshot(path=str(SCREENSHOTS / f"agreement-{step}-{language}-{width_name}.png"), full_page=True)
                assert no_sideways_scrolling(page), f"{step} scrolls sideways at {width} px in {language}"
            # The messages of a refused move, and the goal form.
            planning = one_agreement_per_step["planning"]
            page.goto(f"/agreements/{planning.pk}/steps/planning/")
            page.locator("button[name=advance]").click()
            expect(page.locator(".error-summary")).to_be_visible()
            page.screenshot(
                path=str(SCREENSHOTS / f"agreement-planning-errors-{language}-{width_name}.png"), full_page=True
            )
            assert no_sideways_scrolling(page), f"planning errors scroll sideways at {width} px in {language}"
            page.goto(f"/agreements/{planning.pk}/goals/new/")
            page.screenshot(path=str(SCREENSHOTS / f"agreement-goal-form-{language}-{width_name}.png"), full_page=True)
            assert no_sideways_scrolling(page), f"the goal form scrolls sideways at {width} px in {language}"
        context.close()


def test_the_customers_decision_maker_reads_the_steps_on_a_phone(page, users, one_agreement_per_step):
    width, height = WIDTHS["phone"]
    page.set_viewport_size({"width": width, "height": height})
    sign_in(page, users["decision-maker"].email)
    agreement = one_agreement_per_step["follow-up"]
    for step in STEPS:
        page.goto(f"/agreements/{agreement.pk}/steps/{step}/")
        expect(page.locator("main form")).to_have_count(0)
        expect(page.locator("main a", has_text="Edit")).to_have_count(0)
        page.screenshot(path=str(SCREENSHOTS / f"agreement-{step}-read-only-en-phone.png"), full_page=True)
        assert no_sideways_scrolling(page), f"{step} scrolls sideways for the decision-maker"
    expect(page.locator("#follow-up-goals")).to_contain_text("Esihenkilöistä")
