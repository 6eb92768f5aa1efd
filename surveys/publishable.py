"""Publishable statistics for a customer's people (decision-makers and supervisors).

Everything a corporate customer's own people see of their employees' survey answers comes from
here: the API (``/nps/``, ``/coping/``), the indicators page and the goals' current values.
Provider staff read the full statistics of ``surveys.selectors`` instead.

**A fixed set of tables.** For one customer, respondent group and calendar year the publishable
cells are the quarters Q1..Q4 and the year-to-date runs Q1..Qk, each for all answers and, for
patients, for each unit type (care, emergency, digital). A question may name only these: the
group, the unit type (patients only: supervisors' and decision-makers' answers concern the whole
cooperation and carry no unit), ``by`` quarter or year, and a period of one quarter or the year to
date (``start`` 1 January or the first day of ``end``'s quarter, ``end`` the last day of a
quarter of the same year). Anything else - a unit, a practitioner, a service, a channel, a
segment, months, days, other runs of quarters - answers 400 and says what may be asked, never a
quietly narrowed figure. Runs such as Q2..Q3 are left out on purpose: where both its ends are
published a run adds nothing the reader cannot add up; where one is not, publishing the run would
give the hidden quarter away or force more cells to be hidden.

**Closed quarters only.** A quarter is published the day after it ends, and its figures never
change afterwards (answers are counted by the day they were given), so no answer ever appears
on its own and polling learns nothing until the next quarter closes. The response rate counts
the answers given within ``SURVEY_LINK_TTL_DAYS`` of sending - no link lives longer - and is
shown once that many days have passed after the period, so it too is fixed when it appears.

**Suppression, proven over the whole table.** The cells are sums of atoms: quarter x unit type,
plus a residual of answers whose unit has no type (none, for patients, by the way visits are
recorded: an empty residual is public knowledge and left out; one that is not empty is an atom
like the others). Published cells define blocks: atoms that lie in exactly the same published
cells. A cell is published only if every block, after adding it, holds at least
``MIN_GROUP_SIZE`` respondents (empty cells therefore never show). Every published cell is a
union of blocks, so any sum or difference of published figures is a combination of whole blocks:

* any group of answers that can be worked out holds at least ``MIN_GROUP_SIZE`` respondents;
* an atom that shares its block with others can be moved between them without changing any
  published figure, so neither its count nor any of its figures is ever pinned down, not even
  by the knowledge that counts are never negative;
* after the greedy pass every cell that is a union of blocks is published (it adds nothing), so
  every cell still hidden is no combination of published ones.

Hiding empty cells has a visible cost, accepted on purpose: a unit type that holds every answer
of a quarter stays hidden (it would show the other types empty), and a quarter that follows
empty ones shows only within its year to date.

The cells are decided quarter by quarter in the order they close, keeping what was published
before, so what a reader collected earlier and what they read later together still satisfy the
rule. One pattern, decided on the respondent count (every answer, "not applicable" coping
answers included), covers every figure of a cell: counts, NPS, margin of error, coping answers,
invitations sent and response rate. ``tests/surveys/test_statistics_attacker.py`` checks all of
this by linear algebra over everything the API answers a decision-maker.
"""

import datetime as dt
from collections import defaultdict
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils.translation import gettext as _

from cooperation import dates
from cooperation.models import CorporateCustomer
from surveys.models import RespondentGroup, Response, SurveyInvitation, UnitType
from surveys.selectors.statistics import (
    ANSWER_COUNTERS,
    RAW_ANSWER_COUNTS,
    StatisticsQuery,
    _between_days,
    _percent,
    _resolve_target,
    coping_figures,
    coping_size,
    helsinki_midnight,
    nps_figures,
)

UNIT_TYPES = tuple(UnitType.values)
#: The residual atom: answers whose unit has no type (no unit at all: NPS rounds).
RESIDUAL = ""
ALL = "all"
#: The parameters a customer's people may give; anything else answers 400.
ALLOWED_PARAMETERS = ("customer", "group", "unit_type", "by", "start", "end")
ALLOWED_BY = ("quarter", "year")


def publication_today() -> dt.date:
    return dates.today()


