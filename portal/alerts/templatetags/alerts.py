from django import template
from django.utils import timezone

from portal.alerts.selectors import may_handle_alerts, new_alert_count

register = template.Library()


@register.simple_tag(takes_context=True)
def new_alerts(context) -> int | None:
    """The navigation's count of alerts needing action: one query, once per request; None for
    roles without alerts."""
    request = context.get("request")
    user = getattr(request, "user", None) or context.get("user")
    if user is None or not may_handle_alerts(user):
        return None
    if request is not None and hasattr(request, "_new_alert_count"):
        return request._new_alert_count
    count = new_alert_count(user=user, today=timezone.localdate())
    if request is not None:
        request._new_alert_count = count
    return count
