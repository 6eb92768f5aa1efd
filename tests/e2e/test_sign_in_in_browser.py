"""Signing in through the form in Chromium, and the lockout after AXES_FAILURE_LIMIT failures
(django-axes, portal/accounts/lockout.py): a clear message, and not even the right password
gets in until the cool-off has passed."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from playwright.sync_api import expect

from tests.cooperation.factories import UserFactory
from tests.e2e.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EMAIL = "am@provider.example"


@pytest.fixture
def manager(db):
    return UserFactory(email=EMAIL, full_name="Anna Manager", role="account-manager")


def test_a_user_signs_in_with_the_form_and_out_again(page, manager):
    page.goto("/")
    expect(page).to_have_url("/accounts/login/?next=/")
    # The fields are found by their labels, as a screen reader user finds them.
    page.get_by_label("Email").fill("AM@Provider.example")  # the email matches in any case
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_label("Password").press("Enter")
    expect(page.locator("h1")).to_have_text("My portfolio")
    expect(page.locator(".who")).to_contain_text("Anna Manager")
    page.get_by_role("button", name="Sign out").click()
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Sign in")


def test_a_wrong_password_says_so_and_keeps_the_email(page, manager):
    sign_in(page, EMAIL, "not the password")
    expect(page.get_by_role("alert")).to_contain_text("Please enter a correct email and password")
    expect(page.get_by_label("Email")).to_have_value(EMAIL)
    expect(page.get_by_label("Password")).to_have_value("")


def test_too_many_failures_lock_the_account_with_a_clear_message(page, manager):
    limit = settings.AXES_FAILURE_LIMIT
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    for attempt in range(1, limit):
        sign_in(page, EMAIL, f"wrong {attempt}")
        expect(page.get_by_role("alert")).to_contain_text("Please enter a correct email and password")
    sign_in(page, EMAIL, "wrong again")
    locked = page.get_by_role("alert")
    expect(locked.locator("h1")).to_have_text("Too many failed sign-ins")
    expect(locked).to_contain_text(f"locked for {minutes} minutes after {limit} failed attempts")
    violations = Axe().run(page).response["violations"]
    assert not [v["id"] for v in violations if v["impact"] in ("serious", "critical")]
    # Even the right password does not get in now, and nothing is shown of the account.
    page.get_by_role("link", name="Back to the sign-in page").click()
    sign_in(page, EMAIL.upper())
    expect(page.get_by_role("alert").locator("h1")).to_have_text("Too many failed sign-ins")
    page.goto("/")
    expect(page.locator("h1")).to_have_text("Sign in")
    expect(page.locator(".who")).to_have_count(0)
