"""Visits from the patient-record system, and the invitations they schedule."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.models import CorporateCustomer, Employee
from surveys import privacy
from surveys.models import (
    InvitationStatus,
    Practitioner,
    RespondentGroup,
    Service,
    SkipReason,
    SurveyInvitation,
    Unit,
    Visit,
)
from surveys.services.common import (
    STATUSES_THAT_COUNT_AS_SURVEYED,
    shift_out_of_quiet_hours,
)

logger = logging.getLogger(__name__)


# --- Visits ----------------------------------------------------------------------------------


class VisitErrors(Exception):
    """Items of a visit list that name unknown objects: ``{index: {field: [message]}}``."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class VisitResult:
    visit: Visit
    created: bool


def visits_record(*, items: list[dict]) -> list[VisitResult]:
    """Record visits (validated dicts in the API's shape) and their survey invitations in one
    transaction; visits already known by ``external_id`` are returned unchanged.

    Raises VisitErrors, storing nothing, when any item names an unknown customer, unit,
    practitioner or service."""
    try:
        return _visits_record(items)
    except IntegrityError:
        # Another request stored one of the same visits or patients a moment ago: its rows are
        # committed now, so a second pass finds them.
        return _visits_record(items)


@transaction.atomic
def _visits_record(items: list[dict]) -> list[VisitResult]:
    now = timezone.now()
    external_ids = {item["external_id"] for item in items}
    known = {
        v.external_id: v
        for v in Visit.objects.filter(external_id__in=external_ids).select_related(
            "invitation", "customer", "employee", "unit", "practitioner", "service"
        )
    }
    new_items: dict[str, tuple[int, dict]] = {}
    for index, item in enumerate(items):
        if item["external_id"] not in known and item["external_id"] not in new_items:
            new_items[item["external_id"]] = (index, item)

    # One query per kind of reference, whatever the list's length.
    customers = _by_key(
        CorporateCustomer.objects.only("pk", "business_id", "segment"), "business_id", new_items, "customer"
    )
    units = _by_key(Unit.objects.only("pk", "code", "type"), "code", new_items, "unit")
    practitioners = _by_key(Practitioner.objects.only("pk", "code"), "code", new_items, "practitioner")
    services = _by_key(Service.objects.only("pk", "code", "collects_feedback"), "code", new_items, "service")
    errors: dict[int, dict[str, list[str]]] = {}
    for index, item in new_items.values():
        for name, found in (
            ("customer", customers),
            ("unit", units),
            ("practitioner", practitioners),
            ("service", services),
        ):
            value = item.get(name)
            if value and value not in found:
                errors.setdefault(index, {})[name] = [
                    _("Unknown %(field)s: %(value)s") % {"field": name, "value": value}
                ]
    if errors:
        raise VisitErrors(errors)

    employees = _employees_upsert(
        [(customers[item["customer"]], item["patient"]) for _index, item in new_items.values()], now=now
    )
    visits = []
    for _index, item in new_items.values():
        customer = customers[item["customer"]]
        visits.append(
            Visit(
                external_id=item["external_id"],
                customer=customer,
                employee=employees[(customer.pk, item["patient"]["external_id"])],
                unit=units[item["unit"]],
                practitioner=practitioners.get(item.get("practitioner") or ""),
                service=services.get(item.get("service") or ""),
                channel=item["channel"],
                ended_at=item["ended_at"],
            )
        )
    Visit.objects.bulk_create(visits)
    invitations = _invitations_for_visits(visits, now=now)
    SurveyInvitation.objects.bulk_create(invitations)
    for visit, invitation in zip(visits, invitations, strict=True):
        visit.invitation = invitation

    created = {v.external_id: v for v in visits}
    results, seen = [], set()
    for item in items:
        external_id = item["external_id"]
        if external_id in created:
            results.append(VisitResult(created[external_id], external_id not in seen))
        else:
            results.append(VisitResult(known[external_id], False))
        seen.add(external_id)
    return results


def _by_key(queryset, key: str, new_items: dict[str, tuple[int, dict]], name: str) -> dict:
    values = {item.get(name) for _index, item in new_items.values()} - {None, ""}
    if not values:
        return {}
    return {getattr(obj, key): obj for obj in queryset.filter(**{f"{key}__in": values})}


