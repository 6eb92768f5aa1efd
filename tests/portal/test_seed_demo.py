import pytest
from django.apps import apps
from django.core.management import call_command

from cooperation.models import PHASE_ORDER, ResponsibilityAgreement


def row_counts() -> dict[str, int]:
    return {
        m._meta.label: m.objects.count()
        for m in apps.get_models()
        if m._meta.app_label in {"accounts", "cooperation", "surveys", "authtoken"}
    }


@pytest.mark.django_db
def test_seed_demo_prints_working_logins_and_a_second_run_duplicates_nothing(client, capsys):
    call_command("seed_demo")
    out = capsys.readouterr().out
    assert "anna.manager@demo.example" in out and "ceo@pohjolan-konepaja.example" in out
    first = row_counts()
    assert first["cooperation.CorporateCustomer"] == 12
    assert {a.phase for a in ResponsibilityAgreement.objects.all()} == set(PHASE_ORDER), "agreements in every phase"
    assert first["surveys.ServiceContact"] > 1000, "chats and phone calls for the response-delay page"

    call_command("seed_demo")
    assert row_counts() == first

    password = out.split("password for all: ")[1].split(")")[0]
    response = client.post("/accounts/login/", {"username": "ceo@pohjolan-konepaja.example", "password": password})
    assert response.status_code == 302, "the printed login works"
