"""Staff pages of the statistics: the binding targets (list and CSV) and the indicators. The
binding-target report page and the quality staff's pages, built from the portal's components,
are in portal.quality_views, which reuses the access rules and the form here."""

import csv
import datetime as dt

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperation import dates
from cooperation.access import CUSTOMER_ROLES, Role, is_admin, is_customer_user
from cooperation.models import CorporateCustomer, Segment
from cooperation.selectors import health_percentage_series, last_closed_month_end
from surveys import publishable, selectors
from surveys.api.statistics import resolve_statistics_query
from surveys.models import BindingTarget, RespondentGroup, UnitType


def _may_read_targets(user) -> bool:
    return is_admin(user) or user.role in (Role.QUALITY, Role.ACCOUNT_MANAGER)


def may_explain_binding_target(user) -> bool:
    return is_admin(user) or user.role == Role.QUALITY


class ExplanationForm(forms.Form):
    explanation = forms.CharField(
        label=gettext_lazy("Explanation of the result"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )
    corrective_actions = forms.CharField(
        label=gettext_lazy("Corrective actions"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )


@login_required
def binding_target_list(request):
    if not _may_read_targets(request.user):
        raise PermissionDenied
    targets = selectors.binding_target_list(user=request.user)
    return render(request, "surveys/reports/binding_target_list.html", {"targets": targets})


def binding_target_for(request, pk: int) -> BindingTarget:
    if not _may_read_targets(request.user):
        raise PermissionDenied
    return get_object_or_404(selectors.binding_target_list(user=request.user), pk=pk)


def _yes_no(value) -> str:
    return "" if value is None else (_("met") if value else _("not met"))


@login_required
def binding_target_report_csv(request, pk: int):
    target = binding_target_for(request, pk)
    report = selectors.binding_target_report(target=target)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="binding-target-{target.year}-{target.pk}.csv"'
    writer = csv.writer(response)
    writer.writerow([_("Binding target"), str(target)])
    writer.writerow(
        [
            _("Period"),
            _("Respondents"),
            _("Promoters"),
            _("Passives"),
            _("Detractors"),
            _("NPS"),
            _("Margin of error (95 %)"),
            _("Cumulative NPS"),
            _("Target"),
            _("Result"),
            _("Cumulative result"),
        ]
    )
    for q in report["quarters"]:
        writer.writerow(
            [
                q["period"],
                q["n"],
                q["promoters"],
                q["passives"],
                q["detractors"],
                q["nps"],
                q["moe95"],
                q["cumulative_nps"],
                target.target,
                _yes_no(q["met"]),
                _yes_no(q["cumulative_met"]),
            ]
        )
    year = report["year"]
    writer.writerow(
        [
            str(target.year),
            year["n"],
            year["promoters"],
            year["passives"],
            year["detractors"],
            year["nps"],
            year["moe95"],
            year["nps"],
            target.target,
            _yes_no(report["met"]),
            _yes_no(report["met"]),
        ]
    )
    writer.writerow([_("Explanation of the result"), target.explanation])
    writer.writerow([_("Corrective actions"), target.corrective_actions])
    return response


class IndicatorFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False)
    customer = forms.CharField(label=gettext_lazy("Customer (business ID)"), required=False)
    unit = forms.CharField(label=gettext_lazy("Unit code"), required=False)
    segment = forms.ChoiceField(label=gettext_lazy("Segment"), choices=[("", "—"), *Segment.choices], required=False)
    unit_type = forms.ChoiceField(
        label=gettext_lazy("Unit type"), choices=[("", "—"), *UnitType.choices], required=False
    )


STATISTICS_ROLES = frozenset({Role.ADMIN, Role.ACCOUNT_MANAGER, Role.QUALITY, *CUSTOMER_ROLES})


class PublishedIndicatorForm(forms.Form):
    """What a customer's people may choose (surveys/publishable.py): a year and a unit type."""

    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    unit_type = forms.ChoiceField(
        label=gettext_lazy("Unit type (employees' answers)"),
        choices=[("", gettext_lazy("All")), *UnitType.choices],
        required=False,
    )

    def __init__(self, *args, latest_year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, y) for y in range(latest_year, latest_year - 6, -1)]


@login_required
def indicators(request):
    """NPS of each respondent group by quarter with year-to-date values, coping better, and the
    health percentage of a customer: the same figures (and suppression) as the API."""
    user = request.user
    if not (is_admin(user) or user.role in STATISTICS_ROLES):
        raise PermissionDenied
    if is_customer_user(user):
        return _published_indicators(request)
    form = IndicatorFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    year = filters.get("year") or today.year
    params = {name: filters.get(name) or None for name in ("customer", "unit", "segment", "unit_type")}
    params |= {"start": dt.date(year, 1, 1), "end": dt.date(year, 12, 31), "by": "quarter"}
    groups = []
    for group in RespondentGroup:
        query = resolve_statistics_query(user, params | {"group": group.value})
        groups.append({"label": group.label, "stats": selectors.nps_statistics(query=query)})
    query = resolve_statistics_query(user, params)
    coping = selectors.coping_statistics(query=query)
    health = None
    if query.customer is not None and user.role != Role.QUALITY:
        health = health_percentage_series(
            customer=query.customer, months=12, end=min(today, dt.date(year, 12, 31)), count=12
        )
    return render(
        request,
        "surveys/reports/indicators.html",
        {
            "form": form,
            "year": year,
            "customer": query.customer,
            "groups": groups,
            "coping": coping,
            "health": health,
        },
    )


def _published_indicators(request):
    """The page a decision-maker or supervisor reads: the published tables of their company
    (surveys/publishable.py), the year to date of each closed quarter, nothing else."""
    customer = get_object_or_404(CorporateCustomer, pk=request.user.customer_id or 0)
    today = dates.today()
    latest_year, _quarter = publishable.latest_closed_quarter(today)
    form = PublishedIndicatorForm(request.GET or None, latest_year=latest_year)
    filters = form.cleaned_data if form.is_valid() else {}
    year = filters.get("year") or latest_year
    unit_type = filters.get("unit_type") or None
    end = publishable.quarter_last(year, publishable.closed_quarters(year, today))
    groups, coping = [], None
    for group in RespondentGroup:
        question = publishable.published_question(
            customer=customer,
            group=group.value,
            unit_type=unit_type if group == RespondentGroup.PATIENT else None,
            start=dt.date(year, 1, 1),
            end=end,
            by="quarter",
            today=today,
        )
        groups.append({"label": group.label, "stats": publishable.published_statistics(question, kind="nps")})
        if group == RespondentGroup.PATIENT:
            coping = publishable.published_statistics(question, kind="coping")
    health = health_percentage_series(
        customer=customer, months=12, end=min(last_closed_month_end(today), dt.date(year, 12, 31)), published=True
    )
    return render(
        request,
        "surveys/reports/indicators.html",
        {
            "form": form,
            "year": year,
            "customer": customer,
            "groups": groups,
            "coping": coping,
            "health": health,
            "published_view": True,
            "min_group_size": settings.MIN_GROUP_SIZE,
            "link_days": settings.SURVEY_LINK_TTL_DAYS,
            "unit_type_label": dict(UnitType.choices).get(unit_type),
        },
    )
