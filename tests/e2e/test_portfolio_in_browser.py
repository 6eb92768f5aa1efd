"""The portfolio in Chromium: sort by a figure, page on, the trend lines draw; screenshots at
desktop and phone width in Finnish, Swedish and English (tests/e2e/screenshots/, not committed)."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperation.models import Indicator, Phase
from portal.selectors import closed_quarters
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    CustomerFactory,
    GoalFactory,
    MeetingFactory,
    UserFactory,
)
from tests.e2e.conftest import sign_in
from tests.surveys.factories_stats import answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def portfolio(db):
    """30 customers of one account manager; customer n has an NPS of about 100 − 6n each
    quarter, an agreement, and every third one an overdue action item."""
    manager = UserFactory(email="am@provider.example", full_name="Anna Manager", role="account-manager")
    today = timezone.localdate()
    phases = [Phase.ORIENTATION, Phase.IDENTIFICATION, Phase.PLANNING, Phase.AGREED, Phase.FOLLOW_UP]
    for n in range(1, 31):
        customer = CustomerFactory(name=f"Asiakas {n:02d} Oy", account_manager=manager, headcount=40 * n)
        agreement = AgreementFactory(customer=customer, phase=phases[n % 5])
        GoalFactory(agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=20, target=50)
        for i, (_key, first, _last) in enumerate(closed_quarters(today=today)):
            when = dt.datetime.combine(first + dt.timedelta(days=10), dt.time(10), tzinfo=dt.UTC)
            promoters = max(0, 10 - n // 3 + i)
            answers([10] * promoters + [3] * (10 - promoters) + [8] * 2, when, customer=customer)
        meeting = MeetingFactory(customer=customer, date=today + dt.timedelta(days=n))
        if n % 3 == 0:
            ActionItemFactory(meeting=meeting, due_date=today - dt.timedelta(days=n))
    return manager


def test_sort_by_nps_page_on_and_the_trend_lines_draw(page, portfolio):
    sign_in(page, portfolio.email)
    expect(page.locator("h1")).to_have_text("My portfolio")
    rows = page.locator("table.portfolio tbody tr")
    expect(rows).to_have_count(25)
    nps_header = page.locator("thead th", has_text="Employee NPS")
    expect(nps_header).to_have_attribute("aria-sort", "none")
    nps_header.locator("a").click()
    expect(page).to_have_url(re.compile(r"sort=nps"))
    expect(nps_header).to_have_attribute("aria-sort", "ascending")
    expect(rows.first.locator("th a")).to_have_text("Asiakas 30 Oy")
    nps_header.locator("a").click()
    expect(page).to_have_url(re.compile(r"sort=-nps"))
    expect(page.locator("thead th", has_text="Employee NPS")).to_have_attribute("aria-sort", "descending")
    expect(rows.first.locator("th a")).to_have_text("Asiakas 01 Oy")
    # The sparklines are drawn by the vendored Chart.js from json_script data.
    expect(page.locator("canvas[data-chart][data-rendered=true]")).to_have_count(25)
    box = page.locator("canvas[data-chart]").first.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 10
    page.get_by_role("link", name="Next", exact=True).click()
    expect(page.locator(".pager-status")).to_have_text("Page 2 of 2")
    expect(page).to_have_url(re.compile(r"sort=-nps.*page=2|page=2.*sort=-nps"))
    expect(rows).to_have_count(5)
    expect(rows.last.locator("th a")).to_have_text("Asiakas 30 Oy")
    expect(page.locator("canvas[data-chart][data-rendered=true]")).to_have_count(5)
    # Filters keep to the server's rules; the overdue warning reads as words too.
    page.select_option("#portfolio-attention", "yes")
    page.click("form.filters button[type=submit]")
    expect(page.locator(".badge-overdue").first).to_contain_text("overdue")


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_screenshots_at_desktop_and_phone_width(browser, live_server, portfolio, language):
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 375, "height": 812})):
        context = browser.new_context(base_url=live_server.url, locale=language, viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, portfolio.email)
        page.goto("/?sort=-nps")
        expect(page.locator("canvas[data-chart][data-rendered=true]")).to_have_count(25)
        expect(page.locator("html")).to_have_attribute("lang", language)
        page.screenshot(path=SCREENSHOTS / f"portfolio-{language}-{name}.png", full_page=True)
        if name == "phone":
            # The whole page is too tall to read at a glance: its first screen on its own.
            page.screenshot(path=SCREENSHOTS / f"portfolio-{language}-{name}-first-screen.png")
            page.locator("table.portfolio tbody tr").nth(17).scroll_into_view_if_needed()
            page.screenshot(path=SCREENSHOTS / f"portfolio-{language}-{name}-attention-rows.png")
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{language} {name}: the page scrolls {overflow} px sideways"
        context.close()
