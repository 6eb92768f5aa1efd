"""The decision-makers' yearly questionnaire: versions that keep what was answered, the answer
page (validated, all answers in one transaction), rounds through the ordinary outbox, anonymity
per round, and results with their change from last year and the minimum group size."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from surveys.models import (
    InvitationStatus,
    QuestionAnswer,
    Questionnaire,
    QuestionnaireResponse,
    Response,
    SurveyInvitation,
)
from surveys.selectors import customer_questionnaire_results, portfolio_questionnaire_results
from surveys.services import nps_round_start, questionnaire_new_version
from tests.cooperation.factories import ContactFactory, CustomerFactory

pytestmark = pytest.mark.django_db

SCALES = [
    "agreed-done",
    "understands-goals",
    "dares-to-challenge",
    "open-communication",
    "steering-group-useful",
    "supports-responsibility",
]


def dispatch() -> None:
    call_command("dispatch_due_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115


def link_path(message) -> str:
    return re.search(r"https?://[^/\s]+(/s/[A-Za-z0-9_-]+/)", message.body).group(1)


@pytest.fixture
def version():
    return Questionnaire.objects.get(code="decision-makers").versions.get(number=1)


def full_answers(scale=4, nps=9, text="Meet more often") -> dict:
    return {**dict.fromkeys(SCALES, str(scale)), "nps": str(nps), "do-differently": text}


def sent_round(users, customers, version, *, anonymous=False, contacts=None):
    nps_round = nps_round_start(
        started_by=users["account-manager"],
        respondent_group="decision-maker",
        customers=customers,
        questionnaire_version=version,
        anonymous=anonymous,
    )
    mail.outbox.clear()
    dispatch()
    return nps_round


def test_the_shipped_questionnaire_asks_the_providers_questions_in_three_languages(version):
    texts = {q.code: (q.text, q.text_fi, q.text_sv, q.kind) for q in version.questions.all()}
    assert list(texts) == [*SCALES, "nps", "do-differently"]
    assert texts["agreed-done"] == ("The things we have agreed on get done.", "Sovitut asiat tehdään.",
                                    "Det vi har kommit överens om blir gjort.", "scale")  # fmt: skip
    assert texts["nps"][3] == "nps" and texts["do-differently"][3] == "text"
    assert all(q.text_fi and q.text_sv for q in version.questions.all())
    assert version.is_published


def test_an_answer_keeps_its_question_text_after_an_edit(client, users, customer, version):
    ContactFactory(customer=customer, role="decision-maker", email="ceo@customer.example", language="en")
    sent_round(users, [customer], version)
    assert client.post(link_path(mail.outbox[0]), full_answers()).status_code == 302

    new = questionnaire_new_version(version=version)
    question = new.questions.get(code="agreed-done")
    question.text = "What we agree on is done on time."
    question.save()

    assert new.number == 2 and new.published_at is None and new.questions.count() == 8
    assert new.themes.count() == version.themes.count()
    assert question.theme.version == new
    answer = QuestionAnswer.objects.get(question__code="agreed-done")
    assert answer.question.text == "The things we have agreed on get done."
    assert answer.question.version == version


def test_the_answer_page_in_swedish_refuses_a_scale_answer_out_of_range_and_saves_nothing(
    client, users, customer, version
):
    ContactFactory(customer=customer, role="decision-maker", email="vd@customer.example", language="sv")
    sent_round(users, [customer], version)
    path = link_path(mail.outbox[0])

    page = client.get(path).content.decode()
    assert "Teamet vågar utmana oss med goda skäl." in page
    assert "Helt av samma åsikt" in page and "Vad borde vi göra annorlunda?" in page

    answer = client.post(path, {**full_answers(), "open-communication": "7"})
    assert answer.status_code == 400
    page = answer.content.decode()
    error = page[page.index('id="q-open-communication-error"') :].split("</p>")[0]
    assert "1" in error and "5" in error  # the message sits at the question (Swedish once translated)
    assert 'id="q-agreed-done-error"' not in page
    assert not QuestionnaireResponse.objects.exists() and not QuestionAnswer.objects.exists()
    assert not Response.objects.exists()
    assert SurveyInvitation.objects.get().status == InvitationStatus.SENT

    missing = client.post(path, {**full_answers(), "agreed-done": ""})
    assert missing.status_code == 400 and not QuestionAnswer.objects.exists()

    assert client.post(path, full_answers(scale=5, nps=10)).status_code == 302
    response = QuestionnaireResponse.objects.get()
    assert response.language == "sv" and response.answers.count() == 8
    assert Response.objects.get().score == 10  # the NPS answer counts in the round's NPS too
    assert "Tack för ditt svar" in client.get(path).content.decode()
    # A second submit changes nothing.
    client.post(path, full_answers(scale=1))
    assert QuestionAnswer.objects.filter(number=1).count() == 0


def test_an_answer_to_a_closed_round_says_so_and_saves_nothing(client, users, customer, version):
    ContactFactory(customer=customer, role="decision-maker", email="ceo@customer.example", language="en")
    sent_round(users, [customer], version)
    path = link_path(mail.outbox[0])
    SurveyInvitation.objects.update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    answer = client.post(path, full_answers())
    assert answer.status_code == 410
    assert "This questionnaire has closed" in answer.content.decode()
    assert not QuestionnaireResponse.objects.exists()


def test_a_round_goes_out_through_the_outbox_to_decision_makers_only(client, users, customer, version):
    ceo = ContactFactory(customer=customer, role="decision-maker", email="ceo@customer.example", language="fi")
    ContactFactory(customer=customer, role="supervisor", email="boss@customer.example")
    nps_round = sent_round(users, [customer], version)
    assert [m.to for m in mail.outbox] == [[ceo.email]]
    path = link_path(mail.outbox[0])
    assert "Sovitut asiat tehdään." in client.get(path).content.decode()
    client.post(path, full_answers(scale=3))
    assert nps_round.invitations.get().status == InvitationStatus.ANSWERED

    client.force_login(users["account-manager"])
    page = client.get("/surveys/rounds/").content.decode()
    assert "100 %" in page or "100%" in page


def answered(customer, answered_at, scales: dict, *, anonymous=False, version=None, name="Person"):
    """A questionnaire answer at ``answered_at`` with the given scale answers (others 4)."""
    from surveys.models import NpsRound

    contact = ContactFactory(customer=customer, role="decision-maker", name=name)
    nps_round = NpsRound.objects.filter(anonymous=anonymous).first()
    invitation = SurveyInvitation.objects.create(
        respondent_group="decision-maker",
        nps_round=nps_round,
        contact=contact,
        customer=customer,
        segment=customer.segment,
        status=InvitationStatus.ANSWERED,
    )
    response = QuestionnaireResponse.objects.create(
        invitation=invitation,
        version=version,
        customer=customer,
        segment=customer.segment,
        respondent_group="decision-maker",
        anonymous=anonymous,
        language="fi",
        answered_at=answered_at,
    )
    for question in version.questions.all():
        if question.kind == "scale":
            QuestionAnswer.objects.create(response=response, question=question, number=scales.get(question.code, 4))
    return response


@pytest.fixture
def rounds(users, customer, version):
    from surveys.models import NpsRound

    for anonymous in (False, True):
        NpsRound.objects.create(
            respondent_group="decision-maker", started_by=users["admin"], questionnaire_version=version,
            anonymous=anonymous,
        )  # fmt: skip


def at(year, month=5):
    return timezone.make_aware(dt.datetime(year, month, 15, 12))


def test_theme_averages_and_change_from_last_year_on_hand_counted_answers(customer, version, rounds):
    # 2025: delivery = (3+3 + 2+2) / 4 = 2.5. 2026: delivery = (5+4 + 4+3) / 4 = 4.0 → +1.5.
    answered(customer, at(2025), {"agreed-done": 3, "understands-goals": 3}, version=version, name="A")
    answered(customer, at(2025), {"agreed-done": 2, "understands-goals": 2}, version=version, name="B")
    answered(customer, at(2026), {"agreed-done": 5, "understands-goals": 4}, version=version, name="Anna")
    answered(customer, at(2026), {"agreed-done": 4, "understands-goals": 3, "open-communication": 1},
             version=version, name="Bertil")  # fmt: skip

    results = customer_questionnaire_results(customer, language="en")
    assert results["year"] == 2026 and results["years"] == [2025, 2026]
    themes = {t["code"]: t for t in results["themes"]}
    assert themes["delivery"]["average"] == 4.0 and themes["delivery"]["change"] == 1.5
    # partnership 2026: (4 + 4 + 4 + 1) / 4 = 3.25; 2025: 4.0 → −0.75
    assert themes["partnership"]["average"] == 3.25 and themes["partnership"]["change"] == -0.75
    assert [p["name"] for p in results["people"]] == ["Anna", "Bertil"]


def test_an_anonymous_rounds_answers_are_never_shown_per_person(customer, version, rounds, settings):
    settings.MIN_GROUP_SIZE = 3
    answered(customer, at(2026), {"agreed-done": 5}, version=version, name="Named Nina")
    answered(customer, at(2026), {"agreed-done": 1}, version=version, anonymous=True, name="Secret Sam")
    results = customer_questionnaire_results(customer)
    assert [p["name"] for p in results["people"]] == ["Named Nina"]
    # two people, one of them anonymous: fewer than 3, so no average that would give Sam away
    assert results["suppressed"] and all(t["average"] is None for t in results["themes"])

    answered(customer, at(2026), {"agreed-done": 3}, version=version, anonymous=True, name="Secret Sue")
    results = customer_questionnaire_results(customer)
    assert not results["suppressed"] and [p["name"] for p in results["people"]] == ["Named Nina"]
    assert {t["code"]: t["average"] for t in results["themes"]}["delivery"] == (5 + 4 + 1 + 4 + 3 + 4) / 6


def test_portfolio_and_segment_figures_from_fewer_than_the_minimum_are_hidden(customer, version, rounds, settings):
    settings.MIN_GROUP_SIZE = 3
    customer.segment_override = "large"
    customer.save()
    small = CustomerFactory(segment_override="sme")
    for _ in range(3):
        answered(customer, at(2026), {"agreed-done": 5, "understands-goals": 5}, version=version)
    answered(small, at(2026), {"agreed-done": 1, "understands-goals": 1}, version=version)
    from django.db.models import Q

    results = portfolio_questionnaire_results(Q(), year=2026)
    overall = {t["code"]: t for t in results["all"]}
    assert overall["delivery"]["average"] == 4.0  # (5*6 + 1*2) / 8
    segments = {s["segment"]: {t["code"]: t for t in s["themes"]} for s in results["segments"]}
    assert segments["large"]["delivery"]["average"] == 5.0
    assert segments["sme"]["delivery"]["average"] is None and segments["sme"]["delivery"]["suppressed"]


def test_the_admin_shows_a_published_version_read_only_and_copies_it_to_edit(client, users, version):
    users["admin"].is_superuser = True
    users["admin"].save()
    client.force_login(users["admin"])
    page = client.get(f"/admin/surveys/questionnaireversion/{version.pk}/change/")
    assert page.status_code == 200
    assert "Sovitut asiat tehdään." in page.content.decode()
    refused = client.post(f"/admin/surveys/questionnaireversion/{version.pk}/change/", {"number": 9})
    assert refused.status_code == 403
    version.refresh_from_db()
    assert version.number == 1
    client.post("/admin/surveys/questionnaireversion/", {"action": "new_version", "_selected_action": [version.pk]})
    new = version.questionnaire.versions.get(number=2)
    assert new.published_at is None
    assert client.get(f"/admin/surveys/questionnaireversion/{new.pk}/change/").status_code == 200


def test_a_round_started_through_the_api_sends_the_questionnaire_and_its_results_are_read_there(
    client, users, api_as, customer, version
):
    ContactFactory(
        customer=customer, role="decision-maker", email="ceo@customer.example", language="en", name="Cecilia"
    )
    api = api_as(users["account-manager"])
    versions = api.get("/api/v1/questionnaire-versions/").json()
    listed = versions["results"] if isinstance(versions, dict) else versions
    assert [q["code"] for q in listed[0]["questions"]][:2] == ["agreed-done", "understands-goals"]
    started = api.post(
        "/api/v1/nps-rounds/",
        {"respondent_group": "decision-maker", "customers": [customer.business_id],
         "questionnaire_version": version.pk, "anonymous": False},
        format="json",
    )  # fmt: skip
    assert started.status_code == 201, started.json()
    assert started.json()["questionnaire_version"] == version.pk
    dispatch()
    client.post(link_path(mail.outbox[0]), full_answers(scale=2))
    results = api.get("/api/v1/questionnaire-results/", {"customer": customer.business_id}).json()
    assert results["respondents"] == 1 and results["people"][0]["name"] == "Cecilia"
    assert {t["code"]: t["average"] for t in results["themes"]}["delivery"] == 2.0
    bad = api.get("/api/v1/questionnaire-results/", {"customer": customer.business_id, "year": "x"})
    assert bad.status_code == 400 and "year" in bad.json()


def test_an_unpublished_version_cannot_be_sent(users, api_as, customer, version):
    draft = questionnaire_new_version(version=version)
    answer = api_as(users["account-manager"]).post(
        "/api/v1/nps-rounds/",
        {"respondent_group": "decision-maker", "customers": [customer.business_id], "questionnaire_version": draft.pk},
        format="json",
    )
    assert answer.status_code == 400 and "questionnaire_version" in answer.json()
    assert not SurveyInvitation.objects.exists()


def test_the_rounds_page_sends_the_questionnaire_to_the_whole_portfolio_anonymously(
    client, users, customer, other_customer, version
):
    second = CustomerFactory(account_manager=users["account-manager"])
    for c in (customer, second, other_customer):
        ContactFactory(customer=c, role="decision-maker", email=f"ceo@{c.business_id}.example")
    client.force_login(users["account-manager"])
    nothing = client.post("/surveys/rounds/", {"respondent_group": "decision-maker"})
    assert nothing.status_code == 200 and not SurveyInvitation.objects.exists()
    client.post(
        "/surveys/rounds/",
        {"respondent_group": "decision-maker", "whole_portfolio": "on", "questionnaire_version": version.pk,
         "anonymous": "on"},
    )  # fmt: skip
    invitations = SurveyInvitation.objects.select_related("nps_round")
    assert {i.customer for i in invitations} == {customer, second}  # not another manager's customer
    assert all(i.nps_round.anonymous and i.nps_round.questionnaire_version == version for i in invitations)
    page = client.get("/surveys/rounds/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "anonymous" in page


def test_yes_no_and_choice_questions_accept_only_their_options(client, users, customer, version):
    from surveys.models import Question
    from surveys.services import questionnaire_publish

    new = questionnaire_new_version(version=version)
    theme = new.themes.get(code="steering")
    Question.objects.create(
        version=new,
        theme=theme,
        code="met-this-year",
        position=20,
        kind="yes_no",
        text="Did the steering group meet this year?",
        text_sv="Har styrgruppen träffats i år?",
    )
    Question.objects.create(version=new, theme=theme, code="how-often", position=21, kind="choice",
                            text="How often should it meet?", options="Twice a year\nQuarterly",
                            options_sv="Två gånger om året\nKvartalsvis")  # fmt: skip
    questionnaire_publish(version=new)
    ContactFactory(customer=customer, role="decision-maker", email="vd@customer.example", language="sv")
    sent_round(users, [customer], new)
    path = link_path(mail.outbox[0])
    page = client.get(path).content.decode()
    assert "Har styrgruppen träffats i år?" in page and "Kvartalsvis" in page

    refused = client.post(path, {**full_answers(), "met-this-year": "maybe", "how-often": "Weekly"})
    assert refused.status_code == 400
    text = refused.content.decode()
    assert 'id="q-met-this-year-error"' in text and 'id="q-how-often-error"' in text
    assert not QuestionAnswer.objects.exists()

    assert client.post(path, {**full_answers(), "met-this-year": "yes", "how-often": "Quarterly"}).status_code == 302
    stored = {a.question.code: (a.number, a.text) for a in QuestionAnswer.objects.select_related("question")}
    assert stored["met-this-year"] == (1, "") and stored["how-often"] == (None, "Quarterly")
    assert all(a.question.version == new for a in QuestionAnswer.objects.all())


def test_a_version_without_questions_is_not_published():
    from django.core.exceptions import ValidationError
    from django.utils import translation

    from surveys.models import Questionnaire, QuestionnaireVersion
    from surveys.services import questionnaire_publish

    version = QuestionnaireVersion.objects.create(
        questionnaire=Questionnaire.objects.create(code="empty", name="Empty"), number=1
    )
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        questionnaire_publish(version=version)
    with translation.override("en"):
        assert "at least one question" in " ".join(refused.value.messages)
    version.refresh_from_db()
    assert version.published_at is None
