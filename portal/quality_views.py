"""The quality staff's pages (quality role and administrators): every unit's NPS against its
target by quarter, the NPS of each practitioner, the comments of the units they follow, and the
binding-target report with its chart. They live in the portal because they are built from the
shared page components (portal.components); the figures come from surveys' selectors, the full
statistics of provider staff (nothing is suppressed for them).

Their tabs are the lines of portal.quality_nav.QUALITY_PAGES."""

import datetime as dt
import math

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from cooperation import dates
from portal.components import Chart, Column, Series, SortableTable, sort_from_query
from portal.quality_forms import CommentFilterForm, PractitionerNpsForm, UnitNpsForm
from portal.quality_nav import may_read_quality_pages
from surveys import selectors, services
from surveys.report_views import ExplanationForm, binding_target_for, may_explain_binding_target
from surveys.selectors.statistics import period_bounds

UNITS_PER_PAGE = 12
PRACTITIONERS_PER_PAGE = 25
COMMENTS_PER_PAGE = 25


def _require_quality(user) -> None:
    if not may_read_quality_pages(user):
        raise PermissionDenied


def _render(request, template: str, context: dict, *, current: str, form=None):
    """A quality page; a filter the form rejects answers 400 with the form's messages."""
    status = 400 if form is not None and form.is_bound and not form.is_valid() else 200
    context = {"current": current, "form": form, "invalid": status == 400, **context}
    return render(request, template, context, status=status)


# --- Units' NPS against their targets ----------------------------------------------------------


def _units_columns() -> list[Column]:
    return [
        Column("unit", _("Unit")),
        Column("target", _("Target"), numeric=True),
        *[Column(f"q{q}", f"Q{q}", sortable=False, numeric=True) for q in range(1, 5)],
        Column("nps", _("Year"), numeric=True),
    ]


def _sort_key(value, *, descending: bool):
    """Rows without a figure last, whichever the direction."""
    if value is None:
        return (1, 0)
    return (0, -value if descending else value)


def nps_scale(values: list[float | None]) -> tuple[int | None, int | None]:
    """A value axis for NPS figures (and their target) rounded out to twenties and at least 40
    points tall, so small differences do not look like cliffs; None when there is no figure."""
    values = [v for v in values if v is not None]
    if not values:
        return None, None
    low = max(-100, math.floor(min(values) / 20) * 20)
    high = min(100, math.ceil(max(values) / 20) * 20)
    if high - low < 40:
        low, high = max(-100, low - 20), min(100, high + 20)
    return low, high


def _shared_scale(rows: list[dict]) -> tuple[int | None, int | None]:
    """One NPS scale for every small chart on the page, so the units compare at a glance."""
    values = [q["nps"] for row in rows for q in row["quarters"] if not q["future"]]
    if not any(v is not None for v in values):
        return None, None
    return nps_scale(values + [row["target"] for row in rows])


@login_required
def quality_units(request):
    """Every unit's patient NPS by quarter of a year, against the unit's target: small charts
    (one a unit, the target as a dashed line) and the same figures as a table."""
    _require_quality(request.user)
    today = dates.today()
    form = UnitNpsForm(request.GET or None, today=today)
    year = form.value("year", today.year)
    columns = _units_columns()
    sort, descending = sort_from_query(request.GET, columns, default="unit")
    followed = selectors.units_followed(user=request.user)
    if form.is_bound and not form.is_valid():
        rows = []
    else:
        mine = form.value("units") == "mine"
        rows = selectors.units_nps_by_quarter(year=year, today=today, units=followed if mine else None)
    values = {
        "unit": lambda row: row["unit"].code,
        "target": lambda row: row["target"],
        "nps": lambda row: row["year"]["nps"],
    }
    if sort == "unit":
        rows.sort(key=values["unit"], reverse=descending)
    else:
        rows.sort(key=lambda row: _sort_key(values[sort](row), descending=descending))
    page = Paginator(rows, UNITS_PER_PAGE).get_page(request.GET.get("page"))
    low, high = _shared_scale(list(page.object_list))
    for row in page.object_list:
        row["chart"] = Chart(
            id=f"unit-nps-{row['unit'].pk}",
            kind="line",
            labels=[q["label"] for q in row["quarters"]],
            series=[Series(_("NPS"), [None if q["future"] else q["nps"] for q in row["quarters"]])],
            caption=_("NPS by quarter, %(year)s") % {"year": year},
            target=row["target"],
            target_label=_("Target"),
            y_min=low,
            y_max=high,
        )
    table = SortableTable(
        columns=columns, sort=sort, descending=descending, page=page, params=request.GET, caption=_("Units' NPS")
    )
    return _render(
        request,
        "portal/quality/units.html",
        {"year": year, "rows": page.object_list, "table": table, "filtered": bool(request.GET.get("units"))},
        current="quality-units",
        form=form,
    )


