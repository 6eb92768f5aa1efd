"""Start-up checks of portal/settings.py, in a fresh process as a server would start."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
START = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY[:16])"


def _start(**env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environment.update(DJANGO_SETTINGS_MODULE="portal.settings", **env)
    return subprocess.run(
        [sys.executable, "-c", START], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def test_without_debug_a_missing_secret_key_stops_the_start_with_a_clear_message():
    started = _start(DEBUG="0")
    assert started.returncode != 0
    assert "ImproperlyConfigured: SECRET_KEY must be set when DEBUG is off" in started.stderr


def test_with_a_secret_key_or_in_debug_it_starts():
    assert _start(DEBUG="0", SECRET_KEY="x" * 50).stdout.strip() == "x" * 16
    assert _start(DEBUG="1").stdout.strip() == "django-insecure-"
