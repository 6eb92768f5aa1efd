"""The quality staff's pages on every service channel: response delay of chats and phone calls,
and NPS by channel, unit type and service."""

import json
import re

import pytest
from django.urls import reverse

from surveys.models import ServiceContact
from tests.surveys.factories import ServiceFactory, UnitFactory
from tests.surveys.factories_stats import answer
from tests.surveys.test_service_contacts import CONTACTS, LOG

pytestmark = pytest.mark.django_db

DELAY_PAGE = "/reports/response-delay/"
NPS_PAGE = "/reports/nps-by-channel/"


@pytest.fixture
def logged(users, api_as):
    UnitFactory(code="HKI-CHAT", name="Digital care", type="digital")
    UnitFactory(code="HKI-CARE-1", name="Helsinki care", type="care")
    assert api_as(users["integration"]).post(LOG, CONTACTS, format="json").status_code == 201


def page(client, url, **params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    return response.content.decode()


def chart_data(html: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}-data" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(found.group(1))


def test_the_response_delay_page_shows_days_units_target_and_busiest_hours(logged, users, client, settings):
    settings.CHAT_RESPONSE_TARGET_SECONDS = 60
    client.force_login(users["quality"])
    html = page(client, DELAY_PAGE, channel="chat", unit="HKI-CHAT", start="2026-11-02", end="2026-11-04", by="day")
    assert "Response delay: Chat" in html
    delay = chart_data(html, "response-delay")
    assert delay["labels"] == ["2026-11-02", "2026-11-03", "2026-11-04"]
    assert delay["series"][0]["values"] == [30.0, None, 67.5]
    assert delay["series"][1]["values"] == [76.0, None, 85.5]
    assert delay["target"] == 60
    rows = re.findall(r"<tr>\s*<th scope=\"row\"[^>]*>(.*?)</th>\s*<td[^>]*>(\d+)</td>", html, re.S)
    assert ("2026-11-03", "0") in rows
    assert chart_data(html, "response-within-target")["series"][0]["values"] == [80.0, None, 50.0]
    hours = chart_data(html, "contacts-by-hour")["series"][0]["values"]
    assert (hours[8], hours[23], sum(hours)) == (4, 1, 7)
    assert "The busiest hour is 08:00–08:59 with 4 contacts." in html
    html = page(client, DELAY_PAGE, channel="chat", start="2026-11-02", end="2026-11-04", by="day")
    units = html[html.index('id="delay-units"') :]
    assert units.index("Digital care") < units.index("Helsinki care")
    assert "94 s" in units


def test_by_week_and_for_one_unit(logged, users, client):
    client.force_login(users["admin"])
    html = page(client, DELAY_PAGE, channel="chat", unit="HKI-CARE-1", start="2026-11-02", end="2026-11-15", by="week")
    assert chart_data(html, "response-delay")["labels"] == ["2026-W45", "2026-W46"]
    assert chart_data(html, "response-delay")["series"][0]["values"] == [5.0, None]


def test_a_bad_range_is_explained_and_an_empty_one_says_so(logged, users, client):
    client.force_login(users["quality"])
    html = page(client, DELAY_PAGE, start="2026-11-05", end="2026-11-01")
    assert "The last day must not be before the first day." in html
    html = page(client, DELAY_PAGE, start="1800-01-01")
    assert "Give a date between 1900-01-01 and 2999-12-31." in html
    html = page(client, DELAY_PAGE, channel="phone", start="2025-01-01", end="2025-01-31")
    assert "No contacts of this channel in the chosen days." in html


def test_nps_by_channel_unit_type_and_service(users, client, customer):
    digital = UnitFactory(code="DIGI", name="Digital care", type="digital")
    care = UnitFactory(code="CARE", name="Care", type="care")
    therapy = ServiceFactory(code="online-therapy", name="Online therapy")
    answer(10, "2026-03-10T10:00Z", customer=customer, unit=digital, channel="chat", service=therapy)
    answer(10, "2026-03-10T10:00Z", customer=customer, unit=digital, channel="chat", service=therapy)
    answer(0, "2026-03-10T10:00Z", customer=customer, unit=care, channel="visit")
    answer(8, "2026-03-10T10:00Z", customer=customer, unit=care, channel="phone")
    client.force_login(users["quality"])
    html = page(client, NPS_PAGE, year=2026)
    assert chart_data(html, "nps-by-channel")["labels"] == ["Visit", "Remote appointment", "Chat", "Phone"]
    assert chart_data(html, "nps-by-channel")["series"][0]["values"] == [-100.0, None, 100.0, 0.0]
    unit_types = html[html.index('id="nps-unit-types"') : html.index('id="nps-services"')]
    assert "Digital service" in unit_types and ">100<" in unit_types.replace(".0<", "<")
    services = html[html.index('id="nps-services"') :]
    assert "Online therapy" in services


@pytest.mark.parametrize(("role", "status"), [("account-manager", 403), ("decision-maker", 403), ("integration", 403)])
def test_only_quality_staff_and_admins_see_the_pages(users, client, role, status):
    client.force_login(users[role])
    assert client.get(DELAY_PAGE).status_code == status
    assert client.get(NPS_PAGE).status_code == status
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("response-delay-report") not in html


def test_the_nav_links_to_the_response_delay_page_for_quality_staff(users, client):
    client.force_login(users["quality"])
    html = page(client, DELAY_PAGE)
    assert f'href="{DELAY_PAGE}">Response delay</a>' in html
    assert not ServiceContact.objects.exists()
