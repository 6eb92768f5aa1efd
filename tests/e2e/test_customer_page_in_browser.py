"""The customer's 360 in Chromium: an account manager opens the customer page, the charts draw,
a note is refused empty and then added, the timeline is filtered to notes; screenshots in fi, sv
and en at 1280 and 375 px (tests/e2e/screenshots/, not committed), never scrolling sideways."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperation.models import CustomerNote, Indicator, Phase
from portal.selectors import closed_quarters
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
from tests.e2e.conftest import sign_in
from tests.surveys.factories_stats import answers

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 812)}
LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}


@pytest.fixture
def history(customer, manager):
    """A customer with a year of figures, an agreement in follow-up, meetings and contacts."""
    today = timezone.localdate()
    agreement = AgreementFactory(customer=customer, title="Vastuullisuustavoitteet 2026", phase=Phase.FOLLOW_UP)
    GoalFactory(agreement=agreement, indicator=Indicator.NPS_EMPLOYEES, baseline=20, target=50)
    GoalFactory(agreement=agreement, indicator=Indicator.HEALTH_PERCENTAGE, baseline=70, target=85)
    accidents = GoalFactory(
        agreement=agreement, indicator=Indicator.CUSTOM, custom_indicator="Accidents", baseline=14, target=10
    )
    MeasurementFactory(goal=accidents, measured_on=today - dt.timedelta(days=20), value=Decimal("11.5"))
    for i, (_key, first, _last) in enumerate(closed_quarters(today=today)):
        when = dt.datetime.combine(first + dt.timedelta(days=10), dt.time(10), tzinfo=dt.UTC)
        answers([10] * (4 + 2 * i) + [8] * 3 + [3] * 3, when, customer=customer, coping="yes")
    for n in range(20):
        employee = EmployeeFactory(customer=customer, employed_from=dt.date(2020, 1, 1))
        if n < 3:
            start = today - dt.timedelta(days=40 * (n + 1))
            SickLeaveFactory(employee=employee, start=start, end=start + dt.timedelta(days=4))
    held = MeetingFactory(
        customer=customer,
        agreement=agreement,
        date=today - dt.timedelta(days=30),
        decisions="Esihenkilöt käyvät varhaisen tuen koulutuksen\nSairauspoissaoloja seurataan kuukausittain",
    )
    ActionItemFactory(meeting=held, description="Varhaisen tuen koulutus", due_date=today - dt.timedelta(days=3))
    MeetingFactory(customer=customer, agreement=agreement, date=today + dt.timedelta(days=21))
    ContactFactory(customer=customer, name="Pekka Pomo", title="Toimitusjohtaja", phone="+358 40 123 4567")
    ContactFactory(
        customer=customer,
        name="Hanna Henkilöstöpäällikkö-Virtanen",
        role="hr",
        email="hanna.henkilostopaallikko-virtanen@asiakas-esimerkki.example",
    )
    return customer


def test_an_account_manager_adds_a_note_and_filters_the_timeline(page, manager, history):
    sign_in(page, manager.email)
    page.goto(f"/customers/{history.business_id}/")
    expect(page.locator("h1")).to_have_text(history.name)
    # Both charts and the three trend lines of the key figures draw (json_script, no inline code).
    expect(page.locator("canvas[data-chart][data-rendered=true]")).to_have_count(5)
    expect(page.locator(".key-figures")).to_contain_text("Employee NPS")
    expect(page.locator("#agreement tr", has_text="Accidents")).to_contain_text("62.5 %")

    # An empty note is refused with a message that leads to the field; nothing is saved.
    page.click("button[name=add-note]")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Write the note before saving it.")
    summary.locator("a[href='#id_text']").click()
    expect(page.locator("textarea[name=text]")).to_be_focused()
    assert not CustomerNote.objects.exists()

    page.fill("textarea[name=text]", "Soitto HR:lle: työkykypäivä keväällä.")
    page.click("button[name=add-note]")
    expect(page).to_have_url(re.compile(r"#timeline$"))
    first = page.locator("ol.timeline > li").first
    expect(first).to_contain_text("Soitto HR:lle: työkykypäivä keväällä.")
    expect(first).to_contain_text(manager.get_full_name())
    assert CustomerNote.objects.get().author == manager

    # Filter to meetings, then to notes: only those entries remain.
    page.select_option("#timeline-kind", "meeting")
    page.click(".timeline-filter button[type=submit]")
    expect(page).to_have_url(re.compile(r"kind=meeting"))
    expect(page.locator("ol.timeline > li")).to_have_count(1)
    expect(page.locator("ol.timeline")).to_contain_text("varhaisen tuen koulutuksen")
    page.select_option("#timeline-kind", "note")
    page.click(".timeline-filter button[type=submit]")
    expect(page.locator("ol.timeline > li")).to_have_count(1)
    expect(page.locator("ol.timeline > li.timeline-note")).to_have_count(1)
    page.get_by_role("link", name="Show everything").click()
    expect(page).not_to_have_url(re.compile(r"kind="))
    expect(page.locator("ol.timeline > li.timeline-meeting")).to_have_count(1)
    expect(page.locator("ol.timeline > li.timeline-note")).to_have_count(1)


def test_screenshots_in_every_language_at_laptop_and_phone_width(browser, live_server, manager, history):
    SCREENSHOTS.mkdir(exist_ok=True)
    CustomerNote.objects.create(
        customer=history, author=manager, text="Tapasimme toimitusjohtajan: seuraava painopiste on esihenkilötyö."
    )
    for language, locale in LOCALES.items():
        for width_name, (width, height) in WIDTHS.items():
            context = browser.new_context(
                base_url=live_server.url, locale=locale, viewport={"width": width, "height": height}
            )
            page = context.new_page()
            page.set_default_timeout(15_000)
            sign_in(page, manager.email)
            page.goto(f"/customers/{history.business_id}/")
            expect(page.locator("html")).to_have_attribute("lang", language)
            expect(page.locator("canvas[data-chart][data-rendered=true]")).to_have_count(5)
            page.screenshot(path=str(SCREENSHOTS / f"customer360-{language}-{width_name}.png"), full_page=True)
            if width_name == "phone":
                page.screenshot(path=str(SCREENSHOTS / f"customer360-{language}-{width_name}-first-screen.png"))
                # The long page in parts, each readable at a glance.
                parts = page.locator("main > section, main > div")
                for n in range(parts.count()):
                    parts.nth(n).screenshot(path=str(SCREENSHOTS / f"customer360-{language}-{width_name}-part{n}.png"))
            overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{language} {width_name}: the page scrolls {overflow} px sideways"
            context.close()