# --- Quarters ----------------------------------------------------------------------------------


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def quarter_first(year: int, quarter: int) -> dt.date:
    return dt.date(year, 3 * quarter - 2, 1)


def quarter_last(year: int, quarter: int) -> dt.date:
    if quarter == 4:
        return dt.date(year, 12, 31)
    return quarter_first(year, quarter + 1) - dt.timedelta(days=1)


def closed_quarters(year: int, today: dt.date) -> int:
    """How many quarters of ``year`` have ended before ``today`` (0..4)."""
    if year < today.year:
        return 4
    if year > today.year:
        return 0
    return quarter_of(today) - 1


def latest_closed_quarter(today: dt.date) -> tuple[int, int]:
    """(year, quarter) of the last quarter that ended before ``today``."""
    if quarter_of(today) == 1:
        return today.year - 1, 4
    return today.year, quarter_of(today) - 1


# --- The pattern -------------------------------------------------------------------------------

Atom = tuple[int, str]  # (quarter, unit type or RESIDUAL)


def _cell_atoms(atoms, column: str, first: int, last: int) -> frozenset:
    return frozenset(a for a in atoms if first <= a[0] <= last and (column == ALL or a[1] == column))


def _blocks(published: list[frozenset], atoms) -> list[list[Atom]]:
    """Atoms grouped by the published cells they lie in; atoms in none are left out."""
    by_signature: dict[tuple, list[Atom]] = defaultdict(list)
    for atom in atoms:
        signature = tuple(i for i, cell in enumerate(published) if atom in cell)
        if signature:
            by_signature[signature].append(atom)
    return list(by_signature.values())


def _safe(published: list[frozenset], atoms, respondents: dict[Atom, int], min_size: int) -> bool:
    return all(sum(respondents.get(a, 0) for a in block) >= min_size for block in _blocks(published, atoms))


def table_atoms(respondents: dict[Atom, int], *, columns: tuple[str, ...], closed: int) -> set[Atom]:
    """The unknowns of a table. An empty residual is public knowledge for patients (every visit
    is to a unit with a type) and left out; for the other groups every answer is in it and only
    "all" may be asked for, so the split by type never shows."""
    atoms = {(q, t) for q in range(1, closed + 1) for t in (*UNIT_TYPES, RESIDUAL)}
    if columns != (ALL,):
        atoms = {a for a in atoms if a[1] != RESIDUAL or respondents.get(a, 0)}
    return atoms


def publication_pattern(
    respondents: dict[Atom, int], *, columns: tuple[str, ...], closed: int, min_size: int
) -> set[frozenset]:
    """The published cells (as sets of atoms) of one customer, group and year whose first
    ``closed`` quarters have closed. ``respondents`` counts answers per atom."""
    atoms = table_atoms(respondents, columns=columns, closed=closed)
    published: list[frozenset] = []

    def size(cell) -> int:
        return sum(respondents.get(a, 0) for a in cell)

    for k in range(1, closed + 1):
        known = {a for a in atoms if a[0] <= k}
        candidates = [
            (column, first, _cell_atoms(known, column, first, k))
            for first in ((1,) if k == 1 else (1, k))
            for column in columns
        ]
        # The year to date before the quarter, all answers before a unit type, larger first.
        candidates.sort(key=lambda c: (c[1] != 1, c[0] != ALL, -size(c[2]), c[0]))
        for _column, _first, cell in candidates:
            if cell in published or size(cell) < min_size:
                continue
            if _safe([*published, cell], known, respondents, min_size):
                published.append(cell)
    return set(published)


# --- Questions ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublishedQuestion:
    """What a customer's person asks: one table of the fixed set."""

    customer: CorporateCustomer
    group: str
    unit_type: str | None
    year: int
    first_quarter: int
    last_quarter: int
    by: str | None


def _allowed_words() -> str:
    return _(
        "Your company's statistics are published by respondent group (group), unit type (unit_type, "
        "patients only), by quarter or year (by=quarter|year) and for one closed quarter or the year "
        "to date (start, end)."
    )


def parameter_errors(names) -> dict[str, list[str]]:
    """400 messages for parameters a customer's people may not give."""
    errors = {}
    for name in names:
        if name in ALLOWED_PARAMETERS or name == "format":
            continue
        errors[name] = [_("This cannot be asked for.") + " " + _allowed_words()]
    return errors


