"""The cooperation pages: customers, contacts, agreements through their phases, goals, meetings.

Views stay thin: selectors read (scoped, so another portfolio's objects answer 404), services
write, forms only collect input."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cooperation import selectors, services
from cooperation.access import customer_scope, is_admin, may_write_customers
from cooperation.forms import (
    ActionItemForm,
    ContactForm,
    CustomerForm,
    MeetingForm,
    add_service_errors,
)
from cooperation.meeting_pack_sections import meeting_pack_sections


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


# --- Steering-group meetings ---------------------------------------------------------------------


def _writable_meeting(request, pk: int):
    """The meeting if the user may change it: 404 outside what they may read, 403 if read-only."""
    _readable(request)
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    if not may_write_customers(request.user):
        raise PermissionDenied
    return meeting


def _writable_action_item(request, pk: int):
    _readable(request)
    item = selectors.action_item_get(user=request.user, pk=pk)
    if not may_write_customers(request.user):
        raise PermissionDenied
    return item


def _meeting_form(request, customer, **kwargs) -> MeetingForm:
    people = selectors.meeting_provider_choices(customer=customer, user=request.user)
    return MeetingForm(request.POST or None, customer=customer, provider_people=people, **kwargs)


def _action_item_form(request, customer, **kwargs) -> ActionItemForm:
    people = selectors.meeting_provider_choices(customer=customer, user=request.user)
    return ActionItemForm(request.POST or None, customer=customer, provider_people=people, **kwargs)


@login_required
def meeting_list(request, business_id: str):
    _readable(request)
    customer = selectors.customer_get(user=request.user, business_id=business_id)
    context = {
        "customer": customer,
        "meetings": selectors.customer_meetings(customer=customer),
        "open_items": selectors.customer_open_action_items(customer=customer),
        "today": timezone.localdate(),
        "may_write": may_write_customers(request.user),
    }
    return render(request, "cooperation/meeting_list.html", context)


@login_required
def meeting_create(request, business_id: str):
    customer = _writable_customer(request, business_id)
    form = _meeting_form(request, customer, initial={"date": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_create(customer=customer, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting recorded."))
            return redirect("cooperation:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "cooperation/meeting_form.html",
        {"form": form, "title": _("New steering-group meeting"), "customer": customer},
    )


@login_required
def meeting_update(request, pk: int):
    meeting = _writable_meeting(request, pk)
    initial = {name: getattr(meeting, name) for name in MeetingForm.base_fields}
    initial["provider_attendees"] = list(meeting.provider_attendees.all())
    initial["customer_attendees"] = list(meeting.customer_attendees.all())
    form = _meeting_form(request, meeting.customer, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(meeting=meeting, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Meeting saved."))
            return redirect("cooperation:meeting-detail", pk=meeting.pk)
    return render(
        request,
        "cooperation/meeting_form.html",
        {"form": form, "title": _("Edit the meeting"), "customer": meeting.customer, "meeting": meeting},
    )


def _meeting_page(request, meeting, *, item_form=None, status=200):
    may_write = may_write_customers(request.user)
    if may_write and item_form is None:
        item_form = _action_item_form(request, meeting.customer)
    context = {
        "meeting": meeting,
        "customer": meeting.customer,
        "items": meeting.action_items.all(),
        "may_write": may_write,
        "item_form": item_form,
    }
    return render(request, "cooperation/meeting_detail.html", context, status=status)


@login_required
def meeting_detail(request, pk: int):
    _readable(request)
    return _meeting_page(request, selectors.meeting_get(user=request.user, pk=pk))


@login_required
@require_POST
def action_item_create(request, pk: int):
    meeting = _writable_meeting(request, pk)
    form = _action_item_form(request, meeting.customer)
    if form.is_valid():
        try:
            services.action_item_add(meeting=meeting, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Action item added."))
            return redirect("cooperation:meeting-detail", pk=meeting.pk)
    return _meeting_page(request, meeting, item_form=form)


@login_required
def action_item_update(request, pk: int):
    item = _writable_action_item(request, pk)
    customer = item.meeting.customer
    form = _action_item_form(request, customer, initial=ActionItemForm.initial_for(item))
    if request.method == "POST" and form.is_valid():
        try:
            services.action_item_update(action_item=item, by=request.user, **form.service_arguments())
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, _("Action item saved."))
            return redirect("cooperation:meeting-detail", pk=item.meeting_id)
    return render(
        request,
        "cooperation/meeting_form.html",
        {"form": form, "title": _("Edit the action item"), "customer": customer, "meeting": item.meeting},
    )


def _back_to(request, item):
    """Back where the tick-off button was pressed (meeting, meetings list or customer page)."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return redirect(target)
    return redirect("cooperation:meeting-detail", pk=item.meeting_id)


@login_required
@require_POST
def action_item_complete(request, pk: int):
    item = services.action_item_complete(action_item=_writable_action_item(request, pk), by=request.user)
    messages.success(request, _("Marked done: %(item)s") % {"item": item.description[:80]})
    return _back_to(request, item)


@login_required
@require_POST
def action_item_reopen(request, pk: int):
    item = services.action_item_reopen(action_item=_writable_action_item(request, pk), by=request.user)
    messages.success(request, _("Opened again: %(item)s") % {"item": item.description[:80]})
    return _back_to(request, item)


@login_required
def meeting_pack(request, pk: int):
    _readable(request)
    meeting = selectors.meeting_get(user=request.user, pk=pk)
    pack = selectors.meeting_pack(meeting=meeting, user=request.user)
    sections = meeting_pack_sections(customer=meeting.customer, user=request.user, on=pack["on"])
    context = {"meeting": meeting, "customer": meeting.customer, "sections": sections, **pack}
    return render(request, "cooperation/meeting_pack.html", context)
