"""Error pages (403, 404, 500) styled and translated, dates and times as written in Finland in
each language, in Helsinki time, and the provider's name per language on the pages."""

import pytest
from django.db import connection
from django.template import Context, Template
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import path
from django.utils import translation

from portal import errors
from portal.urls import urlpatterns as portal_urlpatterns
from tests.surveys.factories import ServiceFactory, UnitFactory
from tests.surveys.factories_stats import answer

pytestmark = pytest.mark.django_db

PROVIDERS = {"fi": "Työterveys Pohjola", "sv": "Företagshälsan Norden", "en": "Northern Health"}
HEADINGS = {
    403: "You do not have access to this page",
    404: "This page cannot be found",
    500: "Something went wrong on our side",
}


def broken(request):
    raise RuntimeError("a bug")


# A URLconf of the portal's routes plus one view that fails, with the portal's error handlers.
urlpatterns = [path("broken/", broken), path("api/v1/broken/", broken), *portal_urlpatterns]
handler400, handler403, handler404, handler500 = (
    errors.bad_request,
    errors.permission_denied,
    errors.page_not_found,
    errors.server_error,
)


@pytest.fixture(autouse=True)
def production_like(settings):
    settings.DEBUG = False
    settings.PROVIDER_NAMES = PROVIDERS
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def in_language(client):
    def choose(language: str):
        client.cookies["django_language"] = language
        return client

    return choose


def page(response) -> str:
    return response.content.decode()


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_404_is_the_portal_s_own_page_in_the_user_s_language(in_language, users, language):
    client = in_language(language)
    client.force_login(users["account-manager"])
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert response["Content-Language"] == language
    html = page(response)
    assert f'<html lang="{language}">' in html
    assert "portal/portal.css" in html and 'class="card error-page"' in html
    assert f"– {PROVIDERS[language]}</title>" in html
    assert 'href="/customers/"' in html, "the navigation of a signed-in user"
    if language == "en":
        assert HEADINGS[404] in html


def test_a_page_of_another_customer_answers_the_same_404_page(client, users, other_customer):
    client.force_login(users["account-manager"])
    response = client.get(f"/customers/{other_customer.business_id}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404 and HEADINGS[404] in page(response)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_403_explains_the_missing_access_on_the_base_layout(in_language, users, customer, language):
    client = in_language(language)
    client.force_login(users["decision-maker"])
    response = client.get(f"/customers/{customer.business_id}/contacts/new/")
    assert response.status_code == 403
    html = page(response)
    assert 'class="card error-page"' in html and f'<html lang="{language}">' in html
    assert f"– {PROVIDERS[language]}</title>" in html
    if language == "en":
        assert HEADINGS[403] in html


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_500_is_styled_and_translated_when_a_view_fails(in_language, language):
    client = in_language(language)
    client.raise_request_exception = False
    response = client.get("/broken/")
    assert response.status_code == 500
    html = page(response)
    assert f'<html lang="{language}">' in html and 'class="card error-page"' in html
    assert "portal/portal.css" in html
    assert f"– {PROVIDERS[language]}</title>" in html
    assert "a bug" not in html and "Traceback" not in html
    assert 'action="/i18n/setlang/"' not in html, "no language form without a form token"
    if language == "en":
        assert HEADINGS[500] in html


@pytest.mark.urls(__name__)
def test_500_of_the_api_is_json(client):
    client.raise_request_exception = False
    response = client.get("/api/v1/broken/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 500
    assert response.json() == {"detail": "A server error occurred."}


def test_the_500_page_renders_without_touching_the_database():
    request = RequestFactory().get("/anything/")
    with translation.override("sv"), CaptureQueriesContext(connection) as queries:
        response = errors.server_error(request)
    assert response.status_code == 500 and queries.captured_queries == []
    assert '<html lang="sv">' in page(response) and PROVIDERS["sv"] in page(response)


@pytest.mark.parametrize(
    ("language", "shown"),
    [("fi", "1.6.2026 13.30"), ("sv", "1.6.2026 13.30"), ("en", "1 Jun 2026, 13:30")],
)
def test_times_are_helsinki_time_24_hour_in_the_language_s_format(in_language, users, language, shown):
    """A comment answered at 10:30 UTC in June (summer time, UTC+3) on the quality page, with the
    unit and the service in the page's language."""
    unit = UnitFactory(code="HKI-1", name="Kamppi clinic", name_fi="Kampin asema", name_sv="Kampens station")
    service = ServiceFactory(code="physio", name="Physiotherapy", name_fi="Fysioterapia", name_sv="Fysioterapi")
    answer(9, "2026-06-01T10:30Z", unit=unit, service=service, comment="Hyvä palvelu")
    client = in_language(language)
    client.force_login(users["admin"])
    html = page(client.get("/reports/comments/"))
    assert shown in html
    unit_name, service_name = {
        "fi": ("Kampin asema", "Fysioterapia"),
        "sv": ("Kampens station", "Fysioterapi"),
        "en": ("Kamppi clinic", "Physiotherapy"),
    }[language]
    assert f"{unit_name} · {service_name}" in html


@pytest.mark.parametrize(("language", "number"), [("fi", "87,5"), ("sv", "87,5"), ("en", "87.5")])
def test_decimals_follow_the_language(language, number):
    with translation.override(language):
        assert Template("{{ value }}").render(Context({"value": 87.5})) == number
