"""The work-health matrix pages: a customer's matrices by year, one year's results with points
and total, and its thresholds and weights. Account managers (own portfolio) and admin edit; a
customer's people read their own company's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from cooperation import dates
from cooperation import selectors as cooperation_selectors
from cooperation.access import customer_scope, may_write_customers
from cooperation.economics import calculator, selectors, services
from cooperation.economics.forms import MatrixCopyForm, MatrixIndicatorsForm, MatrixResultsForm, ScenarioForm
from cooperation.economics.models import WorkHealthMatrix
from cooperation.forms import add_service_errors


def _matrix(request, pk: int) -> WorkHealthMatrix:
    scope = customer_scope(request.user, prefix="customer__")
    if scope is None:
        raise PermissionDenied
    try:
        return selectors.matrix_get(scope=scope, pk=pk)
    except WorkHealthMatrix.DoesNotExist:
        raise Http404 from None


def _writable(request, matrix: WorkHealthMatrix) -> None:
    if not may_write_customers(request.user):
        raise PermissionDenied


@login_required
def matrix_list(request, business_id: str):
    if customer_scope(request.user) is None:
        raise PermissionDenied
    customer = cooperation_selectors.customer_get(user=request.user, business_id=business_id)
    may_write = may_write_customers(request.user)
    form = MatrixCopyForm(request.POST or None, templates=selectors.matrix_templates())
    if request.method == "POST":
        if not may_write:
            raise PermissionDenied
        if form.is_valid():
            try:
                matrix = services.matrix_copy_template(
                    customer=customer,
                    template_code=form.cleaned_data["template"],
                    year=form.cleaned_data["year"],
                    by=request.user,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Matrix for %(year)s created.") % {"year": matrix.year})
                return redirect("cooperation:matrix-detail", pk=matrix.pk)
    summaries = [selectors.matrix_summary(matrix=m) for m in selectors.customer_matrices(customer=customer)]
    return render(
        request,
        "cooperation/economics/matrix_list.html",
        {"customer": customer, "summaries": summaries, "form": form, "may_write": may_write},
    )


@login_required
def matrix_detail(request, pk: int):
    matrix = _matrix(request, pk)
    may_write = may_write_customers(request.user)
    form = MatrixResultsForm(request.POST or None, matrix=matrix)
    if request.method == "POST":
        _writable(request, matrix)
        if form.is_valid():
            try:
                services.matrix_results_record(matrix=matrix, results=form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("Results saved."))
                return redirect("cooperation:matrix-detail", pk=matrix.pk)
    summary = selectors.matrix_summary(matrix=matrix)
    return render(
        request,
        "cooperation/economics/matrix_detail.html",
        {
            "matrix": matrix,
            "customer": matrix.customer,
            "summary": summary,
            "rows": [(row, form[row["code"]]) for row in summary["indicators"]],
            "form": form,
            "may_write": may_write,
        },
    )


@login_required
def matrix_fill_from_portal(request, pk: int):
    matrix = _matrix(request, pk)
    _writable(request, matrix)
    if request.method != "POST":
        return redirect("cooperation:matrix-detail", pk=matrix.pk)
    filled = services.matrix_results_fill_from_portal(matrix=matrix)
    if filled:
        messages.success(request, _("Filled from the portal's figures: %(names)s.") % {"names": ", ".join(filled)})
    else:
        messages.info(
            request, _("The portal has no figures for this matrix's indicators in %(year)s.") % {"year": matrix.year}
        )
    return redirect("cooperation:matrix-detail", pk=matrix.pk)


@login_required
def matrix_indicators(request, pk: int):
    matrix = _matrix(request, pk)
    _writable(request, matrix)
    form = MatrixIndicatorsForm(request.POST or None, matrix=matrix)
    if request.method == "POST" and form.is_valid():
        try:
            services.matrix_indicators_update(matrix=matrix, rows=form.rows())
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Thresholds and weights saved."))
            return redirect("cooperation:matrix-detail", pk=matrix.pk)
    return render(
        request,
        "cooperation/form.html",
        {
            "form": form,
            "customer": matrix.customer,
            "title": _("Thresholds and weights of the %(year)s matrix") % {"year": matrix.year},
        },
    )


SCENARIOS = (("a", _lazy("Scenario A")), ("b", _lazy("Scenario B")))


@login_required
def economic_impact(request, business_id: str):
    """The calculator: two scenarios side by side, their formulas written out; "Calculate" only
    computes, "Save" also keeps them as the customer's (what the annual report shows)."""
    customer = cooperation_selectors.customer_get(user=request.user, business_id=business_id)
    if not may_write_customers(request.user):
        raise PermissionDenied
    defaults = selectors.economic_assumptions(customer=customer, today=dates.today())
    data = request.POST if request.method == "POST" else None
    forms_ = {key: ScenarioForm(data, prefix=key, initial=defaults[key]) for key, _label in SCENARIOS}
    results = {}
    if data is None:
        results = {key: calculator.impact(calculator.Scenario(**defaults[key])) for key, _label in SCENARIOS}
    elif all(form.is_valid() for form in forms_.values()):
        results = {key: calculator.impact(calculator.Scenario(**form.cleaned_data)) for key, form in forms_.items()}
        if "save" in request.POST:
            services.economic_assumptions_save(
                customer=customer, scenarios={key: form.cleaned_data for key, form in forms_.items()}
            )
            messages.success(request, _("Assumptions saved: the annual report shows these scenarios."))
            return redirect("cooperation:economic-impact", business_id=customer.business_id)
    return render(
        request,
        "cooperation/economics/impact.html",
        {
            "customer": customer,
            "scenarios": [(key, label, forms_[key], results.get(key)) for key, label in SCENARIOS],
            "has_results": bool(results),
        },
    )
