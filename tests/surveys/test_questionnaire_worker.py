"""A questionnaire round goes out through the real dispatch worker (Celery worker and beat on the
configured broker, to a local SMTP server) and is answered from the emailed link."""

import re

import pytest
from django.test import Client

from surveys.models import InvitationStatus, QuestionnaireResponse, SurveyInvitation
from surveys.services import nps_round_start
from tests.cooperation.factories import ContactFactory
from tests.surveys.factories import decision_maker_questionnaire
from tests.surveys.smtp_sink import SmtpSink
from tests.workers import celery_beat, celery_worker, wait_until

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

FAST = {"SURVEY_DISPATCH_INTERVAL_SECONDS": "1"}


def test_a_questionnaire_round_is_sent_by_the_worker_and_answered_from_the_link(users, customer, settings):
    settings.SURVEY_QUIET_HOURS = None
    version = decision_maker_questionnaire()
    ContactFactory(customer=customer, role="decision-maker", email="vd@customer.example", language="sv")
    with SmtpSink() as sink, celery_worker("w1", **sink.env, **FAST), celery_beat(**FAST):
        nps_round_start(
            started_by=users["account-manager"],
            respondent_group="decision-maker",
            customers=[customer],
            questionnaire_version=version,
        )
        wait_until(lambda: sink.received() >= 1, timeout=40, what="the questionnaire email")
    assert sink.recipients() == ["vd@customer.example"]
    body = sink.parsed()[0].get_body(("plain",)).get_content()
    path = re.search(r"https?://[^/\s]+(/s/[A-Za-z0-9_-]+/)", body).group(1)

    client = Client()
    assert "Teamet förstår våra mål." in client.get(path).content.decode()
    answers = {q.code: "4" for q in version.questions.filter(kind="scale")} | {"nps": "8", "do-differently": ""}
    assert client.post(path, answers).status_code == 302
    assert SurveyInvitation.objects.get().status == InvitationStatus.ANSWERED
    assert QuestionnaireResponse.objects.get().answers.count() == 7  # the optional free text left empty
