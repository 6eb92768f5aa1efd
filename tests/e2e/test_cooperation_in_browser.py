"""What people do in the browser: sign in, see their own company, move an agreement forward."""

import re

import pytest
from playwright.sync_api import expect

from cooperation.models import Phase
from tests.cooperation.factories import AgreementFactory, GoalFactory
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_decision_maker_sees_only_the_own_company(page, users, customer, other_customer):
    sign_in(page, users["decision-maker"].email)
    expect(page.locator("h1")).to_have_text(customer.name)
    page.goto(f"/customers/{other_customer.business_id}/")
    expect(page.locator("body")).not_to_contain_text(other_customer.name)
    page.goto("/customers/")
    expect(page.locator("table")).to_contain_text(customer.name)
    expect(page.locator("table")).not_to_contain_text(other_customer.name)


def test_an_account_manager_agrees_on_goals_in_the_browser(page, manager, customer):
    agreement = AgreementFactory(
        customer=customer,
        phase=Phase.PLANNING,
        customer_responsibility_goals="Healthy personnel",
        identified_themes=["employee-wellbeing"],
        agreed_by_provider="Anna",
        agreed_by_customer="Pekka",
    )
    sign_in(page, manager.email)
    page.goto(f"/agreements/{agreement.pk}/")
    page.click("button[name=advance]")
    expect(page.locator(".error-summary")).to_contain_text("goal")

    GoalFactory(agreement=agreement)
    page.goto(f"/agreements/{agreement.pk}/")
    page.fill("textarea[name=note]", "Signed in the steering group")
    page.click("button[name=advance]")
    expect(page.locator('.stepper li[aria-current="step"]')).to_have_text(re.compile("Agreed"))
    expect(page.locator("body")).to_contain_text("Signed in the steering group")
    agreement.refresh_from_db()
    assert agreement.phase == Phase.AGREED


def test_a_decision_maker_reads_the_published_indicators(page, users, customer, monkeypatch):
    import datetime as dt

    from tests.surveys.factories import UnitFactory
    from tests.surveys.factories_stats import answers

    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2026, 7, 1))
    care = UnitFactory(code="E2E-CARE", type="care")
    answers([10] * 6, "2026-02-10T10:00Z", customer=customer, unit=care)
    # Care alone would otherwise equal all answers and show the other unit types empty.
    answers([0] * 6, "2026-02-10T10:00Z", customer=customer, unit=UnitFactory(code="E2E-CHAT", type="digital"))
    answers([0], "2026-06-30T18:00Z", customer=customer, unit=UnitFactory(code="E2E-ER", type="emergency"))

    sign_in(page, users["decision-maker"].email)
    page.goto("/reports/indicators/")
    expect(page.locator("#how-figures-are-published")).to_be_visible()
    expect(page.locator("form.filters [name=unit]")).to_have_count(0)
    page.select_option("form.filters [name=unit_type]", "care")
    page.click("form.filters button[type=submit]")
    expect(page).to_have_url(re.compile(r"unit_type=care"))
    first_table = page.locator("section.indicator table").first
    expect(first_table).to_contain_text("2026-Q1")
    expect(first_table).to_contain_text("100")