def published_question(
    *,
    customer: CorporateCustomer,
    group: str = RespondentGroup.PATIENT,
    unit_type: str | None = None,
    start: dt.date | None = None,
    end: dt.date | None = None,
    by: str | None = None,
    today: dt.date | None = None,
) -> PublishedQuestion:
    """The table asked for, or ValidationError with a message per field saying what is allowed."""
    today = today or publication_today()
    errors: dict[str, list[str]] = {}
    if by and by not in ALLOWED_BY:
        errors["by"] = [_("Give by=quarter or by=year; months are not published.")]
    if unit_type and group != RespondentGroup.PATIENT:
        errors["unit_type"] = [
            _("Answers of supervisors and decision-makers concern no unit: unit_type is for group=patient only.")
        ]
    latest_year, latest_quarter = latest_closed_quarter(today)
    if start and (start.day != 1 or (start.month - 1) % 3):
        errors["start"] = [
            _("Give the first day of a quarter (for example %(day)s).")
            % {"day": quarter_first(start.year, quarter_of(start))}
        ]
    if end and end != quarter_last(end.year, quarter_of(end)):
        errors["end"] = [
            _("Give the last day of a quarter (for example %(day)s).")
            % {"day": quarter_last(end.year, quarter_of(end))}
        ]
    if errors:
        raise ValidationError(errors)
    if end is None:
        if start is None:
            year, last = latest_year, latest_quarter
        else:
            year = start.year
            last = quarter_of(start) if quarter_of(start) != 1 else max(closed_quarters(year, today), 1)
    else:
        year, last = end.year, quarter_of(end)
    first = quarter_of(start) if start else 1
    if start and start.year != year:
        errors["start"] = [
            _("The period must lie within one calendar year: give a start in %(year)s.") % {"year": year}
        ]
    elif first not in (1, last):
        errors["start"] = [
            _("A period is one quarter or the year to date: give start %(year_start)s or %(quarter_start)s.")
            % {"year_start": dt.date(year, 1, 1), "quarter_start": quarter_first(year, last)}
        ]
    if (year, last) > (latest_year, latest_quarter):
        errors["end"] = [
            _("Quarters are published the day after they end; the latest published one ends %(day)s.")
            % {"day": quarter_last(latest_year, latest_quarter)}
        ]
    if errors:
        raise ValidationError(errors)
    return PublishedQuestion(customer, group, unit_type or None, year, first, last, by or None)


# --- Figures -----------------------------------------------------------------------------------


def _quarter_of(moment: str, year: int, closed: int) -> Case:
    """The quarter of a moment, in the database (rows are already bounded to the year)."""
    return Case(
        *(
            When(**{f"{moment}__lt": helsinki_midnight(quarter_first(year, q + 1))}, then=Value(q))
            for q in range(1, min(closed, 3) + 1)
        ),
        default=Value(4 if closed == 4 else closed),
        output_field=IntegerField(),
    )


def _year_counts(customer, group: str, year: int, closed: int):
    """Answer counters per atom and (invitations sent, answered within the link's life) per
    (quarter sent, unit type), for the closed quarters of the year: one grouped query each."""
    answers: dict[Atom, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ANSWER_COUNTERS, 0))
    invitations: dict[Atom, list[int]] = defaultdict(lambda: [0, 0])
    if not closed:
        return answers, invitations
    first, last = dt.date(year, 1, 1), quarter_last(year, closed)
    rows = _between_days(
        Response.objects.filter(customer=customer, respondent_group=group), first, last, moment="answered_at"
    )
    rows = rows.annotate(quarter=_quarter_of("answered_at", year, closed)).values("quarter", "unit_type")
    for row in rows.annotate(**RAW_ANSWER_COUNTS).order_by():
        counts = answers[(row["quarter"], row["unit_type"] or RESIDUAL)]
        for name in ANSWER_COUNTERS:
            counts[name] += row[name]
    ttl = dt.timedelta(days=settings.SURVEY_LINK_TTL_DAYS)
    sent = _between_days(
        SurveyInvitation.objects.filter(customer=customer, respondent_group=group, sent_at__isnull=False),
        first,
        last,
        moment="sent_at",
    )
    sent = sent.annotate(quarter=_quarter_of("sent_at", year, closed)).values("quarter", "unit_type")
    sent = sent.annotate(
        sent=Count("status"),
        answered=Count("status", filter=Q(status="answered", answered_at__lte=F("sent_at") + ttl)),
    )
    for row in sent.order_by():
        counts = invitations[(row["quarter"], row["unit_type"] or RESIDUAL)]
        counts[0] += row["sent"]
        counts[1] += row["answered"]
    return answers, invitations


