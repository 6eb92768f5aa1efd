"""Dates at the ends of the calendar get a clear 400, not a server error."""

import pytest

from tests.surveys.factories import UnitFactory, visit_payload

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/customers/{bid}/health/?months=12&end=9999-12-31",
        "/api/v1/customers/{bid}/health/?months=12&end=0001-01-01",
        "/api/v1/customers/{bid}/health/series/?months=6&end=9999-12-31",
        "/api/v1/nps/?end=9999-12-31",
        "/api/v1/nps/?start=0001-01-01&end=0001-12-31&by=year",
        "/api/v1/coping/?end=9999-12-31",
        "/api/v1/comments/?end=9999-12-31",
    ],
)
def test_a_date_outside_the_supported_span_is_refused(users, api_as, customer, path):
    answer = api_as(users["admin"]).get(path.format(bid=customer.business_id))
    assert answer.status_code == 400, answer.content
    assert "between 1900-01-01 and 2999-12-31" in str(answer.json())


def test_a_visit_ending_in_the_far_future_is_refused_and_nothing_is_stored(users, api_as, customer):
    from surveys.models import Visit

    payload = visit_payload(customer, UnitFactory(), ended_at="9999-12-25T00:00:00+00:00")
    answer = api_as(users["integration"]).post("/api/v1/visits/", payload, format="json")
    assert answer.status_code == 400
    assert "ended_at" in answer.json()
    assert not Visit.objects.exists()
