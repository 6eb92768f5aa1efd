"""No input makes a server error: paging out of range on every list, NUL characters in any lookup
(PostgreSQL cannot hold them in text), a binding target's year outside 1900–2999, and the format
suffixes (``.json``) of every route. Run on SQLite and on PostgreSQL (DATABASE_URL)."""

import functools

import pytest
from drf_spectacular.generators import SchemaGenerator

from cooperation.models import Contact
from surveys.models import BindingTarget, Visit
from tests.cooperation.factories import AgreementFactory
from tests.surveys.factories import UnitFactory, visit_payload

pytestmark = pytest.mark.django_db


@functools.cache
def schema_operations() -> tuple:
    """(method, path template, operation) of every operation the served schema names."""
    schema = SchemaGenerator().get_schema(request=None, public=True)
    return tuple(
        (method, path, operation)
        for path, operations in schema["paths"].items()
        for method, operation in operations.items()
    )


def list_paths() -> list[str]:
    return sorted(
        path
        for method, path, operation in schema_operations()
        if method == "get" and any(p["name"] == "limit" for p in operation.get("parameters", []))
    )


# --- Paging -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("limit=99999999999999999999", "limit"),
        ("limit=1001", "limit"),
        ("limit=0", "limit"),
        ("limit=-5", "limit"),
        ("limit=ten", "limit"),
        ("offset=-1", "offset"),
        ("offset=99999999999999999999999999999999x", "offset"),
    ],
)
def test_every_list_refuses_paging_out_of_range(users, api_as, query, field):
    client = api_as(users["admin"])
    paths = list_paths()
    assert len(paths) >= 15  # every list of cooperation, surveys and statistics
    for path in paths:
        answer = client.get(f"{path}?{query}")
        assert answer.status_code == 400, (path, answer.status_code, answer.content[:200])
        assert list(answer.json()) == [field], (path, answer.json())


def test_a_page_within_range_is_served_and_an_offset_past_the_end_is_empty(users, api_as, customer, other_customer):
    client = api_as(users["admin"])
    page = client.get("/api/v1/customers/?limit=1&offset=1").json()
    assert page["count"] == 2 and len(page["results"]) == 1 and page["previous"]
    assert client.get("/api/v1/customers/?limit=1000").json()["count"] == 2
    beyond = client.get("/api/v1/customers/?limit=1000&offset=99999999999999999999")
    assert beyond.status_code == 200 and beyond.json()["results"] == []


def test_the_schema_states_the_range():
    limits = [
        p["schema"]
        for method, path, operation in schema_operations()
        for p in operation.get("parameters", [])
        if p["name"] == "limit"
    ]
    assert limits and all(schema == {"type": "integer", "minimum": 1, "maximum": 1000} for schema in limits)


# --- NUL characters ---------------------------------------------------------------------------------


def test_a_nul_character_in_any_path_lookup_answers_404(users, api_as):
    client = api_as(users["admin"])
    paths = sorted({path for _method, path, _operation in schema_operations() if "{" in path})
    assert len(paths) >= 20
    for path in paths:
        url = path.replace("{id}", "1%00").replace("{business_id}", "%00").replace("{code}", "x%00y")
        answer = client.get(url.replace("{external_id}", "v%00"))
        assert answer.status_code == 404, (url, answer.status_code, answer.content[:200])
        assert answer.json() == {"detail": "Not found."}


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/nps/?unit=%00",
        "/api/v1/coping/?customer=1234567-%00",
        "/api/v1/comments/?unit=a%00",
        "/api/v1/customers/?search=%00",
        "/api/v1/contacts/?customer=%00",
        "/api/v1/units/?code=%00",
        "/api/v1/binding-targets/?scope=%00",
    ],
)
def test_a_nul_character_in_a_query_parameter_answers_400_naming_it(users, api_as, url):
    answer = api_as(users["admin"]).get(url)
    assert answer.status_code == 400, answer.content
    name = url.split("?")[1].split("=")[0]
    assert answer.json() == {name: ["Null characters are not allowed."]}


def test_a_nul_character_in_a_body_answers_400_and_stores_nothing(users, api_as, customer):
    client = api_as(users["admin"])
    contact = client.post("/api/v1/contacts/", {"customer": "\x00", "name": "Maija", "role": "hr"}, format="json")
    assert contact.status_code == 400
    assert contact.json() == {"customer": ["Null characters are not allowed."]}
    unit = UnitFactory()
    visits = [visit_payload(customer, unit, n=1), visit_payload(customer, unit, n=2, customer="\x00")]
    visits[0]["patient"]["email"] = "a\x00@example.com"
    answer = client.post("/api/v1/visits/", visits, format="json")
    assert answer.status_code == 400
    assert answer.json() == {
        "errors": {
            "0": {"patient": {"email": ["Null characters are not allowed."]}},
            "1": {"customer": ["Null characters are not allowed."]},
        }
    }
    assert not Contact.objects.exists() and not Visit.objects.exists()


