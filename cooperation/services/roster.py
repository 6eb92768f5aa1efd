"""The roster of a customer's employees, and their sick leave."""

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    CorporateCustomer,
    Employee,
    Language,
    SickLeave,
)
from cooperation.services.common import (
    UNSET,
    Errors,
    _apply,
)
from cooperation.services.contacts import (
    _check_choice,
)

# --- Roster and sick leave ---------------------------------------------------------------------


def employee_upsert(
    *,
    customer: CorporateCustomer,
    external_id: str,
    email: str = UNSET,
    language: str = UNSET,
    employed_from: dt.date | None = UNSET,
    employed_until: dt.date | None = UNSET,
) -> tuple[Employee, bool]:
    """Create or update the employee ``(customer, external_id)``; fields not given keep their
    stored values. Answers ``(employee, created)``."""
    with transaction.atomic():
        errors = Errors()
        external_id = (external_id or "").strip()
        if not external_id:
            errors.add("external_id", _("Give the employee's external ID."))
        _check_choice("language", language, Language.values, errors)
        errors.raise_if_any()
        employee = Employee.objects.select_for_update().filter(
            customer=customer, external_id=external_id
        ).first() or Employee(customer=customer, external_id=external_id)
        created = employee._state.adding
        _apply(
            employee,
            {"email": email, "language": language, "employed_from": employed_from, "employed_until": employed_until},
        )
        if employee.employed_from and employee.employed_until and employee.employed_until < employee.employed_from:
            errors.add("employed_until", _("The employment cannot end before it starts."))
        errors.raise_if_any()
        employee.full_clean(exclude=["customer"], validate_constraints=False)
        try:
            with transaction.atomic():
                employee.save()
        except IntegrityError:
            # Another request inserted the same employee meanwhile: this upsert becomes an update.
            if not created or not Employee.objects.filter(customer=customer, external_id=external_id).exists():
                raise
            return employee_upsert(
                customer=customer,
                external_id=external_id,
                email=email,
                language=language,
                employed_from=employed_from,
                employed_until=employed_until,
            )
    return employee, created


class ItemsInvalid(ValidationError):
    """Some items of a list are invalid: ``by_index`` maps each one's index to its field errors."""

    def __init__(self, by_index: dict[str, dict[str, list[str]]]):
        super().__init__(_("Some items of the list are invalid; nothing was saved."), code="items_invalid")
        self.by_index = by_index


def employee_upsert_many(*, items: Iterable[Mapping[str, Any]]) -> list[tuple[Employee, bool]]:
    """Upsert a list of employees all or nothing: one invalid item stores none of them, and
    ``ItemsInvalid`` names every invalid item."""
    results: list[tuple[Employee, bool]] = []
    errors: dict[str, Any] = {}
    with transaction.atomic():
        for index, item in enumerate(items):
            try:
                # A savepoint per item, so one failure does not poison the rest of the checks.
                with transaction.atomic():
                    results.append(employee_upsert(**item))
            except ValidationError as e:
                errors[str(index)] = e.message_dict if hasattr(e, "error_dict") else {NON_FIELD_ERRORS: e.messages}
        if errors:
            raise ItemsInvalid(errors)
    return results


@transaction.atomic
def sick_leave_create(
    *, customer: CorporateCustomer, employee: Employee, start: dt.date, end: dt.date
) -> tuple[SickLeave, bool]:
    """Record a sick leave of an employee of ``customer``. Sending the same leave again (a retry)
    answers the stored one: ``(sick_leave, created)``."""
    errors = Errors()
    if employee.customer_id != customer.pk:
        errors.add("employee", _("Unknown employee %(id)s.") % {"id": employee.external_id})
    if start and end and end < start:
        errors.add("end", _("The sick leave cannot end before it starts."))
    errors.raise_if_any()
    return SickLeave.objects.get_or_create(employee=employee, customer=customer, start=start, end=end)
