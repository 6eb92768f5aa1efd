"""Survey demo data for `seed_demo`: a year of answered visits for the demo customers, so the
indicators, the binding-target report and the quality comments have something to show; and a
few visits that end just now, so the running demo worker sends real invitations minutes after
`make demo` starts."""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from cooperation import services as cooperation_services
from cooperation.models import Contact, CorporateCustomer, Employee
from portal.accounts.models import User
from surveys import services as survey_services
from surveys.models import (
    BindingTarget,
    Channel,
    CopingAnswer,
    InvitationStatus,
    Practitioner,
    RespondentGroup,
    Response,
    Service,
    ServiceContact,
    SurveyInvitation,
    TargetScope,
    Unit,
    UnitQualityStaff,
    UnitType,
    Visit,
)

#: Master data named in the three languages (data, not messages to translate): code, Finnish,
#: Swedish and English name (English is the API's ``name``), type or whether feedback is asked.
UNITS = [
    (
        "HKI-CARE-1",
        "Kampin työterveysasema, Helsinki",
        "Kampens företagshälsostation, Helsingfors",
        "Kamppi occupational health clinic, Helsinki",
        UnitType.CARE,
    ),
    (
        "TRE-CARE-1",
        "Tampereen työterveysasema",
        "Tammerfors företagshälsostation",
        "Tampere occupational health clinic",
        UnitType.CARE,
    ),
    (
        "TKU-CARE-1",
        "Turun työterveysasema",
        "Åbo företagshälsostation",
        "Turku occupational health clinic",
        UnitType.CARE,
    ),
    ("HKI-EMER-1", "Helsingin päivystys", "Jouren i Helsingfors", "Helsinki emergency clinic", UnitType.EMERGENCY),
    (
        "DIGI-1",
        "Digiklinikka (chat ja etävastaanotto)",
        "Digitala kliniken (chatt och distansmottagning)",
        "Digital clinic (chat and remote appointments)",
        UnitType.DIGITAL,
    ),
]
SERVICES = [
    (
        "gp-visit",
        "Työterveyslääkärin vastaanotto",
        "Företagsläkarens mottagning",
        "Occupational physician's appointment",
        True,
    ),
    (
        "nurse-visit",
        "Työterveyshoitajan vastaanotto",
        "Företagshälsovårdarens mottagning",
        "Occupational health nurse's appointment",
        True,
    ),
    ("physio", "Fysioterapia", "Fysioterapi", "Physiotherapy", True),
    (
        "psychologist",
        "Työterveyspsykologin vastaanotto",
        "Företagspsykologens mottagning",
        "Occupational psychologist's appointment",
        True,
    ),
    ("covid-test", "Koronatestaus", "Coronatestning", "COVID-19 testing", False),  # collects no feedback (DOMAIN.md)
]
#: Two practitioners per unit, in the order of UNITS.
PRACTITIONERS = [
    "Liisa Lahtinen",
    "Mikko Virtanen",
    "Anna Korhonen",
    "Juha Nieminen",
    "Sofia Lindqvist",
    "Erik Sundström",
    "Kaisa Mäkinen",
    "Timo Heikkinen",
    "Emma Koskinen",
    "Ville Järvinen",
]
#: Scores 0..10 by unit type: care units near their 70 target, emergency units lower.
SCORE_WEIGHTS = {
    UnitType.CARE: [1, 0, 1, 1, 1, 2, 3, 5, 10, 28, 48],
    UnitType.EMERGENCY: [2, 1, 1, 2, 2, 3, 5, 9, 14, 25, 36],
    UnitType.DIGITAL: [1, 1, 1, 1, 2, 3, 4, 8, 14, 26, 39],
}
VISITS_PER_EMPLOYEE_YEAR = 2.4
ANSWER_RATE = 0.35
#: Of those who had not answered when the one reminder went (SURVEY_REMINDER_DAYS after the
#: first email), the share who answer after it: the reminder lifts the demo's response rate.
ANSWER_RATE_AFTER_REMINDER = 0.2
#: Days from the first email to the reminder in the demo's history.
DEMO_REMINDER_DAYS = 3
#: Supervisors of the demo company who answer the supervisors' survey besides its contact person.
DEMO_SUPERVISORS = 6
COMMENTS = [
    "Sain hyvät ohjeet ja apua nopeasti.",
    "Lääkäri kuunteli ja selitti asiat selkeästi.",
    "Jouduin odottamaan vastaanotolle puoli tuntia.",
    "Fick bra hjälp, tack!",
    "The nurse was very helpful.",
    "Ajanvaraus chatissa oli helppoa.",
]


