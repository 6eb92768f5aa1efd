"""The one reminder (SURVEY_REMINDER_DAYS): an unanswered invitation gets it once, with the first
email's link, through the same outbox; never after an answer, an opt-out, the link's expiry, nor
inside quiet hours. Records run in transactions of their own, as a worker writes them."""

import datetime as dt
import re
import time

import pytest
from django.core import mail
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone

from surveys import services
from surveys.models import SendAttempt, SurveyInvitation
from surveys.services import surveys_dispatch_due
from surveys.tasks import dispatch_due_surveys
from tests.surveys.factories import InvitationFactory, UnitFactory, VisitFactory
from tests.surveys.smtp_sink import SmtpSink
from tests.workers import celery_worker, wait_until

pytestmark = pytest.mark.django_db(transaction=True)

LINK = re.compile(r"http://localhost:8000(/s/[A-Za-z0-9_-]+/)")


@pytest.fixture(autouse=True)
def _no_quiet_hours(settings):
    settings.SURVEY_QUIET_HOURS = None
    settings.SURVEY_REMINDER_DAYS = 3


def dispatch():
    return surveys_dispatch_due(connection_factory=EmailBackend)


def days_pass(*invitations):
    """SURVEY_REMINDER_DAYS go by: the reminders fall due (the links still live)."""
    SurveyInvitation.objects.filter(pk__in=[i.pk for i in invitations]).update(
        reminder_due_at=timezone.now() - dt.timedelta(seconds=1)
    )


def link(message) -> str:
    return LINK.search(message.body)[1]


def test_an_unanswered_invitation_gets_one_reminder_with_the_same_link(client):
    invitation = InvitationFactory()
    assert dispatch().sent == 1
    invitation.refresh_from_db()
    # Due three days after the first email, not before.
    assert invitation.reminder_due_at - invitation.sent_at == dt.timedelta(days=3)
    assert dispatch().reminders == 0 and len(mail.outbox) == 1

    days_pass(invitation)
    result = dispatch()
    assert (result.sent, result.reminders) == (0, 1)
    first, reminder = mail.outbox
    assert reminder.to == first.to
    assert reminder.subject == "Muistutus: " + first.subject
    assert "ainoa muistutus" in reminder.body and "ainoa muistutus" not in first.body
    assert link(reminder) == link(first)
    assert link(first) in reminder.alternatives[0][0]
    # The link of the reminder opens the survey.
    assert client.get(link(reminder)).status_code == 200

    # Never twice: further passes send nothing more.
    assert dispatch().reminders == 0
    invitation.refresh_from_db()
    assert invitation.reminder_sent_at is not None and invitation.reminder_due_at is None
    days_pass(invitation)  # even with a due time put back by hand
    assert dispatch().reminders == 0
    assert len(mail.outbox) == 2
    attempts = SendAttempt.objects.filter(invitation=invitation)
    assert sorted(attempts.values_list("reminder", "outcome")) == [(False, "sent"), (True, "sent")]


def test_no_reminder_after_an_answer_an_opt_out_or_the_links_expiry():
    answered, opted_out, expired, waiting = (InvitationFactory() for _ in range(4))
    assert dispatch().sent == 4
    mail.outbox.clear()

    days_pass(answered, opted_out, expired, waiting)
    answered.refresh_from_db()
    assert services.response_record(invitation=answered, score=9, language="fi") is not None
    services.opt_out_record(email=opted_out.email)
    SurveyInvitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))

    assert dispatch().reminders == 1
    assert [m.to for m in mail.outbox] == [[waiting.email]]
    assert set(SurveyInvitation.objects.exclude(reminder_sent_at=None).values_list("pk", flat=True)) == {waiting.pk}
    assert SendAttempt.objects.filter(reminder=True).count() == 1
    # None of the others is still waiting for a reminder.
    assert not SurveyInvitation.objects.filter(reminder_due_at__isnull=False).exists()


def test_no_reminder_inside_quiet_hours_it_goes_after_them(settings):
    invitation = InvitationFactory()
    assert dispatch().sent == 1
    days_pass(invitation)
    hour = timezone.now().astimezone(services.HELSINKI).hour
    settings.SURVEY_QUIET_HOURS = (hour, (hour + 1) % 24)  # now is quiet
    assert dispatch().reminders == 0
    settings.SURVEY_QUIET_HOURS = ((hour + 2) % 24, (hour + 3) % 24)  # now is not
    assert dispatch().reminders == 1


def test_a_reminder_due_in_quiet_hours_is_set_after_them(settings):
    sent_at = dt.datetime(2026, 3, 2, 23, 30, tzinfo=services.HELSINKI)
    settings.SURVEY_QUIET_HOURS = (21, 8)
    due = services.reminder_due_at(sent_at, sent_at + dt.timedelta(days=14))
    assert due == dt.datetime(2026, 3, 6, 8, 0, tzinfo=services.HELSINKI)
    # A link expiring before the reminder would go: no reminder.
    assert services.reminder_due_at(sent_at, sent_at + dt.timedelta(days=2)) is None


def test_reminders_off_with_zero_days(settings):
    settings.SURVEY_REMINDER_DAYS = 0
    invitation = InvitationFactory()
    assert dispatch().sent == 1
    invitation.refresh_from_db()
    assert invitation.reminder_due_at is None
    # Even one already due (set before they were turned off) does not go.
    days_pass(invitation)
    assert dispatch().reminders == 0 and len(mail.outbox) == 1