def test_pages_answer_a_nul_character_with_400_or_404(users, client, customer):
    client.force_login(users["admin"])
    assert client.get("/customers/?q=%00").status_code == 400
    assert client.get("/customers/%00/").status_code == 404
    assert client.get(f"/customers/{customer.business_id}/").status_code == 200


# --- Binding-target years ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", [0, 1899, 3000, 32767])
def test_a_binding_target_year_outside_1900_to_2999_is_refused(users, api_as, year):
    client = api_as(users["admin"])
    created = client.post(
        "/api/v1/binding-targets/", {"year": year, "scope": "organisation", "target": 50}, format="json"
    )
    assert created.status_code == 400
    assert list(created.json()) == ["year"]
    target = BindingTarget.objects.create(year=2026, scope="organisation", target=50)
    changed = client.patch(f"/api/v1/binding-targets/{target.pk}/", {"year": year}, format="json")
    assert changed.status_code == 400
    target.refresh_from_db()
    assert target.year == 2026


@pytest.mark.parametrize("year", [1900, 2999])
def test_the_report_page_and_csv_of_the_first_and_last_years_work(users, api_as, client, year):
    created = api_as(users["admin"]).post(
        "/api/v1/binding-targets/", {"year": year, "scope": "organisation", "target": 50}, format="json"
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    report = api_as(users["admin"]).get(f"/api/v1/binding-targets/{pk}/report/")
    assert report.status_code == 200
    assert [q["period"] for q in report.json()["quarters"]] == [f"{year}-Q{n}" for n in (1, 2, 3, 4)]
    client.force_login(users["admin"])
    assert client.get(f"/reports/binding-targets/{pk}/").status_code == 200
    csv = client.get(f"/reports/binding-targets/{pk}/csv/")
    assert csv.status_code == 200 and f"{year}-Q4" in csv.content.decode()


def test_the_database_holds_no_binding_target_year_outside_the_span():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        BindingTarget.objects.create(year=3000, scope="organisation", target=50)


# --- Format suffixes --------------------------------------------------------------------------------


def test_agreement_transitions_answer_with_a_format_suffix(users, api_as, customer):
    agreement = AgreementFactory(customer=customer, customer_responsibility_goals="Fewer sick days.")
    client = api_as(users["admin"])
    history = client.get(f"/api/v1/agreements/{agreement.pk}/transitions.json")
    assert history.status_code == 200 and history.json() == []
    moved = client.post(
        f"/api/v1/agreements/{agreement.pk}/transitions.json", {"to_phase": "identification"}, format="json"
    )
    assert moved.status_code == 201, moved.content
    assert moved.json()["phase"] == "identification"


def test_no_route_fails_with_a_format_suffix(users, api_as, customer):
    """Every route of the API, asked for with ``.json``: an answer, never a server error."""
    agreement = AgreementFactory(customer=customer)
    client = api_as(users["admin"])
    client.raise_request_exception = False
    for _method, path, _operation in schema_operations():
        url = path.rstrip("/").format(id=agreement.pk, business_id=customer.business_id, code="x", external_id="v")
        answer = client.get(f"{url}.json")
        assert answer.status_code < 500, (url, answer.status_code)



# --- Internationalised email domains ----------------------------------------------------------------


def test_an_email_with_an_internationalised_domain_is_stored_in_its_ascii_form(users, api_as, customer):
    """The schema promises ``format: email``, which holds for the ASCII (IDNA) form of a domain."""
    client = api_as(users["integration"])
    employee = client.post(
        "/api/v1/employees/",
        {"customer": customer.business_id, "external_id": "p-1", "email": "Matti@Bücher.fi"},
        format="json",
    )
    assert employee.status_code == 201, employee.content
    assert employee.json()["email"] == "Matti@xn--bcher-kva.fi"
    visit = visit_payload(customer, UnitFactory(), n=2)
    visit["patient"]["email"] = "liisa@kärkkäinen.example"
    assert client.post("/api/v1/visits/", visit, format="json").status_code == 201
    assert Visit.objects.get().employee.email == "liisa@xn--krkkinen-0zad.example"
    refused = client.post(
        "/api/v1/employees/",
        {"customer": customer.business_id, "external_id": "p-3", "email": "a@" + "ü" * 70 + ".fi"},
        format="json",
    )
    assert refused.status_code == 400 and list(refused.json()) == ["email"]
