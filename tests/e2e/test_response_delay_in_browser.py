"""A quality person follows the chat's response delay in the browser: from the navigation to the
page, the chart drawn with its target line (no inline code: CSP is enforced), phone calls by
week, and the busiest hours. Then the response-delay and NPS-by-channel pages are looked at in
fi, sv and en on a laptop and at phone width (screenshots under tests/e2e/screenshots/)."""

import datetime as dt
import random
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from surveys import services
from tests.cooperation.factories import UserFactory
from tests.e2e.conftest import sign_in
from tests.surveys.factories import UnitFactory
from tests.surveys.factories_stats import answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}
LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}


def log_contacts() -> None:
    """Two weeks of chats of the digital clinic and phone calls of a care unit, busiest at 8."""
    UnitFactory(code="DIGI-1", name="Digital clinic", type="digital")
    UnitFactory(code="HKI-CARE-1", name="Kamppi occupational health care", type="care")
    rng = random.Random(3)
    today = timezone.localdate()
    items = []
    for days_ago in range(14):
        day = today - dt.timedelta(days=days_ago + 1)
        for n in range(12):
            hour = rng.choice([8, 8, 8, 9, 10, 13, 15])
            started = timezone.make_aware(dt.datetime.combine(day, dt.time(hour, rng.randrange(60))))
            channel, unit = ("chat", "DIGI-1") if n % 3 else ("phone", "HKI-CARE-1")
            delay = rng.randint(10, 150 if channel == "chat" else 400)
            items.append(
                {
                    "external_id": f"e2e-{days_ago}-{n}",
                    "channel": channel,
                    "unit": unit,
                    "started_at": started,
                    "first_response_at": started + dt.timedelta(seconds=delay),
                }
            )
    services.service_contacts_record(items=items)


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_quality_person_reads_the_response_delay_against_the_target(browser, live_server, page):
    log_contacts()
    digital = UnitFactory(code="DIGI-1")
    answer(10, timezone.now() - dt.timedelta(days=2), unit=digital, channel="chat")
    answer(4, timezone.now() - dt.timedelta(days=2), unit=UnitFactory(code="HKI-CARE-1"), channel="phone")
    quality = UserFactory(email="laatu@provider.example", role="quality")
    problems = []
    # Errors in the console (a refused inline script or style, a script failing); the browser's
    # own request for /favicon.ico is no page's doing.
    page.on(
        "console",
        lambda m: m.type == "error" and "favicon" not in (m.location or {}).get("url", "") and problems.append(m.text),
    )

    sign_in(page, quality.email)
    page.click("header >> text=Response delay")
    expect(page.locator("h1")).to_have_text("Response delay: Chat")
    expect(page.locator(".key-figures")).to_contain_text("Median delay")
    # Chart.js drew the delay chart (a canvas with a size) from the json_script data.
    canvas = page.locator("canvas[data-chart=response-delay-data]")
    expect(canvas).to_be_visible()
    page.wait_for_function(
        "() => window.Chart && Chart.getChart(document.querySelector('canvas[data-chart=response-delay-data]'))"
    )
    legend = page.evaluate(
        "() => Chart.getChart(document.querySelector('canvas[data-chart=response-delay-data]'))"
        ".data.datasets.map(d => d.label)"
    )
    assert legend == ["Median", "90th percentile", "Target"]
    expect(page.locator("#delay-periods tbody tr")).to_have_count(28)
    expect(page.locator("#delay-units")).to_contain_text("Digital clinic")
    expect(page.locator("main")).to_contain_text("The busiest hour is 08:00–08:59")
    SCREENSHOTS.mkdir(exist_ok=True)

    page.select_option("select[name=channel]", "phone")
    page.select_option("select[name=by]", "week")
    page.click("main form.filters button[type=submit]")
    expect(page.locator("h1")).to_have_text("Response delay: Phone")
    expect(page.locator("#delay-units")).to_contain_text("Kamppi occupational health care")
    expect(page.locator("#delay-units")).not_to_contain_text("Digital clinic")
    assert page.locator("#delay-periods tbody tr").count() in (4, 5)

    page.click("text=NPS by channel")
    expect(page.locator("#nps-channels")).to_contain_text("Chat")
    assert problems == [], problems

    pages = {"response-delay": "/reports/response-delay/", "nps-by-channel": "/reports/nps-by-channel/"}
    for language, locale in LOCALES.items():
        context = browser.new_context(base_url=live_server.url, locale=locale)
        other = context.new_page()
        sign_in(other, quality.email)
        for width_name, (width, height) in WIDTHS.items():
            other.set_viewport_size({"width": width, "height": height})
            for name, url in pages.items():
                other.goto(url)
                expect(other.locator("html")).to_have_attribute("lang", language)
                other.wait_for_timeout(300)
                other.screenshot(path=str(SCREENSHOTS / f"{name}-{language}-{width_name}.png"), full_page=True)
                assert no_sideways_scrolling(other), f"{name} scrolls sideways at {width} px in {language}"
        context.close()
