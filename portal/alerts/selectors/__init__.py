from portal.alerts.selectors.inbox import (  # noqa: F401
    alerts_for,
    awake,
    evidence,
    inbox,
    may_handle_alerts,
    new_alert_count,
    reason,
)
