"""The email, its link and the answer page, dispatched in-process (`dispatch_due_surveys`)."""

import datetime as dt
import re

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from surveys.emails import unsubscribe_url
from surveys.models import Response, SurveyInvitation, SurveyOptOut
from tests.cooperation.factories import ContactFactory
from tests.surveys.factories import InvitationFactory, UnitFactory, visit_payload

pytestmark = pytest.mark.django_db

QUESTION = {
    "fi": "Kuinka todennäköisesti suosittelisit",
    "sv": "Hur sannolikt är det att du skulle rekommendera",
    "en": "How likely is it that you would recommend",
}
THANKS = {"fi": "Kiitos vastauksestasi", "sv": "Tack för ditt svar", "en": "Thank you for your answer"}


def dispatch() -> None:
    call_command("dispatch_due_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/s/[A-Za-z0-9_-]+/)", message.body).group(1)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_link_in_the_email_records_one_answer_in_the_patients_language(client, language):
    invitation = InvitationFactory(language=language, unit=UnitFactory(name="Kamppi care"))
    dispatch()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [invitation.email]
    assert "Kamppi care" in message.body
    html = message.alternatives[0][0]
    path = link_path(message)
    assert path in html
    assert message.extra_headers["List-Unsubscribe"].startswith("<http")

    page = client.get(path)
    assert page.status_code == 200
    text = page.content.decode()
    assert QUESTION[language] in text
    assert "Kamppi care" in text
    assert invitation.email not in text
    assert 'href="?lang=sv"' in text  # the language switch

    answer = client.post(path, {"score": 9, "coping": "partly", "comment": "Quick and kind."}, follow=True)
    assert THANKS[language] in answer.content.decode()
    again = client.post(path, {"score": 0, "coping": "no"}, follow=True)
    assert again.status_code == 200 and THANKS[language] in again.content.decode()

    response = Response.objects.get()
    assert (response.score, response.coping, response.comment, response.language) == (
        9,
        "partly",
        "Quick and kind.",
        language,
    )
    assert response.unit == invitation.unit and response.customer == invitation.customer
    assert SurveyInvitation.objects.get().status == "answered"


def test_the_language_switch_changes_the_page_language(client):
    InvitationFactory(language="fi")
    dispatch()
    page = client.get(link_path(mail.outbox[0]) + "?lang=en")
    assert QUESTION["en"] in page.content.decode()


def test_an_answer_needs_a_score_and_the_coping_answer(client):
    InvitationFactory(language="en")
    dispatch()
    page = client.post(link_path(mail.outbox[0]), {"comment": "hm"})
    assert page.status_code == 200
    assert Response.objects.count() == 0


@pytest.mark.parametrize("case", ["unknown", "tampered", "expired", "not-sent"])
def test_a_bad_link_gets_the_same_friendly_not_found_page(client, case):
    invitation = InvitationFactory()
    dispatch()
    path = link_path(mail.outbox[0])
    if case == "unknown":
        path = "/s/" + "x" * 32 + "/"
    elif case == "tampered":
        path = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    elif case == "expired":
        SurveyInvitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    elif case == "not-sent":
        SurveyInvitation.objects.filter(pk=invitation.pk).update(status="scheduled")
    page = client.get(path)
    assert page.status_code == 404
    assert "cannot be found" in page.content.decode() or "löydy" in page.content.decode()
    assert client.post(path, {"score": 5, "coping": "no"}).status_code == 404
    assert Response.objects.count() == 0


def test_the_answer_page_is_throttled_per_address(client, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "survey_answer": "3/min"}
    SimpleRateThrottle.THROTTLE_RATES, saved = rates, SimpleRateThrottle.THROTTLE_RATES
    try:
        # A made-up X-Forwarded-For per request does not make a new client.
        codes = [
            client.get(f"/s/guess-{i}/", HTTP_X_FORWARDED_FOR=f"203.0.113.{i}").status_code for i in range(5)
        ]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = saved
    assert codes == [404, 404, 404, 429, 429]


def test_the_public_page_has_no_staff_navigation(client):
    InvitationFactory()
    dispatch()
    text = client.get(link_path(mail.outbox[0])).content.decode()
    assert "/logout" not in text and "Sign out" not in text
    assert "portal/portal.css" in text


