"""A local SMTP server (aiosmtpd) that keeps what it receives, for tests and the benchmark."""

import asyncio
import socket
import threading
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_DATA(self, server, session, envelope):
        if self.sink.delay:
            await asyncio.sleep(self.sink.delay)
        if self.sink.keep:
            with self.sink.lock:
                self.sink.messages.append((list(envelope.rcpt_tos), envelope.content))
        else:
            self.sink.count += 1
        return "250 Message accepted for delivery"


class SmtpSink:
    def __init__(self, *, delay: float = 0.0, keep: bool = True):
        self.delay = delay
        self.keep = keep
        self.count = 0
        self.messages: list[tuple[list[str], bytes]] = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()

    @property
    def env(self) -> dict[str, str]:
        """Settings for a child process that should send here."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": str(self.port),
        }

    def received(self) -> int:
        with self.lock:
            return len(self.messages) if self.keep else self.count

    def recipients(self) -> list[str]:
        with self.lock:
            return [r for rcpts, _ in self.messages for r in rcpts]

    def parsed(self):
        with self.lock:
            return [message_from_bytes(content, policy=policy.default) for _, content in self.messages]
