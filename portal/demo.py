"""Demo data for `seed_demo`: natural keys everywhere, so running it again changes nothing."""

import datetime as dt
import functools
import random
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.hashers import make_password
from django.db import transaction
from rest_framework.authtoken.models import Token

from cooperation import services as cooperation_services
from cooperation.access import Role
from cooperation.business_id import business_id_check_digit
from cooperation.models import (
    PHASE_ORDER,
    Contact,
    CorporateCustomer,
    Employee,
    Indicator,
    Phase,
    SickLeave,
    SteeringGroupMeeting,
    Theme,
)
from portal.accounts.models import User
from portal.alerts.services import refresh_alerts
from portal.demo_surveys import seed_demo_surveys

DEMO_PASSWORD = "demo-portal-2026"  # noqa: S105 - the demo prints it for everyone
#: The share of each roster that has already left (employment ended in the last weeks): the
#: headcount counts the people employed today, the roster holds the leavers too.
LEAVER_SHARE = 0.08
#: Rows per INSERT: SQLite allows 32,766 parameters per statement, a roster row has 8 columns.
BULK_BATCH = 500

CUSTOMERS = [
    # name, headcount (the people on the roster employed today), industry (TOL 2008 section)
    ("Pohjolan Konepaja Oy", 1200, "C"),
    ("Saariston Logistiikka Oy", 640, "H"),
    ("Helsingin Hoivapalvelut Oy", 410, "Q"),
    ("Kaupunkirakentajat Oy", 300, "F"),
    ("Nordic Retail Ab", 275, "G"),
    ("Tampereen Ohjelmistotalo Oy", 180, "J"),
    ("Järvenpään Leipomo Oy", 85, "C"),
    ("Vaasan Tilintarkastus Ab", 40, "M"),
    ("Kuopion Kiinteistöhuolto Oy", 120, "N"),
    ("Espoon Arkkitehdit Oy", 25, "M"),
    ("Lapin Matkailu Oy", 150, "I"),
    ("Turun Telakkapalvelu Oy", 260, "C"),
]


#: Every phase is shown; the first customer, whose people have demo logins, is in follow-up so
#: they see goals with their current values.
DEMO_PHASES = [Phase.FOLLOW_UP, *(phase for phase in PHASE_ORDER if phase != Phase.FOLLOW_UP)]


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    customer: str = ""


def business_id_for(n: int) -> str:
    seed = 2_345_000 + n * 37
    while business_id_check_digit(f"{seed:07d}") is None:
        seed += 1
    return f"{seed:07d}-{business_id_check_digit(f'{seed:07d}')}"


@functools.cache
def _demo_password_hash() -> str:
    # Hashed once for every demo login: each hash takes the hasher's full work factor (about
    # half a second), and they all share the one printed password anyway.
    return make_password(DEMO_PASSWORD)


def _user(email: str, role: str, full_name: str, customer=None) -> User:
    user, created = User.objects.get_or_create(
        email=email, defaults={"role": role, "full_name": full_name, "customer": customer}
    )
    if created:
        user.is_staff = user.is_superuser = role == Role.ADMIN
        user.password = _demo_password_hash()
        user.save()
    return user


@transaction.atomic
def seed_demo(*, today: dt.date | None = None) -> list[DemoLogin]:
    today = today or dt.date.today()
    rng = random.Random(2026)  # the same demo every time
    _user("admin@demo.example", Role.ADMIN, "Aino Admin")
    managers = [
        _user("anna.manager@demo.example", Role.ACCOUNT_MANAGER, "Anna Asiakkuus"),
        _user("ben.manager@demo.example", Role.ACCOUNT_MANAGER, "Ben Berg"),
    ]
    _user("quality@demo.example", Role.QUALITY, "Kaisa Laatu")
    integration = _user("epr@demo.example", Role.INTEGRATION, "Patient-record system")
    Token.objects.get_or_create(user=integration)

    customers = []
    for n, (name, headcount, industry) in enumerate(CUSTOMERS):
        customer = CorporateCustomer.objects.filter(business_id=business_id_for(n)).first()
        if customer is None:
            customer = cooperation_services.customer_create(
                business_id=business_id_for(n),
                name=name,
                headcount=headcount,
                industry=industry,
                account_manager_email=managers[n % 2].email,
            )
            _seed_people(customer, rng, today)
            _seed_agreement(customer, DEMO_PHASES[n % len(DEMO_PHASES)], managers[n % 2], rng, today)
        customers.append(customer)

    seed_demo_surveys(customers=customers)
    first = customers[0]
    _seed_economics(first, today)
    _user("ceo@pohjolan-konepaja.example", Role.DECISION_MAKER, "Pekka Pohjola", customer=first)
    _user("supervisor@pohjolan-konepaja.example", Role.SUPERVISOR, "Sari Esihenkilö", customer=first)
    # The account managers' alerts from the data above, as the daily task would raise them.
    refresh_alerts(today=today)
    return demo_logins()


