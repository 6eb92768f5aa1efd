"""The cooperation pages in the browser's way: real requests through the test client."""

import pytest
from django.urls import reverse

from cooperation.models import CorporateCustomer
from tests.cooperation.factories import AgreementFactory

PASSWORD = "correct horse battery"


def sign_in(client, user):
    response = client.post(reverse("login"), {"username": user.email, "password": PASSWORD})
    assert response.status_code == 302


@pytest.mark.django_db
class TestAccountManager:
    def test_records_a_customer_and_a_contact(self, client, manager):
        sign_in(client, manager)
        response = client.post(
            reverse("cooperation:customer-create"),
            {"business_id": "0112038-9", "name": "Uusi Asiakas Oy", "headcount": "300", "industry": "G"},
            follow=True,
        )
        assert response.status_code == 200
        customer = CorporateCustomer.objects.get(business_id="0112038-9")
        assert (customer.account_manager, customer.segment) == (manager, "large")
        response = client.post(
            reverse("cooperation:contact-create", args=["0112038-9"]),
            {"name": "Maija Meikäläinen", "role": "decision-maker", "email": "maija@uusi.example", "language": "fi"},
            follow=True,
        )
        assert "Maija Meikäläinen" in response.content.decode()
        assert customer.contacts.get().email == "maija@uusi.example"

    def test_a_bad_business_id_is_explained_and_nothing_is_saved(self, client, manager):
        sign_in(client, manager)
        response = client.post(
            reverse("cooperation:customer-create"),
            {"business_id": "0112038-8", "name": "Väärä Oy", "headcount": "10"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 200
        assert "check digit" in response.content.decode()
        assert not CorporateCustomer.objects.filter(name="Väärä Oy").exists()

    def test_another_portfolio_answers_404(self, client, manager, other_customer):
        sign_in(client, manager)
        assert client.get(reverse("cooperation:customer-detail", args=[other_customer.business_id])).status_code == 404
        agreement = AgreementFactory(customer=other_customer)
        assert client.get(reverse("cooperation:agreement-detail", args=[agreement.pk])).status_code == 404
        step = reverse("cooperation:agreement-step", args=[agreement.pk, "orientation"])
        assert client.post(step, {"advance": "1", "to_phase": "identification"}).status_code == 404

    def test_home_lists_the_own_portfolio_only(self, client, manager, customer, other_customer):
        sign_in(client, manager)
        page = client.get(reverse("home")).content.decode()
        assert customer.name in page and other_customer.name not in page


@pytest.mark.django_db
class TestDecisionMaker:
    def test_lands_on_the_own_company_and_sees_no_other(self, client, users, customer, other_customer):
        AgreementFactory(customer=customer, title="Our agreement")
        AgreementFactory(customer=other_customer, title="Their agreement")
        sign_in(client, users["decision-maker"])
        response = client.get(reverse("home"), follow=True)
        assert response.redirect_chain[-1][0] == reverse("dashboard")
        page = response.content.decode()
        assert customer.name in page and other_customer.name not in page
        # The customer page (the provider's 360) is not theirs: any customer's takes them home.
        for business_id in (customer.business_id, other_customer.business_id):
            response = client.get(reverse("cooperation:customer-detail", args=[business_id]))
            assert (response.status_code, response["Location"]) == (302, reverse("home"))
        assert client.get(reverse("cooperation:customer-list")).status_code == 200
        assert other_customer.name not in client.get(reverse("cooperation:customer-list")).content.decode()

    def test_reads_only(self, client, users, customer):
        agreement = AgreementFactory(customer=customer)
        sign_in(client, users["decision-maker"])
        page = client.get(reverse("cooperation:agreement-detail", args=[agreement.pk])).content.decode()
        assert '<form method="post"' not in page.split("<main>")[1]
        response = client.post(
            reverse("cooperation:agreement-step", args=[agreement.pk, "orientation"]),
            {"advance": "1", "to_phase": "identification", "customer_responsibility_goals": "x"},
        )
        assert response.status_code == 403
        assert client.get(reverse("cooperation:customer-create")).status_code == 403
