from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from cooperation import dates
from cooperation.access import Role, is_admin, is_customer_user
from cooperation.models import CorporateCustomer, Phase, Segment
from portal import selectors
from portal.components import Chart, Column, KeyFigure, Series, SortableTable, sort_from_query


@login_required
def home(request):
    """The first page after signing in, by role."""
    user = request.user
    if is_customer_user(user):
        return redirect("dashboard")
    if is_admin(user) or user.role == Role.ACCOUNT_MANAGER:
        return portfolio(request)
    if user.role == Role.QUALITY:
        return redirect("quality-units")
    return render(request, "portal/home.html")


def _portfolio_columns() -> list[Column]:
    return [
        Column("name", _("Customer")),
        Column("segment", _("Segment")),
        Column("phase", _("Agreement phase")),
        Column("nps", _("Employee NPS"), numeric=True),
        Column("coping", _("Coping better"), numeric=True),
        Column("health", _("Health % (12 months)"), numeric=True),
        Column("meeting", _("Next steering meeting")),
        Column("overdue", _("Overdue action items"), numeric=True),
        Column("attention", _("Needs attention")),
    ]


def _choice(value: str, allowed) -> str:
    return value if value in allowed else ""


def portfolio(request):
    """The account manager's portfolio (an administrator's: every customer), a page at a time."""
    params = request.GET
    columns = _portfolio_columns()
    sort, descending = sort_from_query(params, columns, default="name")
    filters = selectors.PortfolioFilters(
        search=params.get("q", "").strip()[:200],
        segment=_choice(params.get("segment", ""), Segment.values),
        phase=_choice(params.get("phase", ""), [*Phase.values, selectors.NO_AGREEMENT]),
        attention=_choice(params.get("attention", ""), ("yes", "no")),
    )
    page, rows = selectors.portfolio_page(
        user=request.user,
        filters=filters,
        sort=sort,
        descending=descending,
        page=params.get("page"),
        today=timezone.localdate(),
    )
    for row in rows:
        trend = row["nps_trend"]
        row["nps_chart"] = Chart(
            id=f"nps-trend-{row['customer'].pk}",
            kind="sparkline",
            labels=[point["quarter"] for point in trend],
            series=[Series(_("Employee NPS"), [point["nps"] for point in trend])],
            caption=_("Employee NPS by quarter"),
            target=row["nps_target"],
            target_label=_("Target"),
        )
    table = SortableTable(
        columns=columns, sort=sort, descending=descending, page=page, params=params, caption=_("Customers")
    )
    return render(
        request,
        "portal/home_portfolio.html",
        {
            "table": table,
            "rows": rows,
            "quarter": selectors.closed_quarters(today=timezone.localdate())[-1][0],
            "filters": filters,
            "segments": Segment.choices,
            "phases": [*Phase.choices, (selectors.NO_AGREEMENT, _("No agreement"))],
            "sort_value": f"-{sort}" if descending else sort,
            "sort_options": [(c.key, c.label) for c in columns],
            "filtered": any([filters.search, filters.segment, filters.phase, filters.attention]),
        },
    )


# --- The dashboard of a customer's own people ------------------------------------------------------


def _hidden_if_empty(chart: Chart) -> Chart:
    """A chart whose every figure is hidden says why in words instead of "no figures yet"."""
    chart.suppressed = not chart.has_data and bool(chart.hidden_labels)
    return chart


def _nps_chart(group: dict) -> Chart:
    periods = group["periods"]
    chart = Chart(
        id=f"nps-{group['group']}",
        kind="line",
        labels=[p["period"] for p in periods],
        series=[
            Series(_("NPS of the quarter"), [p["nps"] for p in periods]),
            Series(_("Year to date"), [p["cumulative_nps"] for p in periods]),
        ],
        caption=_("NPS by quarter: %(group)s") % {"group": group["label"]},
        target=group["target"],
        target_label=_("Target"),
        hidden_labels=[p["period"] for p in periods if p["suppressed"]],
        suppression_reason="published",
        # An NPS lies between -100 and 100, and so does its band.
        band_lower=[None if p["nps"] is None else max(-100.0, round(p["nps"] - p["moe95"], 1)) for p in periods],
        band_upper=[None if p["nps"] is None else min(100.0, round(p["nps"] + p["moe95"], 1)) for p in periods],
        band_label=_("Margin of error (95 %)"),
        y_max=100,
    )
    return _hidden_if_empty(chart)