def demo_logins() -> list[DemoLogin]:
    return [
        DemoLogin(u.email, u.role, u.customer.name if u.customer_id else "")
        for u in User.objects.filter(email__endswith="@demo.example").select_related("customer")
        | User.objects.filter(email__endswith="pohjolan-konepaja.example").select_related("customer")
    ]


def _seed_people(customer: CorporateCustomer, rng: random.Random, today: dt.date) -> None:
    """Contacts, and the whole roster: ``headcount`` people employed today and a few who left.
    Bulk rows, not the roster service one by one: the demo's 1,200-person company seeds in
    well under a second."""
    slug = customer.name.split()[0].lower()
    # A company named "… Ab" works in Swedish: its contacts get Swedish emails and pages.
    swedish = customer.name.endswith(" Ab")
    for role, name in [
        (Contact.ContactRole.DECISION_MAKER, "Toimitusjohtaja " + customer.name.split()[0]),
        (Contact.ContactRole.HR, "HR " + customer.name.split()[0]),
        (Contact.ContactRole.SUPERVISOR, "Esihenkilö " + customer.name.split()[0]),
    ]:
        cooperation_services.contact_create(
            customer=customer,
            name=name,
            role=role,
            email=f"{role}@{slug}.example",
            language="sv" if swedish else "fi",
        )
    weights = [30, 62, 8] if swedish else [80, 12, 8]
    leavers = round(customer.headcount * LEAVER_SHARE)
    employees = []
    for i in range(customer.headcount + leavers):
        employees.append(
            Employee(
                customer=customer,
                external_id=f"{customer.business_id}-e{i:04d}",
                email=f"employee{i}@{slug}.example",
                language=rng.choices(["fi", "sv", "en"], weights=weights)[0],
                employed_from=today - dt.timedelta(days=rng.randint(60, 3000)),
                employed_until=today - dt.timedelta(days=rng.randint(1, 50)) if i >= customer.headcount else None,
            )
        )
    Employee.objects.bulk_create(employees, batch_size=BULK_BATCH)
    employees = Employee.objects.filter(customer=customer).only("pk", "employed_from")
    leaves = []
    for employee in employees:
        # Two years of sick leave, so that a year-on-year comparison (the health alerts, the
        # annual report's trend) compares like with like.
        for _ in range(rng.choices([0, 1, 2, 3, 4], weights=[48, 28, 13, 7, 4])[0]):
            start = today - dt.timedelta(days=rng.randint(5, 725))
            leaves.append(
                SickLeave(
                    customer=customer,
                    employee=employee,
                    start=start,
                    end=start + dt.timedelta(days=rng.randint(0, 9)),
                )
            )
    SickLeave.objects.bulk_create(leaves, batch_size=BULK_BATCH)


def _seed_agreement(customer: CorporateCustomer, phase: str, manager: User, rng: random.Random, today) -> None:
    year = today.year
    agreement = cooperation_services.agreement_create(
        customer=customer,
        title=f"Responsibility goals {year}",
        period_start=dt.date(year, 1, 1),
        period_end=dt.date(year, 12, 31),
        customer_responsibility_goals=(
            "The responsibility programme aims at a healthy, competent personnel and good leadership; "
            "sick leave below the industry average."
        ),
        themes=[Theme.EMPLOYEE_WELLBEING, Theme.PERSONNEL_COMPETENCE, Theme.PERSONNEL_MANAGEMENT],
    )
    target_index = PHASE_ORDER.index(phase)
    for next_phase in PHASE_ORDER[1 : target_index + 1]:
        if next_phase == Phase.IDENTIFICATION:
            pass
        elif next_phase == Phase.PLANNING:
            cooperation_services.agreement_update(
                agreement=agreement,
                identified_themes=[Theme.EMPLOYEE_WELLBEING, Theme.PERSONNEL_MANAGEMENT],
                identification_notes="Work ability and early support in supervisory work matter most.",
            )
        elif next_phase == Phase.AGREED:
            _seed_goals(agreement, rng)
            cooperation_services.agreement_update(
                agreement=agreement,
                support_actions="Early-support model training for supervisors; work-ability talks within 30 days.",
                agreed_by_provider=manager.full_name,
                agreed_by_customer="Toimitusjohtaja " + customer.name.split()[0],
            )
        cooperation_services.agreement_advance(agreement=agreement, to_phase=next_phase, by=manager)
    if target_index >= PHASE_ORDER.index(Phase.AGREED):
        _seed_meetings(customer, agreement, today)


