from celery import shared_task
from django.utils import timezone


@shared_task
def refresh_account_alerts() -> dict:
    """Beat runs this daily: raise, refresh and clear the account alerts."""
    from portal.alerts.services import refresh_alerts

    return refresh_alerts(today=timezone.localdate()).as_dict()


@shared_task
def queue_alert_digests() -> dict:
    """Beat runs this on Monday mornings: this week's digest rows, then sending them."""
    from portal.alerts.services import queue_digests, send_digests

    queued = queue_digests(today=timezone.localdate())
    return {"queued": queued, **send_digests()}


@shared_task
def send_alert_digests() -> dict:
    """Beat runs this every quarter of an hour: digests due again after a failure."""
    from portal.alerts.services import send_digests

    return send_digests()
