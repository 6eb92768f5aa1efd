"""The quality staff's pages in Chromium: a quality person lands on the units' NPS with a chart
per unit, sorts the practitioners by NPS, follows one to their comments, filters the detractors
and meets a clear message for a bad filter; screenshots at desktop and phone width in Finnish,
Swedish and English (tests/e2e/screenshots/, not committed), never scrolling sideways."""

import datetime as dt
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from surveys.models import UnitQualityStaff
from tests.cooperation.factories import CustomerFactory, UserFactory
from tests.e2e.conftest import sign_in
from tests.surveys.factories import PractitionerFactory, UnitFactory
from tests.surveys.factories_stats import answer, answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def quality(monkeypatch):
    """A quality person following a care unit; an emergency unit beside it; 2026 up to November."""
    monkeypatch.setattr("cooperation.dates.today", lambda: dt.date(2026, 11, 15))
    person = UserFactory(email="laatu@provider.example", full_name="Kaisa Laatu", role="quality")
    customer = CustomerFactory(name="Asiakas Oy")
    care = UnitFactory(code="CARE-A", name="Kamppi care unit", type="care")
    emergency = UnitFactory(code="EMER-B", name="Helsinki emergency unit", type="emergency")
    UnitQualityStaff.objects.create(unit=care, user=person)
    good = PractitionerFactory(code="dr-good", name="Dr Hyvä", unit=care)
    weak = PractitionerFactory(code="dr-weak", name="Dr Heikko", unit=care)
    other = PractitionerFactory(code="dr-other", name="Dr Muu", unit=emergency)
    for month in (2, 5, 8):
        when = f"2026-{month:02d}-10T10:00Z"
        answers([10] * 9 + [8], when, customer=customer, practitioner=good)
        answers([10] * 3 + [7] * 3 + [2] * 4, when, customer=customer, practitioner=weak)
        answers([9] * 8 + [8] + [5], when, customer=customer, practitioner=other)
    answer(2, "2026-09-01T10:00Z", customer=customer, practitioner=weak, comment="Nobody explained the results.")
    answer(7, "2026-09-02T10:00Z", customer=customer, practitioner=weak, comment="Quick but impersonal.")
    answer(10, "2026-09-03T10:00Z", customer=customer, practitioner=good, comment="Really listened to me.")
    answer(1, "2026-09-04T10:00Z", customer=customer, practitioner=other, comment="Not followed by this person.")
    return person


def test_the_quality_view(page, quality):
    sign_in(page, quality.email)
    expect(page).to_have_url(re.compile(r"/reports/quality/$"))
    expect(page.locator("h1")).to_have_text("Units' NPS against their targets, 2026")
    # One chart per unit, each with its target line, drawn by the vendored Chart.js.
    expect(page.locator(".unit-card canvas[data-chart][data-rendered=true]")).to_have_count(2)
    care = page.locator("table.units-nps tbody tr", has_text="Kamppi care unit")
    expect(care).to_contain_text("below target")
    expect(page.locator(".unit-card", has_text="Helsinki emergency unit")).to_contain_text("target met")

    page.locator("nav.tabs").get_by_role("link", name="Practitioners").click()
    nps = page.locator("thead th", has_text="NPS").first
    nps.locator("a").click()
    expect(nps).to_have_attribute("aria-sort", "ascending")
    rows = page.locator("table.practitioners-nps tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first.locator("th")).to_contain_text("Dr Heikko")
    # 9 promoters and 13 detractors of 32 answers: (9 − 13) / 32 = −12.5
    expect(rows.first).to_contain_text("-12.5")
    # Only practitioners of units the person follows lead to comments.
    expect(page.locator("table.practitioners-nps tbody tr", has_text="Dr Muu").get_by_role("link")).to_have_count(0)
    rows.first.get_by_role("link", name=re.compile("Comments")).click()
    expect(page.locator("h1")).to_have_text("Feedback comments of your units")
    items = page.locator(".comment-list .comment")
    expect(items).to_have_count(2)

    page.locator("nav.tabs").get_by_role("link", name="Comments").click()
    expect(items).to_have_count(3)
    expect(page.get_by_text("Not followed by this person.")).to_have_count(0)
    page.select_option("#id_score", "detractor")
    page.click("form.filters button[type=submit]")
    expect(items).to_have_count(1)
    detractor = page.locator(".comment-detractor")
    expect(detractor).to_contain_text("Nobody explained the results.")
    expect(detractor.locator(".score-badge")).to_contain_text("Detractor")

    page.goto("/reports/comments/?score=eleven")
    expect(page.locator(".error-summary")).to_contain_text("Score: Choose one of the options in the list.")
    expect(items).to_have_count(0)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_screenshots_at_desktop_and_phone_width(browser, live_server, quality, language):
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 375, "height": 812})):
        context = browser.new_context(base_url=live_server.url, locale=language, viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, quality.email)
        for key, path in (
            ("units", "/reports/quality/"),
            ("practitioners", "/reports/quality/practitioners/?sort=nps"),
            ("comments", "/reports/comments/"),
            ("comments-invalid", "/reports/comments/?score=11&start=2026-02-30"),
        ):
            page.goto(path)
            expect(page.locator("html")).to_have_attribute("lang", language)
            if key == "units":
                expect(page.locator("canvas[data-chart][data-rendered=true]")).to_have_count(2)
            page.screenshot(path=SCREENSHOTS / f"quality-{key}-{language}-{name}.png", full_page=True)
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{key} {language} {name}: the page scrolls {overflow} px sideways"
        context.close()
