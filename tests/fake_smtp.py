"""A real SMTP server on loopback (aiosmtpd) whose handler can refuse, defer or drop."""

from __future__ import annotations

import contextlib
import email
import socket
from collections.abc import Iterator
from email import policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP as SMTPServer
from aiosmtpd.smtp import Envelope, Session


class Collector:
    """aiosmtpd handler: keeps accepted messages; can refuse, defer or drop on request."""

    def __init__(
        self,
        reject: tuple[str, ...] = (),
        defer_rcpt_once: tuple[str, ...] = (),
        data_fail_times: int = 0,
        drop_once: bool = False,
        data_reply: str = "421 4.3.2 Service shutting down, try again",
    ) -> None:
        self.reject = set(reject)
        self.defer = set(defer_rcpt_once)
        self.data_fail_times = data_fail_times
        self.data_reply = data_reply
        self.drop_once = drop_once
        self.messages: list[tuple[list[str], EmailMessage]] = []
        self.peers: set[object] = set()
        self.data_commands = 0

    async def handle_RCPT(  # noqa: N802 - aiosmtpd hook name
        self, server: SMTPServer, session: Session, envelope: Envelope, address: str, options: list
    ) -> str:
        if address in self.reject:
            return "550 5.1.1 No such user here"
        if address in self.defer:
            self.defer.discard(address)
            return "450 4.2.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802 - aiosmtpd hook name
        self, server: SMTPServer, session: Session, envelope: Envelope
    ) -> str:
        self.data_commands += 1
        if self.data_fail_times:
            self.data_fail_times -= 1
            return self.data_reply
        if self.drop_once:
            self.drop_once = False
            server.transport.close()  # the connection dies before the reply
            return "250 never seen"
        message = email.message_from_bytes(envelope.content, policy=policy.default)
        self.messages.append((list(envelope.rcpt_tos), message))
        self.peers.add(session.peer)
        return "250 Message accepted"

    def recipients(self) -> list[str]:
        return [rcpt for rcpts, _ in self.messages for rcpt in rcpts]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def smtp_server(handler: Collector) -> Iterator[int]:
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port, ready_timeout=5)
    controller.start()
    try:
        yield port
    finally:
        controller.stop()
