"""A real SMTP server on 127.0.0.1 for tests (aiosmtpd), and what a mail client sees.

`SmtpSink` accepts mail on a free port and keeps every message it accepted, and the
client connection each came over. It can misbehave on purpose: answer "451 try again
later" a number of times, or to one address, or hold the next message in DATA (before or
after accepting it) until the test lets go, which is how a test kills a worker in the
middle of an SMTP conversation.
"""

import asyncio
import email
import socket
import threading
import time
from email import policy
from email.message import EmailMessage
from io import BytesIO

import zxingcpp
from aiosmtpd.controller import Controller
from PIL import Image


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpSink:
    """Usage: ``with SmtpSink() as sink: ... sink.wait_for(1)``."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        # The client's (host, port) for each kept message: one per SMTP connection.
        self.peers: list[tuple[str, int]] = []
        self._failing_addresses: dict[str, int] = {}
        self.stalled = threading.Event()
        self._released = threading.Event()
        self._lock = threading.Lock()
        self._failures = 0
        self._stall: bool | None = None  # None: no stall; True: accept, then stall
        self.controller = Controller(self, hostname="127.0.0.1", port=free_port())

    @property
    def port(self) -> int:
        return self.controller.port

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc_info):
        self._released.set()
        self.controller.stop()

    def fail_next(self, count: int) -> None:
        """Answer the next `count` messages with a temporary failure (451)."""
        with self._lock:
            self._failures = count

    def fail_for(self, address: str, count: int = 1) -> None:
        """Answer the next `count` messages to `address` with a temporary failure (451)."""
        with self._lock:
            self._failing_addresses[address.lower()] = count

    @property
    def connections(self) -> int:
        """How many SMTP connections the kept messages came over."""
        return len(set(self.peers))

    def stall_next(self, *, accept_first: bool) -> None:
        """Hold the next message in DATA until `release()`; `stalled` is set meanwhile.

        ``accept_first=True`` keeps the message before stalling: the server has it but
        the client never hears so, the one window an outbox cannot close.
        """
        with self._lock:
            self._stall = accept_first

    def release(self) -> None:
        self._released.set()

    def wait_for(self, count: int, *, timeout: float = 60) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.messages) >= count:
                return list(self.messages)
            time.sleep(0.05)
        raise AssertionError(f"expected {count} message(s), got {len(self.messages)}")

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self._failures:
                self._failures -= 1
                return "451 4.3.0 Try again later"
            for address in envelope.rcpt_tos:
                if self._failing_addresses.get(address.lower()):
                    self._failing_addresses[address.lower()] -= 1
                    return "451 4.3.0 Try again later"
            stall, self._stall = self._stall, None
        if stall is None:
            self._keep(envelope, session)
            return "250 OK"
        if stall:
            self._keep(envelope, session)
        self.stalled.set()
        while not self._released.is_set():
            await asyncio.sleep(0.05)
        if not stall and not (server.transport is None or server.transport.is_closing()):
            self._keep(envelope, session)
        return "250 OK"

    def _keep(self, envelope, session) -> None:
        self.peers.append(tuple(session.peer))
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))


def ticket_codes_in(message: EmailMessage) -> dict[str, str]:
    """Each inline QR image's Content-ID (without <>) and the code a scanner reads in it."""
    codes = {}
    for part in message.walk():
        if part.get_content_type() == "image/png":
            image = Image.open(BytesIO(part.get_payload(decode=True)))
            (barcode,) = zxingcpp.read_barcodes(image)
            codes[part["Content-ID"].strip("<>")] = barcode.text
    return codes


def html_of(message: EmailMessage) -> str:
    return message.get_body(preferencelist=("html",)).get_content()


def attachments_of(message: EmailMessage) -> dict[str, EmailMessage]:
    return {part.get_filename(): part for part in message.iter_attachments()}
