"""A quality person works a feedback case from open to closed in the browser: finds it in the
queue, takes it, is told what is missing when closing too early, closes it with a resolution
and a root cause. Then the queue, the case and the figures are looked at in fi, sv and en on a
laptop and at phone width (screenshots under tests/e2e/screenshots/, not committed)."""

import datetime as dt
import importlib
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from surveys import services
from surveys.models import FeedbackCase, FeedbackCause, UnitQualityStaff
from tests.cooperation.factories import UserFactory
from tests.e2e.conftest import sign_in
from tests.surveys.factories import PractitionerFactory, UnitFactory
from tests.surveys.factories_stats import answer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(__file__).parent / "screenshots"
WIDTHS = {"desktop": (1280, 900), "phone": (375, 740)}
LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}


def seed_causes() -> None:
    """The data migration's causes: a transactional test's flush removes them."""
    causes = importlib.import_module("surveys.migrations.0009_feedback_causes_seeded").CAUSES
    for code, order, fi, sv, en in causes:
        FeedbackCause.objects.get_or_create(
            code=code, defaults={"order": order, "name_fi": fi, "name_sv": sv, "name_en": en}
        )


def no_sideways_scrolling(page) -> bool:
    return page.evaluate("() => document.documentElement.scrollWidth <= document.documentElement.clientWidth")


def test_a_quality_person_works_a_case_from_open_to_closed(browser, live_server, page):
    seed_causes()
    unit = UnitFactory(code="HKI-CARE-1", name="Kamppi occupational health care")
    practitioner = PractitionerFactory(unit=unit, name="Dr Aino Virtanen")
    quality = UserFactory(email="laatu@provider.example", role="quality", full_name="Laura Laatu")
    UnitQualityStaff.objects.create(unit=unit, user=quality, lead=True)
    now = timezone.now()
    late = services.feedback_case_open(
        response=answer(
            2,
            now - dt.timedelta(hours=53),
            unit=unit,
            practitioner=practitioner,
            coping="no",
            comment="I waited an hour past my appointment time and nobody told me why.",
        )
    )
    services.feedback_case_open(
        response=answer(5, now - dt.timedelta(hours=3), unit=unit, coping="partly", comment="The room was cold."),
        contact="040 123 4567",
    )

    sign_in(page, quality.email)
    page.click("header >> text=Feedback cases")
    expect(page.locator("h1")).to_have_text("Feedback cases")
    page.click("text=My units' cases")
    first = page.locator("table.feedback-cases tbody tr").first
    expect(first).to_contain_text(f"Case #{late.pk}")
    expect(first.locator(".badge-overdue")).to_contain_text("Overdue")
    first.locator("a", has_text=f"Case #{late.pk}").click()

    expect(page.locator("main")).to_contain_text("I waited an hour past my appointment time")
    expect(page.locator("main")).to_contain_text("Anonymous: the person did not ask to be contacted.")
    page.click("button[name=take]")
    expect(page.locator(".messages")).to_contain_text("The case was updated.")
    expect(page.locator("main")).to_contain_text("In progress")

    # Closing without a resolution or a cause: the problems are listed, nothing changes.
    page.select_option("select[name=status]", "closed")
    page.click("button[name=save]")
    summary = page.locator(".error-summary")
    expect(summary).to_contain_text("Write how the feedback was resolved before closing the case.")
    expect(summary).to_contain_text("Choose the root cause before closing the case.")
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "feedback-case-errors-en-desktop.png"), full_page=True)
    assert FeedbackCase.objects.get(pk=late.pk).status == "in_progress"

    page.select_option("select[name=status]", "closed")
    page.fill("textarea[name=resolution]", "Called the patient, apologised; the front desk now tells about delays.")
    page.select_option("select[name=cause]", label="Waiting time")
    page.click("button[name=save]")
    expect(page.locator(".messages")).to_contain_text("The case was updated.")
    expect(page.locator("h1")).to_contain_text("Closed")
    expect(page.locator("main")).to_contain_text("Waiting time")
    history = page.locator(".case-history li")
    expect(history).to_have_count(4)
    expect(history.last).to_contain_text("Laura Laatu")
    case = FeedbackCase.objects.get(pk=late.pk)
    assert (case.status, case.owner, case.cause.code) == ("closed", quality, "waiting-time")

    pages = {
        "feedback-queue": "/feedback-cases/?view=units",
        "feedback-case": f"/feedback-cases/{late.pk}/",
        "feedback-case-open": f"/feedback-cases/{late.pk + 1}/",
        "feedback-figures": "/feedback-cases/figures/",
    }
    for language, locale in LOCALES.items():
        context = browser.new_context(base_url=live_server.url, locale=locale)
        other = context.new_page()
        sign_in(other, quality.email)
        for width_name, (width, height) in WIDTHS.items():
            other.set_viewport_size({"width": width, "height": height})
            for name, url in pages.items():
                other.goto(url)
                expect(other.locator("html")).to_have_attribute("lang", language)
                other.screenshot(path=str(SCREENSHOTS / f"{name}-{language}-{width_name}.png"), full_page=True)
                assert no_sideways_scrolling(other), f"{name} scrolls sideways at {width} px in {language}"
        context.close()


def test_a_patient_asks_to_be_contacted_on_the_answer_page(browser, live_server, page):
    from surveys.models import SurveyInvitation
    from tests.surveys.factories import InvitationFactory

    invitation = InvitationFactory(unit=UnitFactory(name="Kamppi occupational health care"))
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        status="sent", token_hash=services.token_hash("browser-contact-token"), sent_at=timezone.now()
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    for language in LOCALES:
        for width_name, (width, height) in WIDTHS.items():
            page.set_viewport_size({"width": width, "height": height})
            page.goto(f"/s/browser-contact-token/?lang={language}")
            page.screenshot(path=str(SCREENSHOTS / f"answer-contact-{language}-{width_name}.png"), full_page=True)
            assert no_sideways_scrolling(page), f"the answer page scrolls sideways at {width} px in {language}"

    page.goto("/s/browser-contact-token/?lang=en")
    page.locator("label.score", has_text="3").first.click()
    page.get_by_label("No", exact=True).check()
    page.get_by_label("I would like to be contacted about my feedback").check()
    page.click("button[type=submit]")
    expect(page.locator("#contact-error")).to_have_text(
        "Give a phone number or an email address so that we can reach you."
    )
    page.screenshot(path=str(SCREENSHOTS / "answer-contact-error-en-phone.png"), full_page=True)
    assert not FeedbackCase.objects.exists()

    page.fill("input[name=contact]", "040 123 4567")
    page.click("button[type=submit]")
    expect(page.locator("main")).to_contain_text("Thank you for your answer")
    case = FeedbackCase.objects.get()
    assert (case.score, case.contact_requested, case.contact) == (3, True, "040 123 4567")
