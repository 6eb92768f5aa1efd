"""Privacy operations on survey data (README "Privacy operations"): erasing one person's
personal data, and the retention of old answers, addresses and send errors.

Both keep every statistic the same: the statistics read only the facts an invitation and its
response carry themselves (customer, segment, unit, practitioner, service, channel, the times
of sending and answering, score, coping), and the health figures read only the roster's
employment dates and sick leaves. Those stay; what points at a person goes: addresses, tokens,
identifiers, comments, and the links from answers to people and visits.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import asdict, dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.admin.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core import checks
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from cooperation.audit import audit_record
from cooperation.models import CorporateCustomer, Employee, Language, SickLeave
from surveys.models import (
    FeedbackCase,
    InvitationStatus,
    Response,
    SendAttempt,
    SkipReason,
    SurveyInvitation,
    SurveyOptOut,
    Visit,
)

HELSINKI = ZoneInfo("Europe/Helsinki")

#: The external id an erased employee gets instead of theirs: unique, and says nothing.
ERASED_PREFIX = "erased-"
#: Rows per transaction in retention: short locks, so dispatch and answers never wait long,
#: and a run that stops half-way has committed what it did (the next run goes on from there).
RETENTION_BATCH_SIZE = 1000

# --- Keyed hashes ------------------------------------------------------------------------------
# An opt-out must outlive the erasure of its address, or the person would be surveyed again the
# next time the patient-record system sends them. A plain SHA-256 of an address can be reversed
# by hashing the addresses one already knows, so the hash is an HMAC under a key of our own
# (PRIVACY_HASH_KEY, else SECRET_KEY). A changed key makes old hashes unrecognisable: the old key
# belongs in PRIVACY_HASH_KEY_FALLBACKS, and a hash recognised under it is rewritten under the
# current key when its address or person comes again.


def address_normalise(email: str) -> str:
    return (email or "").strip().lower()


def _hash_keys() -> list[str]:
    return [settings.PRIVACY_HASH_KEY or settings.SECRET_KEY, *settings.PRIVACY_HASH_KEY_FALLBACKS]


def _keyed_hash(kind: str, value: str, key: str) -> str:
    return salted_hmac(f"surveys.privacy.{kind}", value, secret=key, algorithm="sha256").hexdigest()


def address_hash(email: str, *, key: str | None = None) -> str:
    """The keyed hash of an email address (normalised) under the current key."""
    return _keyed_hash("address", address_normalise(email), key or _hash_keys()[0])


def person_hash(business_id: str, external_id: str, *, key: str | None = None) -> str:
    """The keyed hash of a person's id at their employer."""
    return _keyed_hash("person", f"{business_id}\x00{external_id}", key or _hash_keys()[0])


def _recognised(values: set, field: str, hasher) -> set:
    """Those of ``values`` whose hash under any key is stored in ``field`` of an opt-out; hashes
    found under an old key are rewritten under the current one."""
    if not values:
        return set()
    keys = _hash_keys()
    by_hash = {hasher(value, key): (value, index) for value in values for index, key in enumerate(keys)}
    found = set()
    for pk, stored in SurveyOptOut.objects.filter(**{f"{field}__in": by_hash}).values_list("pk", field):
        value, index = by_hash[stored]
        found.add(value)
        if index:
            SurveyOptOut.objects.filter(pk=pk).update(**{field: hasher(value, keys[0])})
    return found


def opted_out_addresses(emails: set[str]) -> set[str]:
    """Those of the (normalised) addresses that opted out, kept in plain or only as a hash."""
    emails = set(emails) - {""}
    if not emails:
        return set()
    plain = set(SurveyOptOut.objects.filter(email__in=emails).values_list("email", flat=True))
    return plain | _recognised(emails - plain, "email_hash", lambda email, key: address_hash(email, key=key))


