"""Contacts of a customer."""

from typing import Any

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    Contact,
    CorporateCustomer,
    Language,
)
from cooperation.services.common import (
    UNSET,
    Errors,
    _apply,
    _given,
)

# --- Contacts ---------------------------------------------------------------------------------


def _check_choice(field: str, value, choices, errors: Errors) -> None:
    if _given(value) and value not in choices:
        errors.add(field, _("“%(value)s” is not a valid choice.") % {"value": value})


@transaction.atomic
def contact_create(
    *,
    customer: CorporateCustomer,
    name: str,
    role: str,
    title: str = "",
    email: str = "",
    phone: str = "",
    language: str = Language.FINNISH,
    active: bool = True,
) -> Contact:
    contact = Contact(customer=customer)
    return _contact_save(
        contact,
        {
            "name": name,
            "role": role,
            "title": title,
            "email": email,
            "phone": phone,
            "language": language,
            "active": active,
        },
    )


@transaction.atomic
def contact_update(
    *,
    contact: Contact,
    name: str = UNSET,
    role: str = UNSET,
    title: str = UNSET,
    email: str = UNSET,
    phone: str = UNSET,
    language: str = UNSET,
    active: bool = UNSET,
) -> Contact:
    return _contact_save(
        contact,
        {
            "name": name,
            "role": role,
            "title": title,
            "email": email,
            "phone": phone,
            "language": language,
            "active": active,
        },
    )


def _contact_save(contact: Contact, values: dict[str, Any]) -> Contact:
    errors = Errors()
    if _given(values["name"]) and not (values["name"] or "").strip():
        errors.add("name", _("Give the contact's name."))
    _check_choice("role", values["role"], Contact.ContactRole.values, errors)
    _check_choice("language", values["language"], Language.values, errors)
    errors.raise_if_any()
    _apply(contact, values)
    contact.full_clean(exclude=["customer", "user"])
    contact.save()
    return contact
