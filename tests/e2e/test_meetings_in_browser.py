"""An account manager records a steering-group meeting in the browser, adds action items, ticks
one off and opens the meeting pack; then the pages are looked at in fi, sv and en, on a laptop
and at phone width, with screenshots under tests/e2e/screenshots/ (not committed)."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperation.models import ActionItem, Indicator
from tests.cooperation.factories import AgreementFactory, ContactFactory, GoalFactory, MeasurementFactory
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}
LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}


def no_sideways_scrolling(page, selector: str = "html") -> bool:
    """``selector`` neither overflows itself nor reaches past the right edge of the window."""
    return page.evaluate(
        """selector => {
            const element = document.querySelector(selector);
            const width = document.documentElement.clientWidth;
            return element.scrollWidth <= element.clientWidth && element.getBoundingClientRect().right <= width;
        }""",
        selector,
    )


def test_an_account_manager_records_a_meeting_ticks_an_item_off_and_opens_the_pack(
    browser, live_server, page, manager, customer
):
    today = timezone.localdate()
    ContactFactory(customer=customer, name="Pekka Pomo", role="decision-maker")
    agreement = AgreementFactory(customer=customer, title="Responsibility goals")
    goal = GoalFactory(
        agreement=agreement,
        indicator=Indicator.CUSTOM,
        custom_indicator="Sick-leave days a person",
        baseline=Decimal("10"),
        target=Decimal("8"),
    )
    MeasurementFactory(goal=goal, measured_on=today - dt.timedelta(days=5), value=Decimal("4.35"))

    sign_in(page, manager.email)
    page.goto(f"/customers/{customer.business_id}/")
    page.click("#meetings >> text=New meeting")
    page.fill("input[name=date]", today.isoformat())
    page.select_option("select[name=agreement]", label="Responsibility goals")
    page.get_by_label("Pekka Pomo").check()
    page.fill("textarea[name=provider_participants]", "Occupational physician Olli")
    page.fill("textarea[name=agenda]", "1. Indicators\n2. Early support")
    page.fill("textarea[name=minutes]", "Sick leave went down.")
    page.fill("textarea[name=decisions]", "Train supervisors\nFollow sick leave monthly")
    page.click("main button[type=submit]")
    expect(page.locator("h1")).to_contain_text("Steering group")
    expect(page.locator("ol.decisions li")).to_have_count(2)

    # Nothing filled in: the problems are listed at the top, each linking to its field.
    SCREENSHOTS.mkdir(exist_ok=True)
    page.click("summary")
    page.click("button[name=add-item]")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("There is a problem")
    page.screenshot(path=str(SCREENSHOTS / "action-item-errors-en-desktop.png"), full_page=True)
    expect(summary.locator("a[href='#id_owner']")).to_contain_text("Name the owner")
    summary.locator("a[href='#id_description']").click()
    expect(page.locator("textarea[name=description]")).to_be_focused()
    assert not ActionItem.objects.exists()

    for description, owner, due in [
        ("Early-support training for supervisors", "Pekka Pomo (Decision-maker)", today - dt.timedelta(days=3)),
        ("Work-ability talks", None, today + dt.timedelta(days=30)),
    ]:
        if not page.locator("details").evaluate("details => details.open"):
            page.click("summary")
        page.fill("textarea[name=description]", description)
        if owner:
            page.select_option("select[name=owner]", label=owner)
        else:
            page.fill("input[name=owner_name]", "Occupational health nurse")
        page.fill("input[name=due_date]", due.isoformat())
        page.click("button[name=add-item]")
        expect(page.locator("table.action-items")).to_contain_text(description)

    late = page.locator("tr", has_text="Early-support training")
    expect(late.locator(".badge-overdue")).to_have_text(re.compile("Overdue"))
    expect(page.locator("tr", has_text="Work-ability talks").locator(".badge-overdue")).to_have_count(0)
    page.screenshot(path=str(SCREENSHOTS / "meeting-before-tick-off-en-desktop.png"), full_page=True)

    late.locator("button[name=done]").click()
    late = page.locator("tr", has_text="Early-support training")
    expect(late).to_contain_text("Done")
    expect(late.locator(".badge-overdue")).to_have_count(0)
    assert ActionItem.objects.get(description__startswith="Early-support").done

    page.click("text=Meeting pack")
    expect(page.locator("h1")).to_contain_text("Meeting pack")
    expect(page.locator("tr", has_text="Sick-leave days a person").first).to_contain_text("Target reached")
    expect(page.locator("main")).to_contain_text("Work-ability talks")
    expect(page.locator("main")).not_to_contain_text("Early-support training")
    meeting_url = page.url.removesuffix("pack/")

    # Every meeting page in every language, on a laptop and a phone: no sideways scrolling.
    pages = {
        "customer": f"/customers/{customer.business_id}/",
        "meetings": f"/customers/{customer.business_id}/meetings/",
        "meeting": meeting_url,
        "meeting-form": f"{meeting_url}edit/",
        "pack": f"{meeting_url}pack/",
    }
    for language, locale in LOCALES.items():
        context = browser.new_context(base_url=live_server.url, locale=locale)
        other = context.new_page()
        sign_in(other, manager.email)
        for width_name, (width, height) in WIDTHS.items():
            other.set_viewport_size({"width": width, "height": height})
            for name, url in pages.items():
                other.goto(url)
                expect(other.locator("html")).to_have_attribute("lang", language)
                other.screenshot(path=str(SCREENSHOTS / f"{name}-{language}-{width_name}.png"), full_page=True)
                # The rest of the customer page is another piece of work: here only its meetings.
                selector = "#meetings" if name == "customer" else "html"
                assert no_sideways_scrolling(other, selector), f"{name} scrolls sideways at {width} px in {language}"
        other.emulate_media(media="print")
        other.set_viewport_size({"width": 800, "height": 1100})
        other.goto(pages["pack"])
        expect(other.locator("header.topbar")).to_be_hidden()
        other.screenshot(path=str(SCREENSHOTS / f"pack-{language}-print.png"), full_page=True)
        context.close()
