"""Units and services are named in Finnish, Swedish and English: in the API, the admin, the
survey email and page in the patient's language; English where a translation is missing."""

import email
import email.policy
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.test import Client
from django.utils import translation

from surveys.emails import InvitationRenderer
from surveys.models import Service, Unit
from tests.surveys.factories import InvitationFactory, UnitFactory

pytestmark = pytest.mark.django_db

KAMPPI = {
    "name": "Kamppi occupational health clinic",
    "name_fi": "Kampin työterveysasema",
    "name_sv": "Kampens företagshälsostation",
}


def dispatch() -> None:
    call_command("dispatch_due_surveys", stdout=open("/dev/null", "w"))  # noqa: SIM115


def parsed(raw: bytes):
    """The message as a mail program reads it: headers decoded (RFC 2047)."""
    return email.message_from_bytes(raw, policy=email.policy.default)


@pytest.fixture
def admin(users):
    return users["admin"]


def test_a_unit_posted_with_the_contract_s_fields_only_keeps_working(api_as, admin):
    response = api_as(admin).post("/api/v1/units/", {"code": "U-1", "name": "Tampere clinic", "type": "care"})
    assert response.status_code == 201, response.json()
    assert response.json() == {
        "code": "U-1",
        "name": "Tampere clinic",
        "name_fi": "",
        "name_sv": "",
        "type": "care",
        "nps_target": 70,
    }
    unit = Unit.objects.get(code="U-1")
    assert [unit.localized_name(language) for language in ("fi", "sv", "en")] == ["Tampere clinic"] * 3


def test_units_and_services_take_and_answer_their_names_in_three_languages(api_as, admin):
    api = api_as(admin)
    response = api.post("/api/v1/units/", {"code": "HKI-1", "type": "care", **KAMPPI}, format="json")
    assert response.status_code == 201, response.json()
    assert api.get("/api/v1/units/HKI-1/").json() | KAMPPI == api.get("/api/v1/units/HKI-1/").json()

    names = {"name": "Physiotherapy", "name_fi": "Fysioterapia", "name_sv": "Fysioterapi"}
    assert api.post("/api/v1/services/", {"code": "physio", **names}, format="json").status_code == 201
    service = Service.objects.get(code="physio")
    assert [service.localized_name(language) for language in ("fi", "sv", "en")] == [
        "Fysioterapia",
        "Fysioterapi",
        "Physiotherapy",
    ]
    patched = api.patch("/api/v1/services/physio/", {"name_sv": "Fysioterapi (sjukgymnastik)"}, format="json")
    assert patched.status_code == 200 and patched.json()["name_sv"] == "Fysioterapi (sjukgymnastik)"


def test_a_name_too_long_is_refused_naming_the_field_and_nothing_is_stored(api_as, admin):
    response = api_as(admin).post(
        "/api/v1/units/", {"code": "U-2", "name": "Clinic", "name_sv": "x" * 201, "type": "care"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()) == ["name_sv"]
    assert not Unit.objects.filter(code="U-2").exists()


def test_the_admin_lists_and_edits_the_three_names(client, admin):
    admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    UnitFactory(code="HKI-1", **KAMPPI)
    page = client.get("/admin/surveys/unit/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for name in KAMPPI.values():
        assert name in page
    form = client.get("/admin/surveys/unit/add/").content.decode()
    assert 'name="name_fi"' in form and 'name="name_sv"' in form and 'name="name"' in form


def test_the_swedish_email_names_the_unit_and_the_provider_in_swedish(settings):
    settings.PROVIDER_NAMES = {"fi": "Työterveys Pohjola", "sv": "Företagshälsan Norden", "en": "Northern Health"}
    settings.DEFAULT_FROM_EMAIL = "Northern Health <kysely@pohjola.example>"
    invitation = InvitationFactory(language="sv", unit=UnitFactory(code="HKI-1", **KAMPPI))
    dispatch()
    message = mail.outbox[0]
    assert message.from_email == "Företagshälsan Norden <kysely@pohjola.example>"
    assert parsed(message.message().as_bytes())["From"] == "Företagshälsan Norden <kysely@pohjola.example>"
    assert message.subject == "Hur lyckades vi? Berätta om ditt besök – Företagshälsan Norden"
    assert "du besökte Kampens företagshälsostation den" in message.body
    assert "Med vänliga hälsningar\nFöretagshälsan Norden" in message.body
    html = message.alternatives[0][0]
    assert "Kampens företagshälsostation" in html and "Kampin" not in html and "Kamppi" not in html

    # The answer page behind the link, in Swedish too, and in Finnish when switched.
    path = re.search(r"(/s/[A-Za-z0-9_-]+/)", message.body).group(1)
    page = Client().get(path).content.decode()
    assert "Kampens företagshälsostation" in page and "Företagshälsan Norden" in page
    finnish = Client().get(path + "?lang=fi").content.decode()
    assert "Kampin työterveysasema" in finnish and "Työterveys Pohjola" in finnish
    assert invitation.email not in page


def test_the_email_as_smtp_sends_it_carries_the_sender_name_of_its_language(settings):
    settings.PROVIDER_NAMES = {"fi": "Työterveys Pohjola", "sv": "Företagshälsan Norden", "en": "Northern Health"}
    settings.DEFAULT_FROM_EMAIL = "kysely@pohjola.example"
    unit = UnitFactory(code="HKI-1", **KAMPPI)
    renderer = InvitationRenderer()
    for language, sender, unit_name in [
        ("fi", "Työterveys Pohjola", "Kampin työterveysasema"),
        ("sv", "Företagshälsan Norden", "Kampens företagshälsostation"),
        ("en", "Northern Health", "Kamppi occupational health clinic"),
    ]:
        raw = parsed(renderer.raw(InvitationFactory(language=language, unit=unit), "t0ken"))
        assert raw["From"] == f"{sender} <kysely@pohjola.example>"
        assert sender in raw["Subject"]
        text = raw.get_body(("plain",)).get_content()
        assert unit_name in text


def test_a_missing_translation_falls_back_to_the_english_name():
    invitation = InvitationFactory(
        language="sv", unit=UnitFactory(code="U-9", name="Tampere clinic", name_fi="Tampereen asema")
    )
    dispatch()
    assert "du besökte Tampere clinic den" in mail.outbox[0].body
    with translation.override("fi"):
        assert str(invitation.unit) == "Tampereen asema (U-9)"
    with translation.override("sv"):
        assert str(invitation.unit) == "Tampere clinic (U-9)"


def _provider_names(**env: str) -> dict:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PROVIDER_NAME_", "DEFAULT_FROM_EMAIL"))}
    environment.update(DJANGO_SETTINGS_MODULE="portal.settings", DEBUG="1", **env)
    started = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json, django; django.setup(); from django.conf import settings; "
            "print(json.dumps(settings.PROVIDER_NAMES))",
        ],
        cwd=Path(__file__).resolve().parents[2],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    return json.loads(started.stdout.strip().splitlines()[-1])


def test_the_provider_name_defaults_follow_the_language_unless_a_sender_name_is_set():
    assert _provider_names() == {"fi": "Työterveyshuolto", "sv": "Företagshälsovården", "en": "Occupational health"}
    named = _provider_names(DEFAULT_FROM_EMAIL="Acme Health <no-reply@acme.example>", PROVIDER_NAME_SV="Acme Hälsa")
    assert named == {"fi": "Acme Health", "sv": "Acme Hälsa", "en": "Acme Health"}