def _nps_figure(group: dict) -> KeyFigure:
    current = group["current"]
    note = ""
    if not current["suppressed"]:
        note = _("Year to date %(start)s–%(end)s: %(n)s respondents, margin of error ±%(moe)s.") % {
            "start": date_format(current["start"], "SHORT_DATE_FORMAT"),
            "end": date_format(current["end"], "SHORT_DATE_FORMAT"),
            "n": current["n"],
            "moe": current["moe95"],
        }
    return KeyFigure(
        label=_("NPS: %(group)s") % {"group": group["label"]},
        value=current["nps"],
        target=current["target"],
        target_met=current["target_met"],
        note=note,
        suppressed=current["suppressed"],
        suppression_reason="published",
    )


def _health_figure(window: dict, months: int) -> KeyFigure:
    note = ""
    if not window["suppressed"]:
        note = _("%(start)s–%(end)s: %(without)s of %(employees)s employees without sick leave.") % {
            "start": date_format(window["window"]["start"], "SHORT_DATE_FORMAT"),
            "end": date_format(window["window"]["end"], "SHORT_DATE_FORMAT"),
            "without": window["without_sick_leave"],
            "employees": window["employees"],
        }
    return KeyFigure(
        label=_("Health percentage (%(months)s months)") % {"months": months},
        value=window["health_percentage"],
        unit=" %",
        note=note,
        suppressed=window["suppressed"],
        suppression_reason="employees",
    )


@login_required
def dashboard(request):
    """The dashboard of a corporate customer's decision-maker or supervisor: their own company's
    published figures, the agreement and its goals, the steering group's meetings. Read only;
    provider staff read the customer's pages and the portfolio instead."""
    user = request.user
    if not is_customer_user(user):
        raise PermissionDenied
    customer = get_object_or_404(CorporateCustomer, pk=user.customer_id or 0)
    data = selectors.customer_dashboard(customer=customer, today=dates.today())
    health = data["health"]
    trend = health["trend"]
    health_chart = _hidden_if_empty(
        Chart(
            id="health-trend",
            kind="line",
            labels=[point["month"] for point in trend],
            series=[Series(_("Health percentage (12 months)"), [point["health_percentage"] for point in trend])],
            caption=_("Health percentage over the previous 12 months, at the end of each month"),
            unit=" %",
            y_max=100,
            hidden_labels=[point["month"] for point in trend if point["suppressed"]],
            suppression_reason="employees",
        )
    )
    coping = data["coping"]
    coping_total = coping["total"]
    coping_chart = _hidden_if_empty(
        Chart(
            id="coping-trend",
            kind="bar",
            labels=[p["period"] for p in coping["periods"]],
            series=[Series(_("Coping better"), [p["coping_better"] for p in coping["periods"]])],
            caption=_("Employees coping better after the appointment, by quarter"),
            unit=" %",
            y_min=0,
            y_max=100,
            hidden_labels=[p["period"] for p in coping["periods"] if p["suppressed"]],
            suppression_reason="published",
        )
    )
    distribution = data["distribution"]
    distribution_chart = None
    if distribution is not None:
        distribution_chart = Chart(
            id="score-distribution",
            kind="bar",
            labels=[str(score) for score in distribution["counts"]],
            series=[Series(_("Answers"), list(distribution["counts"].values()))],
            caption=_("Employees' answers by score 0–10, %(start)s–%(end)s")
            % {
                "start": date_format(distribution["start"], "SHORT_DATE_FORMAT"),
                "end": date_format(distribution["end"], "SHORT_DATE_FORMAT"),
            },
        )
    nps_groups = [
        {"data": group, "figure": _nps_figure(group), "chart": _nps_chart(group)} for group in data["nps"].values()
    ]
    figures = [
        _health_figure(health["windows"][6], 6),
        _health_figure(health["windows"][12], 12),
        *(group["figure"] for group in nps_groups),
        KeyFigure(
            label=_("Coping better (year to date %(year)s)") % {"year": coping_total["year"]},
            value=coping_total["coping_better"],
            unit=" %",
            suppressed=coping_total["suppressed"],
            suppression_reason="published",
        ),
    ]
    return render(
        request,
        "portal/dashboard.html",
        data
        | {
            "figures": figures,
            "health_chart": health_chart,
            "nps_groups": nps_groups,
            "coping_chart": coping_chart,
            "distribution_chart": distribution_chart,
            "min_group_size": settings.MIN_GROUP_SIZE,
        },
    )
