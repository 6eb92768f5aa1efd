"""Feedback cases: a detractor's answer on the real answer page opens one case for the unit's
quality staff, due 48 hours later through weekends; the staff work it on their pages and the
API; an overdue case is escalated to the unit lead once; nobody else sees a case."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client

from portal.audit.models import AuditEvent
from surveys import services
from surveys.models import (
    FeedbackCase,
    FeedbackCaseEvent,
    FeedbackCause,
    Response,
    SurveyInvitation,
    UnitQualityStaff,
)
from tests.cooperation.factories import UserFactory
from tests.surveys.factories import InvitationFactory, PractitionerFactory, UnitFactory
from tests.surveys.factories_stats import answer

pytestmark = pytest.mark.django_db

HELSINKI = ZoneInfo("Europe/Helsinki")
API_FIELDS = {
    "id",
    "unit",
    "practitioner",
    "score",
    "comment",
    "answered_at",
    "due_at",
    "status",
    "owner",
    "overdue",
    "contact_requested",
    "contact",
}


@pytest.fixture
def unit(db):
    return UnitFactory(code="HKI-CARE-1", name="Kamppi care")


@pytest.fixture
def quality(users, unit):
    """The quality person who follows ``unit`` (and leads it)."""
    UnitQualityStaff.objects.create(unit=unit, user=users["quality"], lead=True)
    return users["quality"]


def sent_invitation(unit, *, token: str, practitioner=None) -> SurveyInvitation:
    invitation = InvitationFactory(unit=unit, visit__unit=unit, visit__practitioner=practitioner)
    SurveyInvitation.objects.filter(pk=invitation.pk).update(
        status="sent",
        token_hash=services.token_hash(token),
        sent_at=invitation.scheduled_for,
        practitioner=practitioner,
    )
    invitation.refresh_from_db()
    return invitation


def post_answer(client, token: str, **data):
    return client.post(f"/s/{token}/?lang=en", {"coping": "no", **data}, follow=True)


def case_for(score: int, unit, *, when="2026-12-04T13:00Z", comment="The wait was long.", contact="", customer=None):
    kwargs = {"customer": customer} if customer else {}
    response = answer(score, when, unit=unit, comment=comment, coping="no", **kwargs)
    return services.feedback_case_open(response=response, contact=contact)


# --- Opening a case ------------------------------------------------------------------------------


def test_a_detractor_answer_opens_exactly_one_case_and_a_promoter_none(client, unit):
    practitioner = PractitionerFactory(unit=unit, name="Dr Virtanen")
    detractor = sent_invitation(unit, token="detractor-token-123", practitioner=practitioner)
    sent_invitation(unit, token="promoter-token-456")

    assert post_answer(client, "detractor-token-123", score=4, comment="Nobody called back.").status_code == 200
    post_answer(client, "detractor-token-123", score=0)  # the same link again changes nothing
    post_answer(client, "promoter-token-456", score=9)

    assert Response.objects.count() == 2
    case = FeedbackCase.objects.get()
    response = Response.objects.get(invitation=detractor)
    assert case.response == response and case.score == 4
    assert (case.unit, case.practitioner, case.status, case.owner) == (unit, practitioner, "open", None)
    assert case.due_at - response.answered_at == dt.timedelta(hours=48)
    assert not case.contact_requested and case.contact == ""
    assert list(case.events.values_list("kind", flat=True)) == ["opened"]
    assert AuditEvent.objects.filter(action="feedback_case.change", target=f"feedback case {case.pk}").exists()


def test_a_request_to_be_contacted_opens_a_case_with_the_contact_whatever_the_score(client, unit):
    sent_invitation(unit, token="contact-me-token-1")
    page = client.get("/s/contact-me-token-1/?lang=en").content.decode()
    assert "I would like to be contacted about my feedback" in page
    assert "our quality staff will see them with this answer" in page  # the consent sentence

    post_answer(client, "contact-me-token-1", score=8, contact_me="on", contact=" 040 123 4567 ")
    case = FeedbackCase.objects.get()
    assert (case.score, case.contact_requested, case.contact) == (8, True, "040 123 4567")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"contact_me": "on"}, "Give a phone number or an email address so that we can reach you."),
        ({"contact_me": "on", "contact": "call me"}, "Give a phone number (digits, for example 040 123 4567)"),
        ({"contact_me": "on", "contact": "someone@"}, "Give a phone number (digits, for example 040 123 4567)"),
        ({"contact": "a@example.com"}, "Tick the box if you would like to be contacted"),
    ],
)
def test_a_contact_request_without_a_way_to_reach_the_person_is_refused(client, unit, data, message):
    sent_invitation(unit, token="contact-me-token-2")
    page = post_answer(client, "contact-me-token-2", score=2, **data)
    assert page.status_code == 200
    assert message in page.content.decode()
    assert not Response.objects.exists() and not FeedbackCase.objects.exists()
    assert SurveyInvitation.objects.get().status == "sent"


def test_supervisors_answers_open_no_case_and_offer_no_contact_box(client, unit):
    invitation = sent_invitation(unit, token="supervisor-token-1")
    SurveyInvitation.objects.filter(pk=invitation.pk).update(respondent_group="supervisor")
    assert "I would like to be contacted" not in client.get("/s/supervisor-token-1/?lang=en").content.decode()
    client.post("/s/supervisor-token-1/?lang=en", {"score": 1})
    assert Response.objects.count() == 1 and not FeedbackCase.objects.exists()


# --- Who answered: only with consent --------------------------------------------------------------


def test_who_answered_shows_only_when_the_person_asked_to_be_contacted(client, api_as, quality, unit):
    anonymous = case_for(3, unit)
    asked = case_for(5, unit, contact="maija@example.com")
    client.force_login(quality)

    anonymous_page = client.get(f"/feedback-cases/{anonymous.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    asked_page = client.get(f"/feedback-cases/{asked.pk}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Anonymous: the person did not ask to be contacted." in anonymous_page
    assert "maija@example.com" in asked_page and "maija@example.com" not in anonymous_page
    for case, page in ((anonymous, anonymous_page), (asked, asked_page)):
        invitation = case.response.invitation
        assert invitation.email not in page  # the address the survey went to is never shown

    rows = {row["id"]: row for row in api_as(quality).get("/api/v1/feedback-cases/").json()["results"]}
    assert rows[anonymous.pk]["contact"] is None and rows[anonymous.pk]["contact_requested"] is False
    assert rows[asked.pk]["contact"] == "maija@example.com" and rows[asked.pk]["contact_requested"] is True
    assert anonymous.response.invitation.email not in str(rows)


def test_erasing_the_person_removes_the_contact_from_their_case(quality, unit, users):
    from surveys.privacy import employee_erase

    invitation = sent_invitation(unit, token="erase-token-1")
    Client().post(
        "/s/erase-token-1/?lang=en", {"score": 2, "coping": "no", "contact_me": "on", "contact": "0401234567"}
    )
    assert FeedbackCase.objects.get().contact == "0401234567"
    employee_erase(employee=invitation.employee, actor=users["admin"])
    case = FeedbackCase.objects.get()
    assert case.contact == "" and case.contact_requested


# --- Due time and escalation ----------------------------------------------------------------------


def test_the_due_time_runs_through_the_weekend_and_an_overdue_case_is_escalated_once(users, quality, unit):
    other = UserFactory(email="colleague@quality.example", role="quality")
    UnitQualityStaff.objects.create(unit=unit, user=other)
    friday = dt.datetime(2026, 12, 4, 15, 0, tzinfo=HELSINKI)
    case = case_for(2, unit, when=friday)
    closed = case_for(1, unit, when=friday)
    services.feedback_case_update(
        case=closed, actor=quality, status="closed", resolution="Called back.", cause="waiting-time"
    )
    assert case.due_at == dt.datetime(2026, 12, 6, 15, 0, tzinfo=HELSINKI)  # Sunday: weekends count

    saturday = dt.datetime(2026, 12, 5, 12, 0, tzinfo=HELSINKI)
    assert services.feedback_cases_escalate(now=saturday) == 0
    assert not case.is_overdue(now=saturday)

    sunday_evening = dt.datetime(2026, 12, 6, 15, 1, tzinfo=HELSINKI)
    assert case.is_overdue(now=sunday_evening)
    assert services.feedback_cases_escalate(now=sunday_evening) == 1
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [quality.email]  # the lead only, not the colleague
    assert f"/feedback-cases/{case.pk}/" in mail.outbox[0].body
    assert "The wait was long." not in mail.outbox[0].body  # no comment by email
    case.refresh_from_db()
    assert case.escalated_at == sunday_evening
    assert case.events.filter(kind="escalated").count() == 1

    # The next beats send nothing more, and the closed case was never escalated.
    assert services.feedback_cases_escalate(now=sunday_evening + dt.timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1
    closed.refresh_from_db()
    assert closed.escalated_at is None


def test_the_beat_task_is_registered_and_runs_the_escalation(settings, quality, unit):
    from surveys.tasks import escalate_overdue_feedback_cases

    assert settings.CELERY_BEAT_SCHEDULE["escalate-overdue-feedback-cases"]["task"] == (
        "surveys.tasks.escalate_overdue_feedback_cases"
    )
    case_for(0, unit, when="2026-01-01T10:00Z")
    assert escalate_overdue_feedback_cases() == 1
    assert FeedbackCase.objects.get().escalated_at is not None and len(mail.outbox) == 1


def test_the_due_time_follows_the_setting(settings, unit):
    settings.FEEDBACK_CASE_HOURS = 24
    case = case_for(3, unit)
    assert case.due_at - case.answered_at == dt.timedelta(hours=24)


# --- Working a case ---------------------------------------------------------------------------


def test_closing_needs_a_resolution_and_a_root_cause_and_nothing_changes_without(api_as, quality, unit):
    case = case_for(3, unit)
    api = api_as(quality)
    url = f"/api/v1/feedback-cases/{case.pk}/"
    before = (FeedbackCaseEvent.objects.count(), AuditEvent.objects.filter(action="feedback_case.change").count())

    no_resolution = api.patch(url, {"status": "closed", "cause": "communication"}, format="json")
    assert no_resolution.status_code == 400
    assert no_resolution.json()["resolution"] == ["Write how the feedback was resolved before closing the case."]
    no_cause = api.patch(url, {"status": "closed", "resolution": "Called back."}, format="json")
    assert no_cause.status_code == 400 and no_cause.json()["cause"] == [
        "Choose the root cause before closing the case."
    ]
    bad_cause = api.patch(url, {"status": "closed", "resolution": "Called.", "cause": "nope"}, format="json")
    assert bad_cause.json()["cause"] == ["Choose one of the root causes in the list."]
    bad_owner = api.patch(url, {"owner": "nobody@example.com"}, format="json")
    assert bad_owner.status_code == 400 and "quality staff who follow this unit" in bad_owner.json()["owner"][0]
    case.refresh_from_db()
    assert (case.status, case.owner, case.resolution, case.cause) == ("open", None, "", None)
    assert before == (
        FeedbackCaseEvent.objects.count(),
        AuditEvent.objects.filter(action="feedback_case.change").count(),
    )

    taken = api.patch(url, {"owner": quality.email}, format="json")
    assert taken.status_code == 200
    assert (taken.json()["owner"], taken.json()["status"]) == (quality.email, "in_progress")
    closed = api.patch(
        url, {"status": "closed", "resolution": "Called back; apologised.", "cause": "waiting-time"}, format="json"
    )
    assert closed.status_code == 200, closed.json()
    assert set(closed.json()) >= API_FIELDS
    assert (closed.json()["status"], closed.json()["cause"], closed.json()["overdue"]) == (
        "closed",
        "waiting-time",
        False,
    )
    again = api.patch(url, {"status": "in_progress"}, format="json")
    assert again.status_code == 400 and "closed already" in again.json()["status"][0]

    case.refresh_from_db()
    assert case.cause == FeedbackCause.objects.get(code="waiting-time") and case.closed_at is not None
    history = list(case.events.values_list("kind", "actor__email"))
    assert history == [("opened", None), ("taken", quality.email), ("status", quality.email), ("closed", quality.email)]
    audit = AuditEvent.objects.filter(action="feedback_case.change", target=f"feedback case {case.pk}")
    assert audit.filter(actor=quality).count() == 3
    assert "apologised" not in str(list(audit.values_list("detail", flat=True)))


def test_the_case_page_takes_assigns_and_closes_with_clear_messages(client, quality, unit):
    colleague = UserFactory(email="colleague@quality.example", role="quality", full_name="Cecilia Colleague")
    UnitQualityStaff.objects.create(unit=unit, user=colleague)
    case = case_for(6, unit)
    client.force_login(quality)
    url = f"/feedback-cases/{case.pk}/"

    refused = client.post(
        url, {"owner": "", "status": "closed", "resolution": "", "cause": ""}, HTTP_ACCEPT_LANGUAGE="en"
    )
    text = refused.content.decode()
    assert "There is a problem" in text and "Write how the feedback was resolved before closing the case." in text
    case.refresh_from_db()
    assert (case.status, case.owner) == ("open", None)

    client.post(url, {"take": "1"})
    case.refresh_from_db()
    assert (case.status, case.owner) == ("in_progress", quality)

    client.post(url, {"owner": colleague.pk, "status": "in_progress", "resolution": "", "cause": ""})
    case.refresh_from_db()
    assert case.owner == colleague
    cause = FeedbackCause.objects.get(code="communication")
    done = client.post(
        url,
        {"owner": colleague.pk, "status": "closed", "resolution": "Explained the referral.", "cause": cause.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The case was updated." in done.content.decode()
    case.refresh_from_db()
    assert (case.status, case.cause, case.resolution) == ("closed", cause, "Explained the referral.")
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Explained the referral." in page and "Cecilia Colleague" in page and "Update the case" not in page


def test_statistics_are_the_same_before_and_after_the_cases_are_worked(api_as, users, quality, unit):
    for score in (0, 3, 6, 7, 9, 10, 10):
        case_for(score, unit, when="2026-03-02T10:00Z")
    nps = {"unit": unit.code, "start": "2026-01-01", "end": "2026-12-31", "by": "quarter"}
    before = api_as(users["admin"]).get("/api/v1/nps/", nps).json()
    for case in FeedbackCase.objects.all():
        services.feedback_case_update(
            case=case, actor=quality, status="closed", resolution="Called back.", cause="other"
        )
    services.feedback_cases_escalate()
    after = api_as(users["admin"]).get("/api/v1/nps/", nps).json()
    assert before == after and before["total"]["n"] == 7 and before["total"]["detractors"] == 3


# --- Who sees cases -----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["decision-maker", "supervisor", "account-manager", "integration"])
def test_other_roles_see_no_case_through_any_page_or_endpoint(client, api_as, users, quality, unit, customer, role):
    case = case_for(2, unit, customer=customer, contact="0401234567")
    user = users[role]
    api = api_as(user)
    for url in ("/api/v1/feedback-cases/", f"/api/v1/feedback-cases/{case.pk}/", "/api/v1/feedback-cases/figures/"):
        assert api.get(url).status_code == 403, url
    assert api.patch(f"/api/v1/feedback-cases/{case.pk}/", {"status": "in_progress"}, format="json").status_code == 403
    client.force_login(user)
    for url in ("/feedback-cases/", f"/feedback-cases/{case.pk}/", "/feedback-cases/figures/"):
        assert client.get(url).status_code == 403, url
    assert client.post(f"/feedback-cases/{case.pk}/", {"take": "1"}).status_code == 403
    home = client.get("/", follow=True).content.decode()
    assert "Feedback cases" not in home and "0401234567" not in home
    case.refresh_from_db()
    assert (case.status, case.owner) == ("open", None)


def test_quality_staff_see_only_the_cases_of_their_own_units(client, api_as, users, quality, unit):
    own = case_for(2, unit)
    elsewhere = case_for(2, UnitFactory(code="TKU-1", name="Turku care"))
    api = api_as(quality)
    assert [row["id"] for row in api.get("/api/v1/feedback-cases/").json()["results"]] == [own.pk]
    assert api.get(f"/api/v1/feedback-cases/{elsewhere.pk}/").status_code == 404
    patch = api.patch(f"/api/v1/feedback-cases/{elsewhere.pk}/", {"owner": quality.email}, format="json")
    assert patch.status_code == 404
    assert api.get("/api/v1/feedback-cases/", {"unit": "TKU-1"}).status_code == 404
    assert api.get("/api/v1/feedback-cases/figures/", {"unit": "TKU-1"}).status_code == 404
    client.force_login(quality)
    assert client.get(f"/feedback-cases/{elsewhere.pk}/").status_code == 404
    elsewhere.refresh_from_db()
    assert elsewhere.owner is None
    # An administrator sees both.
    admin_rows = api_as(users["admin"]).get("/api/v1/feedback-cases/").json()["results"]
    assert {row["id"] for row in admin_rows} == {own.pk, elsewhere.pk}


# --- The queue, its filters and the figures ---------------------------------------------------


def test_the_queue_puts_overdue_cases_first_and_filters(client, api_as, quality, unit):
    recent = case_for(5, unit, when=dt.datetime.now(HELSINKI) - dt.timedelta(hours=1))
    late = case_for(1, unit, when=dt.datetime.now(HELSINKI) - dt.timedelta(hours=50))
    closed = case_for(3, unit, when=dt.datetime.now(HELSINKI) - dt.timedelta(hours=60))
    services.feedback_case_update(case=closed, actor=quality, status="closed", resolution="Done.", cause="other")
    services.feedback_case_update(case=recent, actor=quality, owner=quality)

    api = api_as(quality)
    assert [r["id"] for r in api.get("/api/v1/feedback-cases/").json()["results"]] == [late.pk, recent.pk, closed.pk]
    overdue = api.get("/api/v1/feedback-cases/", {"overdue": "true"}).json()["results"]
    assert [(r["id"], r["overdue"]) for r in overdue] == [(late.pk, True)]
    assert [r["id"] for r in api.get("/api/v1/feedback-cases/", {"status": "closed"}).json()["results"]] == [closed.pk]
    assert api.get("/api/v1/feedback-cases/", {"status": "waiting"}).status_code == 400

    client.force_login(quality)
    mine = client.get("/feedback-cases/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Case #{recent.pk}" in mine and f"Case #{late.pk}" not in mine
    units = client.get("/feedback-cases/?view=units", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert units.index(f"Case #{late.pk}") < units.index(f"Case #{recent.pk}")
    assert f"Case #{closed.pk}<" not in units  # closed cases only when asked for
    assert "Overdue" in units
    only_late = client.get("/feedback-cases/?view=units&overdue=yes&unit=HKI-CARE-1").content.decode()
    # No language asked for: the page is in Finnish, so look for the links rather than the wording.
    assert f'href="/feedback-cases/{late.pk}/"' in only_late and f'href="/feedback-cases/{recent.pk}/"' not in only_late


def test_figures_per_unit_and_quarter(client, api_as, quality, unit):
    now = dt.datetime(2026, 12, 1, 12, 0, tzinfo=HELSINKI)
    in_time = case_for(2, unit, when="2026-02-10T08:00Z")
    services.feedback_case_update(
        case=in_time,
        actor=quality,
        status="closed",
        resolution="Called.",
        cause="waiting-time",
        now=in_time.answered_at + dt.timedelta(hours=10),
    )
    late = case_for(4, unit, when="2026-02-11T08:00Z")
    services.feedback_case_update(
        case=late,
        actor=quality,
        status="closed",
        resolution="Called.",
        cause="waiting-time",
        now=late.answered_at + dt.timedelta(hours=60),
    )
    case_for(6, unit, when="2026-03-01T08:00Z")  # still open, past due
    case_for(3, unit, when="2026-05-01T08:00Z")  # Q2

    from surveys import selectors

    figures = selectors.feedback_case_figures(cases=FeedbackCase.objects.all(), now=now)
    q1 = figures[0]
    assert (q1["unit"], q1["period"], q1["opened"], q1["closed"], q1["closed_in_time"]) == (
        "HKI-CARE-1",
        "2026-Q1",
        3,
        2,
        1,
    )
    assert q1["closed_in_time_percent"] == 33.3 and q1["median_hours_to_close"] == 35.0
    assert q1["causes"] == [{"code": "waiting-time", "name": "Odotusaika", "n": 2}]
    assert [f["period"] for f in figures] == ["2026-Q1", "2026-Q2"]

    api = api_as(quality).get("/api/v1/feedback-cases/figures/", {"start": "2026-01-01", "end": "2026-12-31"})
    assert api.status_code == 200
    body = api.json()
    assert body["target_hours"] == 48 and body["periods"][0]["opened"] == 3
    assert body["periods"][0]["causes"][0]["name"] == "Waiting time"  # in the caller's language

    client.force_login(quality)
    page = client.get("/feedback-cases/figures/?year=2026", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "feedback-cases-in-time-data" in page and "Kamppi care" in page and "Waiting time" in page
    assert "<script>" not in page  # the chart's data is a json_script, no inline code


# --- add_user ties quality staff to their units ----------------------------------------------


def test_add_user_ties_a_quality_person_to_units_and_makes_a_lead(unit):
    UnitFactory(code="TKU-1")
    call_command("add_user", "q@provider.example", "--role", "quality", "--unit", "HKI-CARE-1", "--lead", "TKU-1")
    links = {(link.unit.code, link.lead) for link in UnitQualityStaff.objects.filter(user__email="q@provider.example")}
    assert links == {("HKI-CARE-1", False), ("TKU-1", True)}
    call_command("add_user", "q@provider.example", "--role", "quality", "--unit", "TKU-1")
    links = {(link.unit.code, link.lead) for link in UnitQualityStaff.objects.filter(user__email="q@provider.example")}
    assert links == {("TKU-1", False)}

    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Unknown unit: NOPE"):
        call_command("add_user", "q@provider.example", "--role", "quality", "--unit", "NOPE")
    with pytest.raises(CommandError, match="for quality staff"):
        call_command("add_user", "m@provider.example", "--role", "account-manager", "--unit", "TKU-1")
    call_command("add_user", "other@provider.example", "--role", "quality", "--lead", "HKI-CARE-1")
    with pytest.raises(CommandError, match="have a lead already: HKI-CARE-1"):
        call_command("add_user", "q@provider.example", "--role", "quality", "--lead", "HKI-CARE-1")
    assert {link.unit.code for link in UnitQualityStaff.objects.filter(user__email="q@provider.example")} == {"TKU-1"}