# --- Practitioners ----------------------------------------------------------------------------


def _practitioner_columns() -> list[Column]:
    return [
        Column("practitioner", _("Practitioner")),
        Column("unit", _("Unit")),
        Column("n", _("Respondents"), numeric=True),
        Column("promoters", _("Promoters"), sortable=False, numeric=True),
        Column("passives", _("Passives"), sortable=False, numeric=True),
        Column("detractors", _("Detractors"), sortable=False, numeric=True),
        Column("nps", _("NPS"), numeric=True),
        Column("moe", _("Margin of error (95 %)"), numeric=True),
    ]


@login_required
def quality_practitioners(request):
    """Each practitioner's patient NPS over a year or a quarter, with its respondents and its
    margin of error; sorted and paged by the database."""
    _require_quality(request.user)
    today = dates.today()
    form = PractitionerNpsForm(request.GET or None, today=today)
    year = form.value("year", today.year)
    quarter = form.value("quarter")
    unit = form.value("unit")
    if quarter:
        first, last = period_bounds(dt.date(year, 3 * quarter - 2, 1), "quarter")
    else:
        first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    columns = _practitioner_columns()
    sort, descending = sort_from_query(request.GET, columns, default="practitioner")
    if form.is_bound and not form.is_valid():
        page, rows = Paginator([], PRACTITIONERS_PER_PAGE).get_page(1), []
    else:
        grouped = selectors.practitioner_nps_rows(first=first, last=last, unit=unit, sort=sort, descending=descending)
        page = Paginator(grouped, PRACTITIONERS_PER_PAGE).get_page(request.GET.get("page"))
        rows = selectors.practitioner_nps_page_rows(list(page.object_list))
    followed = set(selectors.units_followed(user=request.user).values_list("pk", flat=True)) if rows else set()
    comments_url = reverse("quality-comments")
    for row in rows:
        practitioner = row["practitioner"]
        if practitioner.unit_id in followed:
            row["comments_url"] = f"{comments_url}?practitioner={practitioner.code}&start={first}&end={last}"
    table = SortableTable(
        columns=columns,
        sort=sort,
        descending=descending,
        page=page,
        params=request.GET,
        caption=_("NPS per practitioner"),
    )
    period = f"{year} Q{quarter}" if quarter else str(year)
    filtered = any(request.GET.get(name) for name in ("year", "quarter", "unit"))
    return _render(
        request,
        "portal/quality/practitioners.html",
        {
            "rows": rows,
            "table": table,
            "period": period,
            "unit": unit,
            "filtered": filtered,
            # Not in the template: {% translate %} doubles the per cent sign of the message id.
            "moe_label": _("Margin of error (95 %)"),
        },
        current="quality-practitioners",
        form=form,
    )


# --- Comments ---------------------------------------------------------------------------------


def nps_class(score: int) -> str:
    """The NPS scale's class of a score: 0–6 detractor, 7–8 passive, 9–10 promoter."""
    return "detractor" if score <= 6 else "passive" if score <= 8 else "promoter"


