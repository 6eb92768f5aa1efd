"""The cooperation pages: customers, contacts, agreements through their phases, goals, meetings.

Views stay thin: selectors read (scoped, so another portfolio's objects answer 404), services
write, forms only collect input."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cooperation import selectors, services
from cooperation.access import customer_scope, is_admin, is_customer_user, may_write_customers
from cooperation.forms import (
    AdvanceForm,
    AgreementContentForm,
    AgreementForm,
    ContactForm,
    CustomerForm,
    GoalForm,
    add_service_errors,
)
from cooperation.goal_values import goal_current_values
from cooperation.models import PHASE_ORDER, Phase


def _readable(request) -> None:
    if customer_scope(request.user) is None:
        raise PermissionDenied


def _writable_customer(request, business_id: str):
    """The customer if the user may change it; 404 if they may not even see it, 403 if read-only."""
    customer = selectors.customer_get(user=request.user, business_id=business_id)
    if not may_write_customers(request.user):
        raise PermissionDenied
    return customer


@login_required
def customer_list(request):
    _readable(request)
    search = request.GET.get("q", "").strip()
    customers = selectors.customer_list(user=request.user, search=search or None)
    return render(
        request,
        "cooperation/customer_list.html",
        {"customers": customers[:500], "search": search, "may_write": may_write_customers(request.user)},
    )


@login_required
def customer_create(request):
    if not may_write_customers(request.user):
        raise PermissionDenied
    form = CustomerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            customer = services.customer_create(
                **form.cleaned_data,
                account_manager_email=None if is_admin(request.user) else request.user.email,
                by=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Customer %(name)s added.") % {"name": customer.name})
            return redirect("cooperation:customer-detail", business_id=customer.business_id)
    return render(request, "cooperation/form.html", {"form": form, "title": _("New corporate customer")})


@login_required
def customer_detail(request, business_id: str):
    _readable(request)
    customer = selectors.customer_get(user=request.user, business_id=business_id)
    context = {
        "customer": customer,
        "contacts": customer.contacts.filter(active=True),
        "agreements": customer.agreements.all(),
        "meetings": customer.meetings.prefetch_related("action_items")[:10],
        "may_write": may_write_customers(request.user),
    }
    return render(request, "cooperation/customer_detail.html", context)


@login_required
def contact_create(request, business_id: str):
    customer = _writable_customer(request, business_id)
    form = ContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.contact_create(customer=customer, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Contact added."))
            return redirect("cooperation:customer-detail", business_id=customer.business_id)
    return render(request, "cooperation/form.html", {"form": form, "title": _("New contact"), "customer": customer})


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


def _agreement_page(request, agreement, *, content_form=None, advance_form=None, goal_form=None):
    may_write = may_write_customers(request.user) and agreement.phase != Phase.CLOSED
    content_form = content_form or AgreementContentForm(
        initial={field: getattr(agreement, field) for field in AgreementContentForm.base_fields}
    )
    goals = list(agreement.goals.all())
    values = goal_current_values(goals=goals, on=timezone.localdate(), suppress=is_customer_user(request.user))
    steps = [
        {
            "phase": phase,
            "label": Phase(phase).label,
            "done": PHASE_ORDER.index(phase) < PHASE_ORDER.index(agreement.phase),
            "current": phase == agreement.phase,
        }
        for phase in PHASE_ORDER
    ]
    context = {
        "agreement": agreement,
        "customer": agreement.customer,
        "steps": steps,
        "goals": [(goal, values.get(goal.pk)) for goal in goals],
        "transitions": selectors.agreement_transitions(agreement=agreement),
        "may_write": may_write,
        "content_form": content_form,
        "advance_form": advance_form or AdvanceForm(initial={"to_phase": agreement.next_phase}),
        "goal_form": goal_form or GoalForm(),
        "next_phase_label": Phase(agreement.next_phase).label if agreement.next_phase else None,
    }
    return render(request, "cooperation/agreement_detail.html", context)


@login_required
def agreement_detail(request, pk: int):
    _readable(request)
    return _agreement_page(request, selectors.agreement_get(user=request.user, pk=pk))


def _writable_agreement(request, pk: int):
    agreement = selectors.agreement_get(user=request.user, pk=pk)
    if not may_write_customers(request.user):
        raise PermissionDenied
    return agreement


@login_required
@require_POST
def agreement_update(request, pk: int):
    agreement = _writable_agreement(request, pk)
    form = AgreementContentForm(request.POST)
    if form.is_valid():
        try:
            services.agreement_update(agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Agreement saved."))
            return redirect("cooperation:agreement-detail", pk=agreement.pk)
    agreement.refresh_from_db()
    return _agreement_page(request, agreement, content_form=form)


@login_required
@require_POST
def agreement_advance(request, pk: int):
    agreement = _writable_agreement(request, pk)
    form = AdvanceForm(request.POST)
    if form.is_valid():
        try:
            agreement = services.agreement_advance(agreement=agreement, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("The agreement moved to “%(phase)s”.") % {"phase": agreement.get_phase_display()}
            )
            return redirect("cooperation:agreement-detail", pk=agreement.pk)
    return _agreement_page(request, agreement, advance_form=form)


@login_required
@require_POST
def goal_create(request, pk: int):
    agreement = _writable_agreement(request, pk)
    form = GoalForm(request.POST)
    if form.is_valid():
        try:
            services.goal_create(agreement=agreement, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Goal added."))
            return redirect("cooperation:agreement-detail", pk=agreement.pk)
    return _agreement_page(request, agreement, goal_form=form)