def _columns(group: str) -> tuple[str, ...]:
    return (ALL, *UNIT_TYPES) if group == RespondentGroup.PATIENT else (ALL,)


def _sum(table: dict, column: str, first: int, last: int, width: int):
    total = [0] * width
    for (quarter, unit_type), values in table.items():
        if first <= quarter <= last and (column == ALL or unit_type == column):
            for i, value in enumerate(values):
                total[i] += value
    return total


class PublishedYear:
    """The published cells of one customer, group and year as of ``today``."""

    def __init__(self, *, customer, group: str, year: int, today: dt.date):
        self.year, self.today = year, today
        self.closed = closed_quarters(year, today)
        self.answers, self.invitations = _year_counts(customer, group, year, self.closed)
        respondents = {atom: counts["n"] for atom, counts in self.answers.items()}
        self.atoms = table_atoms(respondents, columns=_columns(group), closed=self.closed)
        self.pattern = publication_pattern(
            respondents, columns=_columns(group), closed=self.closed, min_size=settings.MIN_GROUP_SIZE
        )

    def published(self, column: str, first: int, last: int) -> bool:
        return last <= self.closed and _cell_atoms(self.atoms, column, first, last) in self.pattern

    def counts(self, column: str, first: int, last: int) -> dict[str, int]:
        table = {atom: [c[name] for name in ANSWER_COUNTERS] for atom, c in self.answers.items()}
        return dict(zip(ANSWER_COUNTERS, _sum(table, column, first, last, len(ANSWER_COUNTERS)), strict=True))

    def invitation_counts(self, column: str, first: int, last: int) -> tuple[int, int]:
        sent, answered = _sum(self.invitations, column, first, last, 2)
        return sent, answered

    def rate_final(self, last: int) -> bool:
        """Every link of the period's invitations has run out, so the rate can no longer change."""
        return self.today > quarter_last(self.year, last) + dt.timedelta(days=settings.SURVEY_LINK_TTL_DAYS + 1)


def _cell(kind: str, counts: dict[str, int], shown: bool) -> dict:
    if kind == "nps":
        base = {name: counts[name] for name in ("n", "promoters", "passives", "detractors")}
        base |= nps_figures(counts)
    else:
        base = {
            "n": coping_size(counts),
            "yes": counts["coping_yes"],
            "partly": counts["coping_partly"],
            "no": counts["coping_no"],
            "not_applicable": counts["coping_na"],
        }
        base |= coping_figures(counts)
    if not shown:
        base = dict.fromkeys(base)
    base["suppressed"] = not shown
    return base


#: Published years already worked out within one page (``published_years_shared``): a page that
#: shows several tables of the same company, group and year computes each year once.
_shared_years: ContextVar[dict | None] = ContextVar("published_years", default=None)


@contextmanager
def published_years_shared():
    """Within the block, tables of the same company, group, year and day share one worked-out
    year; outside it every question works its year out afresh."""
    token = _shared_years.set({})
    try:
        yield
    finally:
        _shared_years.reset(token)


def published_year(*, customer, group: str, year: int, today: dt.date) -> PublishedYear:
    shared = _shared_years.get()
    if shared is None:
        return PublishedYear(customer=customer, group=group, year=year, today=today)
    key = (customer.pk, group, year, today)
    if key not in shared:
        shared[key] = PublishedYear(customer=customer, group=group, year=year, today=today)
    return shared[key]


