"""Every list of the cooperation API costs the same number of queries however many rows it
holds: related rows are loaded with the list, never one query per row."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.cooperation.factories import CustomerFactory
from tests.test_permission_matrix import build_side

LISTS = [
    "customers",
    "contacts",
    "employees",
    "sick-leaves",
    "agreements",
    "goals",
    "measurements",
    "meetings",
    "action-items",
]


@pytest.mark.parametrize("endpoint", LISTS)
def test_a_list_costs_no_query_per_row(endpoint, api_as, users):
    client = api_as(users["admin"])
    url = f"/api/v1/{endpoint}/"
    build_side(CustomerFactory())
    client.get(url)  # the first request loads the token and warms caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(url).json()["count"] >= 1
    for _ in range(3):
        build_side(CustomerFactory())
    with CaptureQueriesContext(connection) as four:
        assert client.get(url).json()["count"] >= 4
    assert len(four) == len(one), [q["sql"] for q in four.captured_queries]
