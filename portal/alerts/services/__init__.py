from portal.alerts.services.compute import RefreshResult, current_conditions, refresh_alerts  # noqa: F401
from portal.alerts.services.digest import (  # noqa: F401
    claim_digests,
    iso_week,
    queue_digests,
    render_digest,
    send_digests,
)
from portal.alerts.services.handling import NOTE_MAX_LENGTH, acknowledge_alert, snooze_alert  # noqa: F401
