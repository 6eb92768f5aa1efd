"""Staff pages of the statistics: the binding-target report (page and CSV) and the comments
of a quality person's units, routed to practitioners."""

import csv

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cooperation.access import Role, is_admin
from surveys import selectors, services
from surveys.models import BindingTarget


def _may_read_targets(user) -> bool:
    return is_admin(user) or user.role in (Role.QUALITY, Role.ACCOUNT_MANAGER)


def _may_explain(user) -> bool:
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


def _target(request, pk: int) -> BindingTarget:
    if not _may_read_targets(request.user):
        raise PermissionDenied
    return get_object_or_404(selectors.binding_target_list(user=request.user), pk=pk)


@login_required
def binding_target_report(request, pk: int):
    target = _target(request, pk)
    if request.method == "POST":
        if not _may_explain(request.user):
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
        {"report": report, "target": target, "form": form, "may_explain": _may_explain(request.user)},
    )


def _yes_no(value) -> str:
    return "" if value is None else (_("met") if value else _("not met"))


@login_required
def binding_target_report_csv(request, pk: int):
    target = _target(request, pk)
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


@login_required
def quality_comments(request):
    """Comments of the quality person's units, grouped by the practitioner each concerns."""
    if not (is_admin(request.user) or request.user.role == Role.QUALITY):
        raise PermissionDenied
    comments = list(selectors.comments_for_quality(user=request.user)[:500])
    return render(request, "surveys/reports/quality_comments.html", {"comments": comments})
