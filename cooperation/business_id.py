"""Finnish business ID (Y-tunnus): seven digits, a hyphen and a check digit."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_FORMAT = re.compile(r"^(\d{7})-(\d)$")
_WEIGHTS = (7, 9, 10, 5, 8, 4, 2)


def business_id_check_digit(digits: str) -> int | None:
    """The check digit for seven digits, or None where no digit can be valid (remainder 1)."""
    remainder = sum(int(d) * w for d, w in zip(digits, _WEIGHTS, strict=True)) % 11
    if remainder == 1:
        return None
    return 0 if remainder == 0 else 11 - remainder


def is_valid_business_id(value: str) -> bool:
    match = _FORMAT.match(value or "")
    return bool(match) and business_id_check_digit(match.group(1)) == int(match.group(2))


def validate_business_id(value: str) -> None:
    if not _FORMAT.match(value or ""):
        raise ValidationError(_("Enter a business ID in the form 1234567-8."), code="format")
    if not is_valid_business_id(value):
        raise ValidationError(_("The check digit of this business ID does not match."), code="check_digit")
