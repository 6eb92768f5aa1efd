"""Typed readers for environment variables: every knob of settings.py comes through here."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean, not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be an integer, not {raw!r}") from exc


def env_float(name: str, default: float) -> float:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return float(raw)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must be a number, not {raw!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def env_hours(name: str, default: str = "") -> tuple[int, int] | None:
    """Parse an hour range like ``21-08`` (start inclusive, end exclusive); empty means none."""
    raw = os.environ.get(name, default).strip()
    if not raw:
        return None
    try:
        start, end = (int(part) for part in raw.split("-"))
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} must look like 21-08, not {raw!r}") from exc
    if not (0 <= start <= 23 and 0 <= end <= 23) or start == end:
        raise ImproperlyConfigured(f"{name} must name two different hours 0-23, not {raw!r}")
    return start, end
