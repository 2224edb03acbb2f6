"""Real receivers for notification tests: an SMTP server (aiosmtpd) and an HTTP endpoint.

Both keep every message they were handed and, like a careful receiver, drop a repeat of an id
they already took (``Message-ID`` for mail, ``Idempotency-Key`` for HTTP): ``received`` holds
what reached the reader, ``raw`` everything that came over the wire. Either can be stopped and
started again on the same port, to play a receiver that is down for a while.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from infra.notify.channels import SIGNATURE_HEADER, signature


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Inbox:
    def __init__(self) -> None:
        self.raw: list[dict[str, Any]] = []
        self.received: dict[str, dict[str, Any]] = {}
        self.lock = threading.Lock()

    def take(self, key: str, item: dict[str, Any]) -> None:
        with self.lock:
            self.raw.append(item)
            self.received.setdefault(key, item)


class MailHandler:
    def __init__(self, inbox: Inbox) -> None:
        self.inbox = inbox

    async def handle_DATA(  # noqa: N802 - the name aiosmtpd calls
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        content = envelope.content
        assert isinstance(content, bytes)
        mail = message_from_bytes(content)
        body = mail.get_payload(decode=True)
        self.inbox.take(str(mail["Message-ID"]), {
            "to": list(envelope.rcpt_tos), "subject": str(make_header(decode_header(
                str(mail["Subject"])))),
            "text": body.decode() if isinstance(body, bytes) else str(body),
            "delivery": str(mail["X-Casetrail-Delivery"]),
        })
        return "250 Message accepted for delivery"


class SmtpReceiver:
    def __init__(self) -> None:
        self.port = free_port()
        self.inbox = Inbox()
        self._controller: Controller | None = None

    def start(self) -> SmtpReceiver:
        self._controller = Controller(MailHandler(self.inbox), hostname="127.0.0.1",
                                      port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None


class HttpReceiver:
    """Takes signed webhook posts (a bad signature gets 401) and SMS gateway posts."""

    def __init__(self, secret: str, *, delay: float = 0.0) -> None:
        self.port, self.secret, self.delay = free_port(), secret, delay
        self.inbox = Inbox()
        self.bad_signatures = 0
        self._server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> HttpReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path == "/hook" and self.headers.get(SIGNATURE_HEADER) != signature(
                    receiver.secret, body
                ):
                    receiver.bad_signatures += 1
                    self.send_response(401)
                    self.end_headers()
                    return
                time.sleep(receiver.delay)
                receiver.inbox.take(str(self.headers.get("Idempotency-Key")),
                                    {"path": self.path, **json.loads(body)})
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b'{"code": "OK"}')

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
