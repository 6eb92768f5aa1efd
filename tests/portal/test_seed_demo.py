import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command

from cooperation.access import Role
from cooperation.industries import TOL_2008_SECTIONS
from cooperation.models import PHASE_ORDER, CorporateCustomer, ResponsibilityAgreement
from portal.accounts.models import User
from portal.demo import seed_demo
from surveys.models import Service, Unit

ROOT = Path(__file__).resolve().parents[2]


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


@pytest.mark.django_db
def test_the_demo_holds_together(client):
    """Rosters match headcounts, every demo login lands on a page with something on it, and
    the master data is named in the three languages."""
    logins = seed_demo()

    for customer in CorporateCustomer.objects.all():
        employed_today = customer.employees.filter(employed_until__isnull=True).count()
        assert employed_today == customer.headcount, customer.name
        assert customer.industry in TOL_2008_SECTIONS, customer.name
    assert CorporateCustomer.objects.get(name="Pohjolan Konepaja Oy").segment == "large"

    for model in (Unit, Service):
        for row in model.objects.all():
            assert row.name and row.name_fi and row.name_sv, row

    assert {login.role for login in logins} == set(Role.values)
    for login in logins:
        client.force_login(User.objects.get(email=login.email))
        first = client.get("/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
        html = first.content.decode()
        assert first.status_code == 200, login.role
        assert "empty-state" not in html, f"{login.role} lands on an empty page"
        expected = {
            "admin": "Turun Telakkapalvelu Oy",
            "account-manager": "Oy",
            "decision-maker": "Pohjolan Konepaja Oy",
            "supervisor": "Pohjolan Konepaja Oy",
            "quality": "/reports/comments/",
            "integration": "/api/docs/",
        }[login.role]
        assert expected in html, login.role
    client.force_login(User.objects.get(email="quality@demo.example"))
    comments = client.get("/reports/comments/", HTTP_ACCEPT_LANGUAGE="sv").content.decode()
    assert "Kampens företagshälsostation" in comments or "Tammerfors företagshälsostation" in comments


def test_make_demo_seeds_fast_enough_on_sqlite(tmp_path):
    """`make demo` on a fresh machine: migrate and seed_demo on SQLite, no DATABASE_URL."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(DEBUG="1", PORTAL_VAR_DIR=str(tmp_path))
    started = time.monotonic()
    for command in (["migrate", "--noinput"], ["seed_demo"]):
        done = subprocess.run(
            [sys.executable, "manage.py", *command], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stderr
    elapsed = time.monotonic() - started
    # About 10 s on an idle laptop core; a generous bound for a loaded CI machine.
    assert elapsed < 120, f"migrate + seed_demo took {elapsed:.0f} s"
