"""Privacy operations (README "Privacy operations"): erasing one employee and the retention of
old survey data, sign-in records and send errors. Every statistic a user can read stays the same,
with the rollups and without them, and the erased person is found nowhere in the database."""

import datetime as dt
import io
import itertools
import re

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.apps import apps
from django.conf import settings as django_settings
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import checks, mail
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from cooperation.audit import audit_event
from cooperation.models import Employee, SickLeave
from portal.accounts.services import signin_records_expire
from surveys import privacy
from surveys.models import (
    InvitationStatus,
    Response,
    SendAttempt,
    StatsRollupState,
    SurveyInvitation,
    SurveyOptOut,
    Visit,
)
from surveys.services import new_token, opt_out_record, surveys_dispatch_due, token_hash
from tests.cooperation.factories import EmployeeFactory, SickLeaveFactory
from tests.surveys.factories import PractitionerFactory, ServiceFactory, UnitFactory, visit_payload

pytestmark = pytest.mark.django_db

_visit_numbers = itertools.count(1)

ERASED_EMAIL = "Maija.Erasable@people.example"
ERASED_ID = "hr-77031"
OPEN_LINK = "an-open-survey-link-token-0123456789"
ERASED_COMMENT = "MAIJA-SECRET-COMMENT: my back still hurts after the March visit"


