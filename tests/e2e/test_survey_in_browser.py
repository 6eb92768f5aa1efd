"""A patient answers the emailed survey on a phone, in Swedish, without signing in."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from surveys.models import InvitationStatus, Response
from surveys.services import new_token, token_hash
from tests.surveys.factories import InvitationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 390, "height": 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_a_patient_answers_once_through_the_link(phone):
    token = new_token()
    invitation = InvitationFactory(
        language="sv", status=InvitationStatus.SENT, sent_at=timezone.now(), token_hash=token_hash(token)
    )
    phone.goto(f"/s/{token}/")
    expect(phone.locator("legend").first).to_contain_text("rekommendera")
    phone.click("label.score:has-text('9')")
    phone.click("label.choice:has-text('Delvis')")
    phone.fill("textarea", "Bra bemötande")
    phone.click("button[type=submit]")
    expect(phone.locator("body")).to_contain_text("Tack")

    response = Response.objects.get(invitation=invitation)
    assert (response.score, response.coping, response.comment, response.language) == (
        9,
        "partly",
        "Bra bemötande",
        "sv",
    )

    # The link is used up: opening it again shows the thank-you page and changes nothing.
    phone.goto(f"/s/{token}/")
    expect(phone.locator("body")).to_contain_text("Tack")
    expect(phone.locator("button[type=submit]")).to_have_count(0)
    assert Response.objects.count() == 1
    # A tampered link is simply not found.
    assert phone.goto(f"/s/{token[:-2]}xx/").status == 404
