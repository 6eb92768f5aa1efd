"""A dataset the size of a national provider (issue 4): 14,000 corporate customers, 400,000
employees, 2,000,000 visits over one year with about 35 % answered, sick leaves; ``--scale 0.1``
for a tenth. PostgreSQL loads it with COPY (psycopg 3); other databases take batched INSERTs."""

import datetime as dt
import random
import time
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from cooperation.models import LARGE_COMPANY_HEADCOUNT, CorporateCustomer, Employee, SickLeave
from surveys.models import (
    DEFAULT_NPS_TARGETS,
    Practitioner,
    Response,
    Service,
    SurveyInvitation,
    Unit,
    UnitType,
    Visit,
)
from surveys.selectors import HELSINKI

# The portal's user model, named without importing the portal (portal -> surveys -> cooperation).
User = get_user_model()

FULL = {"customers": 14_000, "employees": 400_000, "visits": 2_000_000}
NAME_PREFIX = "Scale"
#: Rows per INSERT where COPY is not available.
INSERT_BATCH = 5_000
#: Visits generated and written at a time: bounds the memory of a two-million-visit load.
VISIT_CHUNK = 200_000
UNITS = {UnitType.CARE: 40, UnitType.EMERGENCY: 15, UnitType.DIGITAL: 5}
PRACTITIONERS_PER_UNIT = 10
SERVICES = [
    ("gp-visit", "General practitioner visit", True),
    ("nurse-visit", "Occupational health nurse", True),
    ("physio", "Physiotherapy", True),
    ("psychologist", "Psychologist", True),
    ("health-check", "Health check", True),
    ("work-ability", "Work-ability negotiation", True),
    ("lab", "Laboratory", True),
    ("vaccination", "Vaccination", True),
    ("online-therapy", "Online therapy", True),
    ("covid-test", "COVID test", False),
]
CHANNELS = [("visit", 0.6), ("remote", 0.2), ("chat", 0.12), ("phone", 0.08)]
#: Shares of promoters and detractors by unit type: NPS about 70 in care, 50 in emergency,
#: 40 in digital care, near the targets the seeds report.
SCORE_SHAPE = {UnitType.CARE: (0.76, 0.06), UnitType.EMERGENCY: (0.62, 0.12), UnitType.DIGITAL: (0.55, 0.15)}
ANSWER_SHARE = 0.36  # of the sent invitations; about 35 % of all visits once skips are left out
COPING = [("yes", 0.55), ("partly", 0.25), ("no", 0.1), ("na", 0.1)]


def _weighted(rng: random.Random, choices: list[tuple[str, float]]) -> str:
    return rng.choices([c for c, _ in choices], weights=[w for _, w in choices])[0]


class Writer:
    """Rows into one model's table: COPY on PostgreSQL, batched INSERTs elsewhere. Columns not
    given take the field's default, so the loader survives new columns with defaults."""

    def __init__(self, model, columns: list[str]):
        self.model = model
        fields = {f.column: f for f in model._meta.concrete_fields}
        self.columns = columns + [c for c in fields if c not in columns]
        self.defaults = [fields[c].get_default() for c in self.columns[len(columns) :]]
        self.table = model._meta.db_table

    def write(self, rows: Iterable[tuple]) -> int:
        count = 0
        quoted = ", ".join(connection.ops.quote_name(c) for c in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                with cursor.cursor.copy(f"COPY {self.table} ({quoted}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row((*row, *self.defaults))
                        count += 1
            else:
                sql = f"INSERT INTO {self.table} ({quoted}) VALUES ({', '.join(['%s'] * len(self.columns))})"  # noqa: S608
                batch = []
                for row in rows:
                    batch.append((*row, *self.defaults))
                    if len(batch) >= INSERT_BATCH:
                        cursor.executemany(sql, batch)
                        count += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    count += len(batch)
        return count


def _drop_indexes(models) -> list[str]:
    """Drop the secondary indexes of ``models`` (not those behind constraints); their definitions."""
    if connection.vendor != "postgresql":
        return []
    tables = [model._meta.db_table for model in models]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema() "
            "AND tablename = ANY(%s) AND indexname NOT IN (SELECT conname FROM pg_constraint)",
            [tables],
        )
        indexes = cursor.fetchall()
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [definition for _name, definition in indexes]


def _create_indexes(definitions: list[str]) -> None:
    if not definitions:
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '256MB'")
        for definition in definitions:
            cursor.execute(definition)


def _next_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _reset_sequence(model) -> None:
    if connection.vendor != "postgresql":
        return
    table = model._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), COALESCE((SELECT MAX(id) FROM {table}), 1))"  # noqa: S608
        )


