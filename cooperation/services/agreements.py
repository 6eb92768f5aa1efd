"""Responsibility agreements and their phases."""

import datetime as dt
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import (
    PHASE_ORDER,
    CorporateCustomer,
    Phase,
    PhaseTransition,
    ResponsibilityAgreement,
    Theme,
)
from cooperation.selectors.agreement_steps import phase_prerequisites
from cooperation.services.common import (
    UNSET,
    Errors,
    _apply,
    _given,
)

# --- Responsibility agreements -----------------------------------------------------------------


def _check_themes(field: str, themes, errors: Errors) -> list[str] | None:
    if not _given(themes):
        return UNSET
    themes = list(themes or [])
    unknown = [t for t in themes if t not in Theme.values]
    if unknown:
        errors.add(field, _("Unknown themes: %(themes)s.") % {"themes": ", ".join(map(str, unknown))})
    elif len(set(themes)) != len(themes):
        errors.add(field, _("Name each theme once."))
    return themes


def _check_period(start, end, errors: Errors) -> None:
    if start and end and end < start:
        errors.add("period_end", _("The period cannot end before it starts."))


def _phase_index(phase: str) -> int:
    return PHASE_ORDER.index(phase)


@transaction.atomic
def agreement_create(
    *,
    customer: CorporateCustomer,
    title: str,
    period_start: dt.date,
    period_end: dt.date,
    customer_responsibility_goals: str = "",
    themes: list[str] | None = None,
    identified_themes: list[str] | None = None,
    identification_notes: str = "",
    support_actions: str = "",
    agreed_by_provider: str = "",
    agreed_by_customer: str = "",
) -> ResponsibilityAgreement:
    """A new agreement, in orientation: phases are then moved with ``agreement_advance``."""
    agreement = ResponsibilityAgreement(customer=customer, phase=Phase.ORIENTATION)
    return _agreement_save(
        agreement,
        {
            "title": title,
            "period_start": period_start,
            "period_end": period_end,
            "customer_responsibility_goals": customer_responsibility_goals,
            "themes": themes or [],
            "identified_themes": identified_themes or [],
            "identification_notes": identification_notes,
            "support_actions": support_actions,
            "agreed_by_provider": agreed_by_provider,
            "agreed_by_customer": agreed_by_customer,
        },
    )


@transaction.atomic
def agreement_update(
    *,
    agreement: ResponsibilityAgreement,
    title: str = UNSET,
    period_start: dt.date = UNSET,
    period_end: dt.date = UNSET,
    customer_responsibility_goals: str = UNSET,
    themes: list[str] = UNSET,
    identified_themes: list[str] = UNSET,
    identification_notes: str = UNSET,
    support_actions: str = UNSET,
    agreed_by_provider: str = UNSET,
    agreed_by_customer: str = UNSET,
) -> ResponsibilityAgreement:
    agreement = ResponsibilityAgreement.objects.select_for_update().get(pk=agreement.pk)
    return _agreement_save(
        agreement,
        {
            "title": title,
            "period_start": period_start,
            "period_end": period_end,
            "customer_responsibility_goals": customer_responsibility_goals,
            "themes": themes,
            "identified_themes": identified_themes,
            "identification_notes": identification_notes,
            "support_actions": support_actions,
            "agreed_by_provider": agreed_by_provider,
            "agreed_by_customer": agreed_by_customer,
        },
    )


def _agreement_save(agreement: ResponsibilityAgreement, values: dict[str, Any]) -> ResponsibilityAgreement:
    errors = Errors()
    if agreement.phase == Phase.CLOSED:
        errors.add(NON_FIELD_ERRORS, _("A closed agreement cannot change."))
        errors.raise_if_any()
    if _given(values["title"]) and not (values["title"] or "").strip():
        errors.add("title", _("Give the agreement a title."))
    values["themes"] = _check_themes("themes", values["themes"], errors)
    values["identified_themes"] = _check_themes("identified_themes", values["identified_themes"], errors)
    start = values["period_start"] if _given(values["period_start"]) else agreement.period_start
    end = values["period_end"] if _given(values["period_end"]) else agreement.period_end
    _check_period(start, end, errors)
    if _phase_index(agreement.phase) >= _phase_index(Phase.AGREED):
        # What was agreed, and by whom, must survive people changing on both sides.
        for field in ("agreed_by_provider", "agreed_by_customer"):
            if _given(values[field]) and not (values[field] or "").strip():
                errors.add(field, _("An agreed agreement keeps the names of those who agreed it."))
        if _given(values["identified_themes"]) and not values["identified_themes"]:
            errors.add("identified_themes", _("An agreed agreement keeps its identified themes."))
    errors.raise_if_any()
    _apply(agreement, values)
    agreement.full_clean(exclude=["customer"])
    agreement.save()
    return agreement


def _phase_prerequisites(agreement: ResponsibilityAgreement, to_phase: str, errors: Errors) -> None:
    """What a phase needs done before the agreement may leave it: the same list the step pages
    show as a checklist (``phase_prerequisites``)."""
    for prerequisite in phase_prerequisites(agreement=agreement):
        if not prerequisite.met:
            errors.add(prerequisite.field, prerequisite.message)


@transaction.atomic
def agreement_advance(
    *, agreement: ResponsibilityAgreement, to_phase: str, by, note: str = ""
) -> ResponsibilityAgreement:
    """Move an agreement to its next phase (none skipped, none back) and keep the step with
    who and when."""
    # Lock the row: two people pressing "next" at once must not both step the agreement.
    agreement = ResponsibilityAgreement.objects.select_for_update().get(pk=agreement.pk)
    errors = Errors()
    if to_phase not in Phase.values:
        errors.add("to_phase", _("Unknown phase “%(phase)s”.") % {"phase": to_phase})
        errors.raise_if_any()
    expected = agreement.next_phase
    if expected is None:
        errors.add("to_phase", _("A closed agreement has no further phase."))
    elif to_phase != expected:
        errors.add(
            "to_phase",
            _("From “%(current)s” the agreement can only move to “%(next)s”.")
            % {"current": Phase(agreement.phase).label, "next": Phase(expected).label},
        )
    errors.raise_if_any()
    _phase_prerequisites(agreement, to_phase, errors)
    errors.raise_if_any()
    from_phase = agreement.phase
    agreement.phase = to_phase
    update_fields = ["phase", "updated_at"]
    if to_phase == Phase.AGREED:
        agreement.agreed_at = timezone.now()
        update_fields.append("agreed_at")
    agreement.save(update_fields=update_fields)
    PhaseTransition.objects.create(
        agreement=agreement, from_phase=from_phase, to_phase=to_phase, by=by, note=note or ""
    )
    return agreement


@transaction.atomic
def agreement_delete(*, agreement: ResponsibilityAgreement) -> None:
    """Only a draft goes: once agreed, the record of what was agreed must survive."""
    if _phase_index(agreement.phase) >= _phase_index(Phase.AGREED):
        raise ValidationError({NON_FIELD_ERRORS: [_("An agreed agreement cannot be deleted; close it instead.")]})
    agreement.delete()