def published_statistics(question: PublishedQuestion, *, kind: str, today: dt.date | None = None) -> dict:
    """The answer to a question of the fixed set, in the shape of ``nps_statistics`` /
    ``coping_statistics``: suppressed cells carry ``suppressed: true`` and null figures."""
    today = today or publication_today()
    year = published_year(customer=question.customer, group=question.group, year=question.year, today=today)
    column = question.unit_type or ALL
    first, last = question.first_quarter, question.last_quarter
    figure = "nps" if kind == "nps" else "coping_better"
    cumulative_name = "cumulative_nps" if kind == "nps" else "cumulative_coping_better"

    def cell(a: int, b: int) -> dict:
        return _cell(kind, year.counts(column, a, b), year.published(column, a, b))

    def cumulative(b: int):
        return cell(1, b)[figure]

    total = cell(first, last)
    if kind == "nps":
        shown = not total["suppressed"]
        target = _resolve_target(
            StatisticsQuery(group=question.group, customer=question.customer, unit_type=question.unit_type),
            question.year,
        )
        sent, answered = year.invitation_counts(column, first, last)
        suppressed = total.pop("suppressed")
        total["target"] = target
        total["target_met"] = None if target is None or total["nps"] is None else total["nps"] >= target
        total["invitations_sent"] = sent if shown else None
        total["response_rate"] = _percent(answered, sent) if shown and sent and year.rate_final(last) else None
        total["suppressed"] = suppressed
    periods = []
    if question.by == "quarter":
        for quarter in range(first, last + 1):
            row = {"period": f"{question.year}-Q{quarter}"} | cell(quarter, quarter)
            row[cumulative_name] = cumulative(quarter)
            row["suppressed"] = row.pop("suppressed")
            periods.append(row)
    elif question.by == "year":
        row = {"period": f"{question.year}"} | cell(first, last)
        row[cumulative_name] = cumulative(last)
        row["suppressed"] = row.pop("suppressed")
        periods.append(row)
    return {"total": total, "periods": periods}


def published_nps(*, customer: CorporateCustomer, group: str, on: dt.date) -> dict:
    """The NPS a goal and the dashboard show a customer's people on ``on``: the latest year to
    date that is published by then (never a rolling window, which would change with each
    answer). That is the year to date of the last closed quarter; when that cell is hidden (its
    quarter alone had fewer than MIN_GROUP_SIZE answers, so the run would give it away), the year
    to date of the quarter before it, back to the previous year's whole year. Returns the total
    cell and its period; a hidden total (``suppressed``) when none of them is published."""
    today = min(on, publication_today())
    year, quarter = latest_closed_quarter(today)
    first_total = None
    for candidate_year in (year, year - 1):
        published = published_year(customer=customer, group=group, year=candidate_year, today=today)
        last = quarter if candidate_year == year else 4
        for end_quarter in range(last, 0, -1):
            if published.published(ALL, 1, end_quarter) or (first_total is None and end_quarter == last):
                question = PublishedQuestion(customer, group, None, candidate_year, 1, end_quarter, None)
                total = published_statistics(question, kind="nps", today=today)["total"]
                result = {
                    "total": total,
                    "start": dt.date(candidate_year, 1, 1),
                    "end": quarter_last(candidate_year, end_quarter),
                }
                if not total["suppressed"]:
                    return result
                first_total = first_total or result
    return first_total


def published_score_distribution(question: PublishedQuestion, *, today: dt.date | None = None) -> dict | None:
    """How many answers gave each score 0..10 in the cell ``question`` names (all unit types), or
    None when that cell is hidden: a distribution is one more figure of a published cell, so
    it is shown exactly where the cell's respondent count is (a published cell holds whole
    blocks of at least MIN_GROUP_SIZE respondents), and never for a hidden one."""
    today = today or publication_today()
    year = published_year(customer=question.customer, group=question.group, year=question.year, today=today)
    if question.unit_type or not year.published(ALL, question.first_quarter, question.last_quarter):
        return None
    rows = _between_days(
        Response.objects.filter(customer=question.customer, respondent_group=question.group),
        quarter_first(question.year, question.first_quarter),
        quarter_last(question.year, question.last_quarter),
        moment="answered_at",
    )
    counts = dict.fromkeys(range(11), 0)
    for score, n in rows.values_list("score").annotate(n=Count("score")).order_by().values_list("score", "n"):
        if score is not None:
            counts[score] += n
    return counts
