"""Every page works under the Content-Security-Policy: Chromium reports each blocked script,
style or image in the console ("… violates the following Content Security Policy directive"),
and any such message fails the test; so does a Permissions-Policy feature Chromium does not know."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from cooperation.models import Phase
from surveys.emails import unsubscribe_url
from surveys.models import InvitationStatus
from surveys.services import new_token, token_hash
from tests.cooperation.factories import AgreementFactory, GoalFactory
from tests.e2e.conftest import sign_in
from tests.surveys.factories import InvitationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


class Violations(list):
    def __init__(self, page):
        super().__init__()
        page.on("console", lambda message: self._console(page, message.text))
        page.on("pageerror", lambda error: self.append(f"{page.url}: script error {error}"))

    def _console(self, page, text: str) -> None:
        if any(name in text for name in ("Content Security Policy", "Content-Security-Policy", "Permissions-Policy")):
            self.append(f"{page.url}: {text}")


def visit(page, path: str) -> None:
    response = page.goto(path)
    assert response is not None and response.status < 400, f"{path} answers {response and response.status}"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page.wait_for_load_state("load")


def sign_out(page) -> None:
    page.goto("/")
    page.click("header form.inline button:has-text('Sign out')")


@pytest.fixture
def agreement(customer):
    agreement = AgreementFactory(customer=customer, phase=Phase.FOLLOW_UP, customer_responsibility_goals="Healthy")
    GoalFactory(agreement=agreement)
    return agreement


def test_every_staff_and_customer_page_runs_under_the_policy(page, users, customer, agreement):
    violations = Violations(page)
    users["admin"].is_superuser = True  # Django admin's pages too
    users["admin"].save()
    visit(page, "/accounts/login/")
    pages_by_role = {
        "admin": [
            "/",
            "/customers/",
            f"/customers/{customer.business_id}/",
            f"/agreements/{agreement.pk}/",
            "/customers/new/",
            f"/customers/{customer.business_id}/contacts/new/",
            "/reports/indicators/",
            "/reports/binding-targets/",
            "/surveys/rounds/",
            "/api/v1/customers/",
            "/admin/",
            "/admin/cooperation/corporatecustomer/",
            f"/admin/cooperation/corporatecustomer/{customer.pk}/change/",
        ],
        "account-manager": ["/", f"/customers/{customer.business_id}/", f"/agreements/{agreement.pk}/"],
        "decision-maker": ["/", f"/agreements/{agreement.pk}/", "/reports/indicators/"],
        "supervisor": ["/", "/reports/indicators/"],
        "quality": ["/", "/reports/comments/", "/reports/indicators/", "/reports/quality/practitioners/"],
    }
    for role, paths in pages_by_role.items():
        sign_in(page, users[role].email)
        expect(page.locator("header .who")).to_be_visible()
        for path in paths:
            visit(page, path)
        sign_out(page)
    assert violations == []


def test_the_api_docs_render_under_the_policy(page, users):
    violations = Violations(page)
    sign_in(page, users["integration"].email)
    visit(page, "/api/docs/")
    # Swagger UI ran (its bundle and the init script from ?script) and read the schema.
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("Occupational health cooperation portal API")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    assert violations == []


def test_the_patients_pages_run_under_the_policy(page):
    violations = Violations(page)
    token = new_token()
    invitation = InvitationFactory(
        language="en", status=InvitationStatus.SENT, sent_at=timezone.now(), token_hash=token_hash(token)
    )
    visit(page, f"/s/{token}/")
    page.click("label.score:has-text('9')")
    page.click("label.choice:has-text('Partly')")
    page.click("button[type=submit]")
    expect(page.locator("body")).to_contain_text("Thank you")
    visit(page, unsubscribe_url(invitation.pk).split("localhost:8000", 1)[1])
    page.click("button[type=submit]")
    expect(page.locator("h1")).to_contain_text("no more surveys")
    assert page.goto("/s/not-a-token/").status == 404
    assert violations == []