def opted_out_people(people: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """Those of the (business id, external id) pairs that belong to an erased person who had
    opted out: whatever address they come with now, they are not surveyed again."""
    return _recognised(set(people), "person_hash", lambda person, key: person_hash(*person, key=key))


# --- Erasure ------------------------------------------------------------------------------------


class PersonNotFound(LookupError):
    """No employee of the customer matches: nothing was changed."""


@dataclass
class ErasureResult:
    employees: int = 0
    visits_deleted: int = 0
    invitations_anonymised: int = 0
    comments_removed: int = 0
    send_errors_removed: int = 0
    opt_outs_kept_as_hash: int = 0
    sick_leaves_kept: int = 0

    def add(self, other: ErasureResult) -> None:
        for name, value in asdict(other).items():
            setattr(self, name, getattr(self, name) + value)


def person_erase(*, customer: CorporateCustomer, external_id: str = "", email: str = "", actor=None) -> ErasureResult:
    """Erase the personal data of the customer's employee known by ``external_id`` (or every
    employee of the customer with the address ``email``) in one transaction.

    Raises PersonNotFound, changing nothing, when no employee matches. Running it again for an
    erased employee changes nothing more (``employee_erase``)."""
    if bool(external_id) == bool(email):
        raise ValueError("Give either an external id or an email address.")
    with transaction.atomic():
        employees = Employee.objects.select_for_update().filter(customer=customer)
        if external_id:
            employees = employees.filter(external_id=external_id)
        else:
            employees = employees.filter(email__iexact=address_normalise(email))
        employees = list(employees.order_by("pk"))
        if not employees:
            raise PersonNotFound(
                _("No employee %(person)s at customer %(customer)s: nothing was changed.")
                % {"person": external_id or _("with that email address"), "customer": customer.business_id}
            )
        result = ErasureResult()
        for employee in employees:
            result.add(employee_erase(employee=employee, actor=actor))
    return result


@transaction.atomic
def employee_erase(*, employee: Employee, actor=None) -> ErasureResult:
    """Erase one employee's personal data; the statistics stay exactly the same.

    - Invitations (and the responses on them) keep their facts, status and times, which is all
      the statistics count, but lose the address, the token (a link sent earlier no longer
      opens), the send errors and the links to the employee and the visit; a survey still
      waiting is skipped. Comments are blanked: they are free text and may name anyone.
    - The visits themselves are deleted once their invitations no longer point at them: each
      carries the patient-record system's visit id, a way back to the person, and the
      statistics read nothing from visits.
    - The employee row stays, with a random external id and no address, because the health
      figures count the roster's employees and their sick-leave days: removing the row (or its
      employment dates or sick leaves) would change every health figure of its windows.
    - An opt-out of any of the person's addresses is kept only as keyed hashes of the address
      and of the person's id at the employer, so they are never surveyed again.
    - Admin history names of these rows are rewritten, so no old name lingers there.
    """
    result = ErasureResult(employees=1)
    employee = Employee.objects.select_for_update().get(pk=employee.pk)
    customer = employee.customer
    invitation_ids = list(
        SurveyInvitation.objects.filter(Q(employee=employee) | Q(visit__employee=employee)).values_list("pk", flat=True)
    )
    addresses = {address_normalise(employee.email)} | {
        address_normalise(email)
        for email in SurveyInvitation.objects.filter(pk__in=invitation_ids).values_list("email", flat=True)
    }
    addresses.discard("")

    opted_out = opted_out_addresses(addresses)
    if opted_out:
        person = person_hash(customer.business_id, employee.external_id)
        hashes = {address_hash(email) for email in opted_out}
        for opt_out in SurveyOptOut.objects.filter(Q(email__in=opted_out) | Q(email_hash__in=hashes)):
            opt_out.email_hash = address_hash(opt_out.email) if opt_out.email else opt_out.email_hash
            opt_out.email = None
            opt_out.person_hash = person
            opt_out.save(update_fields=["email", "email_hash", "person_hash"])
            _history_rename(opt_out)
            result.opt_outs_kept_as_hash += 1

    result.comments_removed = (
        Response.objects.filter(invitation_id__in=invitation_ids).exclude(comment="").update(comment="")
    )
    # A feedback case keeps the contact the person gave only as long as their answer is theirs.
    FeedbackCase.objects.filter(response__invitation_id__in=invitation_ids).exclude(contact="").update(contact="")
    result.send_errors_removed = (
        SendAttempt.objects.filter(invitation_id__in=invitation_ids).exclude(error="").update(error="")
    )
    result.invitations_anonymised = _invitations_anonymise(invitation_ids)

    visits = Visit.objects.filter(employee=employee)
    visit_ids = list(visits.values_list("pk", flat=True))
    _history_forget(Visit, visit_ids)
    result.visits_deleted = len(visit_ids)
    visits.delete()

    if not employee.external_id.startswith(ERASED_PREFIX):
        employee.external_id = ERASED_PREFIX + secrets.token_hex(12)
    employee.email = ""
    employee.language = Language.FINNISH
    employee.save(update_fields=["external_id", "email", "language", "updated_at"])
    _history_rename(employee)
    for leave in SickLeave.objects.filter(employee=employee).select_related("employee"):
        _history_rename(leave)
        result.sick_leaves_kept += 1

    _audit(actor=actor, customer=customer, target="employee", counts=asdict(result))
    return result


def _audit(*, actor, customer, target: str, counts: dict) -> None:
    """What was done, in numbers only: the audit trail holds no personal data (cooperation/audit.py).
    Counts are named so the log's filter of words like "comment" keeps them."""
    names = {"comments_removed": "free_texts_blanked", "send_errors_removed": "send_errors_blanked"}
    audit_record(
        sender=person_erase,
        actor=actor,
        action="answer.erase",
        customer=customer,
        target=target,
        detail={names.get(name, name): count for name, count in counts.items()},
    )


def _invitations_anonymise(ids: list[int]) -> int:
    """Cut the invitations' links to people and visits and drop their addresses, tokens and
    errors; one still waiting is skipped (it has no address left). Returns the rows changed."""
    if not ids:
        return 0
    SurveyInvitation.objects.filter(
        pk__in=ids, status__in=[InvitationStatus.SCHEDULED, InvitationStatus.SENDING]
    ).update(
        status=InvitationStatus.SKIPPED,
        skip_reason=SkipReason.NO_EMAIL,
        scheduled_for=None,
        expires_at=None,
        # A dispatcher sending it right now records nothing: its update needs its own lease.
        lease_until=None,
        lease_owner="",
    )
    return SurveyInvitation.objects.filter(pk__in=ids).update(
        email="",
        token_hash=None,
        link_sealed="",
        reminder_due_at=None,
        employee=None,
        contact=None,
        visit=None,
        last_error="",
    )


def _history_rename(obj) -> None:
    """Admin history (LogEntry) shows a row by its name at the time: give it the new one."""
    LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(type(obj)), object_id=str(obj.pk)).update(
        object_repr=str(obj)[:200]
    )


