import datetime as dt
import random

import factory
from factory.django import DjangoModelFactory

from cooperation import models
from cooperation.business_id import business_id_check_digit
from portal.accounts.models import User


def make_business_id(seed: int) -> str:
    """A valid business ID derived from a number (digits with remainder 1 are skipped)."""
    n = seed
    while True:
        digits = f"{n % 10_000_000:07d}"
        check = business_id_check_digit(digits)
        if check is not None:
            return f"{digits}-{check}"
        n += 1


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("email",)

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    role = "account-manager"
    password = factory.django.Password("correct horse battery")


class CustomerFactory(DjangoModelFactory):
    class Meta:
        model = models.CorporateCustomer

    business_id = factory.Sequence(lambda n: make_business_id(1_000_000 + n * 7))
    name = factory.Sequence(lambda n: f"Customer {n} Oy")
    headcount = 120
    industry = "C"
    account_manager = factory.SubFactory(UserFactory)


class ContactFactory(DjangoModelFactory):
    class Meta:
        model = models.Contact

    customer = factory.SubFactory(CustomerFactory)
    name = factory.Faker("name")
    role = models.Contact.ContactRole.DECISION_MAKER
    email = factory.Sequence(lambda n: f"contact{n}@customer.example")
    language = "fi"


class EmployeeFactory(DjangoModelFactory):
    class Meta:
        model = models.Employee

    customer = factory.SubFactory(CustomerFactory)
    external_id = factory.Sequence(lambda n: f"p-{n}")
    email = factory.Sequence(lambda n: f"employee{n}@example.com")
    language = "fi"
    employed_from = dt.date(2020, 1, 1)


class SickLeaveFactory(DjangoModelFactory):
    class Meta:
        model = models.SickLeave

    employee = factory.SubFactory(EmployeeFactory)
    customer = factory.SelfAttribute("employee.customer")
    start = dt.date(2025, 3, 1)
    end = dt.date(2025, 3, 5)


class AgreementFactory(DjangoModelFactory):
    class Meta:
        model = models.ResponsibilityAgreement

    customer = factory.SubFactory(CustomerFactory)
    title = "Responsibility goals 2026"
    period_start = dt.date(2026, 1, 1)
    period_end = dt.date(2026, 12, 31)
    themes = factory.LazyFunction(lambda: [models.Theme.EMPLOYEE_WELLBEING])


class GoalFactory(DjangoModelFactory):
    class Meta:
        model = models.Goal

    agreement = factory.SubFactory(AgreementFactory)
    theme = models.Theme.EMPLOYEE_WELLBEING
    indicator = models.Indicator.HEALTH_PERCENTAGE
    baseline = 80
    target = 85
    due_date = dt.date(2026, 12, 31)


class MeetingFactory(DjangoModelFactory):
    class Meta:
        model = models.SteeringGroupMeeting

    customer = factory.SubFactory(CustomerFactory)
    date = factory.LazyFunction(lambda: dt.date(2026, 3, random.randint(1, 28)))
    minutes = "Reviewed the indicators."


class MeasurementFactory(DjangoModelFactory):
    class Meta:
        model = models.Measurement

    goal = factory.SubFactory(GoalFactory)
    measured_on = dt.date(2026, 6, 30)
    value = 82


class ActionItemFactory(DjangoModelFactory):
    class Meta:
        model = models.ActionItem

    meeting = factory.SubFactory(MeetingFactory)
    description = "Train supervisors in the early-support model"
    owner = "HR manager"
    due_date = dt.date(2026, 6, 1)
