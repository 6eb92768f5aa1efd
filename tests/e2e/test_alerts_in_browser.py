"""The alert inbox in Chromium: an alert raised by the daily computation from real data, seen and
acknowledged by the account manager; screenshots in fi/sv/en at desktop and phone width
(tests/e2e/screenshots/, not committed)."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperation.models import Indicator
from portal.alerts.models import Alert
from portal.alerts.services import refresh_alerts
from tests.cooperation.factories import (
    ActionItemFactory,
    AgreementFactory,
    CustomerFactory,
    EmployeeFactory,
    GoalFactory,
    MeasurementFactory,
    MeetingFactory,
    SickLeaveFactory,
    UserFactory,
)
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"


@pytest.fixture
def raised(db):
    """An account manager's customers with an overdue action item, a goal off track, a long
    silence since the last steering-group meeting and a drop in health; the daily computation run."""
    manager = UserFactory(email="am@provider.example", full_name="Anna Manager", role="account-manager")
    today = timezone.localdate()
    konepaja = CustomerFactory(name="Pohjolan Konepaja Oy", account_manager=manager)
    agreement = AgreementFactory(
        customer=konepaja, period_start=today - dt.timedelta(days=300), period_end=today + dt.timedelta(days=60)
    )
    meeting = MeetingFactory(customer=konepaja, agreement=agreement, date=today - dt.timedelta(days=40))
    ActionItemFactory(
        meeting=meeting,
        description="Early-support training for all supervisors",
        due_date=today - dt.timedelta(days=10),
    )
    goal = GoalFactory(
        agreement=agreement,
        indicator=Indicator.SICK_LEAVE_DAYS,
        baseline=12,
        target=8,
        due_date=today - dt.timedelta(days=5),
    )
    MeasurementFactory(goal=goal, measured_on=today - dt.timedelta(days=20), value=11)
    satama = CustomerFactory(name="Satamalogistiikka Ab", account_manager=manager)
    AgreementFactory(
        customer=satama, period_start=today - dt.timedelta(days=400), period_end=today + dt.timedelta(days=200)
    )
    MeetingFactory(customer=satama, date=today - dt.timedelta(days=250))
    people = [EmployeeFactory(customer=satama, employed_from=dt.date(2015, 1, 1)) for _ in range(10)]
    for person in people[:3]:
        SickLeaveFactory(employee=person, start=today - dt.timedelta(days=60), end=today - dt.timedelta(days=55))
    refresh_alerts(today=today)
    return manager


def test_an_account_manager_sees_a_raised_alert_and_acknowledges_it(page, raised):
    sign_in(page, raised.email)
    count = page.locator("nav .nav-alerts .nav-count")
    expect(count).to_have_text(str(Alert.objects.count()))
    page.locator("nav .nav-alerts").click()
    expect(page.locator("h1")).to_have_text("Alerts")
    card = page.locator(".alert-card", has_text="Early-support training for all supervisors")
    expect(card).to_contain_text("Action item overdue since")
    expect(card.get_by_role("link", name="The meeting")).to_be_visible()

    # An empty note is refused with a message; nothing changes.
    card.locator("summary").click()
    card.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".alert-card .errors").first).to_contain_text("Write a note")
    assert not Alert.objects.filter(acknowledged_at__isnull=False).exists()

    card = page.locator(".alert-card", has_text="Early-support training for all supervisors")
    card.get_by_label("Note").fill("Training booked for 12 January with the HR manager.")
    card.get_by_role("button", name="Acknowledge").click()
    expect(page.locator(".messages")).to_contain_text("Alert acknowledged: Pohjolan Konepaja Oy.")
    expect(page.locator(".alert-card", has_text="Early-support training")).to_have_count(0)
    expect(count).to_have_text(str(Alert.objects.count() - 1))
    page.select_option("#alerts-state", "acknowledged")
    page.click("form.filters button[type=submit]")
    expect(page.locator(".alert-card")).to_contain_text("Training booked for 12 January with the HR manager.")
    alert = Alert.objects.get(acknowledged_at__isnull=False)
    assert alert.note == "Training booked for 12 January with the HR manager."


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_screenshots_at_desktop_and_phone_width(browser, live_server, raised, language):
    SCREENSHOTS.mkdir(exist_ok=True)
    for name, viewport in (("desktop", {"width": 1280, "height": 900}), ("phone", {"width": 375, "height": 812})):
        context = browser.new_context(base_url=live_server.url, locale=language, viewport=viewport)
        page = context.new_page()
        page.set_default_timeout(15_000)
        sign_in(page, raised.email)
        page.goto("/alerts/")
        expect(page.locator("html")).to_have_attribute("lang", language)
        expect(page.locator(".alert-card")).to_have_count(Alert.objects.count())
        page.locator(".alert-card summary").first.click()  # the first alert's forms open
        page.screenshot(path=SCREENSHOTS / f"alerts-{language}-{name}.png", full_page=True)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{language} {name}: the page scrolls {overflow} px sideways"
        context.close()