@login_required
def quality_comments(request):
    """The comments of the units the quality person follows (an administrator: all), newest
    first, filtered by unit, practitioner, period and score; detractors' answers stand out."""
    _require_quality(request.user)
    units = selectors.units_followed(user=request.user)
    form = CommentFilterForm(request.GET or None, units=units)
    if form.is_bound and not form.is_valid():
        page = Paginator([], COMMENTS_PER_PAGE).get_page(1)
    else:
        comments = selectors.comments_for_quality(
            user=request.user,
            unit=form.value("unit"),
            practitioner=form.value("practitioner"),
            start=form.value("start"),
            end=form.value("end"),
            scores=form.scores(),
            newest_first=True,
        )
        page = Paginator(comments, COMMENTS_PER_PAGE).get_page(request.GET.get("page"))
    table = SortableTable(
        columns=[Column("answered_at", _("Answered"))],
        sort="answered_at",
        descending=True,
        page=page,
        params=request.GET,
        caption=_("Comments"),
    )
    filtered = bool(form.is_bound and any(v for k, v in request.GET.items() if k not in ("page", "sort")))
    comments = list(page.object_list)
    labels = {"detractor": _("Detractor"), "passive": _("Passive"), "promoter": _("Promoter")}
    for comment in comments:
        comment.nps_class = nps_class(comment.score)
        comment.nps_class_label = labels[comment.nps_class]
    return _render(
        request,
        "portal/quality/comments.html",
        {"comments": comments, "table": table, "filtered": filtered},
        current="quality-comments",
        form=form,
    )


# --- The binding-target report ----------------------------------------------------------------


def _quarter_first(period: str) -> dt.date:
    """The first day of a quarter named as the statistics name it ("2026-Q3")."""
    year, quarter = period.split("-Q")
    return dt.date(int(year), 3 * int(quarter) - 2, 1)


def binding_target_chart(report: dict, *, today: dt.date) -> Chart:
    """Each quarter's NPS and the year to date against the binding target; quarters that have
    not begun are left empty rather than repeating the year to date."""
    quarters = report["quarters"]
    started = [_quarter_first(q["period"]) <= today for q in quarters]
    nps = [q["nps"] if s else None for q, s in zip(quarters, started, strict=True)]
    cumulative = [q["cumulative_nps"] if s else None for q, s in zip(quarters, started, strict=True)]
    low, high = nps_scale([*nps, *cumulative]) if any(v is not None for v in nps) else (None, None)
    if low is not None:
        low, high = nps_scale([low, high, report["target"].target])
    return Chart(
        id=f"binding-target-{report['target'].pk}",
        kind="line",
        labels=[q["period"] for q in quarters],
        series=[
            Series(_("NPS of the quarter"), nps),
            Series(_("Cumulative NPS"), cumulative),
        ],
        caption=_("NPS by quarter and cumulatively against the binding target"),
        target=report["target"].target,
        target_label=_("Binding target"),
        y_min=low,
        y_max=high,
    )


@login_required
def binding_target_report(request, pk: int):
    """The year against its binding target (chart and table); quality staff file the explanation
    and corrective actions here."""
    target = binding_target_for(request, pk)
    if request.method == "POST":
        if not may_explain_binding_target(request.user):
            raise PermissionDenied
        form = ExplanationForm(request.POST)
        if form.is_valid():
            services.binding_target_explain(target=target, **form.cleaned_data)
            messages.success(request, _("The explanation was saved."))
            return redirect("binding-target-report", pk=target.pk)
    else:
        form = ExplanationForm(
            initial={"explanation": target.explanation, "corrective_actions": target.corrective_actions}
        )
    report = selectors.binding_target_report(target=target)
    return render(
        request,
        "surveys/reports/binding_target_report.html",
        {
            "report": report,
            "target": target,
            "form": form,
            "may_explain": may_explain_binding_target(request.user),
            "chart": binding_target_chart(report, today=dates.today()),
        },
    )
