"""The responsibility agreement as guided steps: orientation → discussion and identification →
planning and agreement → agreed → follow-up, a page each, and the goals worked out in planning.

Thin like the other pages: ``selectors.agreement_steps`` says where the agreement stands and what
must be true to move on, ``services.agreement_step_submit`` saves and moves, forms collect input."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from cooperation import selectors, services
from cooperation.access import is_customer_user, may_write_customers
from cooperation.forms import STEP_FORMS, AgreementForm, GoalForm, add_service_errors
from cooperation.goal_values import goal_current_values
from cooperation.models import Phase, Theme
from cooperation.views import _readable, _writable_customer

#: The fields of a goal the goal form edits, as goal_update takes them.
GOAL_FIELDS = tuple(GoalForm.base_fields)


def _step_url(agreement, step: str) -> str:
    return reverse("cooperation:agreement-step", args=[agreement.pk, step])


@login_required
def agreement_create(request, business_id: str):
    customer = _writable_customer(request, business_id)
    form = AgreementForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            agreement = services.agreement_create(customer=customer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            return redirect("cooperation:agreement-detail", pk=agreement.pk)
    return render(
        request,
        "cooperation/form.html",
        {"form": form, "title": _("New responsibility agreement"), "customer": customer},
    )


@login_required
def agreement_detail(request, pk: int):
    """The agreement opens on the step it stands at."""
    _readable(request)
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    return _step_page(request, agreement, selectors.agreement_current_step(agreement=agreement))


@login_required
def agreement_step(request, pk: int, step: str):
    _readable(request)
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    if step not in selectors.STEP_PHASES:
        raise Http404
    states = {s["phase"]: s["state"] for s in selectors.agreement_steps(agreement=agreement)}
    if states[step] == "upcoming":
        # One step at a time: a later step opens when the agreement gets there.
        return redirect(_step_url(agreement, selectors.agreement_current_step(agreement=agreement)))
    if request.method != "POST":
        return _step_page(request, agreement, step)
    if not may_write_customers(request.user):
        raise PermissionDenied
    form = STEP_FORMS[step](request.POST)
    advancing = "advance" in request.POST
    if agreement.phase == Phase.CLOSED:
        form.is_valid()
        form.add_error(None, _("A closed agreement cannot change."))
    elif form.is_valid():
        try:
            agreement = services.agreement_step_submit(
                agreement=agreement,
                by=request.user,
                values=form.step_values(),
                advance_to=(form.cleaned_data["to_phase"] or agreement.next_phase) if advancing else None,
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if advancing:
                messages.success(
                    request, _("The agreement moved to “%(phase)s”.") % {"phase": agreement.get_phase_display()}
                )
                return redirect(_step_url(agreement, selectors.agreement_current_step(agreement=agreement)))
            messages.success(request, _("Saved."))
            return redirect(_step_url(agreement, step))
    agreement.refresh_from_db()
    return _step_page(request, agreement, step, form=form)


def _goal_rows(request, agreement, *, with_measurements: bool) -> list[dict]:
    goals = list(agreement.goals.all())
    values = goal_current_values(goals=goals, on=timezone.localdate(), suppress=is_customer_user(request.user))
    measurements: dict[int, list] = {}
    if with_measurements:
        for measurement in (
            selectors.measurement_list(user=request.user)
            .filter(goal__agreement=agreement)
            .order_by("-measured_on", "-pk")
        ):
            measurements.setdefault(measurement.goal_id, []).append(measurement)
    return [
        {
            "goal": goal,
            "status": selectors.goal_status(goal=goal, value=values.get(goal.pk)),
            "measurements": measurements.get(goal.pk, []),
        }
        for goal in goals
    ]


def _theme_labels(themes) -> list[str]:
    return [str(Theme(theme).label) for theme in themes or [] if theme in Theme.values]


def _step_page(request, agreement, step: str, *, form=None):
    may_write = may_write_customers(request.user) and agreement.phase != Phase.CLOSED
    steps = selectors.agreement_steps(agreement=agreement)
    for item in steps:
        item["url"] = _step_url(agreement, item["phase"]) if item["state"] != "upcoming" else ""
        item["viewing"] = item["phase"] == step
    this = next(item for item in steps if item["phase"] == step)
    form_class = STEP_FORMS[step]
    if form is None and may_write:
        form = form_class(initial=form_class.initial_for(agreement))
    context = {
        "agreement": agreement,
        "customer": agreement.customer,
        "steps": steps,
        "step": this,
        "form": form if may_write else None,
        # Messages of a refused request are shown even where the page has no form to correct.
        "summary_form": form,
        "may_write": may_write,
        # Only the step the agreement stands at moves on; a closed agreement has nowhere to go.
        "may_advance": may_write and this["state"] == "current",
        "next_phase_label": Phase(agreement.next_phase).label if agreement.next_phase else None,
        "transitions": selectors.agreement_transitions(agreement=agreement),
        "themes": _theme_labels(agreement.themes),
        "identified_themes": _theme_labels(agreement.identified_themes),
    }
    if step in (Phase.PLANNING, Phase.AGREED, Phase.FOLLOW_UP):
        context["goals"] = _goal_rows(request, agreement, with_measurements=step == Phase.FOLLOW_UP)
    if step == Phase.FOLLOW_UP:
        context["meetings"] = selectors.customer_meetings(customer=agreement.customer).filter(agreement=agreement)
        context["may_add_meeting"] = may_write_customers(request.user)
    return render(request, f"cooperation/agreement_step_{step.replace('-', '_')}.html", context)


# --- Goals, worked out in the planning step ------------------------------------------------------


def _writable_agreement(request, pk: int):
    _readable(request)
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    if not may_write_customers(request.user):
        raise PermissionDenied
    return agreement


def _goal_form_page(request, agreement, form, title: str, goal=None):
    return render(
        request,
        "cooperation/goal_form.html",
        {"form": form, "title": title, "agreement": agreement, "customer": agreement.customer, "goal": goal},
    )


@login_required
def goal_create(request, pk: int):
    agreement = _writable_agreement(request, pk)
    form = GoalForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_create(agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal added."))
            return redirect(_step_url(agreement, Phase.PLANNING))
    return _goal_form_page(request, agreement, form, _("New goal"))


@login_required
def goal_update(request, pk: int):
    _readable(request)
    goal = selectors.goal_get(user=request.user, pk=pk)
    if not may_write_customers(request.user):
        raise PermissionDenied
    agreement = goal.agreement
    form = GoalForm(request.POST or None, initial={name: getattr(goal, name) for name in GOAL_FIELDS})
    if request.method == "POST" and form.is_valid():
        try:
            services.goal_update(goal=goal, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal saved."))
            return redirect(_step_url(agreement, Phase.PLANNING))
    return _goal_form_page(request, agreement, form, _("Edit the goal"), goal=goal)
