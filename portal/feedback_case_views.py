"""The quality staff's feedback-case pages: the queue (my cases, the unit's cases), a case with
its answer, history and forms, and the figures per unit and quarter. The rules live in
surveys.services.feedback_cases and the reads in surveys.selectors.feedback_cases; administrators
see every unit, no other role any case."""

import datetime as dt

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.components import Chart, Column, Series, SortableTable
from surveys import selectors, services
from surveys.models import FeedbackCaseStatus

#: Cases per page of the queue.
QUEUE_PAGE_SIZE = 25
#: The share of cases to close within the due time (CustomerGauge's 80 % within 48 hours).
TARGET_PERCENT = 80


def _scope(request):
    scope = selectors.feedback_case_scope(request.user)
    if scope is None:
        raise PermissionDenied
    return scope


class QueueFilterForm(forms.Form):
    view = forms.ChoiceField(
        choices=[("mine", gettext_lazy("My cases")), ("units", gettext_lazy("My units' cases"))], required=False
    )
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        choices=[("", gettext_lazy("Not closed")), *FeedbackCaseStatus.choices, ("all", gettext_lazy("All"))],
        required=False,
    )
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=None, required=False, empty_label=gettext_lazy("All my units")
    )
    overdue = forms.ChoiceField(
        label=gettext_lazy("Due"),
        choices=[("", gettext_lazy("All")), ("yes", gettext_lazy("Overdue only")), ("no", gettext_lazy("Not overdue"))],
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.feedback_case_units(user)
        self.fields["unit"].to_field_name = "code"


def _queue_columns() -> list[Column]:
    return [
        Column("id", _("Case"), sortable=False),
        Column("due", _("Due"), sortable=False),
        Column("score", _("Score"), sortable=False, numeric=True),
        Column("unit", _("Unit"), sortable=False),
        Column("status", _("Status"), sortable=False),
        Column("owner", _("Owner"), sortable=False),
    ]


@login_required
def queue(request):
    """Overdue cases first, then by due time; "my cases" by default for the quality staff."""
    scope = _scope(request)
    form = QueueFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    view = filters.get("view") or "mine"
    status = filters.get("status") or ""
    overdue = {"yes": True, "no": False}.get(filters.get("overdue") or "")
    cases = selectors.feedback_case_list(
        cases=scope,
        status=None if status in ("", "all") else status,
        unit=filters.get("unit"),
        overdue=overdue,
        owner=request.user if view == "mine" else None,
    )
    if status == "":
        cases = cases.exclude(status=FeedbackCaseStatus.CLOSED)
    page = Paginator(cases, QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    table = SortableTable(
        columns=_queue_columns(), sort="", descending=False, page=page, params=request.GET, caption=_("Feedback cases")
    )
    params = request.GET.copy()
    params.pop("page", None)
    tabs = []
    for key, label in form.fields["view"].choices:
        params["view"] = key
        tabs.append({"key": key, "label": label, "href": f"?{params.urlencode()}", "current": key == view})
    return render(
        request,
        "portal/feedback_cases/queue.html",
        {
            "form": form,
            "table": table,
            "cases": page.object_list,
            "tabs": tabs,
            "view": view,
            "filtered": any(filters.get(name) for name in ("status", "unit", "overdue")),
            "now": timezone.now(),
            "hours": settings.FEEDBACK_CASE_HOURS,
        },
    )


class CaseForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=gettext_lazy("Owner"), queryset=None, required=False, empty_label=gettext_lazy("Nobody yet")
    )
    status = forms.ChoiceField(label=gettext_lazy("Status"), choices=FeedbackCaseStatus.choices)
    resolution = forms.CharField(
        label=gettext_lazy("Resolution"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=4000,
        help_text=gettext_lazy("Needed to close the case: what was done, and what the person was told."),
    )
    cause = forms.ModelChoiceField(
        label=gettext_lazy("Root cause"),
        queryset=None,
        required=False,
        empty_label="—",
        help_text=gettext_lazy("Needed to close the case."),
    )

    def __init__(self, *args, case, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = services.unit_quality_staff(case.unit)
        self.fields["owner"].label_from_instance = lambda user: user.get_full_name() or user.email
        self.fields["cause"].queryset = selectors.feedback_cause_choices()
        if case.status != FeedbackCaseStatus.OPEN:
            self.fields["status"].choices = [c for c in FeedbackCaseStatus.choices if c[0] != FeedbackCaseStatus.OPEN]


@login_required
def case_page(request, pk: int):
    scope = _scope(request)
    case = get_object_or_404(selectors.feedback_case_list(cases=scope), pk=pk)
    may_work = services.may_work_on(request.user, case) and case.status != FeedbackCaseStatus.CLOSED
    initial = {"owner": case.owner, "status": case.status}
    form = CaseForm(initial=initial, case=case)
    if request.method == "POST":
        if not may_work:
            raise PermissionDenied
        changes = {}
        if "take" in request.POST:
            changes = {"owner": request.user}
            form = CaseForm(initial=initial, case=case)
            valid = True
        else:
            form = CaseForm(request.POST, case=case)
            valid = form.is_valid()
            if valid:
                data = form.cleaned_data
                changes = {"owner": data["owner"], "status": data["status"]}
                if data["resolution"].strip() or data["cause"] is not None:
                    changes |= {"resolution": data["resolution"], "cause": data["cause"]}
        if valid:
            try:
                services.feedback_case_update(case=case, actor=request.user, **changes)
            except DjangoValidationError as error:
                for field, errors in error.message_dict.items():
                    for message in errors:
                        form.add_error(field if field in form.fields else None, message)
            else:
                messages.success(request, _("The case was updated."))
                return redirect("feedback-case-page", pk=case.pk)
    return render(
        request,
        "portal/feedback_cases/case.html",
        {
            "case": case,
            "answer": case.response,
            "history": selectors.feedback_case_history(case),
            "form": form,
            "may_work": may_work,
            "may_take": may_work
            and case.owner_id != request.user.pk
            and services.unit_quality_staff(case.unit).filter(pk=request.user.pk).exists(),
        },
    )


class FiguresFilterForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100, required=False)
    unit = forms.ModelChoiceField(
        label=gettext_lazy("Unit"), queryset=None, required=False, empty_label=gettext_lazy("All my units")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = selectors.feedback_case_units(user)
        self.fields["unit"].to_field_name = "code"


@login_required
def report(request):
    """Cases opened, closed within the due time, median time to close and root causes, per unit
    and quarter of the answer: a chart of the share closed in time and the table."""
    scope = _scope(request)
    form = FiguresFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    year = filters.get("year") or timezone.localdate().year
    figures = selectors.feedback_case_figures(
        cases=scope, unit=filters.get("unit"), start=dt.date(year, 1, 1), end=dt.date(year, 12, 31)
    )
    periods = {p["period"]: p for p in selectors.feedback_case_figures_by_period(figures)}
    labels = [f"{year}-Q{q}" for q in range(1, 5)]
    chart = Chart(
        id="feedback-cases-in-time",
        kind="bar",
        labels=labels,
        series=[
            Series(
                _("Closed within %(hours)s hours (%%)") % {"hours": settings.FEEDBACK_CASE_HOURS},
                [periods[label]["closed_in_time_percent"] if label in periods else None for label in labels],
            )
        ],
        caption=_("Share of cases closed within the due time, by quarter"),
        target=TARGET_PERCENT,
        target_label=_("Target"),
        unit=" %",
    )
    return render(
        request,
        "portal/feedback_cases/report.html",
        {
            "form": form,
            "year": year,
            "figures": figures,
            "chart": chart,
            "causes": selectors.feedback_cause_totals(figures),
            "hours": settings.FEEDBACK_CASE_HOURS,
            "target_percent": TARGET_PERCENT,
        },
    )