def test_a_failed_reminder_is_retried_later_and_sent_once(settings):
    invitation = InvitationFactory()
    assert dispatch().sent == 1
    days_pass(invitation)

    class Down(EmailBackend):
        def send_messages(self, messages):
            raise ConnectionRefusedError("mail server down")

    result = surveys_dispatch_due(connection_factory=Down)
    assert (result.reminders, result.retried) == (0, 1)
    invitation.refresh_from_db()
    assert invitation.reminder_due_at > timezone.now() and invitation.reminder_sent_at is None
    days_pass(invitation)
    assert dispatch().reminders == 1
    assert dispatch().reminders == 0
    outcomes = SendAttempt.objects.filter(reminder=True).order_by("pk").values_list("outcome", flat=True)
    assert list(outcomes) == ["error", "sent"]


def test_response_rate_with_and_without_reminders_for_provider_staff(users, api_as, client, customer):
    unit = UnitFactory(code="HKI-CARE-1")
    invitations = [InvitationFactory(visit=VisitFactory(customer=customer, unit=unit)) for _ in range(4)]
    assert dispatch().sent == 4
    early = invitations[0]
    early.refresh_from_db()
    services.response_record(invitation=early, score=10, language="fi")  # before any reminder
    days_pass(*invitations)
    assert dispatch().reminders == 3
    late = SurveyInvitation.objects.get(pk=invitations[1].pk)
    services.response_record(invitation=late, score=9, language="fi")  # after its reminder

    total = api_as(users["admin"]).get("/api/v1/nps/").json()["total"]
    assert (total["invitations_sent"], total["response_rate"], total["response_rate_without_reminders"]) == (
        4,
        50.0,
        25.0,
    )
    # The quality staff's page by channel shows both.
    client.force_login(users["quality"])
    html = client.get("/reports/nps-by-channel/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    visit_row = html[html.index('id="nps-channels"') :].split("</tr>")[1]
    assert "Response rate without reminders" in html
    assert "50 %" in visit_row and "25 %" in visit_row
    # A customer's people see what they saw before: no figure without reminders.
    assert "response_rate_without_reminders" not in api_as(users["decision-maker"]).get("/api/v1/nps/").json()["total"]


@pytest.mark.worker
def test_a_real_worker_sends_the_reminder_once_with_the_same_link_over_smtp(settings):
    invitation = InvitationFactory(visit=VisitFactory(unit=UnitFactory(code="U-REMIND")))
    fast = {"SURVEY_DISPATCH_INTERVAL_SECONDS": "1"}
    with SmtpSink() as sink, celery_worker("w1", **sink.env, **fast) as worker:
        dispatch_due_surveys.delay()
        wait_until(lambda: sink.received() >= 1, timeout=60, what="the first email")
        wait_until(
            lambda: SurveyInvitation.objects.filter(pk=invitation.pk, reminder_due_at__isnull=False).exists(),
            what="the first send's record",
        )
        days_pass(invitation)
        for _ in range(3):
            dispatch_due_surveys.delay()
        wait_until(lambda: sink.received() >= 2, timeout=60, what="the reminder")
        dispatch_due_surveys.delay()
        time.sleep(2)
    assert "Traceback" not in worker.log_path.read_text()
    assert sink.recipients() == [invitation.email] * 2
    first, reminder = sink.parsed()
    links = [LINK.search(m.get_body(("plain",)).get_content())[1] for m in (first, reminder)]
    assert links[0] == links[1]
    assert str(reminder["Subject"]).startswith("Muistutus: ")
    assert sorted(SendAttempt.objects.values_list("reminder", "outcome")) == [(False, "sent"), (True, "sent")]


def test_the_database_alone_yields_no_link_and_a_new_secret_key_drops_the_reminder(settings):
    invitation = InvitationFactory()
    assert dispatch().sent == 1
    first_link = link(mail.outbox[0])
    invitation.refresh_from_db()
    # What the row keeps is neither the token nor anything that shows it.
    token = first_link.split("/")[2]
    assert invitation.link_sealed and token not in invitation.link_sealed
    assert invitation.token_hash != token
    days_pass(invitation)
    settings.SECRET_KEY = "another-key-" + "x" * 50
    assert dispatch().reminders == 0
    assert len(mail.outbox) == 1
    invitation.refresh_from_db()
    assert invitation.reminder_due_at is None and invitation.reminder_sent_at is None


def test_a_questionnaire_rounds_decision_maker_gets_one_reminder_and_none_after_answering(users, customer, client):
    """The yearly questionnaire to decision-makers (issue 11) has the same one reminder."""
    from surveys.models import QuestionnaireResponse
    from surveys.services import nps_round_start
    from tests.cooperation.factories import ContactFactory
    from tests.surveys.factories import decision_maker_questionnaire

    version = decision_maker_questionnaire()
    ContactFactory(customer=customer, role="decision-maker", email="vd@customer.example", language="sv")
    ContactFactory(customer=customer, role="decision-maker", email="ceo@customer.example", language="fi")
    nps_round_start(
        started_by=users["account-manager"],
        respondent_group="decision-maker",
        customers=[customer],
        questionnaire_version=version,
    )
    assert dispatch().sent == 2
    first_sv = next(m for m in mail.outbox if m.to == ["vd@customer.example"])
    # The Swedish decision-maker answers; the Finnish one does not.
    answers = {q.code: "4" for q in version.questions.filter(kind="scale")} | {"nps": "9", "do-differently": ""}
    assert client.post(link(first_sv), answers).status_code == 302
    days_pass(*SurveyInvitation.objects.all())
    result = dispatch()
    assert (result.sent, result.reminders) == (0, 1)
    reminder = mail.outbox[-1]
    assert reminder.to == ["ceo@customer.example"] and reminder.subject.startswith("Muistutus: ")
    days_pass(*SurveyInvitation.objects.all())
    assert dispatch().reminders == 0 and len(mail.outbox) == 3
    assert QuestionnaireResponse.objects.count() == 1
