"""Shared fixtures: the people of every permission test (healthchecks' owner / outsider idea),
an API client per role, and a real Celery worker process."""

import pytest
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from tests.cooperation.factories import CustomerFactory, UserFactory


@pytest.fixture
def customer(db):
    """The customer of the account manager ``manager``."""
    return CustomerFactory(name="Own Customer Oy", account_manager=UserFactory(email="manager@provider.example"))


@pytest.fixture
def other_customer(db):
    """A customer in another account manager's portfolio: invisible to ``manager`` and ``decision_maker``."""
    return CustomerFactory(name="Other Customer Ab", account_manager=UserFactory(email="colleague@provider.example"))


@pytest.fixture
def manager(customer):
    return customer.account_manager


@pytest.fixture
def users(customer, other_customer):
    """One user per role; customer roles belong to ``customer``."""
    return {
        "admin": UserFactory(email="admin@provider.example", role="admin", is_staff=True),
        "account-manager": customer.account_manager,
        "decision-maker": UserFactory(email="ceo@customer.example", role="decision-maker", customer=customer),
        "supervisor": UserFactory(email="boss@customer.example", role="supervisor", customer=customer),
        "quality": UserFactory(email="quality@provider.example", role="quality"),
        "integration": UserFactory(email="epr@provider.example", role="integration"),
    }


def api_client_for(user) -> APIClient:
    client = APIClient()
    token, _ = Token.objects.get_or_create(user=user)
    # The API answers in the caller's language (Finnish by default); tests read English messages.
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def api_as():
    """``api_as(user)`` gives an API client signed in with the user's token."""
    return api_client_for


def pytest_terminal_summary(terminalreporter):
    """The API fuzzing's requests and failures per role, when tests/test_api_fuzz.py ran."""
    import sys

    fuzz = sys.modules.get("tests.test_api_fuzz")
    lines = fuzz.summary_lines(terminalreporter.stats.get("failed", [])) if fuzz else []
    if lines:
        terminalreporter.section("API fuzzing (schemathesis)")
        for line in lines:
            terminalreporter.write_line(line)
