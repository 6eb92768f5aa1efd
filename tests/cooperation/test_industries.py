"""Industry is a section of Statistics Finland's TOL 2008 (A–U), named in Finnish, Swedish and
English: through the API, the pages, and the migration that mapped the old free text."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from rest_framework.test import APIClient

from cooperation.industries import TOL_2008_SECTIONS, industry_code_from_free_text
from cooperation.models import CorporateCustomer
from tests.cooperation.factories import CustomerFactory, make_business_id

API = "/api/v1"
pytestmark = pytest.mark.django_db


def create(client, **fields):
    body = {"business_id": make_business_id(7_654_321), "name": "Uusi Asiakas Oy", "headcount": 40} | fields
    return client.post(f"{API}/customers/", body, format="json")


def test_the_classification_has_the_21_sections_with_three_names_each():
    assert list(TOL_2008_SECTIONS) == list("ABCDEFGHIJKLMNOPQRSTU")
    assert TOL_2008_SECTIONS["C"] == ("Teollisuus", "Tillverkning", "Manufacturing")
    assert TOL_2008_SECTIONS["Q"][1] == "Vård och omsorg; sociala tjänster"
    assert all(len(names) == 3 and all(names) for names in TOL_2008_SECTIONS.values())


def test_a_section_code_is_stored_and_answered_with_its_name_in_the_asked_language(manager):
    api = APIClient()  # no Accept-Language of its own: each request names its language
    api.force_authenticate(manager)
    response = create(api, industry="q")
    assert response.status_code == 201, response.json()
    assert (response.json()["industry"], response.json()["industry_name"]) == (
        "Q",
        "Human health and social work activities",
    )
    business_id = response.json()["business_id"]
    swedish = api.get(f"{API}/customers/{business_id}/", HTTP_ACCEPT_LANGUAGE="sv").json()
    assert (swedish["industry"], swedish["industry_name"]) == ("Q", "Vård och omsorg; sociala tjänster")
    finnish = api.get(f"{API}/customers/{business_id}/", HTTP_ACCEPT_LANGUAGE="fi-FI,fi;q=0.9").json()
    assert finnish["industry_name"] == "Terveys- ja sosiaalipalvelut"


def test_an_official_name_in_any_language_is_taken_as_its_section(api_as, manager, customer):
    api = api_as(manager)
    for name, code in [("Manufacturing", "C"), ("rakentaminen", "F"), ("Transport och magasinering", "H"), ("", "")]:
        response = api.patch(f"{API}/customers/{customer.business_id}/", {"industry": name}, format="json")
        assert response.status_code == 200, response.json()
        assert response.json()["industry"] == code


@pytest.mark.parametrize("value", ["Z", "Software and stuff", "CC", "1"])
def test_an_unknown_industry_is_refused_with_a_clear_message_and_nothing_changes(api_as, manager, customer, value):
    before = customer.industry
    response = api_as(manager).patch(f"{API}/customers/{customer.business_id}/", {"industry": value}, format="json")
    assert response.status_code == 400
    [message] = response.json()["industry"]
    assert f"Unknown industry “{value}”" in message and "from A to U" in message
    customer.refresh_from_db()
    assert customer.industry == before

    created = create(api_as(manager), industry=value)
    assert created.status_code == 400 and list(created.json()) == ["industry"]
    assert not CorporateCustomer.objects.filter(name="Uusi Asiakas Oy").exists()


def test_without_accept_language_the_api_answers_in_english_and_with_it_in_the_asked_language(manager, customer):
    api = APIClient()
    api.force_authenticate(manager)
    api.cookies["django_language"] = "fi"  # a language chosen on the pages does not change the API's
    url = f"{API}/customers/{customer.business_id}/"
    english = api.patch(url, {"industry": "Z"}, format="json")
    assert english["Content-Language"] == "en"
    assert "Unknown industry “Z”" in english.json()["industry"][0]
    finnish = api.patch(url, {"industry": "Z"}, format="json", HTTP_ACCEPT_LANGUAGE="fi")
    assert finnish["Content-Language"] == "fi"
    # Django REST framework's own messages come translated (the portal's own follow once the
    # lead has translated them); no header, or none the portal speaks, is English.
    anonymous = APIClient()
    english = anonymous.get(f"{API}/customers/", HTTP_ACCEPT_LANGUAGE="de, *;q=0.1")
    assert english["Content-Language"] == "en"
    assert english.json()["detail"] == "Authentication credentials were not provided."
    swedish = anonymous.get(f"{API}/customers/", HTTP_ACCEPT_LANGUAGE="sv-FI, en;q=0.5")
    assert swedish["Content-Language"] == "sv" and swedish.json()["detail"] != english.json()["detail"]


def test_the_customer_pages_show_the_industry_in_the_page_language(client, manager):
    customer = CustomerFactory(name="Konepaja Oy", industry="C", account_manager=manager)
    client.force_login(manager)
    for language, name in [("fi", "Teollisuus"), ("sv", "Tillverkning"), ("en", "Manufacturing")]:
        client.cookies["django_language"] = language
        detail = client.get(f"/customers/{customer.business_id}/").content.decode()
        assert name in detail, language
        listing = client.get("/customers/").content.decode()
        assert name in listing, language


def test_the_customer_form_offers_the_sections_and_refuses_another_value(client, manager):
    client.force_login(manager)
    client.cookies["django_language"] = "sv"
    form = client.get("/customers/new/").content.decode()
    assert '<option value="Q">Q – Vård och omsorg; sociala tjänster</option>' in form
    response = client.post(
        "/customers/new/", {"business_id": make_business_id(7_000_001), "name": "X Oy", "headcount": 3, "industry": "Z"}
    )
    assert response.status_code == 200
    assert not CorporateCustomer.objects.filter(name="X Oy").exists()


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Manufacturing", "C"),
        ("Transport and logistics", "H"),
        ("Health and social care", "Q"),
        ("Construction", "F"),
        ("Retail", "G"),
        ("Software", "J"),
        ("Food industry", "C"),
        ("Accounting", "M"),
        ("Property maintenance", "N"),
        ("Architecture", "M"),
        ("Tourism", "I"),
        ("Shipbuilding", "C"),
        ("Rakennusala", "F"),
        ("Tillverkning", "C"),
        ("Something else entirely", ""),
    ],
)
def test_old_free_text_maps_to_its_section_best_effort(text, code):
    assert industry_code_from_free_text(text) == code


@pytest.mark.django_db(transaction=True)
def test_the_migration_turns_stored_free_text_into_sections():
    executor = MigrationExecutor(connection)
    before = [("cooperation", "0003_meeting_participants_agenda_and_action_item_owners")]
    executor.migrate(before)
    old_apps = executor.loader.project_state(before).apps
    Customer = old_apps.get_model("cooperation", "CorporateCustomer")
    for n, text in enumerate(["Health and social care", "Shipbuilding", "Knitting circles", ""]):
        Customer.objects.create(business_id=make_business_id(7_100_000 + n), name=f"C{n}", segment="sme", industry=text)
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(executor.loader.graph.leaf_nodes())
    assert dict(CorporateCustomer.objects.values_list("name", "industry")) == {"C0": "Q", "C1": "C", "C2": "", "C3": ""}
