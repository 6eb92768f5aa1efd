"""The audit log: reads of a customer's data, changes of roles and permissions, and changes to
answers leave one row each; the admin shows them to administrators only and changes nothing;
retention removes only old rows."""

import datetime as dt
import json
import re

import pytest
from django.conf import settings as django_settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone, translation

from cooperation.audit import audit_record
from cooperation.economics.models import WorkHealthMatrix
from portal.accounts.models import User
from portal.audit import services
from portal.audit.models import AuditEvent
from portal.audit.routes import AUDITED_ROUTES, UNAUDITED_ROUTES
from portal.audit.tasks import expire_audit_events
from surveys.models import BindingTarget, Response
from surveys.services import feedback_case_open
from tests.cooperation import factories as f
from tests.surveys.factories import InvitationFactory, UnitFactory, VisitFactory
from tests.surveys.factories_stats import answer, answers

pytestmark = pytest.mark.django_db

COMMENT = "Dr Virtanen was rude to me about my back pain"


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def root(db):
    """An administrator as add_user makes one: staff and superuser."""
    return f.UserFactory(email="root@provider.example", role="admin", is_staff=True, is_superuser=True)


def events(**filters):
    return list(AuditEvent.objects.filter(**filters).order_by("pk"))


def audit_inserts(queries) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if "audit_auditevent" in q["sql"]]


# --- Reads of a customer's data ---------------------------------------------------------------


def test_a_decision_maker_reading_nps_and_the_indicators_page_is_recorded_with_the_company(
    users, api_as, client, customer
):
    answers([9] * 6, "2026-02-10T10:00Z", customer=customer, unit=UnitFactory())
    AuditEvent.objects.all()._expire()  # the users the fixtures made
    ceo = users["decision-maker"]

    with CaptureQueriesContext(connection) as queries:
        reply = api_as(ceo).get("/api/v1/nps/", {"start": "2026-01-01", "end": "2026-09-30", "by": "quarter"})
    assert reply.status_code == 200
    assert len(audit_inserts(queries)) == 1, "one INSERT, the customer resolved inside it"
    assert audit_inserts(queries)[0].lstrip().upper().startswith("INSERT")

    client.force_login(ceo)
    assert client.get("/reports/indicators/", {"year": 2026}).status_code == 200

    api_event, page_event = events()
    for event in (api_event, page_event):
        assert (event.actor, event.actor_email, event.actor_role) == (ceo, ceo.email, "decision-maker")
        assert (event.action, event.customer, event.customer_business_id) == (
            "statistics.view",
            customer,
            customer.business_id,
        )
        assert event.client_address == "127.0.0.1"
    assert (api_event.target, page_event.target) == ("nps", "indicators")
    assert api_event.detail == {
        "path": "/api/v1/nps/",
        "query": {"start": ["2026-01-01"], "end": ["2026-09-30"], "by": ["quarter"]},
    }
    assert page_event.detail["query"] == {"year": ["2026"]}


def test_reads_that_fail_or_touch_no_customer_data_leave_nothing_and_cost_no_query(users, api_as, client, customer):
    AuditEvent.objects.all()._expire()
    with CaptureQueriesContext(connection) as queries:
        assert api_as(users["admin"]).get("/api/v1/units/").status_code == 200
        assert client.get("/api/v1/nps/").status_code in (401, 403)  # anonymous
        assert api_as(users["integration"]).get("/api/v1/nps/").status_code == 403
        assert api_as(users["decision-maker"]).get("/api/v1/nps/", {"customer": "0000000-0"}).status_code == 404
    assert audit_inserts(queries) == []
    assert AuditEvent.objects.count() == 0


