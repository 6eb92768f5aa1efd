"""The attacker of issue 7: as a decision-maker, ask the statistics API every question that role
may ask about a data set full of small cells, collect every published figure, and try to work
out any suppressed cell - exactly, by linear algebra over the rationals on everything published,
and by bounds, since no count is negative. Then answers arrive in the open quarter and the clock
moves past its end, and the attacker tries again with the old and new figures together.

The unknowns are the atomic cells of each (group, year) table: quarter x unit type, plus the
residual of answers whose unit has no type (for patients it is empty by the way visits are
recorded, which the attacker is told; the data set holds one patient answer without a unit, so
one residual is a real unknown). Every published cell is a sum of atoms. The attacker counts as
recovered:

* a suppressed atom or suppressed table cell whose vector lies in the span of the published ones;
* a set of atoms of fewer than MIN_GROUP_SIZE respondents (none included) whose sum can be
  worked out - a small group's figures, even when no single atom is;
* an atom whose respondent count, or any figure at a value other than zero, is pinned to one
  value by the published figures and non-negativity (linear programming); a figure pinned at
  zero counts too unless the attacker can already work out a group of at least MIN_GROUP_SIZE
  holding the atom whose figure is zero ("none of these 12 was a detractor").

A self-check proves the attacker can fail: given one deliberately leaky cell (a published cell
minus a suppressed atom, an unsuppressed complement) it recovers that atom.
"""

import datetime as dt
import itertools
import random
import time
from collections import defaultdict
from fractions import Fraction

import numpy as np
import pytest
from django.conf import settings
from scipy.optimize import linprog

from surveys import models
from tests.cooperation.factories import CustomerFactory, EmployeeFactory, SickLeaveFactory
from tests.surveys.factories import PractitionerFactory, ServiceFactory, UnitFactory

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 16)  # 2026-Q4 is open
LATER = dt.date(2027, 1, 2)  # 2026-Q4 has closed
YEARS = (2024, 2025, 2026)
GROUPS = ("patient", "supervisor", "decision-maker")
TYPES = ("care", "emergency", "digital")
RESIDUAL = ""
PATHS = ("/api/v1/nps/", "/api/v1/coping/")
NPS_FIGURES = ("promoters", "passives", "detractors")
COPING_FIGURES = ("yes", "partly", "no", "not_applicable")


def quarter_first(year, q):
    return dt.date(year, 3 * q - 2, 1)


def quarter_last(year, q):
    return dt.date(year, 12, 31) if q == 4 else quarter_first(year, q + 1) - dt.timedelta(days=1)


def closed(year, today):
    if year < today.year:
        return 4
    return 0 if year > today.year else (today.month - 1) // 3


# --- The data set ------------------------------------------------------------------------------