def _master_data() -> tuple[list[Unit], list[Practitioner], list[Service]]:
    # update_or_create: a demo database from before the translations gets them too.
    units = [
        Unit.objects.update_or_create(
            code=code,
            defaults={"name_fi": fi, "name_sv": sv, "name": en},
            create_defaults={"name_fi": fi, "name_sv": sv, "name": en, "type": unit_type},
        )[0]
        for code, fi, sv, en, unit_type in UNITS
    ]
    practitioners = []
    for n, unit in enumerate(units):
        for k in range(2):
            practitioner, _ = Practitioner.objects.get_or_create(
                code=f"dr-{n}{k}", defaults={"name": PRACTITIONERS[2 * n + k], "unit": unit}
            )
            practitioners.append(practitioner)
    services = [
        Service.objects.update_or_create(
            code=code,
            defaults={"name_fi": fi, "name_sv": sv, "name": en},
            create_defaults={"name_fi": fi, "name_sv": sv, "name": en, "collects_feedback": collects},
        )[0]
        for code, fi, sv, en, collects in SERVICES
    ]
    return units, practitioners, services


@transaction.atomic
def seed_demo_surveys(*, customers: list[CorporateCustomer], now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    units, practitioners, services = _master_data()
    quality = User.objects.filter(email="quality@demo.example").first()
    if quality:
        for unit in units[:3]:
            UnitQualityStaff.objects.get_or_create(unit=unit, user=quality)
    BindingTarget.objects.get_or_create(
        year=now.year,
        scope=TargetScope.ORGANISATION,
        respondent_group=RespondentGroup.PATIENT,
        defaults={"target": 70},
    )
    _service_contacts(units, now=now)
    if Visit.objects.filter(external_id__startswith="demo-").exists():
        return  # the year of history is there already; running again adds nothing
    rng = random.Random(7)
    by_unit = {unit.pk: [p for p in practitioners if p.unit_id == unit.pk] for unit in units}
    feedback_services = [s for s in services if s.collects_feedback]
    visits, invitations, answers = [], [], []
    for customer in customers:
        for employee in Employee.objects.filter(customer=customer):
            for _ in range(_poisson(rng, VISITS_PER_EMPLOYEE_YEAR)):
                unit = rng.choices(units, weights=[30, 20, 15, 20, 15])[0]
                ended_at = now - dt.timedelta(days=rng.uniform(3, 365), hours=rng.uniform(0, 8))
                visit = Visit(
                    external_id=f"demo-{len(visits):06d}",
                    customer=customer,
                    employee=employee,
                    unit=unit,
                    practitioner=rng.choice(by_unit[unit.pk]),
                    service=rng.choice(feedback_services),
                    channel=Channel.CHAT
                    if unit.type == UnitType.DIGITAL
                    else rng.choice([Channel.VISIT] * 4 + [Channel.REMOTE, Channel.PHONE]),
                    ended_at=ended_at,
                )
                visits.append(visit)
    Visit.objects.bulk_create(visits, batch_size=500)
    # Its own generator: the reminders leave the rest of the demo as it was.
    reminder_rng = random.Random(11)
    for visit in visits:
        sent_at = visit.ended_at + dt.timedelta(hours=2)
        answered = rng.random() < ANSWER_RATE
        answered_at = sent_at + dt.timedelta(hours=rng.uniform(0.1, 30)) if answered else None
        reminder_at = sent_at + dt.timedelta(days=DEMO_REMINDER_DAYS)
        reminder_sent_at = reminder_due_at = None
        if not answered and reminder_at <= now:
            reminder_sent_at = reminder_at
            if reminder_rng.random() < ANSWER_RATE_AFTER_REMINDER:
                answered = True
                answered_at = min(now, reminder_at + dt.timedelta(hours=reminder_rng.uniform(0.1, 48)))
        elif not answered:
            reminder_due_at = reminder_at
        invitation = SurveyInvitation(
            respondent_group=RespondentGroup.PATIENT,
            visit=visit,
            employee=visit.employee,
            email=visit.employee.email,
            language=visit.employee.language,
            **visit.survey_facts(),
            status=InvitationStatus.ANSWERED if answered else InvitationStatus.SENT,
            scheduled_for=sent_at,
            sent_at=sent_at,
            expires_at=sent_at + dt.timedelta(days=14),
            answered_at=answered_at,
            reminder_sent_at=reminder_sent_at,
            reminder_due_at=reminder_due_at,
        )
        invitations.append(invitation)
    SurveyInvitation.objects.bulk_create(invitations, batch_size=500)
    for invitation in invitations:
        if invitation.answered_at:
            answers.append(_answer(invitation, rng, RespondentGroup.PATIENT))
    answers += _contact_answers(customers, rng, now)
    Response.objects.bulk_create(answers, batch_size=500)
    # The demo's history went in as bulk rows: make the daily rollups match them.
    survey_services.stats_rollups_rebuild()
    if quality:
        _feedback_cases(answers, quality=quality, rng=rng, now=now)


#: Chats and phone calls a day by unit code and channel, over the last DEMO_CONTACT_DAYS days.
DEMO_CONTACTS_PER_DAY = {("DIGI-1", "chat"): 24, ("HKI-CARE-1", "phone"): 10, ("HKI-EMER-1", "phone"): 8}
DEMO_CONTACT_DAYS = 90
#: When contacts start (Helsinki hours 7–19): a morning peak at 8–9 and a smaller one after lunch.
DEMO_HOUR_WEIGHTS = {7: 4, 8: 14, 9: 12, 10: 8, 11: 6, 12: 7, 13: 9, 14: 6, 15: 5, 16: 3, 17: 2, 18: 1}
#: Median first-response delay in seconds by channel; the spread is log-normal.
DEMO_MEDIAN_DELAY = {"chat": 45, "phone": 110}


def _service_contacts(units: list[Unit], *, now: dt.datetime) -> None:
    """Chats of the digital clinic and phone calls of two units for the response-delay page:
    busier mornings are slower, and Mondays slowest. Bulk rows, a few thousand; seeded once."""
    if ServiceContact.objects.filter(external_id__startswith="demo-").exists():
        return
    rng = random.Random(11)
    by_code = {unit.code: unit for unit in units}
    hours, weights = list(DEMO_HOUR_WEIGHTS), list(DEMO_HOUR_WEIGHTS.values())
    today = timezone.localdate(now)
    contacts = []
    for days_ago in range(DEMO_CONTACT_DAYS):
        day = today - dt.timedelta(days=days_ago)
        if day.weekday() >= 5:
            continue  # the contact centre is closed at weekends
        for (code, channel), per_day in DEMO_CONTACTS_PER_DAY.items():
            load = 1.4 if day.weekday() == 0 else 1.0
            for _ in range(_poisson(rng, per_day * load)):
                hour = rng.choices(hours, weights=weights)[0]
                started_at = timezone.make_aware(
                    dt.datetime.combine(day, dt.time(hour, rng.randrange(60), rng.randrange(60)))
                )
                if started_at > now:
                    continue
                busy = 1.6 if hour in (8, 9) else 1.0
                seconds = max(2, round(rng.lognormvariate(0, 0.7) * DEMO_MEDIAN_DELAY[channel] * busy * load))
                contacts.append(
                    ServiceContact(
                        external_id=f"demo-{channel}-{len(contacts):06d}",
                        channel=channel,
                        unit=by_code[code],
                        started_at=started_at,
                        first_response_at=started_at + dt.timedelta(seconds=seconds),
                        response_seconds=seconds,
                    )
                )
    ServiceContact.objects.bulk_create(contacts, batch_size=1000)


#: The demo opens feedback cases for the detractors of this many recent days (older answers
#: came before the portal had cases).
DEMO_CASE_DAYS = 90


def _feedback_cases(answers: list[Response], *, quality, rng: random.Random, now: dt.datetime) -> None:
    """Cases for the recent detractors of the quality person's units: most older ones closed,
    some late, the newest still open, so the queue and its figures have something to show."""
    UnitQualityStaff.objects.filter(user=quality).update(lead=True)
    followed = set(UnitQualityStaff.objects.filter(user=quality).values_list("unit_id", flat=True))
    causes = ["waiting-time", "communication", "care-decision", "practical-arrangements", "other"]
    recent = now - dt.timedelta(days=DEMO_CASE_DAYS)
    for response in answers:
        if response.unit_id not in followed or response.answered_at < recent:
            continue
        case = survey_services.feedback_case_open(response=response)
        if case is None or response.answered_at > now - dt.timedelta(days=4):
            continue
        hours = rng.choice([5, 12, 20, 30, 40, 45, 60, 80])
        survey_services.feedback_case_update(
            case=case,
            actor=quality,
            status="closed",
            resolution="Called the patient back and agreed on what happens next.",
            cause=rng.choices(causes, weights=[40, 25, 10, 15, 10])[0],
            now=response.answered_at + dt.timedelta(hours=hours),
        )


def _answer(invitation: SurveyInvitation, rng: random.Random, group: str) -> Response:
    score = rng.choices(range(11), weights=SCORE_WEIGHTS.get(invitation.unit_type, SCORE_WEIGHTS[UnitType.CARE]))[0]
    coping = ""
    if group == RespondentGroup.PATIENT:
        coping = rng.choices(CopingAnswer.values, weights=[55, 25, 10, 10])[0]
    return Response(
        invitation=invitation,
        respondent_group=group,
        score=score,
        coping=coping,
        comment=rng.choice(COMMENTS) if rng.random() < 0.15 else "",
        language=invitation.language,
        answered_at=invitation.answered_at,
        **invitation.facts(),
    )


def _contact_answers(customers, rng: random.Random, now) -> list[Response]:
    """Last spring's rounds to supervisors and decision-makers (Contacts)."""
    invitations = []
    if customers:
        # The demo company's supervisors answer as a group large enough to be published to its
        # decision-maker (the single decision-maker's answers stay hidden, as they would).
        first = customers[0]
        slug = first.name.split()[0].lower()
        for i in range(1, DEMO_SUPERVISORS + 1):
            cooperation_services.contact_create(
                customer=first,
                name=f"Esihenkilö {i} {first.name.split()[0]}",
                role=Contact.ContactRole.SUPERVISOR,
                email=f"supervisor{i}@{slug}.example",
                language="fi",
            )
    for customer in customers:
        for contact in Contact.objects.filter(customer=customer, role__in=["supervisor", "decision-maker"]):
            for months_ago in (2, 8):
                sent_at = now - dt.timedelta(days=30 * months_ago)
                invitations.append(
                    SurveyInvitation(
                        respondent_group=contact.role,
                        contact=contact,
                        email=contact.email,
                        language=contact.language,
                        customer=customer,
                        segment=customer.segment,
                        status=InvitationStatus.ANSWERED,
                        scheduled_for=sent_at,
                        sent_at=sent_at,
                        expires_at=sent_at + dt.timedelta(days=14),
                        answered_at=sent_at + dt.timedelta(days=1),
                    )
                )
    SurveyInvitation.objects.bulk_create(invitations)
    return [_answer(invitation, rng, invitation.respondent_group) for invitation in invitations]


def _poisson(rng: random.Random, mean: float) -> int:
    # Knuth's method: enough for a demo's visit counts.
    limit, k, p = pow(2.718281828, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def record_fresh_visits(*, customers: list[CorporateCustomer], now: dt.datetime | None = None) -> int:
    """A few visits that ended almost SURVEY_DELAY_SECONDS ago, through the real visit service:
    the demo's worker sends their invitations within minutes (see var/outbox/)."""
    from django.conf import settings

    now = now or timezone.now()
    items = []
    for n, customer in enumerate(customers[:3]):
        employee = Employee.objects.filter(customer=customer).order_by("external_id").first()
        if employee is None:
            continue
        ended_at = now - dt.timedelta(seconds=settings.SURVEY_DELAY_SECONDS) + dt.timedelta(minutes=2 + n)
        items.append(
            {
                "external_id": f"demo-fresh-{now:%Y%m%d%H%M}-{n}",
                "customer": customer.business_id,
                "unit": "HKI-CARE-1",
                "practitioner": "dr-00",
                "service": "gp-visit",
                "channel": Channel.VISIT,
                "ended_at": ended_at,
                "patient": {
                    "external_id": employee.external_id,
                    "email": employee.email,
                    "language": employee.language,
                },
            }
        )
    return len(survey_services.visits_record(items=items))
