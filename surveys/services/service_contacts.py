"""Service contacts (chats and phone calls) from the contact-centre system: the time from the
start of each contact to its first response (API.md "Service contacts")."""

from __future__ import annotations

from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from surveys.models import ServiceContact, Unit


class ServiceContactErrors(Exception):
    """Items of a contact list that name unknown units: ``{index: {field: [message]}}``."""

    def __init__(self, errors: dict[int, dict[str, list[str]]]):
        super().__init__(errors)
        self.errors = errors


@dataclass
class ServiceContactResult:
    contact: ServiceContact
    created: bool


def response_seconds(*, started_at, first_response_at) -> int:
    """The delay in whole seconds, rounded half up (what the percentiles and the target read)."""
    return int((first_response_at - started_at).total_seconds() + 0.5)


def service_contacts_record(*, items: list[dict]) -> list[ServiceContactResult]:
    """Record contacts (validated dicts in the API's shape) in one transaction; contacts already
    known by ``external_id`` are returned unchanged, and the first of two items with the same
    ``external_id`` in one list wins.

    Raises ServiceContactErrors, storing nothing, when any new item names an unknown unit."""
    try:
        return _record(items)
    except IntegrityError:
        # Another request stored one of the same contacts a moment ago: its rows are committed
        # now, so a second pass finds them.
        return _record(items)


@transaction.atomic
def _record(items: list[dict]) -> list[ServiceContactResult]:
    external_ids = {item["external_id"] for item in items}
    known = {
        c.external_id: c for c in ServiceContact.objects.filter(external_id__in=external_ids).select_related("unit")
    }
    new_items: dict[str, tuple[int, dict]] = {}
    for index, item in enumerate(items):
        if item["external_id"] not in known and item["external_id"] not in new_items:
            new_items[item["external_id"]] = (index, item)

    codes = {item["unit"] for _index, item in new_items.values()}
    units = {u.code: u for u in Unit.objects.filter(code__in=codes)} if codes else {}
    errors: dict[int, dict[str, list[str]]] = {}
    for index, item in new_items.values():
        if item["unit"] not in units:
            errors[index] = {"unit": [_("Unknown unit: %(code)s") % {"code": item["unit"]}]}
    if errors:
        raise ServiceContactErrors(errors)

    contacts = [
        ServiceContact(
            external_id=item["external_id"],
            channel=item["channel"],
            unit=units[item["unit"]],
            started_at=item["started_at"],
            first_response_at=item["first_response_at"],
            response_seconds=response_seconds(
                started_at=item["started_at"], first_response_at=item["first_response_at"]
            ),
        )
        for _index, item in new_items.values()
    ]
    ServiceContact.objects.bulk_create(contacts)

    created = {c.external_id: c for c in contacts}
    results, seen = [], set()
    for item in items:
        external_id = item["external_id"]
        if external_id in created:
            results.append(ServiceContactResult(created[external_id], external_id not in seen))
        else:
            results.append(ServiceContactResult(known[external_id], False))
        seen.add(external_id)
    return results
