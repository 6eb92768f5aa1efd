"""No usable survey link and no email address in any log line (settings.LOGGING)."""

import logging

import pytest
from django.core.cache import cache
from django.test import Client

from surveys import services
from surveys.emails import unsubscribe_signature
from surveys.views import AnswerPageThrottle
from tests.surveys.factories import InvitationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent_link():
    """The token of a sent survey link, as the patient's email carries it."""
    token = services.new_token()
    InvitationFactory(status="sent", token_hash=services.token_hash(token))
    return token


def test_a_survey_post_without_its_csrf_token_is_logged_without_the_token(sent_link, caplog):
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        answer = Client(enforce_csrf_checks=True).post(f"/s/{sent_link}/", {"score": 9})
    assert answer.status_code == 403
    assert "Forbidden (CSRF cookie not set.): /s/***/" in caplog.text
    assert sent_link not in caplog.text


def test_links_that_answer_not_found_are_logged_without_their_token(client, caplog):
    guessed, signature = "Zm9yZ2VkLXRva2VuLWxvbmctZW5vdWdo", unsubscribe_signature(41)
    with caplog.at_level(logging.WARNING, logger="django.request"):
        assert client.get(f"/s/{guessed}/?lang=en").status_code == 404
        assert client.post(f"/s/unsubscribe/{signature}/").status_code == 404
    assert "Not Found: /s/***/" in caplog.text and "Not Found: /s/unsubscribe/***/" in caplog.text
    assert guessed not in caplog.text and signature not in caplog.text


def test_throttled_survey_requests_are_logged_without_their_token(client, caplog):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    cache.delete(AnswerPageThrottle.cache_format % {"scope": AnswerPageThrottle.scope, "ident": "127.0.0.1"})
    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "survey_answer": "1/min"}
    SimpleRateThrottle.THROTTLE_RATES, saved = rates, SimpleRateThrottle.THROTTLE_RATES
    try:
        with caplog.at_level(logging.WARNING, logger="django.request"):
            codes = [client.get(f"/s/guessed-token-{i}/").status_code for i in range(2)]
    finally:
        SimpleRateThrottle.THROTTLE_RATES = saved
        cache.delete(AnswerPageThrottle.cache_format % {"scope": AnswerPageThrottle.scope, "ident": "127.0.0.1"})
    assert codes == [404, 429]
    assert "Too Many Requests: /s/***/" in caplog.text
    assert "guessed-token" not in caplog.text


def test_the_development_servers_request_lines_hide_the_token():
    # runserver's logger does not propagate to the root (where caplog listens): listen on it.
    server_log = logging.getLogger("django.server")
    lines = []
    handler = logging.Handler()
    handler.emit = lambda record: lines.append(record.getMessage())
    server_log.addHandler(handler)
    try:
        server_log.info('"%s" %s %s', "GET /s/secret-token-123/?lang=sv HTTP/1.1", 200, 4212)
    finally:
        server_log.removeHandler(handler)
    assert lines == ['"GET /s/***/?lang=sv HTTP/1.1" 200 4212']


def test_addresses_in_request_paths_are_masked(client, caplog):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/api/v1/employees/anna.virtanen@example.com/")
    assert "anna.virtanen" not in caplog.text and "***@example.com" in caplog.text


def test_a_celery_workers_log_is_masked_too():
    """Celery replaces the root logger's handlers with its own; the worker's log lines go through
    the same filter (in a child process: Celery's logging set-up would take over this one's)."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    script = (
        "import django, logging; django.setup()\n"
        "from portal.celery import app\n"
        "app.log.setup(loglevel='INFO', redirect_stdouts=False)\n"
        "logging.getLogger('surveys.services').warning('sent to anna@example.com: /s/a-working-token/')\n"
    )
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="portal.settings")
    done = subprocess.run(
        [sys.executable, "-c", script],
        cwd=Path(__file__).resolve().parent.parent.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "sent to ***@example.com: /s/***/" in done.stderr, done.stderr[-2000:]
    assert "anna@" not in done.stderr and "a-working-token" not in done.stderr