class Command(BaseCommand):
    help = "Seed a national-scale dataset for the statistics benchmark (PostgreSQL recommended)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", type=float, default=1.0, help="share of the full size (default 1.0)")
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument(
            "--end",
            type=dt.date.fromisoformat,
            default=None,
            help="last day of the year of visits (default: yesterday)",
        )

    def handle(self, *args, scale: float, seed: int, end: dt.date | None, **options):
        if CorporateCustomer.objects.filter(name__startswith=f"{NAME_PREFIX} ").exists():
            raise CommandError("This database already holds a seed_scale dataset; use a fresh database.")
        self.rng = random.Random(seed)
        self.now = timezone.now()
        self.end = end or (timezone.localdate() - dt.timedelta(days=1))
        self.first = self.end - dt.timedelta(days=364)
        sizes = {name: max(1, round(full * scale)) for name, full in FULL.items()}
        started = time.monotonic()
        with transaction.atomic():
            if connection.vendor == "postgresql":
                # The generated rows reference only rows written before them; skipping the
                # per-row foreign-key triggers (as pg_restore --disable-triggers does) makes
                # the load minutes instead of an hour. Needs a superuser; the setting ends
                # with the transaction.
                try:
                    with transaction.atomic(), connection.cursor() as cursor:
                        cursor.execute("SET LOCAL session_replication_role = replica")
                except DatabaseError:
                    self.say("Not a superuser: loading with foreign-key checks (slower).")
            self.master_data()
            # Building each secondary index once at the end is several times faster than
            # keeping it up to date row by row (PostgreSQL's own advice for bulk loads).
            indexes = _drop_indexes([Employee, SickLeave, Visit, SurveyInvitation, Response])
            customers = self.customers(sizes["customers"], sizes["employees"])
            employees = self.employees(customers)
            self.sick_leaves(employees)
            self.visits(customers, employees, sizes["visits"])
            _create_indexes(indexes)
        for model in (User, CorporateCustomer, Employee, SickLeave, Visit, SurveyInvitation, Response, Unit):
            _reset_sequence(model)
        if connection.vendor == "postgresql" and not connection.in_atomic_block:
            with connection.cursor() as cursor:
                # Fresh statistics and a visibility map, so plans and index-only scans are right.
                cursor.execute("VACUUM ANALYZE")
        self.stdout.write(f"Seeded in {time.monotonic() - started:.0f} s.")

    def say(self, text: str) -> None:
        self.stdout.write(text)
        self.stdout.flush()

    # --- master data ---------------------------------------------------------------------------

    def master_data(self) -> None:
        self.units: list[Unit] = []
        for unit_type, count in UNITS.items():
            for i in range(1, count + 1):
                code = f"SC-{unit_type[:4].upper()}-{i:02d}"
                unit, _ = Unit.objects.get_or_create(
                    code=code,
                    defaults={
                        "name": f"{unit_type.label} {i}",
                        "type": unit_type,
                        "nps_target": DEFAULT_NPS_TARGETS.get(unit_type),
                    },
                )
                self.units.append(unit)
        self.practitioners = {
            unit.pk: [
                Practitioner.objects.get_or_create(
                    code=f"{unit.code}-P{j:02d}", defaults={"name": f"Practitioner {unit.code}/{j}", "unit": unit}
                )[0].pk
                for j in range(1, PRACTITIONERS_PER_UNIT + 1)
            ]
            for unit in self.units
        }
        self.services = [
            Service.objects.get_or_create(code=f"sc-{code}", defaults={"name": name, "collects_feedback": collects})[0]
            for code, name, collects in SERVICES
        ]
        self.managers = [
            User.objects.get_or_create(
                email=f"scale-manager-{i}@provider.example",
                defaults={"role": "account-manager", "full_name": f"AM {i}"},
            )[0].pk
            for i in range(1, 21)
        ]

    # --- customers and their people ----------------------------------------------------------

    def customers(self, count: int, employees: int) -> list[tuple[int, int, str]]:
        from cooperation.business_id import business_id_check_digit

        rng = self.rng
        # Log-normal sizes like a real customer base: most are small (median about ten), about
        # one in seventy is a large company, the largest have a few thousand people.
        weights = [rng.lognormvariate(0, 1.5) for _ in range(count)]
        total = sum(weights)
        headcounts = [max(1, round(w / total * employees)) for w in weights]
        start_id = _next_id(CorporateCustomer)
        rows, result, n = [], [], 0
        for i, headcount in enumerate(headcounts):
            while True:
                digits = f"{(7_000_000 + n) % 10_000_000:07d}"
                n += 1
                check = business_id_check_digit(digits)
                if check is not None:
                    break
            pk = start_id + i
            segment = "large" if headcount >= LARGE_COMPANY_HEADCOUNT else "sme"
            rows.append(
                (
                    pk,
                    self.now,
                    self.now,
                    f"{digits}-{check}",
                    f"{NAME_PREFIX} {i + 1} Oy",
                    headcount,
                    segment,
                    "",
                    "C",
                    self.managers[i % len(self.managers)],
                )
            )
            result.append((pk, headcount, segment))
        columns = [
            "id",
            "created_at",
            "updated_at",
            "business_id",
            "name",
            "headcount",
            "segment",
            "segment_override",
            "industry",
            "account_manager_id",
        ]
        Writer(CorporateCustomer, columns).write(rows)
        self.say(f"{len(rows)} customers")
        return result

    def employees(self, customers) -> list[tuple[int, int, str]]:
        """(employee id, customer id, segment) per employee."""
        rng, result = self.rng, []
        start_id = _next_id(Employee)
        first, end = self.first, self.end

        def rows():
            pk = start_id
            for customer_id, headcount, segment in customers:
                for j in range(headcount):
                    employed_from = first - dt.timedelta(days=rng.randint(-300, 3000))
                    # About one in ten leaves during the year: employments cross the window edges.
                    until = None
                    if rng.random() < 0.1:
                        until = min(end, employed_from + dt.timedelta(days=rng.randint(30, 3000)))
                        until = max(until, employed_from)
                    result.append((pk, customer_id, segment))
                    yield (
                        pk,
                        self.now,
                        self.now,
                        customer_id,
                        f"e{j}",
                        f"e{pk}@scale.example",
                        "fi",
                        employed_from,
                        until,
                    )
                    pk += 1

        columns = [
            "id",
            "created_at",
            "updated_at",
            "customer_id",
            "external_id",
            "email",
            "language",
            "employed_from",
            "employed_until",
        ]
        count = Writer(Employee, columns).write(rows())
        self.say(f"{count} employees")
        return result

    def sick_leaves(self, employees) -> None:
        rng = self.rng
        start_id = _next_id(SickLeave)
        span = (self.end - self.first).days

        def rows():
            pk = start_id
            for employee_id, customer_id, _segment in employees:
                # About 40 % have sick leave in a year; a few have several spells.
                spells = 0 if rng.random() < 0.6 else 1 + int(rng.expovariate(1.2))
                for _ in range(spells):
                    start = self.first + dt.timedelta(days=rng.randint(-20, span))
                    length = min(60, 1 + int(rng.expovariate(1 / 4)))
                    yield (
                        pk,
                        self.now,
                        self.now,
                        employee_id,
                        customer_id,
                        start,
                        start + dt.timedelta(days=length - 1),
                    )
                    pk += 1

        columns = ["id", "created_at", "updated_at", "employee_id", "customer_id", "start", "end"]
        self.say(f"{Writer(SickLeave, columns).write(rows())} sick leaves")

    # --- visits, invitations, answers --------------------------------------------------------

    def visits(self, customers, employees, count: int) -> None:
        rng = self.rng
        unit_weights = [3 if u.type == UnitType.CARE else 2 if u.type == UnitType.EMERGENCY else 1 for u in self.units]
        service_weights = [30, 25, 10, 8, 10, 4, 6, 3, 2, 2]
        visit_id, invitation_id, response_id = _next_id(Visit), _next_id(SurveyInvitation), _next_id(Response)
        span_seconds = 365 * 86400
        start = dt.datetime.combine(self.first, dt.time(0), tzinfo=HELSINKI)
        units = rng.choices(self.units, weights=unit_weights, k=count)
        services = rng.choices(self.services, weights=service_weights, k=count)
        people = rng.choices(employees, k=count)
        delay = dt.timedelta(hours=2)
        ttl = dt.timedelta(days=14)
        visits, invitations, responses = [], [], []
        totals = [0, 0, 0]
        for i in range(count):
            if visits and i % VISIT_CHUNK == 0:
                self._write_visits(visits, invitations, responses, totals)
                visits, invitations, responses = [], [], []
            unit, service, (employee_id, customer_id, segment) = units[i], services[i], people[i]
            practitioner_id = rng.choice(self.practitioners[unit.pk])
            channel = "chat" if unit.type == UnitType.DIGITAL else _weighted(rng, CHANNELS)
            ended_at = start + dt.timedelta(seconds=rng.randrange(span_seconds))
            vid = visit_id + i
            visits.append(
                (
                    vid,
                    f"sv-{vid}",
                    customer_id,
                    employee_id,
                    unit.pk,
                    practitioner_id,
                    service.pk,
                    channel,
                    ended_at,
                    ended_at,
                )
            )
            iid = invitation_id + i
            common = (customer_id, segment, unit.pk, unit.type, practitioner_id, service.pk, channel)
            if not service.collects_feedback:
                invitations.append(
                    (iid, "patient", vid, employee_id, f"e{employee_id}@scale.example", "fi", *common)
                    + ("skipped", "service-collects-no-feedback", None, None, None, None, ended_at)
                )
                continue
            sent_at = ended_at + delay + dt.timedelta(seconds=rng.randrange(600))
            if sent_at > self.now:
                status, sent, answered_at = "scheduled", None, None
            elif rng.random() < ANSWER_SHARE:
                answered_at = sent_at + dt.timedelta(seconds=int(rng.expovariate(1 / 20000)))
                status, sent = ("answered", sent_at) if answered_at < self.now else ("sent", sent_at)
                if status == "sent":
                    answered_at = None
            else:
                status, sent, answered_at = ("expired" if sent_at + ttl < self.now else "sent"), sent_at, None
            invitations.append(
                (iid, "patient", vid, employee_id, f"e{employee_id}@scale.example", "fi", *common)
                + (status, "", sent_at if sent is None else None, sent and sent + ttl, sent, answered_at, ended_at)
            )
            if status == "answered":
                promoters, detractors = SCORE_SHAPE[unit.type]
                draw = rng.random()
                score = (
                    rng.randint(9, 10)
                    if draw < promoters
                    else rng.randint(0, 6)
                    if draw < promoters + detractors
                    else rng.randint(7, 8)
                )
                comment = "Kiitos hyvästä palvelusta." if rng.random() < 0.1 else ""
                responses.append(
                    (response_id, iid, "patient", score, _weighted(rng, COPING), comment, "fi", answered_at, *common)
                )
                response_id += 1
        self._write_visits(visits, invitations, responses, totals)
        self.say(f"{totals[0]} visits, {totals[1]} invitations, {totals[2]} responses")

    def _write_visits(self, visits, invitations, responses, totals) -> None:
        visit_columns = [
            "id",
            "external_id",
            "customer_id",
            "employee_id",
            "unit_id",
            "practitioner_id",
            "service_id",
            "channel",
            "ended_at",
            "received_at",
        ]
        totals[0] += Writer(Visit, visit_columns).write(visits)
        dims = ["customer_id", "segment", "unit_id", "unit_type", "practitioner_id", "service_id", "channel"]
        invitation_columns = [
            "id",
            "respondent_group",
            "visit_id",
            "employee_id",
            "email",
            "language",
            *dims,
            "status",
            "skip_reason",
            "scheduled_for",
            "expires_at",
            "sent_at",
            "answered_at",
            "created_at",
        ]
        totals[1] += Writer(SurveyInvitation, invitation_columns).write(invitations)
        response_columns = [
            "id",
            "invitation_id",
            "respondent_group",
            "score",
            "coping",
            "comment",
            "language",
            "answered_at",
            *dims,
        ]
        totals[2] += Writer(Response, response_columns).write(responses)