def test_an_account_managers_csv_export_of_a_binding_target_report_is_recorded(users, client, customer):
    unit = UnitFactory()
    answers([10] * 5 + [3] * 2, "2026-02-10T10:00Z", customer=customer, unit=unit)
    target = BindingTarget.objects.create(year=2026, scope="customer", customer=customer, target=60)
    manager = users["account-manager"]
    client.force_login(manager)

    export = client.get(f"/reports/binding-targets/{target.pk}/csv/")

    assert export.status_code == 200 and export["Content-Type"].startswith("text/csv")
    (event,) = events(action="report.export")
    assert (event.actor, event.actor_role, event.customer, event.customer_business_id, event.target) == (
        manager,
        "account-manager",
        customer,
        customer.business_id,
        "binding-target-csv",
    )
    assert event.detail["path"] == f"/reports/binding-targets/{target.pk}/csv/"


def test_the_client_address_is_the_one_the_trusted_proxies_vouch_for(users, api_as, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    api = api_as(users["admin"])
    api.get("/api/v1/nps/", HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7", REMOTE_ADDR="10.0.0.2")
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    api.get("/api/v1/nps/", HTTP_X_FORWARDED_FOR="203.0.113.9", REMOTE_ADDR="10.0.0.2")

    behind_proxy, direct = events(action="statistics.view")
    assert behind_proxy.client_address == "198.51.100.7"  # what our one proxy saw, not a made-up hop
    assert direct.client_address == "10.0.0.2"  # no proxy trusted: X-Forwarded-For is ignored


def test_personal_query_parameters_are_kept_by_name_only(users, api_as, customer):
    employee = f.EmployeeFactory(customer=customer, external_id="p-77")
    api = api_as(users["admin"])
    reply = api.get("/api/v1/employees/", {"customer": customer.business_id, "external_id": "p-77"})
    assert reply.status_code == 200 and reply.json()["count"] == 1
    api.get("/api/v1/sick-leaves/", {"employee": "p-77", "email": employee.email, "token": "abc"})

    employees, sick_leaves = events(action="api.list")
    assert employees.customer == customer
    assert employees.detail["query"] == {"customer": [customer.business_id], "external_id": "…"}
    assert sick_leaves.detail["query"] == {"employee": "…"}  # email and token not even by name
    assert "p-77" not in json.dumps(employees.detail) + json.dumps(sick_leaves.detail)


def _objects(customer):
    """One of each object an audited route names, all of ``customer``."""
    agreement = f.AgreementFactory(customer=customer)
    goal = f.GoalFactory(agreement=agreement)
    employee = f.EmployeeFactory(customer=customer)
    return {
        "business_id": customer.business_id,
        "agreement": agreement.pk,
        "step": "orientation",
        "goal": goal.pk,
        "measurement": f.MeasurementFactory(goal=goal).pk,
        "employee": employee.pk,
        "sick-leave": f.SickLeaveFactory(employee=employee).pk,
        "contact": f.ContactFactory(customer=customer).pk,
        "meeting": f.MeetingFactory(customer=customer).pk,
        "visit": VisitFactory(customer=customer, external_id="v-audit").external_id,
        "target": BindingTarget.objects.create(year=2026, scope="customer", customer=customer, target=60).pk,
        "response": answer(9, "2026-02-10T10:00Z", customer=customer, comment=COMMENT).pk,
        "feedback-case": feedback_case_open(
            response=answer(3, "2026-02-11T10:00Z", customer=customer, comment=COMMENT)
        ).pk,
        "matrix": WorkHealthMatrix.objects.create(customer=customer, name="Matrix", year=2026).pk,
        "year": timezone.localdate().year,
    }


#: How to reach each audited route for ``customer`` (reverse() arguments from _objects).
ROUTE_ARGS = {
    "goal-indicator": ["goal"],
    "measurement-detail": ["measurement"],
    "cooperation:agreement-detail": ["agreement"],
    "cooperation:agreement-step": ["agreement", "step"],
    "cooperation:meeting-pack": ["meeting"],
    "customer-health": ["business_id"],
    "customer-health-series": ["business_id"],
    "admin:surveys_response_change": ["response"],
    "binding-target-report": ["target"],
    "binding-target-csv": ["target"],
    "cooperation:customer-detail": ["business_id"],
    "customer-detail": ["business_id"],
    "employee-detail": ["employee"],
    "sick-leave-detail": ["sick-leave"],
    "contact-detail": ["contact"],
    "visit-detail": ["visit"],
    "feedback-case-detail": ["feedback-case"],
    "feedback-case-page": ["feedback-case"],
    "cooperation:matrix-list": ["business_id"],
    "cooperation:economic-impact": ["business_id"],
    "annual-report": ["business_id", "year"],
    "annual-report-pdf": ["business_id", "year"],
    "cooperation:matrix-detail": ["matrix"],
    "customer-matrices": ["business_id"],
    "questionnaire-customer": ["business_id"],
    "matrix-detail": ["matrix"],
}
#: Lists answer for the customer given as a parameter; visits are only ever posted; the
#: dashboard is the customer's own people's page (tested on its own below).
GET_NOT_ALLOWED = {"visit-list", "dashboard"}


@pytest.mark.parametrize("name", sorted(set(AUDITED_ROUTES) - GET_NOT_ALLOWED))
def test_every_audited_route_records_whose_data_was_read(root, client, customer, name):
    objects = _objects(customer)
    AuditEvent.objects.all()._expire()
    client.force_login(root)
    url = reverse(name, args=[objects[key] for key in ROUTE_ARGS.get(name, [])])
    reply = client.get(url, {"customer": customer.business_id} if name not in ROUTE_ARGS else {})
    assert reply.status_code == 200, reply.content[:300]

    (event,) = events()
    assert (event.action, event.target, event.actor) == (AUDITED_ROUTES[name].action, name, root)
    # Pages across all customers, no filter of one:
    if name not in ("quality-comments", "quality-units", "quality-practitioners", "home", "questionnaire-portfolio"):
        assert (event.customer, event.customer_business_id) == (customer, customer.business_id)
    assert COMMENT not in json.dumps(event.detail)


def test_a_decision_makers_dashboard_records_their_own_company(client, users, customer):
    AuditEvent.objects.all()._expire()
    client.force_login(users["decision-maker"])
    assert client.get(reverse("dashboard")).status_code == 200
    (event,) = events()
    assert (event.action, event.target, event.actor) == (
        AUDITED_ROUTES["dashboard"].action,
        "dashboard",
        users["decision-maker"],
    )
    assert event.customer == customer


def test_the_audit_table_names_every_route_of_the_urlconf():
    """A new page or endpoint fails here until it is put in AUDITED_ROUTES or, with its reason,
    in UNAUDITED_ROUTES (portal/audit/routes.py)."""

    def names(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from names(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield f"{namespace}{pattern.name}"

    routes = set(names(get_resolver().url_patterns))
    admin_routes = {name for name in routes if name.startswith("admin:")}
    assert set(AUDITED_ROUTES) & set(UNAUDITED_ROUTES) == set()
    assert routes - admin_routes - set(AUDITED_ROUTES) - UNAUDITED_ROUTES == set(), "unclassified routes"
    assert set(AUDITED_ROUTES) | UNAUDITED_ROUTES <= routes, "the table names routes that are gone"


# --- Roles and permissions --------------------------------------------------------------------


def test_add_user_records_the_new_user_and_each_role_change_without_an_actor(customer):
    call_command("add_user", "ceo@customer.example", "--role", "decision-maker", "--customer", customer.business_id)
    call_command("add_user", "ceo@customer.example", "--role", "admin", "--password", "a-long-pass-phrase")
    user = User.objects.get(email="ceo@customer.example")

    created, role_change, permission_change = events(target__contains="ceo@customer.example")
    assert (created.action, created.customer, created.actor, created.detail["via"]) == (
        "user.create",
        customer,
        None,
        "add_user",
    )
    assert created.detail["role"] == "decision-maker"
    assert role_change.action == "user.role_change" and role_change.actor is None
    assert role_change.detail == {
        "via": "add_user",
        "role": ["decision-maker", "admin"],
        "customer_id": [customer.pk, None],
    }
    assert permission_change.action == "user.permission_change"
    assert permission_change.detail == {"via": "add_user", "is_staff": [False, True], "is_superuser": [False, True]}
    assert user.is_superuser
    assert "password" not in json.dumps([created.detail, role_change.detail, permission_change.detail])


def test_a_role_and_group_change_in_the_admin_is_recorded_with_the_administrator(root, client, customer):
    from django.contrib.auth.models import Group

    auditors = Group.objects.create(name="Auditors")
    person = f.UserFactory(email="person@provider.example", role="quality")
    client.force_login(root)
    form = {
        "email": person.email,
        "full_name": "Person",
        "language": "fi",
        "role": "supervisor",
        "customer": customer.pk,
        "is_active": "on",
        "groups": [auditors.pk],
        "date_joined_0": "2026-01-01",
        "date_joined_1": "10:00:00",
    }
    reply = client.post(reverse("admin:accounts_user_change", args=[person.pk]), form, REMOTE_ADDR="192.0.2.10")
    assert reply.status_code == 302, reply.content.decode()[:2000]

    role_change, group_change = events(target__contains=person.email, actor__isnull=False)
    assert (role_change.action, role_change.actor, role_change.actor_email, role_change.actor_role) == (
        "user.role_change",
        root,
        root.email,
        "admin",
    )
    assert role_change.detail == {"role": ["quality", "supervisor"], "customer_id": [None, customer.pk]}
    assert (role_change.customer, role_change.client_address) == (customer, "192.0.2.10")
    assert group_change.action == "user.permission_change"
    assert group_change.detail == {"groups": {"add": [auditors.pk]}}


def test_a_user_added_in_the_admin_and_permissions_cleared_by_code_are_recorded(root, client, customer):
    from django.contrib.auth.models import Permission

    client.force_login(root)
    form = {
        "email": "new@customer.example",
        "role": "decision-maker",
        "customer": customer.pk,
        "password1": "a-long-pass-phrase-2026",
        "password2": "a-long-pass-phrase-2026",
    }
    assert client.post(reverse("admin:accounts_user_add"), form).status_code == 302
    user = User.objects.get(email="new@customer.example")
    permission = Permission.objects.get(codename="view_response")
    user.user_permissions.add(permission)
    user.user_permissions.clear()

    created, added, cleared = events(target__contains="new@customer.example")
    assert (created.action, created.actor, created.customer, created.detail["role"]) == (
        "user.create",
        root,
        customer,
        "decision-maker",
    )
    assert (added.action, added.actor, added.detail) == (
        "user.permission_change",
        None,  # by code, outside any request
        {"user_permissions": {"add": [permission.pk]}},
    )
    assert cleared.detail == {"user_permissions": {"clear": [permission.pk]}}


def test_the_portfolio_dashboard_is_recorded_for_the_roles_that_see_a_portfolio_only(users, client):
    for role, status in (("account-manager", 200), ("quality", 302), ("integration", 200)):
        client.force_login(users[role])
        assert client.get("/").status_code == status
    assert [(e.actor_role, e.target) for e in events(action="customer.list")] == [("account-manager", "home")]


def test_signing_in_costs_no_audit_query(client):
    f.UserFactory(email="someone@provider.example")
    with CaptureQueriesContext(connection) as queries:
        reply = client.post(
            reverse("login"), {"username": "someone@provider.example", "password": "correct horse battery"}
        )
    assert reply.status_code == 302
    assert audit_inserts(queries) == []


# --- Answers ----------------------------------------------------------------------------------


def test_a_changed_or_deleted_answer_is_recorded_without_its_words(customer):
    response = answer(2, "2026-02-10T10:00Z", customer=customer, comment=COMMENT)
    assert events(action__startswith="answer.") == [], "answering is not a change"

    response.comment = "edited by code, as the admin cannot"
    response.save()
    response.save()  # saved again as it is: no change
    Response.objects.get(pk=response.pk).delete()

    change, delete = events(action__startswith="answer.")
    assert (change.action, change.customer, change.target, change.detail) == (
        "answer.change",
        customer,
        f"response {response.pk}",
        {"changed": ["comment"]},
    )
    assert (delete.action, delete.customer_business_id) == ("answer.delete", customer.business_id)
    stored = json.dumps([[e.target, e.detail] for e in AuditEvent.objects.all()])
    assert "rude" not in stored and "edited" not in stored


def test_deleting_a_customer_keeps_the_trail_of_its_answers_by_business_id(customer):
    answer(9, "2026-02-10T10:00Z", customer=customer)
    business_id = customer.business_id
    customer.delete()

    (deleted,) = events(action="answer.delete")
    assert (deleted.customer, deleted.customer_business_id) == (None, business_id)


def test_anonymous_survey_answering_creates_no_audit_row(client):
    invitation = InvitationFactory()
    call_command("dispatch_due_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115
    from django.core import mail

    path = re.search(r"https?://[^/\s]+(/s/[A-Za-z0-9_-]+/)", mail.outbox[0].body).group(1)
    AuditEvent.objects.all()._expire()

    assert client.get(path).status_code == 200
    client.post(path, {"score": 9, "coping": "partly", "comment": COMMENT}, follow=True)

    assert Response.objects.get().comment == COMMENT
    assert AuditEvent.objects.count() == 0
    assert invitation.email  # the address never reaches the log: there is no row at all


def test_events_other_apps_send_are_stored_as_given_but_without_personal_data(customer):
    audit_record(
        sender=None,
        actor=None,
        action="answer.erase",
        customer=customer,
        target="employee 12",
        detail={"responses": 3, "email": "x@example.com", "note": "asked by someone@example.com"},
    )
    audit_record(sender=None, actor=None, action="person.lookup", customer=None, target="t")
    AuditEvent.objects.filter(action="user.create")._expire()  # the fixtures' users

    erase, unknown = events()
    assert (erase.action, erase.customer, erase.detail) == (
        "answer.erase",
        customer,
        {"responses": 3, "note": "asked by [email]"},
    )
    with translation.override("en"):
        assert erase.get_action_display() == "Answers erased or anonymised"
    assert unknown.action == "person.lookup"


# --- The admin: administrators read; nobody changes -------------------------------------------


def test_administrators_read_the_log_in_the_admin_filtered_and_searched(root, users, client, api_as, customer):
    api_as(users["decision-maker"]).get("/api/v1/nps/")
    api_as(users["account-manager"]).get("/api/v1/customers/")
    changelist = reverse("admin:audit_auditevent_changelist")

    for admin_user in (root, users["admin"]):  # a superuser, and the admin role as plain staff
        client.force_login(admin_user)
        page = client.get(changelist, {"action": "statistics.view", "actor_role": "decision-maker"})
        assert page.status_code == 200
        assert "ceo@customer.example" in page.content.decode()
        assert "manager@provider.example" not in page.content.decode()
    assert client.get(changelist, {"customer__id__exact": customer.pk}).status_code == 200
    found = client.get(changelist, {"q": customer.business_id}).content.decode()
    assert "ceo@customer.example" in found
    assert client.get(changelist, {"occurred_at__year": timezone.now().year}).status_code == 200


@pytest.mark.parametrize("role", ["account-manager", "decision-maker", "quality"])
def test_other_roles_never_see_the_log(users, client, role):
    user = users[role]
    changelist = reverse("admin:audit_auditevent_changelist")
    client.force_login(user)
    assert client.get(changelist).status_code == 302  # the admin's sign-in: not staff
    User.objects.filter(pk=user.pk).update(is_staff=True)  # staff by mistake: still no
    assert client.get(changelist).status_code == 403


def test_nobody_adds_changes_or_deletes_audit_events_or_answers_in_the_admin(root, client, customer):
    response = answer(2, "2026-02-10T10:00Z", customer=customer, comment=COMMENT)
    event = AuditEvent.objects.latest("pk")
    client.force_login(root)

    for model, pk in (("audit_auditevent", event.pk), ("surveys_response", response.pk)):
        change_url = reverse(f"admin:{model}_change", args=[pk])
        page = client.get(change_url)
        assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
        assert client.post(change_url, {"comment": "changed", "target": "changed"}).status_code == 403
        assert client.get(reverse(f"admin:{model}_add")).status_code == 403
        assert client.post(reverse(f"admin:{model}_delete", args=[pk]), {"post": "yes"}).status_code == 403
        changelist = reverse(f"admin:{model}_changelist")
        bulk = client.post(changelist, {"action": "delete_selected", "_selected_action": [pk], "post": "yes"})
        assert bulk.status_code in (200, 302)
    assert Response.objects.get().comment == COMMENT
    assert AuditEvent.objects.filter(pk=event.pk, target=event.target).exists()
    assert AuditEvent.objects.filter(action="comments.view", customer=customer).exists(), "the answer was read"


def test_the_code_cannot_change_or_delete_events_either(customer):
    audit_record(sender=None, actor=None, action="statistics.view", customer=customer)
    event = AuditEvent.objects.get(action="statistics.view")
    event.target = "changed"
    with pytest.raises(TypeError):
        event.save()
    with pytest.raises(TypeError):
        event.delete()
    with pytest.raises(TypeError):
        AuditEvent.objects.update(target="changed")
    with pytest.raises(TypeError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.get(pk=event.pk).target == ""


def test_deleting_an_actor_keeps_their_events_by_email(users, api_as):
    manager = users["account-manager"]
    api_as(manager).get("/api/v1/customers/")
    manager.portfolio.update(account_manager=None)
    manager.delete()
    (event,) = events(action="api.list")
    assert (event.actor, event.actor_email, event.actor_role) == (None, "manager@provider.example", "account-manager")


# --- Retention --------------------------------------------------------------------------------


def test_retention_deletes_only_events_older_than_the_retention_in_batches(settings, monkeypatch, customer):
    settings.AUDIT_RETENTION_DAYS = 30
    monkeypatch.setattr(services, "EXPIRE_BATCH_SIZE", 2)
    now = timezone.now()
    AuditEvent.objects.all()._expire()
    for days in (400, 31, 31, 29.9, 1):
        AuditEvent(action="statistics.view", occurred_at=now - dt.timedelta(days=days)).save()

    assert services.audit_events_expire(now=now) == 3
    kept = sorted(round((now - e.occurred_at) / dt.timedelta(days=1), 1) for e in AuditEvent.objects.all())
    assert kept == [1.0, 29.9]
    assert services.audit_events_expire(now=now) == 0


def test_the_daily_task_expires_with_the_configured_retention(settings):
    settings.AUDIT_RETENTION_DAYS = 10
    AuditEvent(action="report.view", occurred_at=timezone.now() - dt.timedelta(days=11)).save()
    AuditEvent(action="report.view", occurred_at=timezone.now() - dt.timedelta(days=9)).save()
    assert expire_audit_events.apply().get() == 1
    assert AuditEvent.objects.count() == 1
    schedule = django_settings.CELERY_BEAT_SCHEDULE["expire-audit-events"]
    assert schedule["task"] == expire_audit_events.name


def test_operations_can_expire_now(settings, capsys):
    settings.AUDIT_RETENTION_DAYS = 10
    AuditEvent(action="report.view", occurred_at=timezone.now() - dt.timedelta(days=11)).save()
    call_command("expire_audit_events")
    assert "Expired 1 audit events." in capsys.readouterr().out
    assert not AuditEvent.objects.filter(action="report.view").exists()
