"""Headers every answer carries, the idle session timeout, and what the browsable API shows."""

import datetime as dt
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.conftest import api_client_for
from tests.cooperation.factories import AgreementFactory, ContactFactory, EmployeeFactory
from tests.cooperation.test_pages import sign_in

pytestmark = pytest.mark.django_db


def test_every_page_gets_the_content_security_policy_and_permissions_policy(client, users):
    for response in (client.get(reverse("login")), client.get("/s/some-token/"), client.get("/api/v1/customers/")):
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy and "script-src 'self'" in policy and "style-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy and "unsafe-inline" not in policy
        assert "camera=()" in response["Permissions-Policy"] and "geolocation=()" in response["Permissions-Policy"]


def test_signed_in_pages_and_api_answers_are_not_stored(client, users, customer):
    sign_in(client, users["account-manager"])
    for path in (reverse("home"), "/customers/", f"/customers/{customer.business_id}/", "/reports/indicators/"):
        response = client.get(path, follow=True)
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"], path
    api = api_client_for(users["account-manager"])
    assert "no-store" in api.get("/api/v1/customers/")["Cache-Control"]
    assert "no-store" in api.get(f"/api/v1/customers/{customer.business_id}/")["Cache-Control"]
    assert "no-store" in api.get("/api/v1/nps/")["Cache-Control"]


def test_the_patients_survey_page_is_not_stored(client):
    assert "no-store" in client.get("/s/some-token/")["Cache-Control"]


class TestIdleSession:
    def test_a_session_idle_past_the_limit_is_signed_out(self, client, users, settings):
        assert settings.SESSION_IDLE_MINUTES == 30
        sign_in(client, users["account-manager"])
        start = timezone.now()
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=31)):
            response = client.get(reverse("home"))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))

    def test_each_request_starts_the_idle_time_again(self, client, users):
        sign_in(client, users["account-manager"])
        start = timezone.now()
        for minutes in (20, 40, 60):  # never 30 minutes without a request
            with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=minutes)):
                assert client.get(reverse("home")).status_code == 200, f"signed out at {minutes} min"
        with mock.patch("django.utils.timezone.now", return_value=start + dt.timedelta(minutes=91)):
            assert client.get(reverse("home")).status_code == 302


@pytest.mark.parametrize("role", ["account-manager", "decision-maker", "supervisor", "quality", "integration"])
def test_the_browsable_api_names_no_other_customer(client, users, customer, other_customer, role):
    """Its HTML forms and filter form would list every customer in their drop-downs."""
    for side in (customer, other_customer):
        EmployeeFactory(customer=side)
        ContactFactory(customer=side)
    agreement = AgreementFactory(customer=customer)
    client.force_login(users[role])
    pages = [
        *(
            f"/api/v1/{name}/"
            for name in (
                "customers",
                "contacts",
                "employees",
                "sick-leaves",
                "agreements",
                "goals",
                "measurements",
                "meetings",
                "visits",
                "units",
                "nps",
                "coping",
                "comments",
                "binding-targets",
                "nps-rounds",
            )
        ),
        f"/api/v1/customers/{customer.business_id}/",
        f"/api/v1/agreements/{agreement.pk}/",
    ]
    shown = 0
    for path in pages:
        page = client.get(path, HTTP_ACCEPT="text/html")
        assert page["Content-Type"].startswith("text/html"), path
        shown += page.status_code == 200
        assert other_customer.name not in page.content.decode(), f"{role} sees {other_customer.name} on {path}"
    assert shown >= 3, "the role reads some of these pages"
