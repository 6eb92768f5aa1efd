"""A local SMTP server (aiosmtpd) that keeps what it receives, for tests and the benchmark; it can
refuse recipients (4xx, 5xx) and stall past the client's timeout, as real mail servers do."""

import asyncio
import socket
import threading
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from email import message_from_bytes, policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass(frozen=True)
class Fault:
    """What the sink does to one RCPT: answer ``reply`` (e.g. ``"550 5.1.1 No such user"``)
    instead of accepting it, or first say nothing for ``stall`` seconds (the message is then
    refused: the client has given up)."""

    reply: str = ""
    stall: float = 0.0

    @property
    def kind(self) -> str:
        return "stall" if self.stall else self.reply[:1] + "xx refusal"


#: ``fault(recipient, tries)``: the fault for this RCPT (``tries`` counts this one, from 1), or None.
FaultPlan = Callable[[str, int], Fault | None]


class _Handler:
    def __init__(self, sink):
        self.sink = sink

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        fault = None
        if self.sink.faults is not None:
            with self.sink.lock:
                self.sink.tries[address] += 1
                tries = self.sink.tries[address]
            fault = self.sink.faults(address, tries)
        if fault is None:
            envelope.rcpt_tos.append(address)
            envelope.rcpt_options.extend(rcpt_options)
            return "250 OK"
        with self.sink.lock:
            self.sink.injected[fault.kind] += 1
        if fault.stall:
            await asyncio.sleep(fault.stall)
            return "451 4.4.2 Timed out"
        return fault.reply

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
    def __init__(self, *, delay: float = 0.0, keep: bool = True, faults: FaultPlan | None = None):
        self.delay = delay
        self.keep = keep
        self.faults = faults
        self.count = 0
        self.messages: list[tuple[list[str], bytes]] = []
        #: RCPTs per recipient, and faults injected by kind (with ``faults``).
        self.tries: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()
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
