"""Steering-group meetings and their action items."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.access import is_provider_person
from cooperation.dates import validate_supported_date
from cooperation.models import (
    ActionItem,
    Contact,
    CorporateCustomer,
    ResponsibilityAgreement,
    SteeringGroupMeeting,
)
from cooperation.services.common import (
    UNSET,
    Errors,
    _apply,
    _given,
)

# --- Steering-group meetings ---------------------------------------------------------------------


def _check_meeting_agreement(customer: CorporateCustomer, agreement, errors: Errors) -> None:
    if agreement is not None and agreement.customer_id != customer.pk:
        errors.add("agreement", _("Unknown agreement %(id)s.") % {"id": agreement.pk})


def _check_date(field: str, value, errors: Errors, *, required: bool, message=None) -> None:
    if value is None:
        if required:
            errors.add(field, message or _("Give a date."))
        return
    try:
        validate_supported_date(value)
    except ValidationError as e:
        errors.merge(e, field=field)


def _check_attendees(customer: CorporateCustomer, provider_attendees, customer_attendees, errors: Errors):
    """The linked participants as lists: provider staff on one side, the customer's own contacts
    on the other (UNSET stays UNSET)."""
    if _given(provider_attendees):
        provider_attendees = list(provider_attendees or [])
        for user in provider_attendees:
            if not is_provider_person(user):
                errors.add("provider_attendees", _("%(name)s does not work for the provider.") % {"name": user})
    if _given(customer_attendees):
        customer_attendees = list(customer_attendees or [])
        for contact in customer_attendees:
            if contact.customer_id != customer.pk:
                errors.add("customer_attendees", _("Unknown contact %(id)s.") % {"id": contact.pk})
    return provider_attendees, customer_attendees


def _owner_values(customer: CorporateCustomer, *, owner, owner_user, owner_contact, errors: Errors, field: str):
    """The owner of an action item: a provider person, one of the customer's contacts, or just a
    name. Given any of the three, the owner is replaced as a whole; given none, it stays."""
    if not any(_given(v) for v in (owner, owner_user, owner_contact)):
        return {}
    name = ((owner if _given(owner) else "") or "").strip()
    user = owner_user if _given(owner_user) else None
    contact = owner_contact if _given(owner_contact) else None
    if user is not None and contact is not None:
        errors.add(field, _("Choose one owner: someone of the provider or someone of the customer."))
        return {}
    if user is not None:
        if not is_provider_person(user):
            errors.add(field, _("%(name)s does not work for the provider.") % {"name": user})
        name = user.get_full_name() or user.email
    elif contact is not None:
        if contact.customer_id != customer.pk:
            errors.add(field, _("Unknown contact %(id)s.") % {"id": contact.pk})
        name = contact.name
    elif not name:
        errors.add(field, _("Name the owner of the action item."))
    return {"owner": name, "owner_user": user, "owner_contact": contact}


def _set_done(item: ActionItem, done, by=None) -> None:
    if not _given(done) or bool(done) == item.done:
        return
    item.done = bool(done)
    item.done_at = timezone.now() if item.done else None
    item.done_by = by if item.done else None


def _save_action_items(meeting: SteeringGroupMeeting, items: list[Mapping[str, Any]], by=None) -> None:
    """Items with an ``id`` change that item of this meeting; items without one are new. Items
    left out stay as they are: agreed actions are not dropped by an edit of the minutes."""
    errors = Errors()
    existing = {item.pk: item for item in meeting.action_items.select_for_update()}
    to_save = []
    for values in items:
        values = dict(values)
        item_id = values.pop("id", None)
        if item_id is None:
            item = ActionItem(meeting=meeting)
            values.setdefault("description", "")
            if not any(name in values for name in ("owner", "owner_user", "owner_contact")):
                values["owner"] = ""  # a new item must name its owner
        elif item_id in existing:
            item = existing[item_id]
        else:
            errors.add("action_items", _("Unknown action item %(id)s.") % {"id": item_id})
            continue
        if "description" in values and not (values["description"] or "").strip():
            errors.add("action_items", _("Every action item needs a description and an owner."))
        owner_errors = Errors()
        owner = _owner_values(
            meeting.customer,
            owner=values.get("owner", UNSET),
            owner_user=values.get("owner_user", UNSET),
            owner_contact=values.get("owner_contact", UNSET),
            errors=owner_errors,
            field="action_items",
        )
        if owner_errors.by_field:
            errors.add("action_items", _("Every action item needs a description and an owner."))
        if "due_date" in values:
            _check_date("action_items", values["due_date"], errors, required=False)
        _apply(item, {name: values[name] for name in ("description", "due_date") if name in values} | owner)
        _set_done(item, values.get("done", UNSET), by)
        to_save.append(item)
    errors.raise_if_any()
    for item in to_save:
        item.full_clean(exclude=["meeting", "owner_user", "owner_contact", "done_by"])
        item.save()


@transaction.atomic
def meeting_create(
    *,
    customer: CorporateCustomer,
    date: dt.date | None,
    agreement: ResponsibilityAgreement | None = None,
    agenda: str = "",
    provider_attendees: Iterable | None = None,
    customer_attendees: Iterable[Contact] | None = None,
    provider_participants: str = "",
    customer_participants: str = "",
    minutes: str = "",
    decisions: str = "",
    action_items: list[Mapping[str, Any]] | None = None,
    by=None,
) -> SteeringGroupMeeting:
    """Record a steering-group meeting, planned or held, with its participants from both sides."""
    errors = Errors()
    _check_date("date", date, errors, required=True, message=_("Give the date of the meeting."))
    _check_meeting_agreement(customer, agreement, errors)
    provider_attendees, customer_attendees = _check_attendees(customer, provider_attendees, customer_attendees, errors)
    errors.raise_if_any()
    meeting = SteeringGroupMeeting(
        customer=customer,
        agreement=agreement,
        date=date,
        agenda=agenda or "",
        provider_participants=provider_participants or "",
        customer_participants=customer_participants or "",
        minutes=minutes or "",
        decisions=decisions or "",
    )
    meeting.full_clean(exclude=["customer", "agreement"])
    meeting.save()
    meeting.provider_attendees.set(provider_attendees)
    meeting.customer_attendees.set(customer_attendees)
    _save_action_items(meeting, list(action_items or []), by)
    return meeting


@transaction.atomic
def meeting_update(
    *,
    meeting: SteeringGroupMeeting,
    date: dt.date = UNSET,
    agreement: ResponsibilityAgreement | None = UNSET,
    agenda: str = UNSET,
    provider_attendees: Iterable = UNSET,
    customer_attendees: Iterable[Contact] = UNSET,
    provider_participants: str = UNSET,
    customer_participants: str = UNSET,
    minutes: str = UNSET,
    decisions: str = UNSET,
    action_items: list[Mapping[str, Any]] = UNSET,
    by=None,
) -> SteeringGroupMeeting:
    meeting = SteeringGroupMeeting.objects.select_for_update().select_related("customer").get(pk=meeting.pk)
    errors = Errors()
    if _given(date):
        _check_date("date", date, errors, required=True, message=_("Give the date of the meeting."))
    if _given(agreement):
        _check_meeting_agreement(meeting.customer, agreement, errors)
    provider_attendees, customer_attendees = _check_attendees(
        meeting.customer, provider_attendees, customer_attendees, errors
    )
    errors.raise_if_any()
    _apply(
        meeting,
        {
            "date": date,
            "agreement": agreement,
            "agenda": agenda,
            "provider_participants": provider_participants,
            "customer_participants": customer_participants,
            "minutes": minutes,
            "decisions": decisions,
        },
    )
    meeting.full_clean(exclude=["customer", "agreement"])
    meeting.save()
    if _given(provider_attendees):
        meeting.provider_attendees.set(provider_attendees)
    if _given(customer_attendees):
        meeting.customer_attendees.set(customer_attendees)
    if _given(action_items):
        _save_action_items(meeting, list(action_items or []), by)
    return meeting


def _check_description(description, errors: Errors) -> None:
    if _given(description) and not (description or "").strip():
        errors.add("description", _("Describe the action."))


@transaction.atomic
def action_item_add(
    *,
    meeting: SteeringGroupMeeting,
    description: str,
    owner: str = "",
    owner_user=None,
    owner_contact: Contact | None = None,
    due_date: dt.date | None = None,
) -> ActionItem:
    """A new action item of a meeting, owned by a provider person, a customer contact or a name."""
    errors = Errors()
    _check_description(description, errors)
    owner_values = _owner_values(
        meeting.customer, owner=owner, owner_user=owner_user, owner_contact=owner_contact, errors=errors, field="owner"
    )
    _check_date("due_date", due_date, errors, required=False)
    errors.raise_if_any()
    item = ActionItem(meeting=meeting, description=description.strip(), due_date=due_date, **owner_values)
    item.full_clean(exclude=["meeting", "owner_user", "owner_contact", "done_by"])
    item.save()
    return item


@transaction.atomic
def action_item_update(
    *,
    action_item: ActionItem,
    description: str = UNSET,
    owner: str = UNSET,
    owner_user=UNSET,
    owner_contact: Contact | None = UNSET,
    due_date: dt.date | None = UNSET,
    done: bool = UNSET,
    by=None,
) -> ActionItem:
    """Change an action item; marking it done stamps when and by whom, undoing clears the stamp."""
    action_item = ActionItem.objects.select_for_update().select_related("meeting__customer").get(pk=action_item.pk)
    errors = Errors()
    _check_description(description, errors)
    owner_values = _owner_values(
        action_item.meeting.customer,
        owner=owner,
        owner_user=owner_user,
        owner_contact=owner_contact,
        errors=errors,
        field="owner",
    )
    if _given(due_date):
        _check_date("due_date", due_date, errors, required=False)
    errors.raise_if_any()
    _apply(action_item, {"description": description, "due_date": due_date} | owner_values)
    _set_done(action_item, done, by)
    action_item.full_clean(exclude=["meeting", "owner_user", "owner_contact", "done_by"])
    action_item.save()
    return action_item


def action_item_complete(*, action_item: ActionItem, by) -> ActionItem:
    """Tick an action item off; ticking a done one again keeps its first stamp."""
    return action_item_update(action_item=action_item, done=True, by=by)


def action_item_reopen(*, action_item: ActionItem, by) -> ActionItem:
    return action_item_update(action_item=action_item, done=False, by=by)
