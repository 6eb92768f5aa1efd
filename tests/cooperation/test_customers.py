"""Corporate customers through the API: business IDs, segments, account managers, bad input."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cooperation.business_id import business_id_check_digit, is_valid_business_id
from cooperation.models import Contact, CorporateCustomer
from tests.cooperation.factories import UserFactory, make_business_id

API = "/api/v1"


# --- Business ID check digit ------------------------------------------------------------------

WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def expected_check_digit(digits: str) -> int | None:
    """The rule as the Finnish Tax Administration states it, written out independently."""
    remainder = sum(int(d) * w for d, w in zip(digits, WEIGHTS, strict=True)) % 11
    return {0: 0, 1: None}.get(remainder, 11 - remainder)


@given(st.integers(min_value=0, max_value=9_999_999))
def test_every_prefix_with_a_check_digit_validates_and_every_other_last_digit_fails(number):
    digits = f"{number:07d}"
    check = expected_check_digit(digits)
    assert business_id_check_digit(digits) == check
    for last in range(10):
        assert is_valid_business_id(f"{digits}-{last}") == (last == check)


def test_a_real_business_id_validates():
    assert is_valid_business_id("0112038-9")  # Nokia Oyj


@pytest.mark.parametrize("value", ["0112038-8", "01120389", "112038-9", "0112038-", "abcdefg-h", "", " 0112038-9"])
def test_malformed_business_ids_fail(value):
    assert not is_valid_business_id(value)


# --- Creating and changing customers ------------------------------------------------------------


def create(client, **fields):
    body = {"business_id": make_business_id(7_654_321), "name": "Uusi Asiakas Oy", "headcount": 40} | fields
    return client.post(f"{API}/customers/", body, format="json")


@pytest.mark.parametrize(
    ("headcount", "segment", "expected"),
    [(249, None, "sme"), (250, None, "large"), (1000, "sme", "sme"), (12, "large", "large")],
)
def test_the_segment_comes_from_the_headcount_unless_overridden(api_as, manager, headcount, segment, expected):
    fields = {"headcount": headcount} | ({"segment": segment} if segment else {})
    response = create(api_as(manager), **fields)
    assert response.status_code == 201, response.content
    assert response.json()["segment"] == expected


def test_dropping_the_override_lets_the_headcount_decide_again(api_as, manager):
    client = api_as(manager)
    business_id = create(client, headcount=1000, segment="sme").json()["business_id"]
    response = client.patch(f"{API}/customers/{business_id}/", {"segment": None}, format="json")
    assert response.json()["segment"] == "large"
    assert client.patch(f"{API}/customers/{business_id}/", {"headcount": 20}, format="json").json()["segment"] == "sme"


def test_an_admin_names_the_account_manager_by_email(api_as, users):
    colleague = UserFactory(email="anna.am@provider.example", role="account-manager")
    response = create(api_as(users["admin"]), account_manager="Anna.AM@provider.example")
    assert response.status_code == 201, response.content
    assert response.json()["account_manager"] == "anna.am@provider.example"
    assert CorporateCustomer.objects.get(business_id=response.json()["business_id"]).account_manager == colleague


def test_an_account_managers_new_customer_lands_in_their_portfolio(api_as, manager):
    response = create(api_as(manager))
    assert response.json()["account_manager"] == manager.email
    assert api_as(manager).get(f"{API}/customers/{response.json()['business_id']}/").status_code == 200


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"business_id": "0112038-8"}, "business_id"),  # check digit off by one
        ({"business_id": "112038-9"}, "business_id"),
        ({"account_manager": "nobody@provider.example"}, "account_manager"),
        ({"account_manager": "ceo@customer.example"}, "account_manager"),  # a user, but not an account manager
        ({"name": ""}, "name"),
        ({"segment": "huge"}, "segment"),
    ],
)
def test_bad_input_answers_400_on_the_field_and_saves_nothing(api_as, users, fields, field):
    before = CorporateCustomer.objects.count()
    response = create(api_as(users["admin"]), **fields)
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert CorporateCustomer.objects.count() == before


def test_every_problem_is_named_at_once(api_as, users):
    response = create(api_as(users["admin"]), business_id="0112038-8", account_manager="nobody@provider.example")
    assert response.status_code == 400
    assert set(response.json()) == {"business_id", "account_manager"}


def test_a_business_id_is_registered_once(api_as, users, other_customer):
    response = create(api_as(users["admin"]), business_id=other_customer.business_id)
    assert response.status_code == 400
    assert list(response.json()) == ["business_id"]


def test_the_business_id_does_not_change(api_as, manager, customer):
    response = api_as(manager).patch(
        f"{API}/customers/{customer.business_id}/", {"business_id": make_business_id(3_333_333)}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()) == ["business_id"]


def test_only_an_admin_hands_a_customer_over(api_as, users, manager, customer):
    colleague = UserFactory(email="colleague@provider.example")
    url = f"{API}/customers/{customer.business_id}/"
    assert api_as(manager).patch(url, {"account_manager": colleague.email}, format="json").status_code == 400
    assert api_as(users["admin"]).patch(url, {"account_manager": colleague.email}, format="json").status_code == 200
    assert api_as(manager).get(url).status_code == 404


def test_the_customers_people_see_their_own_company_only(api_as, users, customer, other_customer):
    response = api_as(users["supervisor"]).get(f"{API}/customers/")
    assert [c["business_id"] for c in response.json()["results"]] == [customer.business_id]


def test_a_list_is_paginated_by_limit_and_offset(api_as, users, customer, other_customer):
    body = api_as(users["admin"]).get(f"{API}/customers/?limit=1").json()
    assert body["count"] == 2
    assert len(body["results"]) == 1
    assert "offset=1" in body["next"]


# --- A customer the user may not see is answered like one that does not exist ------------------


def test_naming_another_portfolios_customer_answers_as_an_unknown_one(api_as, manager, other_customer):
    client = api_as(manager)
    unknown = make_business_id(8_765_432)

    def contact_for(business_id):
        return client.post(f"{API}/contacts/", {"customer": business_id, "name": "Maija", "role": "hr"}, format="json")

    hidden, missing = contact_for(other_customer.business_id), contact_for(unknown)
    assert (hidden.status_code, missing.status_code) == (400, 400)
    assert hidden.json() == {"customer": [f"Unknown customer {other_customer.business_id}."]}
    assert missing.json() == {"customer": [f"Unknown customer {unknown}."]}
    assert not Contact.objects.exists()


def test_another_portfolios_customer_is_not_found(api_as, manager, other_customer):
    client = api_as(manager)
    hidden = client.get(f"{API}/customers/{other_customer.business_id}/")
    missing = client.get(f"{API}/customers/{make_business_id(8_765_432)}/")
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.json() == missing.json()
