import datetime as dt

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from surveys import models
from tests.cooperation.factories import CustomerFactory, EmployeeFactory


class UnitFactory(DjangoModelFactory):
    class Meta:
        model = models.Unit
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"UNIT-{n}")
    name = factory.Sequence(lambda n: f"Health centre {n}")
    type = models.UnitType.CARE


class PractitionerFactory(DjangoModelFactory):
    class Meta:
        model = models.Practitioner
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"dr-{n}")
    name = factory.Faker("name")
    unit = factory.SubFactory(UnitFactory)


class ServiceFactory(DjangoModelFactory):
    class Meta:
        model = models.Service
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"service-{n}")
    name = factory.Sequence(lambda n: f"Service {n}")
    collects_feedback = True


class VisitFactory(DjangoModelFactory):
    class Meta:
        model = models.Visit

    external_id = factory.Sequence(lambda n: f"v-{n}")
    customer = factory.SubFactory(CustomerFactory)
    employee = factory.SubFactory(EmployeeFactory, customer=factory.SelfAttribute("..customer"))
    unit = factory.SubFactory(UnitFactory)
    channel = models.Channel.VISIT
    ended_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=3))


class InvitationFactory(DjangoModelFactory):
    """A patient survey waiting to be sent, due now."""

    class Meta:
        model = models.SurveyInvitation

    respondent_group = models.RespondentGroup.PATIENT
    visit = factory.SubFactory(VisitFactory)
    employee = factory.SelfAttribute("visit.employee")
    email = factory.SelfAttribute("visit.employee.email")
    language = "fi"
    customer = factory.SelfAttribute("visit.customer")
    segment = factory.SelfAttribute("visit.customer.segment")
    unit = factory.SelfAttribute("visit.unit")
    unit_type = factory.SelfAttribute("visit.unit.type")
    channel = factory.SelfAttribute("visit.channel")
    scheduled_for = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(seconds=1))
    expires_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=14))


def visit_payload(customer_, unit_, *, n: int = 1, **overrides) -> dict:
    payload = {
        "external_id": f"v-{n}",
        "customer": customer_.business_id,
        "patient": {"external_id": f"p-{n}", "email": f"patient{n}@example.com", "language": "fi"},
        "unit": unit_.code,
        "channel": "visit",
        "ended_at": timezone.now().isoformat(),
    }
    payload.update(overrides)
    return payload


def decision_maker_questionnaire():
    """The published version 1 of the shipped decision-makers' questionnaire: made by its data
    migration, made again here after a transactional test flushed the tables."""
    from importlib import import_module

    from django.apps import apps

    from surveys.models import Questionnaire

    if not Questionnaire.objects.filter(code="decision-makers").exists():
        import_module("surveys.migrations.0015_decision_maker_questionnaire").create(apps, None)
    return Questionnaire.objects.get(code="decision-makers").versions.get(number=1)