def months_ago(months: int, day: int = 10) -> dt.datetime:
    """Noon UTC on ``day`` of the month ``months`` before the current one."""
    today = timezone.now().date()
    index = today.year * 12 + today.month - 1 - months
    return dt.datetime(index // 12, index % 12 + 1, day, 12, tzinfo=dt.UTC)


def survey(employee, unit, when, score, *, practitioner=None, service=None, channel="visit", coping="", comment=""):
    """A visit, its sent invitation and (with a score) the answer, as dispatch and the answer
    page leave them; ``score=None`` leaves the invitation sent and unanswered."""
    visit = Visit.objects.create(
        external_id=f"visit-{employee.external_id}-{next(_visit_numbers)}",
        customer=employee.customer,
        employee=employee,
        unit=unit,
        practitioner=practitioner,
        service=service,
        channel=channel,
        ended_at=when - dt.timedelta(hours=3),
    )
    invitation = SurveyInvitation.objects.create(
        respondent_group="patient",
        visit=visit,
        employee=employee,
        email=employee.email.lower(),
        language=employee.language,
        **visit.survey_facts(),
        status=InvitationStatus.SENT if score is None else InvitationStatus.ANSWERED,
        scheduled_for=when - dt.timedelta(hours=1),
        expires_at=when + dt.timedelta(days=14),
        sent_at=when - dt.timedelta(hours=1),
        answered_at=None if score is None else when,
        token_hash=token_hash(new_token()),
    )
    # Rows are as old as their visit (created_at is set on insert).
    SurveyInvitation.objects.filter(pk=invitation.pk).update(created_at=when - dt.timedelta(hours=3))
    if score is not None:
        Response.objects.create(
            invitation=invitation,
            respondent_group="patient",
            score=score,
            coping=coping,
            comment=comment,
            language=employee.language,
            answered_at=when,
            **invitation.facts(),
        )
    return invitation


@pytest.fixture
def place(db):
    unit = UnitFactory(code="HKI-CARE-1", type="care")
    return {
        "unit": unit,
        "other_unit": UnitFactory(code="ESP-ER-1", type="emergency"),
        "dr_a": PractitionerFactory(code="dr-a", unit=unit),
        "dr_b": PractitionerFactory(code="dr-b", unit=unit),
        "psychologist": ServiceFactory(code="psychologist"),
        "gp": ServiceFactory(code="gp-visit"),
    }


@pytest.fixture
def people(customer, other_customer, place):
    """Nine employees of the customer with answers over the last 20 months (comments, coping
    "na", unanswered sends, sick leaves), one of them to erase; a few answers of another customer."""
    scores = itertools.cycle([10, 9, 8, 7, 6, 3, 10, 9, 0, 10, 5, 9])
    copings = itertools.cycle(["yes", "partly", "no", "na", "yes", ""])
    channels = itertools.cycle(["visit", "visit", "remote", "chat", "phone"])
    employees = [
        EmployeeFactory(customer=customer, external_id=f"hr-{n}", email=f"worker{n}@people.example")
        for n in range(1, 9)
    ]
    erased = EmployeeFactory(customer=customer, external_id=ERASED_ID, email=ERASED_EMAIL, language="sv")
    for n, employee in enumerate([*employees, erased]):
        for months in range(n % 3, 20, 3):
            unit = place["other_unit"] if months % 4 == 0 else place["unit"]
            practitioner = None if unit == place["other_unit"] else place["dr_a" if months % 2 else "dr_b"]
            survey(
                employee,
                unit,
                months_ago(months, day=3 + n),
                next(scores) if (n + months) % 5 else None,
                practitioner=practitioner,
                service=place["psychologist" if n % 2 else "gp"],
                channel=next(channels),
                coping=next(copings),
                comment=f"comment of {employee.external_id} {months}",
            )
        if n % 3 == 0:
            SickLeaveFactory(employee=employee, start=months_ago(5).date(), end=months_ago(5, day=20).date())
    # The person to erase: a telling comment, an opt-out, a sick leave, a send that failed with
    # the mail server quoting the address, and a survey still waiting.
    Response.objects.filter(invitation__employee=erased).update(comment=ERASED_COMMENT)
    SickLeaveFactory(employee=erased, start=months_ago(2).date(), end=months_ago(2, day=25).date())
    failed = survey(erased, place["unit"], months_ago(1), None)
    SurveyInvitation.objects.filter(pk=failed.pk).update(
        status=InvitationStatus.FAILED, sent_at=None, token_hash=None, last_error=f"550 <{ERASED_EMAIL.lower()}>: no"
    )
    SendAttempt.objects.create(invitation=failed, outcome="error", error=f"550 <{ERASED_EMAIL.lower()}>: no")
    waiting = survey(erased, place["unit"], timezone.now(), None)
    SurveyInvitation.objects.filter(pk=waiting.pk).update(
        status=InvitationStatus.SCHEDULED, sent_at=None, scheduled_for=timezone.now() - dt.timedelta(minutes=1)
    )
    # A link sent a week ago, not yet answered.
    SurveyInvitation.objects.filter(pk=survey(erased, place["unit"], months_ago(0, day=1), None).pk).update(
        token_hash=token_hash(OPEN_LINK), sent_at=timezone.now() - dt.timedelta(days=7)
    )
    opt_out_record(email=ERASED_EMAIL)
    stranger = EmployeeFactory(customer=other_customer, external_id="hr-1", email="stranger@other.example")
    for months in range(0, 12, 2):
        survey(stranger, place["unit"], months_ago(months), 8, practitioner=place["dr_a"], comment="fine")
    return {"employees": employees, "erased": erased}


FILTERS = [{}, {"unit": "HKI-CARE-1"}, {"practitioner": "dr-a"}, {"service": "psychologist"}, {"channel": "visit"}]
#: ``by`` and whether the question names a range (the last 24 whole months) or runs over all data.
PERIODS = [("", "all"), ("month", "range"), ("quarter", "all"), ("year", "range")]


def statistics(users, api_as, customer) -> dict:
    """Every statistic an administrator and a decision-maker may read, as the API answers them
    (errors included): NPS and coping for several filters, periods and ranges, and health."""
    start, end = months_ago(24, day=1).date().isoformat(), (months_ago(0, day=1).date() - dt.timedelta(days=1))
    seen = {}
    for role in ("admin", "decision-maker"):
        client = api_as(users[role])
        for path, filters, (by, span) in itertools.product(("/api/v1/nps/", "/api/v1/coping/"), FILTERS, PERIODS):
            params = {"customer": customer.business_id, **filters}
            if by:
                params["by"] = by
            if span == "range":
                params |= {"start": start, "end": end.isoformat()}
            response = client.get(path, params)
            seen[(role, path, tuple(sorted(params.items())))] = (response.status_code, response.json())
        for months, month_end in itertools.product((6, 12), (end, months_ago(4, day=1).date() - dt.timedelta(days=1))):
            path = f"/api/v1/customers/{customer.business_id}/health/"
            response = client.get(path, {"months": months, "end": month_end.isoformat()})
            seen[(role, path, months, month_end)] = (response.status_code, response.json())
        response = client.get(f"/api/v1/customers/{customer.business_id}/health/series/", {"months": 12, "end": end})
        seen[(role, "series")] = (response.status_code, response.json())
    # The organisation-wide figures too (they read the rollups once those are built).
    for filters, by in itertools.product(FILTERS, ("", "quarter")):
        response = api_as(users["admin"]).get("/api/v1/nps/", {**filters, **({"by": by} if by else {})})
        seen[("admin", "organisation", tuple(sorted(filters.items())), by)] = (response.status_code, response.json())
    return seen


def statistics_both_ways(users, api_as, customer) -> tuple[dict, dict]:
    """The statistics from the raw rows, then from freshly rebuilt rollups."""
    StatsRollupState.objects.update(live=False)
    raw = statistics(users, api_as, customer)
    call_command("rebuild_stats_rollups", stdout=io.StringIO())
    return raw, statistics(users, api_as, customer)


def database_text(*, exclude: tuple[str, ...] = ()) -> str:
    """Everything the database holds, as text (but the apps in ``exclude``, if installed)."""
    out = io.StringIO()
    call_command("dumpdata", exclude=[app for app in exclude if apps.is_installed(f"portal.{app}")], stdout=out)
    return out.getvalue().lower()


@pytest.fixture
def audit_events():
    events = []

    def receiver(sender, **kwargs):
        events.append(kwargs)

    audit_event.connect(receiver, dispatch_uid="test-privacy-operations")
    yield events
    audit_event.disconnect(dispatch_uid="test-privacy-operations")


def test_erasure_keeps_every_statistic_and_leaves_no_trace_of_the_person(
    client, users, api_as, customer, people, audit_events
):
    erased = people["erased"]
    visit_ids = list(Visit.objects.filter(employee=erased).values_list("external_id", flat=True))
    LogEntry.objects.create(
        user=users["admin"],
        content_type=ContentType.objects.get_for_model(Employee),
        object_id=str(erased.pk),
        object_repr=str(erased),
        action_flag=CHANGE,
        change_message="[]",
    )
    before_text = database_text()
    assert ERASED_EMAIL.lower() in before_text and ERASED_ID in before_text and ERASED_COMMENT.lower() in before_text
    raw_before, rolled_before = statistics_both_ways(users, api_as, customer)
    assert any(v[1].get("total", {}).get("n") for v in raw_before.values() if v[0] == 200), "the data set answers"
    assert client.get(f"/s/{OPEN_LINK}/").status_code == 200

    result = privacy.person_erase(customer=customer, external_id=ERASED_ID, actor=users["admin"])

    # With the rollups live, erasure changed nothing they count; from the raw rows (what the
    # statistics read before the rollups are built, and what a rebuild reads) neither.
    assert statistics(users, api_as, customer) == rolled_before
    StatsRollupState.objects.update(live=False)
    assert statistics(users, api_as, customer) == raw_before

    text = database_text()
    for trace in (ERASED_EMAIL.lower(), ERASED_ID, ERASED_COMMENT.lower(), *visit_ids):
        assert trace.lower() not in text, trace
    if apps.is_installed("portal.audit"):
        assert '"action": "answer.erase"' in text, "the audit log stored the erasure"
    assert result.comments_removed == Response.objects.filter(comment="").count() > 0
    assert result.opt_outs_kept_as_hash == 1 and result.sick_leaves_kept == 1
    erased.refresh_from_db()
    assert erased.external_id.startswith("erased-") and erased.email == ""
    assert SickLeave.objects.filter(employee=erased).count() == 1, "kept for the health figures"
    # The survey that was due goes out to no one; the link sent earlier no longer opens.
    assert surveys_dispatch_due().sent == 0 and mail.outbox == []
    assert client.get(f"/s/{OPEN_LINK}/").status_code == 404
    assert not SurveyInvitation.objects.filter(employee=erased).exists()
    # The audit trail knows that it happened, and nothing about whom.
    [event] = [e for e in audit_events if e["action"] == "answer.erase"]
    assert event["actor"] == users["admin"] and event["customer"] == customer
    assert ERASED_ID not in repr(event) and "@" not in repr(event["detail"]) and "MAIJA" not in repr(event)
    assert event["detail"]["free_texts_blanked"] == result.comments_removed and event["target"] == "employee"
    # The other people's data is untouched.
    assert Response.objects.filter(comment__startswith="comment of hr-1 ").exists()
    assert Employee.objects.filter(email="worker1@people.example", external_id="hr-1").exists()


def test_erasure_of_an_unknown_person_changes_nothing_and_a_second_run_finds_no_one(customer, people):
    before = database_text()
    with pytest.raises(privacy.PersonNotFound, match="No employee hr-nobody"):
        privacy.person_erase(customer=customer, external_id="hr-nobody")
    assert database_text() == before

    privacy.person_erase(customer=customer, email=ERASED_EMAIL.upper())
    after = database_text(exclude=("audit",))  # a second erasure is an event of its own
    with pytest.raises(privacy.PersonNotFound):
        privacy.person_erase(customer=customer, external_id=ERASED_ID)
    # The erased row itself may be erased again (the admin action twice): nothing more changes.
    result = privacy.employee_erase(employee=Employee.objects.get(external_id__startswith="erased-"))
    assert (result.invitations_anonymised, result.comments_removed, result.visits_deleted) == (0, 0, 0)
    assert _without_timestamps(database_text(exclude=("audit",))) == _without_timestamps(after)


def _without_timestamps(text: str) -> str:
    # updated_at of the employee row moves on a second save; nothing else may change.
    return re.sub(r'"updated_at": "[^"]*"', "", text)


def test_an_erased_person_who_opted_out_is_never_surveyed_again(users, api_as, customer, people, place):
    privacy.person_erase(customer=customer, external_id=ERASED_ID)
    assert not SurveyOptOut.objects.filter(email__isnull=False).exists(), "only the hash is kept"
    client = api_as(users["integration"])
    now = timezone.now().isoformat()

    def visit(n, patient):
        payload = visit_payload(customer, place["unit"], n=n, ended_at=now, patient=patient)
        response = client.post("/api/v1/visits/", payload, format="json")
        assert response.status_code == 201, response.json()
        return response.json()["survey"]

    # The same address and id again, the same address under a new id, the same id with a new address:
    for n, patient in enumerate(
        [
            {"external_id": ERASED_ID, "email": ERASED_EMAIL},
            {"external_id": "hr-new-id", "email": ERASED_EMAIL.lower()},
            {"external_id": ERASED_ID, "email": "maija.new@people.example"},
        ],
        start=9001,
    ):
        assert visit(n, patient) == {"status": "skipped", "scheduled_for": None, "skip_reason": "opted-out"}
    # Someone erased who had not opted out is simply a new person.
    privacy.person_erase(customer=customer, external_id="hr-2")
    survey_ = visit(9010, {"external_id": "hr-2", "email": "worker2@people.example"})
    assert survey_["status"] == "scheduled"


def test_an_old_key_still_recognises_an_erased_opt_out_and_is_replaced_by_the_new_one(settings, customer, people):
    privacy.person_erase(customer=customer, external_id=ERASED_ID)
    old_key = django_settings.PRIVACY_HASH_KEY or django_settings.SECRET_KEY
    settings.PRIVACY_HASH_KEY = "a-new-privacy-hash-key-0123456789abcdef"
    assert privacy.opted_out_addresses({ERASED_EMAIL.lower()}) == set(), "a changed key alone forgets"
    settings.PRIVACY_HASH_KEY_FALLBACKS = [old_key]
    assert privacy.opted_out_addresses({ERASED_EMAIL.lower()}) == {ERASED_EMAIL.lower()}
    settings.PRIVACY_HASH_KEY_FALLBACKS = []
    assert privacy.opted_out_addresses({ERASED_EMAIL.lower()}) == {ERASED_EMAIL.lower()}, "rewritten under the new key"


def test_the_hash_is_keyed_not_a_plain_digest(customer, people):
    import hashlib

    privacy.person_erase(customer=customer, external_id=ERASED_ID)
    stored = SurveyOptOut.objects.get().email_hash
    assert stored != hashlib.sha256(ERASED_EMAIL.lower().encode()).hexdigest()
    assert stored == privacy.address_hash(ERASED_EMAIL)


def test_erase_person_command(customer, people):
    out = io.StringIO()
    call_command("erase_person", customer.business_id, ERASED_ID, stdout=out)
    assert "Erased 1 employee(s)" in out.getvalue() and "1 opt-outs kept only as a hash" in out.getvalue()
    assert not Employee.objects.filter(external_id=ERASED_ID).exists()

    call_command("erase_person", customer.business_id, "--email", "WORKER3@people.example", stdout=out)
    assert not Employee.objects.filter(email="worker3@people.example").exists()
    for args, message in [
        ((customer.business_id, ERASED_ID), "No employee hr-77031"),
        (("0000000-0", "hr-1"), "Unknown customer 0000000-0"),
        ((customer.business_id,), "EXTERNAL_ID or --email"),
    ]:
        with pytest.raises(CommandError, match=message):
            call_command("erase_person", *args, stdout=out)


def test_admin_action_asks_first_and_erases_on_confirmation(client, users, customer, people):
    admin_user = users["admin"]
    admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    erased = people["erased"]
    changelist = reverse("admin:cooperation_employee_changelist")
    chosen = {"action": "erase_personal_data", "_selected_action": [erased.pk]}

    page = client.post(changelist, chosen, HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "erased for good" in page.content.decode() and ERASED_ID in page.content.decode()
    assert Employee.objects.filter(external_id=ERASED_ID).exists(), "nothing happens before the confirmation"

    done = client.post(changelist, chosen | {"confirmed": "yes"}, HTTP_ACCEPT_LANGUAGE="en", follow=True)
    assert done.status_code == 200 and "Erased the personal data of 1 employee" in done.content.decode()
    erased.refresh_from_db()
    assert erased.external_id.startswith("erased-") and erased.email == ""
    assert not Response.objects.filter(comment=ERASED_COMMENT).exists()


def test_admin_action_needs_the_right_to_delete_employees(client, users, customer, people):
    staff = users["account-manager"]
    staff.is_staff = True
    staff.save()
    client.force_login(staff)
    response = client.post(
        reverse("admin:cooperation_employee_changelist"),
        {"action": "erase_personal_data", "_selected_action": [people["erased"].pk], "confirmed": "yes"},
    )
    assert response.status_code == 403
    assert Employee.objects.filter(external_id=ERASED_ID).exists()


# --- Retention ---


def test_retention_anonymises_only_what_is_older_and_keeps_every_statistic(
    settings, users, api_as, customer, people, place, audit_events
):
    settings.SURVEY_RETENTION_MONTHS = 12
    cutoff = privacy.months_before(timezone.now(), 12)
    # Two people known only from visits (no employment dates): one seen last long ago.
    for external_id, months in (("walk-in-old", 15), ("walk-in-new", 3)):
        walk_in = EmployeeFactory(customer=customer, external_id=external_id, employed_from=None)
        Employee.objects.filter(pk=walk_in.pk).update(created_at=months_ago(16))
        survey(walk_in, place["unit"], months_ago(months), 9, comment="walk-in")
    old_answers = Response.objects.filter(answered_at__lt=cutoff)
    new_answers = Response.objects.filter(answered_at__gte=cutoff)
    assert old_answers.exclude(comment="").exists() and new_answers.exclude(comment="").exists()
    new_comments = dict(new_answers.values_list("pk", "comment"))
    new_invitations = list(
        SurveyInvitation.objects.filter(created_at__gte=cutoff)
        .order_by("pk")
        .values("pk", "email", "token_hash", "employee_id", "visit_id")
    )
    old_visits = Visit.objects.filter(ended_at__lt=cutoff).count()
    old_opt_out = opt_out_record(email="old.optout@people.example")
    SurveyOptOut.objects.filter(pk=old_opt_out.pk).update(created_at=cutoff - dt.timedelta(days=1))
    raw_before, rolled_before = statistics_both_ways(users, api_as, customer)

    result = privacy.survey_data_retain()

    assert statistics(users, api_as, customer) == rolled_before
    StatsRollupState.objects.update(live=False)
    assert statistics(users, api_as, customer) == raw_before
    assert result.visits_deleted == old_visits > 0 and result.comments_removed > 0
    assert not Response.objects.filter(answered_at__lt=cutoff).exclude(comment="").exists()
    old = SurveyInvitation.objects.filter(created_at__lt=cutoff)
    assert old.exists() and not old.exclude(email="").exists()
    assert not old.filter(token_hash__isnull=False).exists() and not old.filter(employee__isnull=False).exists()
    # Newer rows untouched.
    assert dict(Response.objects.filter(answered_at__gte=cutoff).values_list("pk", "comment")) == new_comments
    assert (
        list(
            SurveyInvitation.objects.filter(created_at__gte=cutoff)
            .order_by("pk")
            .values("pk", "email", "token_hash", "employee_id", "visit_id")
        )
        == new_invitations
    )
    assert SurveyOptOut.objects.get(pk=old_opt_out.pk).email is None
    assert result.patients_deleted == 1
    assert set(Employee.objects.filter(external_id__startswith="walk-in").values_list("external_id", flat=True)) == {
        "walk-in-new"
    }
    assert privacy.opted_out_addresses({"old.optout@people.example"}) == {"old.optout@people.example"}
    assert SurveyOptOut.objects.get(email=ERASED_EMAIL.lower()), "a recent opt-out keeps its address"
    [event] = [e for e in audit_events if e["action"] == "answer.erase"]
    assert event["target"] == "retention" and event["detail"]["free_texts_blanked"] == result.comments_removed
    # Idempotent: a second run finds nothing to do (and records nothing).
    assert privacy.survey_data_retain() == privacy.RetentionResult()
    assert len([e for e in audit_events if e["action"] == "answer.erase"]) == 1


def test_retention_zero_keeps_everything(settings, customer, people):
    settings.SURVEY_RETENTION_MONTHS = 0
    before = database_text()
    assert privacy.survey_data_retain() == privacy.RetentionResult()
    assert database_text() == before


def test_send_errors_expire_except_on_a_survey_still_being_retried(settings, customer, place):
    settings.SEND_ERROR_RETENTION_DAYS = 90
    person = EmployeeFactory(customer=customer, email="bounce@people.example")
    old = survey(person, place["unit"], timezone.now() - dt.timedelta(days=100), None)
    retrying = survey(person, place["unit"], timezone.now() - dt.timedelta(days=100), None)
    recent = survey(person, place["unit"], timezone.now() - dt.timedelta(days=10), None)
    for invitation in (old, retrying, recent):
        SurveyInvitation.objects.filter(pk=invitation.pk).update(
            status=InvitationStatus.FAILED, last_error="550 <bounce@people.example> unknown"
        )
        attempt = SendAttempt.objects.create(invitation=invitation, outcome="error", error="550 <bounce@…>")
        SendAttempt.objects.filter(pk=attempt.pk).update(started_at=invitation.scheduled_for)
    SurveyInvitation.objects.filter(pk=retrying.pk).update(status=InvitationStatus.SCHEDULED)

    assert privacy.send_errors_expire() == (2, 1)

    errors = dict(SurveyInvitation.objects.values_list("pk", "last_error"))
    assert errors[old.pk] == "" and errors[retrying.pk] and errors[recent.pk]
    assert list(SendAttempt.objects.exclude(error="").values_list("invitation", flat=True)) == [recent.pk]
    settings.SEND_ERROR_RETENTION_DAYS = 0
    SurveyInvitation.objects.filter(pk=recent.pk).update(created_at=timezone.now() - dt.timedelta(days=999))
    assert privacy.send_errors_expire() == (0, 0)


def test_signin_records_expire(settings, client, users):
    settings.SIGNIN_RECORD_RETENTION_DAYS = 90
    settings.AXES_FAILURE_LIMIT = 100
    for password in ("wrong", "wrong again"):
        client.post(reverse("login"), {"username": "manager@provider.example", "password": password})
    # From another address: a success resets the failures of its address.
    client.post(
        reverse("login"),
        {"username": "admin@provider.example", "password": "correct horse battery"},
        REMOTE_ADDR="192.0.2.7",
    )
    # Failure logs are off by default (AXES_ENABLE_ACCESS_FAILURE_LOG); rows as axes writes them.
    for _n in range(2):
        AccessFailureLog.objects.create(
            username="manager@provider.example", ip_address="127.0.0.1", user_agent="", http_accept="", path_info="/"
        )
    assert AccessAttempt.objects.count() == 1 and AccessLog.objects.count() == 1
    long_ago = timezone.now() - dt.timedelta(days=91)
    AccessAttempt.objects.update(attempt_time=long_ago)
    AccessLog.objects.update(attempt_time=long_ago)
    AccessFailureLog.objects.filter(pk=AccessFailureLog.objects.order_by("pk").first().pk).update(attempt_time=long_ago)

    assert signin_records_expire() == {"accessattempt": 1, "accesslog": 1, "accessfailurelog": 1}
    assert AccessFailureLog.objects.count() == 1, "the recent failure stays"
    settings.SIGNIN_RECORD_RETENTION_DAYS = 0
    AccessFailureLog.objects.update(attempt_time=long_ago)
    assert signin_records_expire() == {} and AccessFailureLog.objects.count() == 1


def test_retention_runs_daily_on_beat():
    schedule = django_settings.CELERY_BEAT_SCHEDULE
    assert schedule["retain-survey-data"]["task"] == "surveys.tasks.retain_survey_data"
    assert schedule["expire-signin-records"]["task"] == "portal.tasks.expire_signin_records"
    from portal.tasks import expire_signin_records
    from surveys.tasks import retain_survey_data

    assert set(retain_survey_data.apply().get()) >= {"comments_removed", "send_attempt_errors_removed"}
    assert expire_signin_records.apply().get() is not None


def test_a_deployment_without_its_own_hash_key_is_warned(settings):
    def warned() -> bool:
        found = checks.run_checks(include_deployment_checks=True, tags=[checks.Tags.security])
        return any(message.id == "surveys.W001" for message in found)

    settings.PRIVACY_HASH_KEY = ""
    assert warned()
    settings.PRIVACY_HASH_KEY = "a-long-random-key-kept-for-ever-0123456789"
    assert not warned()
