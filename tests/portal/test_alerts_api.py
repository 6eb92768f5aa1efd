"""GET /api/v1/alerts/ and POST /api/v1/alerts/<id>/acknowledge/ (API.md "Feedback cases and
account alerts"): shapes, filters, bad input, and the schema's nullable fields."""

import datetime as dt

import pytest
from django.utils import timezone

from portal.alerts.models import Alert, AlertKind

pytestmark = pytest.mark.django_db


def make(customer, subject="goal:1", **fields):
    return Alert.objects.create(
        customer=customer,
        kind=AlertKind.GOAL_OFF_TRACK,
        subject=subject,
        params={"goal": 1, "agreement": 1, "label": "Sick-leave days"},
        raised_at=fields.pop("raised_at", timezone.now()),
        **fields,
    )


def test_the_list_has_the_contract_shape_and_filters_by_customer_and_open(api_as, manager, customer, users):
    open_alert = make(customer)
    closed = make(customer, "goal:2", raised_at=timezone.now() - dt.timedelta(days=2), cleared_at=timezone.now())
    api = api_as(manager)

    body = api.get("/api/v1/alerts/").json()
    assert [row["id"] for row in body["results"]] == [open_alert.pk, closed.pk]
    row = body["results"][0]
    assert set(row) == {"id", "customer", "kind", "reason", "raised_at", "acknowledged_at", "cleared_at"}
    assert row["customer"] == customer.business_id
    assert row["kind"] == "goal-off-track"
    assert row["reason"] == "Goal off its track to target: Sick-leave days."
    assert row["acknowledged_at"] is None and row["cleared_at"] is None

    assert [r["id"] for r in api.get("/api/v1/alerts/?open=true").json()["results"]] == [open_alert.pk]
    assert [r["id"] for r in api.get("/api/v1/alerts/?open=false").json()["results"]] == [closed.pk]
    assert api.get("/api/v1/alerts/?customer=0000000-0").json()["results"] == []
    assert api.get("/api/v1/alerts/?open=perhaps").status_code == 400


def test_acknowledge_records_the_note_and_refuses_bad_input(api_as, manager, customer):
    alert = make(customer)
    api = api_as(manager)
    for body in ({}, {"note": ""}, {"note": "   "}, {"note": "x" * 2001}, {"note": ["a"]}):
        response = api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", body, format="json")
        assert response.status_code == 400, body
    alert.refresh_from_db()
    assert alert.acknowledged_at is None

    response = api.post(f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "Called the HR manager."}, format="json")
    assert response.status_code == 200
    assert response.json()["acknowledged_at"] is not None
    alert.refresh_from_db()
    assert (alert.note, alert.acknowledged_by) == ("Called the HR manager.", manager)

    closed = make(customer, "goal:3", cleared_at=timezone.now())
    response = api.post(f"/api/v1/alerts/{closed.pk}/acknowledge/", {"note": "Late"}, format="json")
    assert response.status_code == 400
    assert "already closed" in str(response.json())
    assert api.post("/api/v1/alerts/99999999999/acknowledge/", {"note": "x"}, format="json").status_code == 404


def test_another_portfolios_alert_is_not_found_and_other_roles_are_refused(api_as, users, other_customer):
    alert = make(other_customer)
    response = api_as(users["account-manager"]).post(
        f"/api/v1/alerts/{alert.pk}/acknowledge/", {"note": "Mine"}, format="json"
    )
    assert response.status_code == 404
    for role in ("decision-maker", "supervisor", "quality", "integration"):
        assert api_as(users[role]).get("/api/v1/alerts/").status_code == 403
    assert Alert.objects.get(pk=alert.pk).acknowledged_at is None


def test_the_schema_documents_the_endpoints_with_nullable_fields(client):
    schema = client.get("/api/schema/?format=json").json()
    assert "/api/v1/alerts/" in schema["paths"]
    assert "/api/v1/alerts/{id}/acknowledge/" in schema["paths"]
    alert = schema["components"]["schemas"]["Alert"]["properties"]
    assert alert["acknowledged_at"].get("nullable") is True
    assert alert["cleared_at"].get("nullable") is True
    assert "nullable" not in alert["raised_at"]
