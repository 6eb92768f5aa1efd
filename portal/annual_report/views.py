"""The annual cooperation report as a page and as a PDF: the account manager (own portfolio),
admin, and the customer's own decision-makers. Thin: annual_report.selectors gathers, the
templates show, WeasyPrint prints."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from cooperation import dates
from cooperation import selectors as cooperation_selectors
from cooperation.access import Role, customer_scope, is_admin, is_customer_user
from portal.annual_report import selectors
from portal.annual_report.svg import Series, line_chart
from surveys.models import RespondentGroup


def _customer(request, business_id: str):
    user = request.user
    if customer_scope(user) is None or (is_customer_user(user) and user.role != Role.DECISION_MAKER):
        raise PermissionDenied
    return cooperation_selectors.customer_get(user=user, business_id=business_id)


def _report(request, business_id: str, year: int) -> dict:
    customer = _customer(request, business_id)
    today = dates.today()
    if year not in selectors.report_years(today=today):
        raise Http404
    published = is_customer_user(request.user) and not is_admin(request.user)
    report = selectors.annual_report(customer=customer, year=year, published=published, today=today)
    return report | {
        "charts": _charts(report),
        "group_names": _group_names(),
        "min_group_size": settings.MIN_GROUP_SIZE,
    }


def _group_names() -> dict[str, str]:
    return {
        RespondentGroup.PATIENT: _("Employees"),
        RespondentGroup.SUPERVISOR: _("Supervisors"),
        RespondentGroup.DECISION_MAKER: _("Decision-makers"),
    }


def _charts(report: dict) -> dict:
    charts = {}
    nps = report["surveys"]["nps"]
    if nps:
        labels = [f"Q{q}" for q in range(1, 5)]
        names = _group_names()
        series = []
        for group, figures in nps.items():
            values: list[float | None] = [None] * 4
            for period in figures["periods"]:
                quarter = int(period["period"][-1])
                values[quarter - 1] = None if period.get("suppressed") else period.get("nps")
            series.append(Series(names[group], values))
        target = nps.get(RespondentGroup.PATIENT, {}).get("total", {}).get("target")
        charts["nps"] = line_chart(
            title=_("NPS by quarter, %(year)s") % {"year": report["year"]},
            labels=labels,
            series=series,
            low=-100,
            high=100,
            target=target,
            target_label=_("Target (employees)"),
        )
    health = report["health"]
    if health and any(point.get("health_percentage") is not None for point in health):
        charts["health"] = line_chart(
            title=_("Health percentage, 12 months, by month"),
            labels=[point["month"][2:] for point in health],
            series=[Series(_("Health percentage"), [point.get("health_percentage") for point in health])],
            low=0,
            high=100,
            unit=" %",
        )
    return charts


@login_required
def annual_report(request, business_id: str, year: int):
    context = _report(request, business_id, year)
    context["years"] = selectors.report_years(today=dates.today())
    return render(request, "portal/annual_report/page.html", context)


def _nothing_fetched(url: str, *args, **kwargs):
    """The document holds everything it shows (SVG inline, the stylesheet given): fetch nothing."""
    raise ValueError(f"the annual report fetches no resources: {url}")


@login_required
def annual_report_pdf(request, business_id: str, year: int):
    from weasyprint import CSS, HTML  # imported here: the pages that never print need not load it

    context = _report(request, business_id, year)
    html = render_to_string("portal/annual_report/document.html", context, request=request)
    stylesheet = CSS(filename=finders.find("portal/annual_report.css"))
    pdf = HTML(string=html, url_fetcher=_nothing_fetched).write_pdf(stylesheets=[stylesheet])
    response = HttpResponse(pdf, content_type="application/pdf")
    name = f"{context['customer'].business_id}-{year}-{get_language()}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{_("annual-report")}-{name}"'
    return response
