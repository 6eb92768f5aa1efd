"""Quality staff's NPS reads: every unit against its target by quarter, and the NPS of each
practitioner. Provider staff read the full statistics (no suppression: surveys/publishable.py is
for a customer's people). Each is a constant number of grouped queries, whatever the number of
units, practitioners or answers."""

import datetime as dt

from django.db.models import DateField, F, FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, TruncQuarter

from surveys.models import BindingTarget, Practitioner, RespondentGroup, Response, StatsDailyByUnit, TargetScope, Unit
from surveys.selectors.statistics import (
    ANSWER_COUNTERS,
    HELSINKI,
    RAW_ANSWER_COUNTS,
    _between_days,
    _rollups_live,
    _zero,
    nps_figures,
    period_key,
)

NPS_COUNTERS = ("n", "promoters", "passives", "detractors")


def _add(total: dict[str, int], counts: dict) -> None:
    for name in ANSWER_COUNTERS:
        total[name] += counts.get(name) or 0


def unit_target_for_year(*, units: list[Unit], year: int) -> dict[int, int | None]:
    """Each unit's NPS target for the year (one query): a binding target set for the unit that
    year, else the unit's own target (care 70, emergency 50 by default), else the organisation's
    binding target of the year; as the statistics API resolves it."""
    binding = BindingTarget.objects.filter(
        Q(scope=TargetScope.UNIT, unit__in=units) | Q(scope=TargetScope.ORGANISATION),
        year=year,
        respondent_group=RespondentGroup.PATIENT,
    ).values_list("scope", "unit_id", "target")
    per_unit, organisation = {}, None
    for scope, unit_id, target in binding:
        if scope == TargetScope.UNIT:
            per_unit[unit_id] = target
        else:
            organisation = target
    result = {}
    for unit in units:
        own = per_unit.get(unit.pk, unit.nps_target)
        result[unit.pk] = own if own is not None else organisation
    return result


def _quarter_counts(year: int) -> dict[int, dict[dt.date, dict[str, int]]]:
    """Patients' answer counters per unit id and first day of quarter (Helsinki) in ``year``."""
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    group = RespondentGroup.PATIENT
    if _rollups_live():
        rows = _between_days(StatsDailyByUnit.objects.filter(respondent_group=group).exclude(unit_key=0), first, last)
        rows = (
            rows.annotate(quarter=TruncQuarter("day"))
            .values("unit_key", "quarter")
            .annotate(**{c: Sum(c) for c in ANSWER_COUNTERS})
            .values_list("unit_key", "quarter", *ANSWER_COUNTERS)
        )
    else:
        rows = _between_days(
            Response.objects.filter(respondent_group=group, unit__isnull=False), first, last, moment="answered_at"
        )
        rows = (
            rows.annotate(quarter=TruncQuarter("answered_at", tzinfo=HELSINKI, output_field=DateField()))
            .values("unit", "quarter")
            .annotate(**RAW_ANSWER_COUNTS)
            .values_list("unit", "quarter", *ANSWER_COUNTERS)
        )
    counts: dict[int, dict[dt.date, dict[str, int]]] = {}
    for unit_id, quarter, *values in rows.order_by():
        counts.setdefault(unit_id, {})[quarter] = dict(zip(ANSWER_COUNTERS, values, strict=True))
    return counts


def _cell(counts: dict[str, int]) -> dict:
    return {name: counts[name] for name in NPS_COUNTERS} | nps_figures(counts)


def units_nps_by_quarter(*, year: int, today: dt.date, units: QuerySet | None = None) -> list[dict]:
    """Every unit's patient NPS in each quarter of ``year`` and for the year, against the unit's
    target (three queries). A quarter that has not begun by ``today`` is marked ``future``.

    Each row: ``unit``, ``target``, ``quarters`` (``period``, ``label``, counts, ``nps``,
    ``moe95``, ``met``, ``future``) and ``year`` (the same for the whole year). ``units``: only
    these (default: every unit)."""
    units = list(Unit.objects.all() if units is None else units)
    targets = unit_target_for_year(units=units, year=year)
    counts = _quarter_counts(year)
    rows = []
    for unit in units:
        target = targets[unit.pk]
        by_quarter = counts.get(unit.pk, {})
        year_counts = _zero()
        quarters = []
        for number in range(1, 5):
            first = dt.date(year, 3 * number - 2, 1)
            quarter_counts = _zero()
            _add(quarter_counts, by_quarter.get(first, {}))
            _add(year_counts, quarter_counts)
            cell = _cell(quarter_counts)
            quarters.append(
                cell
                | {
                    "period": period_key(first, "quarter"),
                    "label": f"Q{number}",
                    "met": None if target is None or cell["nps"] is None else cell["nps"] >= target,
                    "future": first > today,
                }
            )
        total = _cell(year_counts)
        total["met"] = None if target is None or total["nps"] is None else total["nps"] >= target
        rows.append({"unit": unit, "target": target, "quarters": quarters, "year": total})
    return rows


# --- Practitioners ---------------------------------------------------------------------------

#: The practitioner table's sort keys and the SQL they order by (NPS and its margin of error by
#: monotone stand-ins: (P − D) / n and the variance, so the database can sort and page).
PRACTITIONER_SORTS = {
    "practitioner": ("practitioner__name",),
    "unit": ("practitioner__unit__code",),
    "n": ("n",),
    "nps": ("nps_order",),
    "moe": ("variance_order",),
}


def _float(expression):
    return Cast(expression, FloatField())


def practitioner_nps_rows(
    *, first: dt.date, last: dt.date, unit: Unit | None = None, sort: str = "practitioner", descending: bool = False
) -> QuerySet:
    """Patients' answers per practitioner in ``first``..``last`` (Helsinki days), grouped and
    ordered in the database: rows of ``practitioner`` (an id) and the counters. Practitioners
    without answers in the period are not listed. Page it, then read the page's practitioners
    with ``practitioners_by_id``."""
    rows = Response.objects.filter(respondent_group=RespondentGroup.PATIENT, practitioner__isnull=False)
    if unit is not None:
        rows = rows.filter(practitioner__unit=unit)
    rows = _between_days(rows, first, last, moment="answered_at")
    n, p, d = F("n"), F("promoters"), F("detractors")
    rows = (
        rows.values("practitioner")
        .annotate(**{name: RAW_ANSWER_COUNTS[name] for name in NPS_COUNTERS})
        .annotate(
            nps_order=_float(p - d) / _float(n),
            variance_order=_float((p + d) * n - (p - d) * (p - d)) / (_float(n) * _float(n) * _float(n)),
        )
    )
    columns = PRACTITIONER_SORTS.get(sort, PRACTITIONER_SORTS["practitioner"])
    ordering = [f"-{c}" if descending else c for c in columns]
    return rows.order_by(*ordering, "practitioner__code")


def practitioner_nps_page_rows(rows: list[dict]) -> list[dict]:
    """The rows of one page with their practitioners (one query) and figures."""
    practitioners = Practitioner.objects.select_related("unit").in_bulk([row["practitioner"] for row in rows])
    return [
        {"practitioner": practitioners[row["practitioner"]], **_cell({name: row[name] for name in NPS_COUNTERS})}
        for row in rows
    ]
