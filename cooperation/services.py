"""Writes of the cooperation domain: customers and their people, roster and sick leave,
responsibility agreements with their phases, goals, measurements and steering-group meetings.

Every function takes keyword arguments only, runs in one transaction and raises Django's
``ValidationError`` with a message per field, so nothing is ever half-saved."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cooperation.access import Role, is_admin, is_provider_person
from cooperation.business_id import validate_business_id
from cooperation.dates import validate_supported_date
from cooperation.models import (
    PHASE_ORDER,
    ActionItem,
    Contact,
    CorporateCustomer,
    Employee,
    Goal,
    GoalChange,
    Indicator,
    Language,
    Measurement,
    Phase,
    PhaseTransition,
    ResponsibilityAgreement,
    Segment,
    SickLeave,
    SteeringGroupMeeting,
    Theme,
)

#: A value the caller did not give: "keep what is stored" (None may be a real value).
UNSET: Any = object()

#: Roles that may hold a portfolio of customers.
ACCOUNT_MANAGER_ROLES = frozenset({Role.ACCOUNT_MANAGER, Role.ADMIN})


class Errors:
    """Collects messages per field and raises them together, so a user sees every problem at once."""

    def __init__(self) -> None:
        self.by_field: dict[str, list[str]] = {}

    def add(self, field: str, message) -> None:
        self.by_field.setdefault(field, []).append(message)

    def merge(self, error: ValidationError, *, field: str = NON_FIELD_ERRORS) -> None:
        if hasattr(error, "error_dict"):
            for name, errors in error.error_dict.items():
                for e in errors:
                    self.add(name, *e.messages)
        else:
            for message in error.messages:
                self.add(field, message)

    def raise_if_any(self) -> None:
        if self.by_field:
            raise ValidationError(self.by_field)


def _given(value) -> bool:
    return value is not UNSET


def _apply(instance, values: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Set the given (not UNSET) values; answer what changed as {field: (before, after)}."""
    changed = {}
    for name, value in values.items():
        if not _given(value):
            continue
        before = getattr(instance, name)
        if before != value:
            changed[name] = (before, value)
            setattr(instance, name, value)
    return changed


# --- Corporate customers ----------------------------------------------------------------------


def _account_manager_by_email(email: str | None, errors: Errors):
    if not email:
        return None
    User = get_user_model()
    user = User.objects.filter(email__iexact=email.strip(), is_active=True).first()
    if user is None or not (user.role in ACCOUNT_MANAGER_ROLES or user.is_superuser):
        errors.add("account_manager", _("No account manager with the email %(email)s.") % {"email": email})
        return None
    return user


def _check_segment(segment: str | None, errors: Errors) -> str:
    if segment in (None, ""):
        return ""
    if segment not in Segment.values:
        errors.add("segment", _("Choose “large” or “sme”."))
        return ""
    return segment


def customer_create(
    *,
    business_id: str,
    name: str,
    headcount: int = 0,
    industry: str = "",
    segment: str | None = None,
    account_manager_email: str | None = None,
    by=None,
) -> CorporateCustomer:
    """A new corporate customer. The segment is derived from the headcount unless ``segment``
    overrides it. An account manager creating a customer keeps it in their own portfolio."""
    errors = Errors()
    business_id = (business_id or "").strip()
    try:
        validate_business_id(business_id)
    except ValidationError as e:
        errors.merge(e, field="business_id")
    else:
        if CorporateCustomer.objects.filter(business_id=business_id).exists():
            errors.add("business_id", _("A customer with this business ID already exists."))
    if not (name or "").strip():
        errors.add("name", _("Give the customer's name."))
    if headcount is None or headcount < 0:
        errors.add("headcount", _("The headcount cannot be negative."))
    override = _check_segment(segment, errors)
    manager = _account_manager_by_email(account_manager_email, errors)
    if by is not None and not is_admin(by):
        # An account manager's new customer lands in their own portfolio, never in someone else's.
        if manager is not None and manager.pk != by.pk:
            errors.add("account_manager", _("You can add customers only to your own portfolio."))
        manager = by
    errors.raise_if_any()
    customer = CorporateCustomer(
        business_id=business_id,
        name=name.strip(),
        headcount=headcount or 0,
        industry=industry or "",
        segment_override=override,
        account_manager=manager,
    )
    customer.full_clean(exclude=["segment"])
    with transaction.atomic():
        try:
            customer.save()
        except IntegrityError as e:  # a concurrent create of the same business ID
            raise ValidationError({"business_id": [_("A customer with this business ID already exists.")]}) from e
    return customer


