import pytest
from django.core.cache import cache

from surveys.views import AnswerPageThrottle

FAULT_SUMMARY = pytest.StashKey[list[str]]()


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    # The shared fixtures make a user per role; the real hasher would dominate these tests.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def fresh_answer_throttle():
    """Every test starts with an empty throttle history for the test client's address (only
    that key: with Redis the cache shares its database with the broker)."""
    key = AnswerPageThrottle.cache_format % {"scope": AnswerPageThrottle.scope, "ident": "127.0.0.1"}
    cache.delete(key)
    yield
    cache.delete(key)


@pytest.fixture
def fault_summary(request) -> list[str]:
    """Lines a fault-injection test reports: shown in the terminal summary of every run, whatever
    -r or -q say, so CI logs carry the counts."""
    return request.config.stash.setdefault(FAULT_SUMMARY, [])


def pytest_terminal_summary(terminalreporter, config):
    lines = config.stash.get(FAULT_SUMMARY, [])
    if lines:
        terminalreporter.section("fault injection")
        for line in lines:
            terminalreporter.write_line(line)
