from celery import shared_task
from django.conf import settings

from surveys import privacy, services


# A dispatch that waited longer than two intervals in the queue is pointless: beat has queued
# a newer one. The work itself is in the database, so a dropped task loses nothing.
@shared_task(expires=2 * settings.SURVEY_DISPATCH_INTERVAL_SECONDS)
def dispatch_due_surveys() -> dict:
    """Beat runs this every SURVEY_DISPATCH_INTERVAL_SECONDS: one dispatch pass."""
    # Bounded, so a big backlog is shared with the next beats (and other workers) instead of
    # one task running for hours.
    result = services.surveys_dispatch_due(max_seconds=10 * settings.SURVEY_DISPATCH_INTERVAL_SECONDS)
    return vars(result)


@shared_task
def retain_survey_data() -> dict:
    """Beat runs this daily: anonymise survey data older than SURVEY_RETENTION_MONTHS and blank
    send errors older than SEND_ERROR_RETENTION_DAYS (surveys/privacy.py)."""
    result = vars(privacy.survey_data_retain())
    attempts, invitations = privacy.send_errors_expire()
    return result | {"send_attempt_errors_removed": attempts, "invitation_errors_removed": invitations}


@shared_task(expires=15 * 60)
def escalate_overdue_feedback_cases() -> int:
    """Beat runs this every 15 minutes: the unit's lead hears once of each overdue feedback case."""
    return services.feedback_cases_escalate()
