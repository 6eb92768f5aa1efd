"""The cooperation models in Django admin: every page opens, and a list costs the same number of
queries whatever its length (no query per row)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from cooperation import models, services
from tests.cooperation import factories as f

ADMINS = [
    models.CorporateCustomer,
    models.Contact,
    models.Employee,
    models.SickLeave,
    models.ResponsibilityAgreement,
    models.PhaseTransition,
    models.Goal,
    models.GoalChange,
    models.Measurement,
    models.SteeringGroupMeeting,
    models.ActionItem,
]


def make_rows(staff) -> None:
    """One of everything, with history."""
    agreement = f.AgreementFactory(customer_responsibility_goals="Goals")
    services.agreement_advance(agreement=agreement, to_phase="identification", by=staff)
    goal = f.GoalFactory(agreement=agreement)
    services.goal_update(goal=goal, by=staff, target=99)
    f.MeasurementFactory(goal=goal)
    f.ContactFactory(customer=agreement.customer)
    f.SickLeaveFactory(employee=f.EmployeeFactory(customer=agreement.customer))
    f.ActionItemFactory(meeting=f.MeetingFactory(customer=agreement.customer, agreement=agreement))


@pytest.fixture
def staff_client(client, db):
    staff = f.UserFactory(email="root@provider.example", role="admin", is_staff=True, is_superuser=True)
    client.force_login(staff)
    return client, staff


def url(model, view: str, *args) -> str:
    return reverse(f"admin:cooperation_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", ADMINS, ids=lambda m: m.__name__)
def test_every_page_opens_and_lists_cost_no_query_per_row(staff_client, model):
    client, staff = staff_client
    make_rows(staff)
    with CaptureQueriesContext(connection) as one_row:
        assert client.get(url(model, "changelist")).status_code == 200
    for _ in range(3):
        make_rows(staff)
    with CaptureQueriesContext(connection) as four_rows:
        assert client.get(url(model, "changelist")).status_code == 200
    assert len(four_rows) == len(one_row), [q["sql"] for q in four_rows.captured_queries]
    obj = model.objects.first()
    assert client.get(url(model, "change", obj.pk)).status_code == 200


def test_history_is_read_only_in_admin(staff_client):
    client, staff = staff_client
    make_rows(staff)
    transition = models.PhaseTransition.objects.get()
    response = client.post(url(models.PhaseTransition, "change", transition.pk), {"note": "rewritten"})
    assert response.status_code == 403
    assert client.get(url(models.GoalChange, "add")).status_code == 403
