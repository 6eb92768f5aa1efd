"""A decision-maker answers the yearly questionnaire on a phone in Swedish; the account manager
reads the results. Screenshots in tests/e2e/screenshots/questionnaire/ (not committed)."""

import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from surveys.models import InvitationStatus, NpsRound, QuestionnaireResponse, SurveyInvitation
from surveys.services import new_token, token_hash
from tests.cooperation.factories import ContactFactory, CustomerFactory, UserFactory
from tests.e2e.conftest import sign_in
from tests.surveys.factories import decision_maker_questionnaire

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = Path(__file__).parent / "screenshots" / "questionnaire"


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 375, "height": 812})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_decision_maker_answers_in_swedish_and_fixes_a_missing_answer(phone):
    version = decision_maker_questionnaire()
    manager = UserFactory(role="account-manager")
    customer = CustomerFactory(account_manager=manager)
    contact = ContactFactory(customer=customer, role="decision-maker", language="sv")
    nps_round = NpsRound.objects.create(
        respondent_group="decision-maker", started_by=manager, questionnaire_version=version
    )
    token = new_token()
    SurveyInvitation.objects.create(
        respondent_group="decision-maker", nps_round=nps_round, contact=contact, customer=customer,
        segment=customer.segment, email=contact.email, language="sv", status=InvitationStatus.SENT,
        sent_at=timezone.now(), expires_at=timezone.now() + dt.timedelta(days=14), token_hash=token_hash(token),
    )  # fmt: skip
    phone.goto(f"/s/{token}/")
    expect(phone.locator("h1")).to_contain_text("Kundnöjdhetsenkät för beslutsfattare")
    shot(phone, "answer-sv-375")
    for code in ("agreed-done", "understands-goals", "dares-to-challenge", "open-communication",
                 "steering-group-useful"):  # fmt: skip
        phone.click(f"#q-{code} label.score:has-text('4')")
    phone.click("#q-nps label.score:has-text('9')")
    phone.click("button[type=submit]")
    expect(phone.locator("#q-supports-responsibility-error")).to_be_visible()
    shot(phone, "answer-sv-375-error")
    assert not QuestionnaireResponse.objects.exists()
    # What was chosen stays chosen.
    expect(phone.locator("#q-agreed-done input[value='4']")).to_be_checked()
    phone.click("#q-supports-responsibility label.score:has-text('2')")
    phone.fill("#q-do-differently textarea", "Fler möten")
    phone.click("button[type=submit]")
    expect(phone.locator("body")).to_contain_text("Tack")
    response = QuestionnaireResponse.objects.get()
    assert response.answers.count() == 8 and response.language == "sv"


@pytest.mark.parametrize("width", [1280, 375])
def test_the_account_manager_reads_the_results(browser, live_server, width):
    version = decision_maker_questionnaire()
    manager = UserFactory(role="account-manager", email="am@provider.example")
    customer = CustomerFactory(account_manager=manager)
    nps_round = NpsRound.objects.create(
        respondent_group="decision-maker", started_by=manager, questionnaire_version=version
    )
    for year, scale in ((2025, 3), (2026, 4)):
        contact = ContactFactory(customer=customer, role="decision-maker", name=f"Person {year}")
        invitation = SurveyInvitation.objects.create(
            respondent_group="decision-maker", nps_round=nps_round, contact=contact, customer=customer,
            segment=customer.segment, status=InvitationStatus.ANSWERED,
        )  # fmt: skip
        response = QuestionnaireResponse.objects.create(
            invitation=invitation, version=version, customer=customer, segment=customer.segment,
            respondent_group="decision-maker", language="fi",
            answered_at=timezone.make_aware(dt.datetime(year, 5, 1, 12)),
        )  # fmt: skip
        for question in version.questions.filter(kind="scale"):
            response.answers.create(question=question, number=scale)
    context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
    page = context.new_page()
    sign_in(page, manager.email)
    for language in ("fi", "sv", "en"):
        page.goto(f"/customers/{customer.business_id}/questionnaire/?year=2026&lang={language}")
        expect(page.locator("h1")).to_be_visible()
        expect(page.locator("main")).to_contain_text("Person 2026")
        page.wait_for_timeout(300)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        shot(page, f"results-{language}-{width}")
    page.goto("/reports/questionnaire/?year=2026")
    shot(page, f"portfolio-{width}")
    context.close()
