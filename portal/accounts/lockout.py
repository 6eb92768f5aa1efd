"""How django-axes tells sign-in attempts apart (settings AXES_USERNAME_CALLABLE and
AXES_CLIENT_IP_CALLABLE)."""

from django.conf import settings
from rest_framework.throttling import BaseThrottle


def lockout_username(request, credentials: dict | None) -> str:
    """The email as sign-in matches it (case-insensitively, see UserManager.get_by_natural_key):
    `RT-SUP@…` and `rt-sup@…` are one account, so their failures count together."""
    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field)
    if value is None and request is not None:
        value = request.POST.get(field, "")
    return str(value or "").strip().lower()


def lockout_client_address(request) -> str | None:
    """The client address exactly as the throttles see it (DRF's NUM_PROXIES, from
    TRUSTED_PROXY_COUNT): behind our proxies each client is counted apart, and a made-up
    X-Forwarded-For does not make a new client."""
    return BaseThrottle().get_ident(request)
