from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail


@shared_task
def send_test_email(address: str) -> None:
    """Lets operations check the whole path: broker, worker and mail server."""
    send_mail(
        subject="Occupational health portal: test message",
        message=f"The Celery worker of {settings.PORTAL_BASE_URL} can send email.",
        from_email=None,
        recipient_list=[address],
    )

# The monthly goal snapshot is defined beside its service; importing it here registers it with
# the worker, which autodiscovers only tasks modules.
from portal.indicators import snapshot_goal_indicators  # noqa: E402, F401


@shared_task
def expire_signin_records() -> dict:
    """Beat runs this daily: sign-in records older than SIGNIN_RECORD_RETENTION_DAYS go."""
    from portal.accounts.services import signin_records_expire

    return signin_records_expire()
