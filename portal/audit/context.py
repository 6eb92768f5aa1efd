"""What the receivers of model signals know of who is acting: the request being served (set by
the middleware) and extra detail a command adds (``audit_context(via="add_user")``).

A context variable rather than a thread-local, so it follows a request into async code too."""

from contextlib import contextmanager
from contextvars import ContextVar

from rest_framework.throttling import BaseThrottle

_request: ContextVar = ContextVar("audit_request", default=None)
_detail: ContextVar[dict | None] = ContextVar("audit_detail", default=None)


@contextmanager
def audit_request(request):
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextmanager
def audit_context(**detail):
    """Detail added to every event recorded inside, e.g. ``via="add_user"`` for a command."""
    token = _detail.set({**current_detail(), **detail})
    try:
        yield
    finally:
        _detail.reset(token)


def current_detail() -> dict:
    return _detail.get() or {}


def current_actor():
    """The signed-in user of the request being served, or None (a command, a task, anonymous)."""
    request = _request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def client_address(request) -> str | None:
    """The real client: REMOTE_ADDR, or X-Forwarded-For as far as TRUSTED_PROXY_COUNT proxies
    vouch for it — the same address DRF's throttles key on (REST_FRAMEWORK["NUM_PROXIES"])."""
    return BaseThrottle().get_ident(request) if request is not None else None


def current_client_address() -> str | None:
    return client_address(_request.get())