def _employees_upsert(patients: list[tuple[CorporateCustomer, dict]], *, now) -> dict[tuple[int, str], Employee]:
    """The patients as Employees of their customers, by (customer id, external id): new ones
    created, a changed email or language updated; two queries and two bulk writes at most."""
    wanted: dict[tuple[int, str], dict] = {}
    for customer, patient in patients:
        wanted[(customer.pk, patient["external_id"])] = patient
    existing = {
        (e.customer_id, e.external_id): e
        for e in Employee.objects.filter(
            customer_id__in={k[0] for k in wanted}, external_id__in={k[1] for k in wanted}
        ).only("pk", "customer_id", "external_id", "email", "language")
    }
    to_create, to_update = [], []
    for key, patient in wanted.items():
        employee = existing.get(key)
        if employee is None:
            employee = Employee(
                customer_id=key[0],
                external_id=key[1],
                email=patient.get("email") or "",
                language=patient.get("language") or "fi",
            )
            to_create.append(employee)
            existing[key] = employee
            continue
        changed = False
        for name in ("email", "language"):
            value = patient.get(name)
            if value is not None and value != getattr(employee, name):
                setattr(employee, name, value)
                changed = True
        if changed:
            employee.updated_at = now
            to_update.append(employee)
    if to_create:
        Employee.objects.bulk_create(to_create)
    if to_update:
        Employee.objects.bulk_update(to_update, ["email", "language", "updated_at"])
    return existing


def _invitations_for_visits(visits: list[Visit], *, now) -> list[SurveyInvitation]:
    delay = dt.timedelta(seconds=settings.SURVEY_DELAY_SECONDS)
    ttl = dt.timedelta(days=settings.SURVEY_LINK_TTL_DAYS)
    emails_ = {v.employee.email.lower() for v in visits if v.employee.email}
    # Opt-outs kept in plain or, for erased people, only as keyed hashes (surveys/privacy.py):
    # an erased person who opted out stays out, by their address or by their id at the employer.
    opted_out = privacy.opted_out_addresses(emails_)
    opted_out_people = privacy.opted_out_people({(v.customer.business_id, v.employee.external_id) for v in visits})
    throttle_days = settings.SURVEY_THROTTLE_DAYS
    last_surveyed: dict[str, dt.datetime] = {}
    if throttle_days and emails_:
        for email, when in SurveyInvitation.objects.filter(
            email__in=emails_,
            status__in=STATUSES_THAT_COUNT_AS_SURVEYED,
            scheduled_for__gte=now - dt.timedelta(days=throttle_days) - ttl,
        ).values_list("email", "scheduled_for"):
            last_surveyed[email] = max(when, last_surveyed.get(email, when))

    invitations = []
    for visit in sorted(visits, key=lambda v: v.ended_at):
        employee = visit.employee
        email = employee.email.lower()
        scheduled_for = shift_out_of_quiet_hours(visit.ended_at + delay)
        invitation = SurveyInvitation(
            respondent_group=RespondentGroup.PATIENT,
            visit=visit,
            employee=employee,
            email=email,
            language=employee.language,
            **visit.survey_facts(),
            scheduled_for=scheduled_for,
            expires_at=scheduled_for + ttl,
        )
        reason = None
        if visit.service is not None and not visit.service.collects_feedback:
            reason = SkipReason.NO_FEEDBACK_SERVICE
        elif not email:
            reason = SkipReason.NO_EMAIL
        elif email in opted_out or (visit.customer.business_id, employee.external_id) in opted_out_people:
            reason = SkipReason.OPTED_OUT
        elif visit.ended_at + ttl <= now:
            reason = SkipReason.TOO_OLD
        elif (
            throttle_days
            and email in last_surveyed
            and (abs(scheduled_for - last_surveyed[email]) < dt.timedelta(days=throttle_days))
        ):
            reason = SkipReason.THROTTLED
        if reason:
            invitation.status = InvitationStatus.SKIPPED
            invitation.skip_reason = reason
            invitation.scheduled_for = None
            invitation.expires_at = None
        elif throttle_days:
            last_surveyed[email] = scheduled_for
        invitations.append(invitation)
    # Back in the visits' order, for the caller's zip.
    by_visit = {id(inv.visit): inv for inv in invitations}
    return [by_visit[id(v)] for v in visits]
