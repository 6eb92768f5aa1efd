"""The span of dates the portal computes with: windows, periods and link expiry add and
subtract months and days, which would overflow at the ends of Python's date range."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

EARLIEST = dt.date(1900, 1, 1)
LATEST = dt.date(2999, 12, 31)


def validate_supported_date(value: dt.date | dt.datetime) -> None:
    day = value.date() if isinstance(value, dt.datetime) else value
    if not EARLIEST <= day <= LATEST:
        raise ValidationError(
            _("Give a date between %(first)s and %(last)s.") % {"first": EARLIEST, "last": LATEST},
            code="date_out_of_range",
        )


def today() -> dt.date:
    """Today in Helsinki: the one clock publication rules read (statistics and health figures of
    a customer's people appear the day after their period closes), so tests can move it."""
    return timezone.localdate()
