"""What an account manager does with an alert: acknowledge it with a note, or snooze it."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.alerts.models import Alert

NOTE_MAX_LENGTH = 2000
#: The furthest a snooze may reach.
SNOOZE_MAX_DAYS = 366


def _locked_open(alert: Alert) -> Alert:
    alert = Alert.objects.select_for_update().get(pk=alert.pk)
    if alert.cleared_at is not None:
        raise ValidationError(_("This alert has already closed by itself: its condition cleared."))
    return alert


def acknowledge_alert(*, alert: Alert, user, note: str) -> Alert:
    """Record that ``user`` has seen the alert and what they do about it. The note is required;
    acknowledging again replaces the note."""
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": _("Write a note: what will be done, or why nothing needs to be done.")})
    if len(note) > NOTE_MAX_LENGTH:
        raise ValidationError({"note": _("Keep the note to %(max)d characters at most.") % {"max": NOTE_MAX_LENGTH}})
    with transaction.atomic():
        alert = _locked_open(alert)
        alert.acknowledged_at = timezone.now()
        alert.acknowledged_by = user
        alert.note = note
        alert.save(update_fields=["acknowledged_at", "acknowledged_by", "note"])
    return alert


def snooze_alert(*, alert: Alert, until: dt.date, today: dt.date) -> Alert:
    """Hide the alert from the inbox, the count and the digest until ``until`` (it reappears on
    that day if its condition still holds; it closes by itself as usual)."""
    if until <= today:
        raise ValidationError({"until": _("Choose a day after today.")})
    if until > today + dt.timedelta(days=SNOOZE_MAX_DAYS):
        raise ValidationError({"until": _("Snooze for a year at most.")})
    with transaction.atomic():
        alert = _locked_open(alert)
        alert.snoozed_until = until
        alert.save(update_fields=["snoozed_until"])
    return alert