@transaction.atomic
def customer_update(
    *,
    customer: CorporateCustomer,
    name: str = UNSET,
    headcount: int = UNSET,
    industry: str = UNSET,
    segment: str | None = UNSET,
    account_manager_email: str | None = UNSET,
    by=None,
) -> CorporateCustomer:
    """Change a customer; ``segment=None`` drops an override so the headcount decides again.
    Only an administrator hands a customer over to another account manager."""
    errors = Errors()
    values: dict[str, Any] = {"name": name, "headcount": headcount, "industry": industry}
    if _given(name) and not (name or "").strip():
        errors.add("name", _("Give the customer's name."))
    if _given(headcount) and (headcount is None or headcount < 0):
        errors.add("headcount", _("The headcount cannot be negative."))
    if _given(segment):
        values["segment_override"] = _check_segment(segment, errors)
    if _given(account_manager_email):
        manager = _account_manager_by_email(account_manager_email, errors)
        if by is not None and not is_admin(by) and manager != customer.account_manager:
            errors.add(
                "account_manager", _("Only an administrator can hand a customer over to another account manager.")
            )
        values["account_manager"] = manager
    errors.raise_if_any()
    if _apply(customer, values):
        customer.save()
    return customer


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
    """What a phase needs done before the agreement may leave it (DOMAIN.md's three phases)."""
    if agreement.phase == Phase.ORIENTATION and not agreement.customer_responsibility_goals.strip():
        errors.add(
            "customer_responsibility_goals",
            _("Record the customer's responsibility themes and goals before moving on from orientation."),
        )
    if agreement.phase == Phase.IDENTIFICATION and not agreement.identified_themes:
        errors.add("identified_themes", _("Identify at least one theme before planning."))
    if to_phase == Phase.AGREED:
        if not agreement.goals.filter(target__isnull=False).exists():
            errors.add("goals", _("Agree at least one goal with a target first."))
        if not agreement.agreed_by_provider.strip():
            errors.add("agreed_by_provider", _("Name who agreed on the provider's side."))
        if not agreement.agreed_by_customer.strip():
            errors.add("agreed_by_customer", _("Name who agreed on the customer's side."))


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


# --- Goals and measurements --------------------------------------------------------------------


def _json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def _check_goal(values: dict[str, Any], goal: Goal, errors: Errors) -> None:
    _check_choice("theme", values["theme"], Theme.values, errors)
    _check_choice("indicator", values["indicator"], Indicator.values, errors)
    if _given(values["target"]) and values["target"] is None:
        errors.add("target", _("A goal needs a target."))
    indicator = values["indicator"] if _given(values["indicator"]) else goal.indicator
    custom = values["custom_indicator"] if _given(values["custom_indicator"]) else goal.custom_indicator
    if indicator == Indicator.CUSTOM and not (custom or "").strip():
        errors.add("custom_indicator", _("Name the custom indicator."))


def _check_agreement_open(agreement: ResponsibilityAgreement, errors: Errors) -> None:
    if agreement.phase == Phase.CLOSED:
        errors.add("agreement", _("A closed agreement cannot change."))


@transaction.atomic
def goal_create(
    *,
    agreement: ResponsibilityAgreement,
    theme: str,
    indicator: str,
    target: Decimal | None,
    custom_indicator: str = "",
    description: str = "",
    baseline: Decimal | None = None,
    due_date: dt.date | None = None,
) -> Goal:
    goal = Goal(agreement=agreement)
    values = {
        "theme": theme,
        "indicator": indicator,
        "custom_indicator": custom_indicator or "",
        "description": description or "",
        "baseline": baseline,
        "target": target,
        "due_date": due_date,
    }
    errors = Errors()
    _check_agreement_open(agreement, errors)
    _check_goal(values, goal, errors)
    errors.raise_if_any()
    _apply(goal, values)
    goal.full_clean(exclude=["agreement"])
    goal.save()
    return goal


@transaction.atomic
def goal_update(
    *,
    goal: Goal,
    by,
    theme: str = UNSET,
    indicator: str = UNSET,
    custom_indicator: str = UNSET,
    description: str = UNSET,
    baseline: Decimal | None = UNSET,
    target: Decimal | None = UNSET,
    due_date: dt.date | None = UNSET,
) -> Goal:
    """Change a goal and record what changed, from what to what, and by whom."""
    goal = Goal.objects.select_for_update().select_related("agreement").get(pk=goal.pk)
    values = {
        "theme": theme,
        "indicator": indicator,
        "custom_indicator": custom_indicator,
        "description": description,
        "baseline": baseline,
        "target": target,
        "due_date": due_date,
    }
    errors = Errors()
    _check_agreement_open(goal.agreement, errors)
    _check_goal(values, goal, errors)
    errors.raise_if_any()
    # Compare normalised values: 85 and 85.00 are the same target, not a change.
    for name in ("baseline", "target"):
        if _given(values[name]) and values[name] is not None:
            values[name] = Decimal(values[name]).quantize(Decimal("0.01"))
    changed = _apply(goal, values)
    if changed:
        goal.full_clean(exclude=["agreement"])
        goal.save()
        GoalChange.objects.create(
            goal=goal,
            by=by,
            changes={
                name: {"before": _json_value(before), "after": _json_value(after)}
                for name, (before, after) in changed.items()
            },
        )
    return goal


@transaction.atomic
def goal_delete(*, goal: Goal) -> None:
    if _phase_index(goal.agreement.phase) >= _phase_index(Phase.AGREED):
        raise ValidationError({NON_FIELD_ERRORS: [_("A goal of an agreed agreement cannot be deleted.")]})
    goal.delete()


@transaction.atomic
def measurement_record(
    *,
    goal: Goal,
    measured_on: dt.date,
    value: Decimal,
    source: str = Measurement.Source.MANUAL,
    note: str = "",
) -> Measurement:
    """Record a measurement of a goal's indicator. A computed one replaces the computed one
    of the same day, so the portal's periodic task can run again safely."""
    errors = Errors()
    _check_choice("source", source, Measurement.Source.values, errors)
    if value is None:
        errors.add("value", _("Give the measured value."))
    if measured_on is None:
        errors.add("measured_on", _("Give the date of the measurement."))
    errors.raise_if_any()
    if source == Measurement.Source.COMPUTED:
        measurement, _created = Measurement.objects.update_or_create(
            goal=goal, measured_on=measured_on, source=source, defaults={"value": value, "note": note or ""}
        )
        return measurement
    measurement = Measurement(goal=goal, measured_on=measured_on, value=value, source=source, note=note or "")
    measurement.full_clean(exclude=["goal"])
    measurement.save()
    return measurement


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