def _history_forget(model, ids: list[int]) -> None:
    if ids:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), object_id__in=[str(pk) for pk in ids]
        ).update(object_repr=_("(erased)"))


# --- Retention ----------------------------------------------------------------------------------


@dataclass
class RetentionResult:
    visits_deleted: int = 0
    invitations_anonymised: int = 0
    comments_removed: int = 0
    opt_outs_kept_as_hash: int = 0
    patients_deleted: int = 0


def months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same Helsinki wall-clock time ``months`` calendar months earlier (the last day of a
    shorter month when the day does not exist)."""
    local = moment.astimezone(HELSINKI)
    index = local.year * 12 + local.month - 1 - months
    year, month = divmod(index, 12)
    following = dt.date(year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    day = min(local.day, (following - dt.timedelta(days=1)).day)
    return local.replace(year=year, month=month + 1, day=day)


def _in_batches(queryset, change) -> int:
    """Apply ``change(ids)`` to the rows of ``queryset`` in pk order, RETENTION_BATCH_SIZE rows
    per transaction; ``change`` must make a row stop matching. Returns the rows changed."""
    done, last = 0, 0
    while True:
        ids = list(queryset.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:RETENTION_BATCH_SIZE])
        if not ids:
            return done
        with transaction.atomic():
            # Only rows that still match when locked: a concurrent change may have moved one.
            locked = list(queryset.filter(pk__in=ids).select_for_update().values_list("pk", flat=True))
            change(locked)
        done += len(locked)
        last = ids[-1]
        if len(ids) < RETENTION_BATCH_SIZE:
            return done


def _visits_forget(ids: list[int]) -> None:
    _invitations_anonymise(list(SurveyInvitation.objects.filter(visit_id__in=ids).values_list("pk", flat=True)))
    _history_forget(Visit, ids)
    Visit.objects.filter(pk__in=ids).delete()


def _opt_outs_hash_only(ids: list[int]) -> None:
    for opt_out in SurveyOptOut.objects.filter(pk__in=ids):
        opt_out.email_hash = opt_out.email_hash or address_hash(opt_out.email)
        opt_out.email = None
        opt_out.save(update_fields=["email", "email_hash"])
        _history_rename(opt_out)


def survey_data_retain(*, now: dt.datetime | None = None) -> RetentionResult:
    """Anonymise what is older than SURVEY_RETENTION_MONTHS (0: keep everything): visits are
    deleted after their invitations are cut from them, invitations lose addresses, tokens and
    the links to people, answers their comments, opt-outs their plain address (the hash stays).
    Scores and facts stay, so every statistic is the same before and after. Idempotent; each
    batch commits on its own, so a run cut short is simply continued by the next one."""
    result = RetentionResult()
    if settings.SURVEY_RETENTION_MONTHS <= 0:
        return result
    cutoff = months_before(now or timezone.now(), settings.SURVEY_RETENTION_MONTHS)
    result.visits_deleted = _in_batches(Visit.objects.filter(ended_at__lt=cutoff), _visits_forget)
    holds_personal_data = (
        ~Q(email="")
        | Q(token_hash__isnull=False)
        | ~Q(link_sealed="")
        | Q(employee__isnull=False)
        | Q(contact__isnull=False)
        | Q(visit__isnull=False)
    )
    result.invitations_anonymised = _in_batches(
        SurveyInvitation.objects.filter(holds_personal_data, created_at__lt=cutoff), _invitations_anonymise
    )
    result.comments_removed = _in_batches(
        Response.objects.filter(answered_at__lt=cutoff).exclude(comment=""),
        lambda ids: Response.objects.filter(pk__in=ids).update(comment=""),
    )
    _in_batches(
        FeedbackCase.objects.filter(answered_at__lt=cutoff).exclude(contact=""),
        lambda ids: FeedbackCase.objects.filter(pk__in=ids).update(contact=""),
    )
    result.opt_outs_kept_as_hash = _in_batches(
        SurveyOptOut.objects.filter(created_at__lt=cutoff, email__isnull=False), _opt_outs_hash_only
    )
    # People known only from visits (no employment dates, so no health figure counts them) whose
    # visits are all gone now: their row holds nothing but an address and an id.
    result.patients_deleted = _in_batches(
        Employee.objects.filter(employed_from__isnull=True, employed_until__isnull=True, created_at__lt=cutoff)
        .exclude(Exists(Visit.objects.filter(employee=OuterRef("pk"))))
        .exclude(Exists(SickLeave.objects.filter(employee=OuterRef("pk")))),
        _patients_forget,
    )
    if any(asdict(result).values()):
        _audit(actor=None, customer=None, target="retention", counts=asdict(result))
    return result


def _patients_forget(ids: list[int]) -> None:
    _history_forget(Employee, ids)
    Employee.objects.filter(pk__in=ids).delete()


def send_errors_expire(*, now: dt.datetime | None = None) -> tuple[int, int]:
    """Blank the mail server's error texts older than SEND_ERROR_RETENTION_DAYS (0: keep): they
    may quote the address. An invitation still being retried keeps its last error."""
    if settings.SEND_ERROR_RETENTION_DAYS <= 0:
        return 0, 0
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.SEND_ERROR_RETENTION_DAYS)
    attempts = _in_batches(
        SendAttempt.objects.filter(started_at__lt=cutoff).exclude(error=""),
        lambda ids: SendAttempt.objects.filter(pk__in=ids).update(error=""),
    )
    invitations = _in_batches(
        SurveyInvitation.objects.filter(created_at__lt=cutoff)
        .exclude(last_error="")
        .exclude(status__in=[InvitationStatus.SCHEDULED, InvitationStatus.SENDING]),
        lambda ids: SurveyInvitation.objects.filter(pk__in=ids).update(last_error=""),
    )
    return attempts, invitations


def check_hash_key(app_configs=None, **kwargs) -> list:
    """Deploy check: without a key of its own, the opt-outs of erased people are hashed under
    SECRET_KEY, and rotating SECRET_KEY would forget them (they would be surveyed again)."""
    if settings.PRIVACY_HASH_KEY:
        return []
    return [
        checks.Warning(
            "PRIVACY_HASH_KEY is not set: erased people's opt-outs are hashed under SECRET_KEY, and "
            "rotating SECRET_KEY would make them unrecognisable.",
            hint="Set PRIVACY_HASH_KEY to a long random value once and keep it (README 'Privacy operations').",
            id="surveys.W001",
        )
    ]