class DataSet:
    """Answers written as the answer page would, with the facts the visit carries."""

    def __init__(self):
        self.rng = random.Random(7)
        self.customer = CustomerFactory(name="Small Cells Oy")
        self.other = CustomerFactory(name="Neighbour Ab")
        self.care = UnitFactory(code="CARE-1", type="care")
        self.emergency = UnitFactory(code="ER-1", type="emergency")
        self.digital = UnitFactory(code="CHAT-1", type="digital")
        self.doctor = PractitionerFactory(code="dr-busy", unit=self.care)
        self.rare = PractitionerFactory(code="dr-rare", unit=self.care)
        self.psychologist = ServiceFactory(code="psychologist")
        self.rows = []  # (customer, group, unit, practitioner, service, channel, score, coping, answered, sent)

    def add(self, when, *, customer=None, group="patient", unit=None, practitioner=None, service=None, score=None):
        answered = dt.datetime.combine(when, dt.time(10), tzinfo=dt.UTC) if isinstance(when, dt.date) else when
        score = self.rng.randint(0, 10) if score is None else score
        coping = self.rng.choice(["yes", "partly", "no", "na", "na"]) if group == "patient" else ""
        channel = "chat" if unit is self.digital else "visit"
        self.rows.append(
            (customer or self.customer, group, unit, practitioner, service, channel, score, coping, answered)
        )

    def unanswered(self, when, *, unit):
        self.rows.append((self.customer, "patient", unit, None, None, "visit", None, "", when))

    def populate(self):
        rng = self.rng
        for year in (2024, 2025, 2026):
            for month in range(1, 13):
                if (year, month) > (2026, 11):
                    break
                day = dt.date(year, month, 1 + rng.randrange(27))
                for _i in range(rng.choice([0, 1, 2, 3, 6, 9])):
                    self.add(day, unit=self.care, practitioner=self.doctor)
                for _i in range(rng.choice([0, 0, 0, 1, 2])):
                    self.add(day, unit=self.emergency)
                for _i in range(rng.choice([0, 0, 1, 3])):
                    self.add(day, unit=self.digital)
                if rng.random() < 0.3:  # a visit to the psychologist
                    self.add(day, unit=self.care, service=self.psychologist)
                if rng.random() < 0.5:
                    self.unanswered(dt.datetime.combine(day, dt.time(9), tzinfo=dt.UTC), unit=self.care)
                self.add(day, customer=self.other, unit=self.care)
        # The unit's other practitioner has one respondent, in one month only.
        self.add(dt.date(2025, 3, 18), unit=self.care, practitioner=self.rare, score=10)
        # A month with a single answer in all, and a patient answer without a unit (a residual).
        self.add(dt.date(2025, 5, 5), unit=None)
        # Supervisors and decision-makers answer NPS rounds, which concern no unit.
        for when, count in [((2024, 3, 12), 6), ((2025, 3, 10), 3), ((2025, 9, 9), 1), ((2026, 5, 4), 7)]:
            for _i in range(count):
                self.add(dt.date(*when), group="supervisor")
        for when, count in [((2024, 6, 1), 2), ((2025, 11, 3), 5), ((2026, 2, 2), 1)]:
            for _i in range(count):
                self.add(dt.date(*when), group="decision-maker")
        self.write(self.rows)

    def write(self, rows):
        invitations = []
        for customer, group, unit, practitioner, service, channel, _score, _coping, moment in rows:
            invitations.append(
                models.SurveyInvitation(
                    respondent_group=group,
                    email=f"p{len(invitations)}-{moment.timestamp()}@example.com",
                    status="answered" if _score is not None else "sent",
                    sent_at=moment - dt.timedelta(hours=2),
                    answered_at=moment if _score is not None else None,
                    customer=customer,
                    segment=customer.segment,
                    unit=unit,
                    unit_type=unit.type if unit else "",
                    practitioner=practitioner,
                    service=service,
                    channel=channel if unit else "",
                )
            )
        invitations = models.SurveyInvitation.objects.bulk_create(invitations)
        models.Response.objects.bulk_create(
            models.Response(
                invitation=invitation,
                respondent_group=invitation.respondent_group,
                score=score,
                coping=coping,
                language="fi",
                answered_at=moment,
                **{name: getattr(invitation, name) for name in models.INVITATION_FACTS},
            )
            for invitation, (*_facts, score, coping, moment) in zip(invitations, rows, strict=True)
            if score is not None
        )

    def truth(self, group, year):
        """Figures per atom of the decision-maker's company (the attacker never reads these; they
        size the groups it works out and tell the report how many atoms were small)."""
        atoms = defaultdict(lambda: dict.fromkeys(("n", *NPS_FIGURES, *COPING_FIGURES, "invitations_sent"), 0))
        for customer, g, unit, _p, _s, _c, score, coping, moment in self.rows:
            if customer != self.customer or g != group:
                continue
            kind = unit.type if unit else RESIDUAL
            sent = (moment - dt.timedelta(hours=2)).date()
            if sent.year == year:
                atoms[((sent.month - 1) // 3 + 1, kind)]["invitations_sent"] += 1
            day = moment.date()
            if score is None or day.year != year:
                continue
            figures = atoms[((day.month - 1) // 3 + 1, kind)]
            figures["n"] += 1
            figures["promoters" if score >= 9 else "passives" if score >= 7 else "detractors"] += 1
            if coping:
                figures[{"na": "not_applicable"}.get(coping, coping)] += 1
        return atoms


# --- Asking ------------------------------------------------------------------------------------


def allowed_questions(today, years=YEARS):
    """Every combination of parameters a decision-maker may give, over ``years`` (and without dates)."""
    for group in GROUPS:
        for unit_type in (None, *TYPES) if group == "patient" else (None,):
            for by in (None, "quarter", "year"):
                base = {"group": group} | ({"unit_type": unit_type} if unit_type else {}) | ({"by": by} if by else {})
                yield base
                for year in years:
                    for k in range(1, closed(year, today) + 1):
                        yield base | {"start": str(dt.date(year, 1, 1)), "end": str(quarter_last(year, k))}
                        if k > 1:
                            yield base | {"start": str(quarter_first(year, k)), "end": str(quarter_last(year, k))}


FORBIDDEN = [
    {"unit": "CARE-1"},
    {"practitioner": "dr-rare"},
    {"service": "psychologist"},
    {"channel": "chat"},
    {"segment": "sme"},
    {"by": "month"},
    {"start": "2025-03-01", "end": "2025-03-31"},
    {"start": "2025-01-01", "end": "2025-05-31"},
    {"start": "2025-01-02", "end": "2025-03-31"},
    {"start": "2024-10-01", "end": "2025-03-31"},
    {"start": "2025-04-01", "end": "2025-09-30"},
    {"start": "2025-07-01", "end": "2025-06-30"},
    {"start": "2026-10-01", "end": "2026-12-31"},
    {"end": "2026-12-31"},
    {"group": "supervisor", "unit_type": "care"},
    {"group": "decision-maker", "unit_type": "emergency"},
    {"customer": "0000000-0", "extra": "1"},
]


class Attacker:
    def __init__(self, client):
        self.client = client
        self.requests = 0
        self.cells = {}  # (kind, group, year, column, first, last) -> figures of a published cell
        self.cumulative = set()  # cells whose cumulative value was shown
        self.suppressed = set()
        self.bodies = {}

    def get(self, path, params):
        self.requests += 1
        return self.client.get(path, params)

    def ask_everything(self, today, years=YEARS):
        for params in allowed_questions(today, years):
            for path in PATHS:
                answer = self.get(path, params)
                assert answer.status_code == 200, (path, params, answer.content)
                body = answer.json()
                self.bodies[(path, tuple(sorted(params.items())))] = body
                self.collect(path, params, body, today)

    def collect(self, path, params, body, today):
        kind = "nps" if path.endswith("nps/") else "coping"
        group, column = params["group"], params.get("unit_type") or "all"
        if "end" in params:
            end = dt.date.fromisoformat(params["end"])
            start = dt.date.fromisoformat(params["start"])
            year, first, last = end.year, (start.month - 1) // 3 + 1, (end.month - 1) // 3 + 1
        else:  # the default: the year to date of the latest closed quarter
            year = today.year if closed(today.year, today) else today.year - 1
            first, last = 1, closed(year, today)
        self.record((kind, group, year, column, first, last), body["total"])
        for row in body["periods"]:
            if params.get("by") == "quarter":
                quarter = int(row["period"][-1])
                self.record((kind, group, year, column, quarter, quarter), row)
                cumulative_last = quarter
            else:
                self.record((kind, group, year, column, first, last), row)
                cumulative_last = last
            name = "cumulative_nps" if kind == "nps" else "cumulative_coping_better"
            if row[name] is not None:
                self.cumulative.add((kind, group, year, column, 1, cumulative_last))

    def record(self, key, cell):
        data = {k: v for k, v in cell.items() if k not in ("period", "target", "suppressed")}
        data = {k: v for k, v in data.items() if not k.startswith("cumulative_")}
        if cell["suppressed"]:
            # One pattern for every figure of a cell: nothing of it shows.
            assert all(v is None for v in data.values()), (key, cell)
            self.suppressed.add(key)
            return
        previous = self.cells.setdefault(key, {})
        for name, value in data.items():
            if name not in ("target_met", "response_rate"):
                assert previous.setdefault(name, value) == value, ("a published cell changed", key, name)


# --- Working it out ----------------------------------------------------------------------------


def rref(rows):
    """Reduced row echelon form over the rationals: (pivot rows, pivot columns)."""
    basis, pivots = [], []
    for row in rows:
        row = [Fraction(v) for v in row]
        for b, p in zip(basis, pivots, strict=True):
            if row[p]:
                factor = row[p]
                row = [x - factor * y for x, y in zip(row, b, strict=True)]
        lead = next((i for i, v in enumerate(row) if v), None)
        if lead is None:
            continue
        row = [v / row[lead] for v in row]
        for i, b in enumerate(basis):
            if b[lead]:
                factor = b[lead]
                basis[i] = [x - factor * y for x, y in zip(b, row, strict=True)]
        basis.append(row)
        pivots.append(lead)
    return basis, pivots


def in_span(vector, basis, pivots) -> bool:
    row = [Fraction(v) for v in vector]
    for b, p in zip(basis, pivots, strict=True):
        if row[p]:
            factor = row[p]
            row = [x - factor * y for x, y in zip(row, b, strict=True)]
    return not any(row)


def null_space(basis, pivots, width):
    """Integer vectors spanning the vectors orthogonal to every published cell."""
    free = [c for c in range(width) if c not in pivots]
    vectors = []
    for f in free:
        v = [Fraction(0)] * width
        v[f] = Fraction(1)
        for b, p in zip(basis, pivots, strict=True):
            v[p] = -b[f]
        scale = 1
        for x in v:
            scale = scale * x.denominator // np.gcd(scale, x.denominator)
        vectors.append([int(x * scale) for x in v])
    return np.array(vectors, dtype=np.int64).reshape(len(vectors), width)


class Table:
    """One (group, year) table: its unknown atoms and the cells that are sums of them."""

    def __init__(self, group, year, closed_quarters, truth):
        self.group, self.year = group, year
        self.columns = ("all", *TYPES) if group == "patient" else ("all",)
        if group == "patient":
            self.atoms = [
                (q, t)
                for q in range(1, closed_quarters + 1)
                for t in (*TYPES, RESIDUAL)
                # The attacker is told that a patient residual is empty where it is (the docstring).
                if t != RESIDUAL or truth[(q, t)]["n"]
            ]
            self.truth = {a: truth[a] for a in self.atoms}
        else:
            self.atoms = [(q, "all") for q in range(1, closed_quarters + 1)]
            self.truth = {
                (q, "all"): {f: sum(v[f] for (tq, _t), v in truth.items() if tq == q) for f in FIGURES}
                for q, _all in self.atoms
            }

    def vector(self, column, first, last):
        return [int(first <= q <= last and column in ("all", t)) for q, t in self.atoms]

    def cells(self):
        """Every cell of the fixed set: each quarter and each year to date, by column."""
        for k in range(1, len({q for q, _t in self.atoms}) + 1):
            for first in sorted({1, k}):
                for column in self.columns:
                    yield column, first, k

    def atom_cell(self, atom):
        q, t = atom
        return None if t == RESIDUAL else (t, q, q)


FIGURES = ("n", *NPS_FIGURES, *COPING_FIGURES, "invitations_sent")


def published_cells(attacker, table, extra_cells=()):
    """{cell: figures} of one table, and {cell: vector over the atoms}."""
    assert not attacker.suppressed & set(attacker.cells), "a cell both suppressed and published"
    published = {}
    for (_kind, group, year, column, first, last), figures in attacker.cells.items():
        if group == table.group and year == table.year:
            published.setdefault((column, first, last), {}).update(
                {f: v for f, v in figures.items() if f in FIGURES[1:]}
            )
    vectors = {key: table.vector(*key) for key in published}
    for _kind, group, year, column, first, last in attacker.cumulative:
        if group == table.group and year == table.year:
            assert (column, first, last) in published, ("a cumulative value of a hidden cell", column, last)
    for group, year, cell, vector, figures in extra_cells:
        if group == table.group and year == table.year:
            published[cell], vectors[cell] = figures, vector
    return published, vectors


def attack(attacker, tables, *, extra_cells=()):
    """What the attacker works out of its collection (plus ``extra_cells``): a list of findings,
    and counts for the report."""
    found, counts = [], defaultdict(int)
    for table in tables:
        if not table.atoms:
            continue
        published, vectors = published_cells(attacker, table, extra_cells)
        keys = sorted(published)
        counts["cells published"] += len(keys)
        basis, pivots = rref([vectors[key] for key in keys])
        width = len(table.atoms)
        # 1. Exactly, by linear algebra: suppressed cells and atoms in the span of published cells.
        hidden = [i for i, a in enumerate(table.atoms) if table.atom_cell(a) not in published]
        counts["atoms suppressed"] += len(hidden)
        for i in hidden:
            if in_span([int(j == i) for j in range(width)], basis, pivots):
                found.append((table.group, table.year, table.atoms[i], "worked out exactly"))
        for cell in table.cells():
            if cell not in published:
                counts["cells suppressed"] += 1
                if in_span(table.vector(*cell), basis, pivots):
                    found.append((table.group, table.year, cell, "suppressed cell worked out exactly"))
        # 2. Every set of atoms whose sum can be worked out holds at least MIN_GROUP_SIZE.
        null = null_space(basis, pivots, width)
        subsets = np.array(list(itertools.product((0, 1), repeat=width))[1:], dtype=np.int64)
        derivable = subsets[~(subsets @ null.T).any(axis=1)] if len(null) else subsets
        size = {f: derivable @ np.array([table.truth[a][f] for a in table.atoms]) for f in FIGURES}
        counts["sets of atoms worked out"] += len(derivable)
        for subset, n in zip(derivable, size["n"], strict=True):
            if n < settings.MIN_GROUP_SIZE:
                atoms = [a for a, inside in zip(table.atoms, subset, strict=True) if inside]
                found.append((table.group, table.year, atoms, f"a group of {n} worked out"))
        # 3. Bounds, since no count is negative.
        found += bounds(table, keys, published, vectors, derivable, size, hidden, counts)
    return found, counts


def bounds(table, keys, published, vectors, derivable, size, hidden, counts):
    """Each figure of each hidden atom minimised and maximised over everything consistent with
    the published sums: answers split into promoters, passives and detractors; coping answers
    (not applicable included) at most the answers; invitations on their own."""
    found = []
    width = len(table.atoms)
    names = [*NPS_FIGURES, *(COPING_FIGURES if table.group == "patient" else ()), "invitations_sent"]
    if not keys:
        return found  # nothing published: every atom is free
    variables = len(names) * width

    def var(figure, i):
        return names.index(figure) * width + i

    equalities, values = [], []
    for key in keys:
        vector = vectors[key]
        for figure in names:
            if published[key].get(figure) is not None:
                row = np.zeros(variables)
                for i, inside in enumerate(vector):
                    row[var(figure, i)] = inside
                equalities.append(row)
                values.append(published[key][figure])
    inequalities = []
    if set(COPING_FIGURES) <= set(names):
        for i in range(width):
            row = np.zeros(variables)
            for figure in COPING_FIGURES:
                row[var(figure, i)] = 1
            for figure in NPS_FIGURES:
                row[var(figure, i)] = -1
            inequalities.append(row)
    problem = {
        "A_eq": np.array(equalities),
        "b_eq": np.array(values),
        "A_ub": np.array(inequalities) if inequalities else None,
        "b_ub": np.zeros(len(inequalities)) if inequalities else None,
        "bounds": (0, 10_000),  # every count is below this: keeps each program bounded
        "method": "highs",
    }

    def pinned(objective):
        low = linprog(objective, **problem)
        high = linprog(-objective, **problem)
        assert low.status == high.status == 0, (low.message, high.message)
        counts["linear programs"] += 2
        return -high.fun - low.fun < 1e-7, low.fun

    for i in hidden:
        atom = table.atoms[i]
        respondents = np.zeros(variables)
        for figure in NPS_FIGURES:
            respondents[var(figure, i)] = 1
        if pinned(respondents)[0]:
            found.append((table.group, table.year, atom, "respondents pinned by bounds"))
        for figure in names:
            objective = np.zeros(variables)
            objective[var(figure, i)] = 1
            is_pinned, value = pinned(objective)
            if not is_pinned:
                continue
            if value > 1e-7:
                found.append((table.group, table.year, atom, f"{figure} pinned at {value}"))
                continue
            # Zero is no disclosure when a group of at least MIN_GROUP_SIZE that holds the atom
            # can be worked out and its figure is zero: "none of these 12 was a detractor".
            holders = derivable[:, i].astype(bool)
            explained = (holders & (size[figure] == 0) & (size["n"] >= settings.MIN_GROUP_SIZE)).any()
            if explained:
                counts["figures at zero in a group of at least MIN_GROUP_SIZE"] += 1
            else:
                found.append((table.group, table.year, atom, f"{figure} pinned at zero"))
    return found


def tables(data, today):
    return [
        Table(group, year, closed(year, today), data.truth(group, year))
        for group in GROUPS
        for year in YEARS
        if closed(year, today)
    ]


# --- The test ----------------------------------------------------------------------------------


@pytest.fixture
def clock(monkeypatch):
    def move(day):
        monkeypatch.setattr("cooperation.dates.today", lambda: day)

    move(TODAY)
    return move


def test_the_attacker_recovers_nothing(users, api_as, customer, clock, capsys):
    began = time.monotonic()
    data = DataSet()
    data.customer = customer
    data.populate()
    client = api_as(users["decision-maker"])
    attacker = Attacker(client)

    attacker.ask_everything(TODAY)
    asked = time.monotonic()
    found, counts = attack(attacker, tables(data, TODAY))
    assert found == []
    first_requests = attacker.requests
    attacked = time.monotonic() - asked
    # A year without a single answer shows nothing at all, in any table.
    for params in allowed_questions(TODAY, years=(2023,)):
        if "end" in params:
            for path in PATHS:
                body = attacker.get(path, params).json()
                assert body["total"]["suppressed"] and all(p["suppressed"] for p in body["periods"])

    # Every question outside the published tables answers 400 and says why, combined with a sample
    # of allowed parameters.
    rng = random.Random(11)
    allowed = list(allowed_questions(TODAY))
    for forbidden in FORBIDDEN:
        for params in rng.sample(allowed, 3):
            for path in PATHS:
                answer = attacker.get(path, {k: v for k, v in params.items() if k not in forbidden} | forbidden)
                assert answer.status_code == 400, (path, params, forbidden, answer.content)
                assert answer.json() and all(isinstance(m, list) and m for m in answer.json().values())

    # The self-check: one unsuppressed complement (a published cell minus a hidden atom) is enough
    # for this attacker to work the atom out.
    patients = next(t for t in tables(data, TODAY) if t.group == "patient" and t.year == 2025)
    published, vectors = published_cells(attacker, patients)
    cell, victim = next(
        (cell, i)
        for cell in sorted(published)
        for i, inside in enumerate(vectors[cell])
        if inside and patients.atom_cell(patients.atoms[i]) not in published
    )
    complement = [int(inside and j != victim) for j, inside in enumerate(vectors[cell])]
    figures = {
        f: sum(patients.truth[a][f] for a, inside in zip(patients.atoms, complement, strict=True) if inside)
        for f in FIGURES[1:]
    }
    leak, _counts = attack(attacker, [patients], extra_cells=[("patient", 2025, ("leak", 0, 0), complement, figures)])
    assert (patients.group, 2025, patients.atoms[victim], "worked out exactly") in leak, leak

    # Answers arrive in the open quarter - one today - and nothing published changes. (Only
    # questions about 2026, and those without dates, read its answers at all.)
    before = dict(attacker.bodies)
    data.rows, earlier = [], data.rows
    data.add(dt.date(2026, 10, 5), unit=data.emergency, score=0)
    data.add(dt.date(2026, 11, 16), unit=data.care, practitioner=data.rare, score=0)
    data.write(data.rows)
    data.rows = earlier + data.rows
    attacker.bodies = {}
    attacker.ask_everything(TODAY, years=(2026,))
    assert attacker.bodies == {key: body for key, body in before.items() if key in attacker.bodies}

    # The quarter closes: the old and the new published figures together still give nothing away.
    clock(LATER)
    attacker.ask_everything(LATER, years=(2026,))
    for key in rng.sample(sorted(before), 40):  # the other years stay as they were
        path, params = key[0], dict(key[1])
        if "end" in params and not params["end"].startswith("2026"):
            assert attacker.get(path, params).json() == before[key]
    found, counts = attack(attacker, tables(data, LATER))
    assert found == []

    # Health: a group of four employees shows nothing for any window ending on a month's end.
    small = CustomerFactory(name="Four People Oy")
    for number in range(4):
        person = EmployeeFactory(customer=small, employed_from=dt.date(2020, 1, 1), employed_until=None)
        if number:
            SickLeaveFactory(employee=person, start=dt.date(2025, number, 3), end=dt.date(2025, number, 4))
    health_client = api_as(
        users["decision-maker"].__class__.objects.create(
            email="ceo@four.example", role="decision-maker", customer=small
        )
    )
    windows = 0
    month_end = dt.date(2024, 1, 31)
    while month_end < LATER.replace(day=1):
        for months in (6, 12):
            for path in ("health/", "health/series/"):
                answer = health_client.get(
                    f"/api/v1/customers/{small.business_id}/{path}?months={months}&end={month_end}"
                )
                attacker.requests += 1
                assert answer.status_code == 200
                points = answer.json() if isinstance(answer.json(), list) else [answer.json()]
                assert all(
                    p["suppressed"] and p["employees"] is None and p["health_percentage"] is None for p in points
                )
                windows += 1
        following = month_end + dt.timedelta(days=1)
        month_end = (following.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)
    elapsed = time.monotonic() - began
    with capsys.disabled():
        print(
            f"\nattacker: {counts['cells published']} cells published, {counts['cells suppressed']} cells and "
            f"{counts['atoms suppressed']} atoms suppressed, 0 recovered "
            f"({counts['sets of atoms worked out']} sets of atoms worked out, {counts['linear programs']} "
            f"linear programs, {counts['figures at zero in a group of at least MIN_GROUP_SIZE']} figures at "
            f"zero within a published group); {attacker.requests} requests "
            f"({first_requests} before the quarter closed), {windows} health windows suppressed; "
            f"self-check recovered {patients.atoms[victim]} from one leaky cell; {elapsed:.1f} s "
            f"({attacked:.1f} s working out the first collection)"
        )
