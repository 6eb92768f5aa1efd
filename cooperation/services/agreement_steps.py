"""The agreement's guided steps: a step's fields saved, and the agreement moved on, as one."""

from typing import Any

from django.db import transaction

from cooperation.models import ResponsibilityAgreement
from cooperation.services.agreements import agreement_advance, agreement_update


@transaction.atomic
def agreement_step_submit(
    *,
    agreement: ResponsibilityAgreement,
    by,
    values: dict[str, Any],
    advance_to: str | None = None,
    note: str = "",
) -> ResponsibilityAgreement:
    """Save a step's ``values`` and, with ``advance_to``, move the agreement to that phase.

    Both happen or neither: when the agreement may not move on (``agreement_advance``'s
    prerequisites), the values are not saved either, so "move on" never half-happens."""
    if values:
        agreement = agreement_update(agreement=agreement, **values)
    if advance_to is not None:
        agreement = agreement_advance(agreement=agreement, to_phase=advance_to, by=by, note=note)
    return agreement