def test_unsubscribing_stops_later_surveys(client, users, api_as, customer):
    unit = UnitFactory(code="U1")
    epr = api_as(users["integration"])
    first = visit_payload(customer, unit, n=1, ended_at=(timezone.now() - dt.timedelta(hours=3)).isoformat())
    second = visit_payload(customer, unit, n=2, ended_at=(timezone.now() - dt.timedelta(hours=3)).isoformat())
    epr.post("/api/v1/visits/", [first, second], format="json")
    InvitationFactory(email="patient1@example.com")  # also waiting for the same person
    mail.outbox.clear()
    call_command("dispatch_due_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    message = next(m for m in mail.outbox if m.to == ["patient1@example.com"])
    unsubscribe = re.search(r"https?://[^/\s]+(/s/unsubscribe/\S+/)", message.body).group(1)
    assert message.extra_headers["List-Unsubscribe"] == f"<http://localhost:8000{unsubscribe}>"

    assert client.get(unsubscribe).status_code == 200, "the confirmation page"
    assert client.post(unsubscribe, {"unsubscribe": "yes"}).status_code == 200
    later = visit_payload(customer, unit, n=3, patient={"external_id": "p-1", "email": "patient1@example.com"})
    answer = epr.post("/api/v1/visits/", later, format="json")
    assert answer.json()["survey"] == {"status": "skipped", "scheduled_for": None, "skip_reason": "opted-out"}
    mail.outbox.clear()
    SurveyInvitation.objects.filter(visit__external_id="v-3").update(status="scheduled", scheduled_for=timezone.now())
    dispatch()
    assert not [m for m in mail.outbox if m.to == ["patient1@example.com"]]
    assert client.get("/s/unsubscribe/forged:abc/").status_code == 404
    assert client.get("/s/unsubscribe/1-%C3%A9/").status_code == 404
    assert client.get("/s/unsubscribe/%D9%A1-abc/").status_code == 404  # an Arabic-Indic digit
    assert client.get(unsubscribe.replace("/s/unsubscribe/", "/s/unsubscribe/9")).status_code == 404


def test_an_nps_round_reaches_the_contacts_of_the_group_without_the_coping_question(client, users, api_as, customer):
    boss = ContactFactory(customer=customer, role="supervisor", email="boss@customer.example", language="sv")
    ContactFactory(customer=customer, role="decision-maker", email="ceo@customer.example")
    answer = api_as(users["account-manager"]).post(
        "/api/v1/nps-rounds/", {"respondent_group": "supervisor", "customers": [customer.business_id]}, format="json"
    )
    assert answer.status_code == 201, answer.json()
    dispatch()
    assert [m.to for m in mail.outbox] == [[boss.email]]
    path = link_path(mail.outbox[0])
    page = client.get(path).content.decode()
    assert "coping" not in page and "klarar" not in page
    client.post(path, {"score": 10})
    response = Response.objects.get()
    assert (response.respondent_group, response.score, response.coping) == ("supervisor", 10, "")
    assert response.customer == customer


def test_an_account_manager_cannot_start_a_round_for_another_portfolio(users, api_as, other_customer):
    answer = api_as(users["account-manager"]).post(
        "/api/v1/nps-rounds/",
        {"respondent_group": "supervisor", "customers": [other_customer.business_id]},
        format="json",
    )
    assert answer.status_code == 400
    assert "customers" in answer.json()


def test_the_rounds_page_starts_a_round(client, users, customer):
    ContactFactory(customer=customer, role="decision-maker", email="ceo@customer.example")
    client.force_login(users["account-manager"])
    page = client.get("/surveys/rounds/")
    assert page.status_code == 200 and customer.name in page.content.decode()
    client.post("/surveys/rounds/", {"respondent_group": "decision-maker", "customers": [customer.pk]})
    assert SurveyInvitation.objects.filter(respondent_group="decision-maker", email="ceo@customer.example").exists()
    page = client.get("/surveys/rounds/")
    assert page.status_code == 200, "the page lists the round it started"
    assert "Waiting" in client.get("/surveys/rounds/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.force_login(users["quality"])
    assert client.get("/surveys/rounds/").status_code == 403


def test_a_round_spanning_portfolios_shows_a_manager_only_the_own_customers(
    client, users, api_as, customer, other_customer
):
    ContactFactory(customer=customer, role="supervisor", email="boss@customer.example")
    ContactFactory(customer=other_customer, role="supervisor", email="boss@other.example")
    started = api_as(users["admin"]).post(
        "/api/v1/nps-rounds/",
        {"respondent_group": "supervisor", "customers": [customer.business_id, other_customer.business_id]},
        format="json",
    )
    assert started.status_code == 201, started.json()
    seen = api_as(users["account-manager"]).get(f"/api/v1/nps-rounds/{started.json()['id']}/").json()
    assert seen["customers"] == [customer.business_id]
    assert sum(seen["invitations"].values()) == 1
    client.force_login(users["account-manager"])
    page = client.get("/surveys/rounds/").content.decode()
    assert customer.name in page and other_customer.name not in page


def test_an_admin_sees_every_customer_and_count_of_the_rounds(client, users, api_as, customer, other_customer):
    ContactFactory(customer=customer, role="supervisor", email="boss@customer.example")
    ContactFactory(customer=other_customer, role="supervisor", email="boss@other.example")
    started = api_as(users["admin"]).post(
        "/api/v1/nps-rounds/",
        {"respondent_group": "supervisor", "customers": [customer.business_id, other_customer.business_id]},
        format="json",
    )
    assert started.status_code == 201, started.json()
    seen = api_as(users["admin"]).get(f"/api/v1/nps-rounds/{started.json()['id']}/").json()
    assert sorted(seen["customers"]) == sorted([customer.business_id, other_customer.business_id])
    assert sum(seen["invitations"].values()) == 2
    client.force_login(users["admin"])
    page = client.get("/surveys/rounds/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"<td>{other_customer.name}, {customer.name}</td>" in page, "both customers, by name"


def unsubscribe_path(invitation) -> str:
    return unsubscribe_url(invitation.pk).removeprefix(settings.PORTAL_BASE_URL)


@pytest.mark.parametrize("language", ["fi", "sv", "en"])
def test_the_unsubscribe_link_asks_first_and_changes_nothing(client, language):
    waiting = InvitationFactory(language=language, email="patient@example.com")
    sent = InvitationFactory(language=language, email="patient@example.com", status="sent")
    page = client.get(unsubscribe_path(sent))
    assert page.status_code == 200 and page["Content-Language"] == language
    text = page.content.decode()
    assert f'<html lang="{language}">' in text and 'name="viewport"' in text
    assert '<form method="post"' in text and '<button type="submit"' in text
    assert "patient@example.com" not in text
    assert not SurveyOptOut.objects.exists()
    assert SurveyInvitation.objects.get(pk=waiting.pk).status == "scheduled"


def test_the_confirmation_button_opts_out(client):
    waiting = InvitationFactory(email="patient@example.com")
    sent = InvitationFactory(email="patient@example.com", status="sent")
    page = client.post(unsubscribe_path(sent) + "?lang=en", {"unsubscribe": "yes"})
    assert page.status_code == 200 and "You will receive no more surveys" in page.content.decode()
    assert SurveyOptOut.objects.filter(email="patient@example.com").exists()
    assert SurveyInvitation.objects.get(pk=waiting.pk).skip_reason == "opted-out"


def test_the_one_click_post_of_a_mail_provider_opts_out_without_a_csrf_token():
    sent = InvitationFactory(email="patient@example.com", status="sent")
    provider = Client(enforce_csrf_checks=True)
    answer = provider.post(
        unsubscribe_path(sent), "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert answer.status_code == 200
    assert SurveyOptOut.objects.filter(email="patient@example.com").exists()


@pytest.mark.parametrize("method", ["get", "post"])
def test_a_tampered_unsubscribe_link_gets_the_friendly_not_found_page_and_changes_nothing(client, method):
    sent = InvitationFactory(email="patient@example.com", status="sent")
    path = unsubscribe_path(sent)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]
    other = path.replace(f"/{sent.pk}-", f"/{sent.pk + 1}-")
    for bad in (tampered, other):
        page = getattr(client, method)(bad, {"unsubscribe": "yes"} if method == "post" else None)
        assert page.status_code == 404
        assert "cannot be found" in page.content.decode() or "löydy" in page.content.decode()
    assert not SurveyOptOut.objects.exists()
