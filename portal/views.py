from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation.access import Role, is_admin, is_customer_user
from cooperation.models import Phase, Segment
from portal import selectors
from portal.components import Chart, Column, Series, SortableTable, sort_from_query


@login_required
def home(request):
    """The first page after signing in, by role."""
    user = request.user
    if is_customer_user(user):
        # Their company's own page; the customer page (its 360) is the provider's.
        customer = user.customer
        agreements = customer.agreements.order_by("-period_start", "-pk") if customer else []
        return render(request, "portal/home.html", {"company": customer, "agreements": agreements})
    if is_admin(user) or user.role == Role.ACCOUNT_MANAGER:
        return portfolio(request)
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