def _seed_goals(agreement, rng: random.Random) -> None:
    for theme, indicator, baseline, target in [
        (Theme.EMPLOYEE_WELLBEING, Indicator.HEALTH_PERCENTAGE, 62, 70),
        (Theme.EMPLOYEE_WELLBEING, Indicator.NPS_EMPLOYEES, 55, 70),
        (Theme.PERSONNEL_MANAGEMENT, Indicator.MANAGER_SATISFACTION, 84, 90),
        (Theme.EMPLOYEE_WELLBEING, Indicator.SICK_LEAVE_DAYS, rng.randint(11, 16), 10),
    ]:
        cooperation_services.goal_create(
            agreement=agreement,
            theme=theme,
            indicator=indicator,
            baseline=Decimal(baseline),
            target=Decimal(target),
            due_date=agreement.period_end,
        )


def _seed_meetings(customer, agreement, today: dt.date) -> None:
    if SteeringGroupMeeting.objects.filter(customer=customer).exists():
        return
    contacts = {contact.role: contact for contact in customer.contacts.all()}
    hr = contacts.get(Contact.ContactRole.HR)
    agenda = "1. Indicators since the last meeting\n2. Goals of the agreement\n3. Action items\n4. Next meeting"
    for months_ago, done in [(6, True), (2, False)]:
        date = today - dt.timedelta(days=30 * months_ago)
        cooperation_services.meeting_create(
            customer=customer,
            agreement=agreement,
            date=date,
            agenda=agenda,
            provider_attendees=[customer.account_manager] if customer.account_manager else [],
            provider_participants="Occupational physician\nOccupational health nurse",
            customer_attendees=list(contacts.values()),
            customer_participants="Shop steward",
            minutes="Went through the health percentage, sick-leave trend and the NPS of employees.",
            decisions="Supervisors take the early-support training.\nFollow sick leave monthly.",
            action_items=[
                {
                    "description": "Early-support training for all supervisors",
                    "owner_contact": hr,
                    "owner": "HR manager",
                    "due_date": date + dt.timedelta(days=60),
                    "done": done,
                },
                {
                    "description": "Work-ability talks for long sick leaves",
                    "owner": "Occupational health nurse",
                    "due_date": date + dt.timedelta(days=30),
                    "done": done,
                },
            ],
        )
    # The next meeting, planned: its agenda is ready and its pack shows what to bring.
    cooperation_services.meeting_create(
        customer=customer, agreement=agreement, date=today + dt.timedelta(days=30), agenda=agenda
    )


#: The first demo company's work-health results, last year and this: a total that improved.
DEMO_MATRIX_RESULTS = {
    -1: {
        "sick_leave_days": 15.2,
        "accidents": 34,
        "early_retirement_fees": 410,
        "competence_talks": 72,
        "development_talks_useful": 61,
        "fair_decisions": 3.3,
        "control_working_time": 3.4,
        "control_own_work": 3.9,
    },
    0: {
        "sick_leave_days": 13.1,
        "accidents": 27,
        "early_retirement_fees": 380,
        "competence_talks": 81,
        "development_talks_useful": 66,
        "fair_decisions": 3.5,
        "control_working_time": None,
        "control_own_work": 4.0,
    },
}


def _seed_economics(customer: CorporateCustomer, today: dt.date) -> None:
    """A work-health matrix for last year and this year (one result still missing) and the
    calculator's two scenarios, so the annual report has every section filled."""
    from cooperation.economics import city_matrix
    from cooperation.economics import services as economics
    from cooperation.economics.models import MatrixIndicator, WorkHealthMatrix

    city_matrix.install(WorkHealthMatrix, MatrixIndicator)  # the migration's template (a test flush removes it)
    for offset, results in DEMO_MATRIX_RESULTS.items():
        year = today.year + offset
        if WorkHealthMatrix.objects.filter(customer=customer, year=year).exists():
            continue
        matrix = economics.matrix_copy_template(customer=customer, template_code="city-2009", year=year)
        economics.matrix_results_record(matrix=matrix, results=results)
    common = {
        "employees": customer.headcount or 100,
        "sick_leave_days": 13,
        "day_cost": 350,
        "monthly_pension": 1500,
        "years": 3,
    }
    economics.economic_assumptions_save(
        customer=customer,
        scenarios={
            "a": common | {"investment_per_employee": 20, "sick_leave_reduction": 0, "early_retirements_avoided": 0},
            "b": common | {"investment_per_employee": 400, "sick_leave_reduction": 12, "early_retirements_avoided": 2},
        },
    )
