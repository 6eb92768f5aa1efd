"""The decision-maker's dashboard in Chromium: their own figures drawn by the vendored Chart.js
under the enforced CSP, no other company, hidden cells said in words; screenshots at desktop and
phone width in Finnish, Swedish and English (tests/e2e/screenshots/, not committed)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.cooperation.factories import UserFactory
from tests.e2e.conftest import sign_in
from tests.portal.test_customer_dashboard import TODAY, _other_company, _own_company

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def decision_maker(db, customer, other_customer, monkeypatch):
    monkeypatch.setattr("cooperation.dates.today", lambda: TODAY)
    _own_company(customer)
    _other_company(other_customer)
    return UserFactory(email="ceo@own.example", role="decision-maker", customer=customer)


def test_the_decision_maker_sees_their_own_figures_and_why_some_are_hidden(page, decision_maker, other_customer):
    errors = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    sign_in(page, decision_maker.email)
    expect(page).to_have_url(f"{page.url.split('/dashboard/')[0]}/dashboard/")
    expect(page.locator("h1")).to_have_text("Own Customer Oy")
    figures = page.locator(".key-figures .key-figure")
    expect(figures.filter(has_text="NPS: Employees")).to_contain_text("55")
    expect(figures.filter(has_text="NPS: Supervisors")).to_contain_text("66.7")
    expect(figures.filter(has_text="NPS: Decision-makers")).to_contain_text("Hidden to protect privacy")
    expect(figures.filter(has_text="Health percentage (12 months)")).to_contain_text("75 %")
    # Health trend, three NPS charts but the hidden one, coping, the 0-10 scores: five drawn charts.
    expect(page.locator("canvas[data-chart][data-rendered=true]")).to_have_count(5)
    box = page.locator('canvas[data-chart="nps-patient-data"]').bounding_box()
    assert box and box["width"] > 200 and box["height"] > 100
    goals = page.locator("table.goals")
    expect(goals.locator('tr[data-indicator="nps-supervisors"] .goal-current')).to_contain_text("66.7")
    expect(goals.locator('tr[data-indicator="nps-decision-makers"] .goal-current')).to_contain_text(
        "Hidden to protect privacy"
    )
    expect(page.locator(".action-items .badge-overdue")).to_have_count(1)
    assert other_customer.name not in page.content()
    assert "-71.4" not in page.content()
    assert not [e for e in errors if "Content Security Policy" in e], errors


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_screenshots_at_desktop_and_phone_width(browser, live_server, decision_maker, language):
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 375, "height": 812})):
        context = browser.new_context(base_url=live_server.url, locale=language, viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, decision_maker.email)
        page.goto("/dashboard/")
        expect(page.locator("canvas[data-chart][data-rendered=true]")).to_have_count(5)
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.screenshot(path=SCREENSHOTS / f"dashboard-{language}-{name}.png", full_page=True)
        if name == "phone":
            # The whole page is too tall to read at a glance: its parts one by one.
            page.screenshot(path=SCREENSHOTS / f"dashboard-{language}-{name}-first-screen.png")
            for part in ("nps-title", "coping-title", "agreement-title", "meetings-title"):
                section = page.locator(f"section[aria-labelledby={part}]")
                section.screenshot(path=SCREENSHOTS / f"dashboard-{language}-{name}-{part.removesuffix('-title')}.png")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{language} {name}: the page scrolls {overflow} px sideways"
        context.close()
