"""Feedback cases: opened with a detractor's answer, worked by the unit's quality staff, closed
with a resolution and a root cause, escalated to the unit's lead when overdue. Every change is
written to the case's history and sent to the audit log (cooperation.audit)."""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from cooperation.access import Role, is_admin
from cooperation.audit import audit_record
from surveys.models import (
    FeedbackCase,
    FeedbackCaseEvent,
    FeedbackCaseStatus,
    FeedbackCause,
    RespondentGroup,
    Response,
    Unit,
    UnitQualityStaff,
)

logger = logging.getLogger(__name__)

#: Scores that open a case: the NPS detractors.
DETRACTOR_MAX_SCORE = 6
#: Overdue cases escalated per transaction: each holds its rows locked while the emails go out,
#: so a batch stays short; the next beat continues with the rest.
ESCALATION_BATCH_SIZE = 50

Kind = FeedbackCaseEvent.Kind


def _audit(*, case: FeedbackCase, actor, what: str, detail: dict | None = None) -> None:
    """The audit trail holds what changed, never the comment, the resolution or the contact."""
    audit_record(
        sender=FeedbackCase,
        actor=actor,
        action="feedback_case.change",
        customer=case.response.customer_id if case.response_id else None,
        target=f"feedback case {case.pk}",
        detail={"change": what, "unit": case.unit.code, **(detail or {})},
    )


def feedback_case_due(*, answered_at: dt.datetime) -> dt.datetime:
    """FEEDBACK_CASE_HOURS after the answer, on the clock: weekends and holidays count."""
    return answered_at + dt.timedelta(hours=settings.FEEDBACK_CASE_HOURS)


def feedback_case_open(*, response: Response, contact: str = "") -> FeedbackCase | None:
    """Open the case of a patient's answer of 0–6, or one that asks to be contacted; called in
    the answer's own transaction (services.answers.response_record). None when no case is due."""
    contact = contact.strip()
    if response.respondent_group != RespondentGroup.PATIENT or response.unit_id is None:
        return None
    if response.score > DETRACTOR_MAX_SCORE and not contact:
        return None
    case = FeedbackCase.objects.create(
        response=response,
        unit_id=response.unit_id,
        practitioner_id=response.practitioner_id,
        score=response.score,
        answered_at=response.answered_at,
        due_at=feedback_case_due(answered_at=response.answered_at),
        contact_requested=bool(contact),
        contact=contact,
    )
    FeedbackCaseEvent.objects.create(case=case, at=response.answered_at, kind=Kind.OPENED, status=case.status)
    _audit(case=case, actor=None, what="opened", detail={"contact_requested": case.contact_requested})
    return case


def unit_quality_staff(unit: Unit):
    """The people who may own the unit's cases."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(quality_units__unit=unit, is_active=True, role=Role.QUALITY)
        .order_by("full_name", "email")
    )


def may_work_on(user, case: FeedbackCase) -> bool:
    return is_admin(user) or (
        user.is_authenticated
        and user.role == Role.QUALITY
        and UnitQualityStaff.objects.filter(unit_id=case.unit_id, user=user).exists()
    )


_UNSET = object()


def feedback_case_update(
    *,
    case: FeedbackCase,
    actor,
    status: str | None = None,
    owner=_UNSET,
    resolution: str | None = None,
    cause: FeedbackCause | str | None = None,
    now: dt.datetime | None = None,
) -> FeedbackCase:
    """Take, assign, move on or close a case. Raises ValidationError (messages by field) and
    changes nothing when the change is not allowed: closing needs a resolution and a root cause,
    an owner must follow the unit, a closed case stays closed."""
    now = now or timezone.now()
    with transaction.atomic():
        case = FeedbackCase.objects.select_for_update(of=("self",)).select_related("unit", "owner").get(pk=case.pk)
        errors: dict[str, list[str]] = {}
        if case.status == FeedbackCaseStatus.CLOSED:
            raise ValidationError({"status": [_("This case is closed already and cannot be changed.")]})
        if status is not None and status not in FeedbackCaseStatus.values:
            errors["status"] = [_("Choose open, in progress or closed.")]
        if status == FeedbackCaseStatus.OPEN and case.status != FeedbackCaseStatus.OPEN:
            errors["status"] = [_("A case that is being worked on cannot go back to open.")]
        new_owner = case.owner if owner is _UNSET else owner
        if owner is not _UNSET and owner is not None and not unit_quality_staff(case.unit).filter(pk=owner.pk).exists():
            errors["owner"] = [_("The owner must be one of the quality staff who follow this unit.")]
        if owner is None and (status or case.status) != FeedbackCaseStatus.OPEN:
            errors["owner"] = [_("A case being worked on needs an owner.")]
        if isinstance(cause, str):
            found = FeedbackCause.objects.filter(code=cause, active=True).first()
            if found is None:
                errors["cause"] = [_("Choose one of the root causes in the list.")]
            cause = found
        elif cause is not None and not cause.active:
            errors["cause"] = [_("Choose one of the root causes in the list.")]
        resolution = (resolution or "").strip()
        closing = status == FeedbackCaseStatus.CLOSED
        if closing:
            if not resolution:
                errors["resolution"] = [_("Write how the feedback was resolved before closing the case.")]
            if cause is None and "cause" not in errors:
                errors["cause"] = [_("Choose the root cause before closing the case.")]
        elif (resolution or cause is not None) and "status" not in errors:
            errors.setdefault("status", [_("A resolution and a root cause are given when the case is closed.")])
        # Moving on without an owner: the person doing it takes the case, if they may own it.
        if (status in (FeedbackCaseStatus.IN_PROGRESS, FeedbackCaseStatus.CLOSED)) and new_owner is None:
            if unit_quality_staff(case.unit).filter(pk=actor.pk).exists():
                new_owner = actor
            elif "owner" not in errors:
                errors["owner"] = [_("Choose an owner among the unit's quality staff.")]
        if errors:
            raise ValidationError(errors)

        events = []
        if new_owner != case.owner:
            taken = new_owner is not None and new_owner.pk == actor.pk
            events.append(
                FeedbackCaseEvent(
                    case=case, at=now, actor=actor, kind=Kind.TAKEN if taken else Kind.ASSIGNED, owner=new_owner
                )
            )
            case.owner = new_owner
            # An owner starts work on an open case.
            if case.status == FeedbackCaseStatus.OPEN and status is None and new_owner is not None:
                status = FeedbackCaseStatus.IN_PROGRESS
        if status is not None and status != case.status:
            case.status = status
            if closing:
                case.resolution, case.cause, case.closed_at = resolution, cause, now
                events.append(
                    FeedbackCaseEvent(case=case, at=now, actor=actor, kind=Kind.CLOSED, status=status, note=resolution)
                )
            else:
                events.append(FeedbackCaseEvent(case=case, at=now, actor=actor, kind=Kind.STATUS, status=status))
        if not events:
            return case
        case.save()
        FeedbackCaseEvent.objects.bulk_create(events)
        for event in events:
            _audit(
                case=case,
                actor=actor,
                what=event.kind,
                detail={
                    "status": case.status,
                    "owner_id": case.owner_id,
                    **({"cause": case.cause.code} if event.kind == Kind.CLOSED else {}),
                },
            )
    return case


def _lead_addresses(unit_id: int) -> list[str]:
    """The unit's lead; a unit without one: everyone who follows it, so the case is not lost."""
    links = UnitQualityStaff.objects.filter(unit_id=unit_id, user__is_active=True).select_related("user")
    leads = [link.user.email for link in links if link.lead]
    return leads or sorted(link.user.email for link in links)


