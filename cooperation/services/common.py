"""What the cooperation app's writes share: the error collector and value helpers."""

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError

from cooperation.access import Role

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
