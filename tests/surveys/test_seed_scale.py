"""seed_scale at a tiny scale: the shape of the national dataset, and statistics that answer on it."""

import pytest
from django.core.management import CommandError, call_command

from cooperation.models import CorporateCustomer, Employee, SickLeave
from surveys.models import Response, SurveyInvitation, Visit

pytestmark = pytest.mark.django_db


def test_seed_scale_builds_a_proportional_dataset(users, api_as):
    call_command("seed_scale", scale=0.001, seed=7)

    visits = Visit.objects.count()
    assert CorporateCustomer.objects.filter(name__startswith="Scale ").count() == 14
    assert 380 <= Employee.objects.count() <= 420
    assert visits == 2000 and SurveyInvitation.objects.count() == 2000
    assert 0.25 <= Response.objects.count() / visits <= 0.45  # about 35 % answered
    assert SickLeave.objects.exists()

    call_command("rebuild_stats_rollups")
    total = api_as(users["admin"]).get("/api/v1/nps/", {"by": "quarter"}).json()["total"]
    assert total["n"] == Response.objects.count()
    assert 40 <= total["nps"] <= 85  # care units near 70, emergency near 50

    with pytest.raises(CommandError, match="already holds"):
        call_command("seed_scale", scale=0.001)