def _escalation_email(case: FeedbackCase, to: list[str]) -> None:
    base = settings.PORTAL_BASE_URL.rstrip("/")
    with translation.override("fi"):
        subject = _("Overdue feedback case #%(id)s at %(unit)s") % {"id": case.pk, "unit": case.unit.name}
        body = _(
            "Feedback case #%(id)s at %(unit)s was due at %(due)s and has not been closed.\n\n"
            "Status: %(status)s\nOwner: %(owner)s\n\nOpen the case: %(url)s\n"
        ) % {
            "id": case.pk,
            "unit": case.unit.name,
            "due": timezone.localtime(case.due_at).strftime("%d.%m.%Y %H:%M"),
            "status": case.get_status_display(),
            "owner": case.owner.email if case.owner_id else _("nobody yet"),
            "url": f"{base}/feedback-cases/{case.pk}/",
        }
    send_mail(subject, body, None, to)


def feedback_cases_escalate(*, now: dt.datetime | None = None) -> int:
    """Email the unit's lead once about each case past its due time and mark it escalated.
    Rows are claimed with SKIP LOCKED, so two workers never send the same email; an email that
    fails rolls its case back, to be tried by the next beat. Returns the cases escalated."""
    now = now or timezone.now()
    escalated = 0
    while True:
        with transaction.atomic():
            batch = list(
                FeedbackCase.objects.select_for_update(skip_locked=True, of=("self",))
                .filter(escalated_at__isnull=True, due_at__lt=now)
                .exclude(status=FeedbackCaseStatus.CLOSED)
                .select_related("unit", "owner", "response")
                .order_by("due_at")[:ESCALATION_BATCH_SIZE]
            )
            for case in batch:
                to = _lead_addresses(case.unit_id)
                if to:
                    _escalation_email(case, to)
                case.escalated_at = now
                case.save(update_fields=["escalated_at", "updated_at"])
                FeedbackCaseEvent.objects.create(case=case, at=now, kind=Kind.ESCALATED, note=", ".join(to))
                _audit(case=case, actor=None, what="escalated", detail={"recipients": len(to)})
        escalated += len(batch)
        if len(batch) < ESCALATION_BATCH_SIZE:
            return escalated


def quality_units_set(*, user, unit_codes: list[str], lead_codes: list[str] = ()) -> None:
    """Tie a quality person to exactly these units (operations' ``add_user --unit``), lead of
    those in ``lead_codes``. Raises ValidationError naming an unknown unit or a unit that has
    another lead already."""
    codes = set(unit_codes) | set(lead_codes)
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)}
    unknown = sorted(codes - units.keys())
    if unknown:
        raise ValidationError({"unit": [_("Unknown unit: %(codes)s.") % {"codes": ", ".join(unknown)}]})
    taken = sorted(
        UnitQualityStaff.objects.filter(unit__code__in=lead_codes, lead=True)
        .exclude(user=user)
        .values_list("unit__code", flat=True)
    )
    if taken:
        raise ValidationError(
            {"lead": [_("These units have a lead already: %(codes)s.") % {"codes": ", ".join(taken)}]}
        )
    with transaction.atomic():
        UnitQualityStaff.objects.filter(user=user).exclude(unit__code__in=codes).delete()
        for code, unit in units.items():
            UnitQualityStaff.objects.update_or_create(unit=unit, user=user, defaults={"lead": code in lead_codes})
