"""A real SMTP server for the tests: aiosmtpd's ``Controller`` on a port of this worker's
(``tests.ports``), keeping every message it is given; it can be stopped and started again on
the same port, as a mail server that goes down and comes back."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any, TypeVar

from aiosmtpd.controller import Controller

from tests.ports import free_port

T = TypeVar("T")


class Inbox:
    """aiosmtpd's handler: each message received, parsed, with the envelope's recipients."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, ...]] = []
        #: addresses refused for good, as a server refuses an unknown mailbox
        self.unknown: set[str] = set()

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str,  # noqa: N802
                          options: list[str]) -> str:
        if address in self.unknown:
            return "550 5.1.1 no such mailbox"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's hook
        self.envelopes.append(tuple(envelope.rcpt_tos))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def with_subject(self, start: str) -> list[EmailMessage]:
        return [m for m in self.messages if str(m["Subject"]).startswith(start)]


class MailServer:
    """The server on 127.0.0.1:``port``, running between :meth:`start` and :meth:`stop`."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> None:
        self._controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


@contextmanager
def mail_server() -> Iterator[MailServer]:
    server = MailServer(free_port())
    server.start()
    try:
        yield server
    finally:
        server.stop()


async def eventually(probe: Callable[[], T | None], what: str, within: float = 60.0) -> T:
    """``probe()``'s first answer that is not ``None`` (or false), asked every 0.1 s."""
    deadline = time.monotonic() + within
    while True:
        found = probe()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {within:.0f} s: {what}")
        await asyncio.sleep(0.1)
