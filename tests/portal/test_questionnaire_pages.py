"""The questionnaire results pages: a customer's answers per person (not an anonymous round's),
the themes' change from last year, and the portfolio with small groups hidden."""

import datetime as dt

import pytest
from django.utils import timezone

from surveys.models import NpsRound, Questionnaire, QuestionnaireResponse, SurveyInvitation
from tests.cooperation.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def version():
    return Questionnaire.objects.get(code="decision-makers").versions.get(number=1)


def answered(customer, year, scale, *, version, users, anonymous=False, name="Person"):
    nps_round = NpsRound.objects.create(
        respondent_group="decision-maker", started_by=users["admin"], questionnaire_version=version,
        anonymous=anonymous,
    )  # fmt: skip
    contact = ContactFactory(customer=customer, role="decision-maker", name=name)
    invitation = SurveyInvitation.objects.create(
        respondent_group="decision-maker", nps_round=nps_round, contact=contact, customer=customer,
        segment=customer.segment, status="answered",
    )  # fmt: skip
    response = QuestionnaireResponse.objects.create(
        invitation=invitation, version=version, customer=customer, segment=customer.segment,
        respondent_group="decision-maker", anonymous=anonymous, language="en",
        answered_at=timezone.make_aware(dt.datetime(year, 5, 15, 12)),
    )  # fmt: skip
    for question in version.questions.filter(kind="scale"):
        response.answers.create(question=question, number=scale)


def test_the_customer_page_shows_named_answers_and_the_change_from_last_year(
    client, users, customer, version, settings
):
    settings.MIN_GROUP_SIZE = 2  # two people answered 2026, one anonymously: enough for averages
    answered(customer, 2025, 2, version=version, users=users, name="Anna Andersson")
    answered(customer, 2026, 4, version=version, users=users, name="Bertil Berg")
    answered(customer, 2026, 4, version=version, users=users, anonymous=True, name="Hidden Hanna")
    client.force_login(users["account-manager"])
    page = client.get(f"/customers/{customer.business_id}/questionnaire/?year=2026")
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bertil Berg" in text and "Hidden Hanna" not in text and "Anna Andersson" not in text
    assert "+2.00" in text or "+2,00" in text
    assert "questionnaire-themes" in text  # the chart's data

    settings.MIN_GROUP_SIZE = 3
    text = client.get(f"/customers/{customer.business_id}/questionnaire/?year=2026").content.decode()
    assert "+2,00" not in text and "+2.00" not in text and "Bertil Berg" in text


def test_another_portfolios_customer_is_not_found(client, users, other_customer):
    client.force_login(users["account-manager"])
    assert client.get(f"/customers/{other_customer.business_id}/questionnaire/").status_code == 404


def test_the_portfolio_page_hides_a_segment_with_too_few_answers(client, users, customer, version, settings):
    settings.MIN_GROUP_SIZE = 2
    this_year = timezone.localdate().year
    small = CustomerFactory(segment_override="sme", account_manager=users["account-manager"])
    customer.segment_override = "large"
    customer.save()
    for _ in range(2):
        answered(customer, this_year, 5, version=version, users=users)
    answered(small, this_year, 1, version=version, users=users)
    client.force_login(users["account-manager"])
    text = client.get("/reports/questionnaire/").content.decode()
    assert "3.67" in text or "3,67" in text  # (5+5+1)/3 over all customers
    assert "5.00" in text or "5,00" in text  # large
    assert "1.00" not in text and "1,00" not in text  # SME: one answer, hidden
    assert text.count('class="suppression-note"') >= 1


def test_a_weak_item_raises_an_account_alert_that_links_to_the_results(client, users, customer, version, settings):
    from portal.alerts.models import Alert
    from portal.alerts.services import refresh_alerts

    settings.QUESTIONNAIRE_WEAK_ITEM_AVERAGE = 3.0
    today = timezone.localdate()
    answered(customer, today.year, 3, version=version, users=users)
    question = version.questions.get(code="open-communication")
    response = QuestionnaireResponse.objects.get()
    response.answers.filter(question=question).update(number=2)  # (2) < 3.0; the others 3, not below
    answered(customer, today.year, 3, version=version, users=users)  # open communication: (2+3)/2 = 2.5
    refresh_alerts(today=today)
    (alert,) = Alert.objects.filter(kind="questionnaire-weak-item")
    assert alert.customer == customer and alert.subject == "question:open-communication"
    assert alert.params["average"] == 2.5

    client.force_login(users["account-manager"])
    text = client.get("/alerts/?lang=en").content.decode()
    assert "/questionnaire/?year=" in text

    response.answers.filter(question=question).update(number=5)  # (5+3)/2 = 4: the alert clears
    refresh_alerts(today=today)
    assert not Alert.objects.filter(kind="questionnaire-weak-item", cleared_at__isnull=True).exists()


def test_the_meeting_pack_shows_the_latest_results_and_their_change(client, users, customer, version, settings):
    from tests.cooperation.factories import MeetingFactory

    settings.MIN_GROUP_SIZE = 2
    meeting = MeetingFactory(customer=customer, date=dt.date(2026, 11, 20))
    answered(customer, 2025, 2, version=version, users=users, name="Anna Andersson")
    answered(customer, 2026, 3, version=version, users=users, name="Bertil Berg")
    client.force_login(users["account-manager"])
    text = client.get(f"/meetings/{meeting.pk}/pack/").content.decode()
    section = text[text.index('id="questionnaire"') :].split("</section>")[0]
    assert "2026" in section and ("+1,00" in section or "+1.00" in section)
    assert "Bertil Berg" not in text  # never per person in the pack

    # The customer's own decision-maker: one answer is fewer than 2, hidden.
    client.force_login(users["decision-maker"])
    page = client.get(f"/meetings/{meeting.pk}/pack/")
    assert page.status_code == 200
    section = page.content.decode()
    section = section[section.index('id="questionnaire"') :].split("</section>")[0]
    assert 'class="suppression-note"' in section and "+1" not in section
