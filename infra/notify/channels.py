"""The ways a notice leaves Casetrail: e-mail (SMTP), a signed webhook, an SMS gateway.

Each channel is on only when its settings name an address. Every send carries the delivery's id
(``Message-ID`` for mail, ``Idempotency-Key`` and ``X-Casetrail-Delivery`` for HTTP, ``out_id``
for SMS): a delivery sent again after a crash has the same id, so the receiver can drop it.
A send that does not end in an acknowledgement raises ``SendError``; the sender retries it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import smtplib
import urllib.error
import urllib.request
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

from infra.notify.message import Message
from infra.notify.store import Delivery, Preferences
from infra.settings import Settings

TIMEOUT_SECONDS = 10.0
SIGNATURE_HEADER = "X-Casetrail-Signature"
DELIVERY_HEADER = "X-Casetrail-Delivery"


class SendError(Exception):
    """The receiver did not take the notice; worth trying again later."""


class Channel(Protocol):
    name: str

    def address(self, prefs: Preferences, kind: str) -> str | None:
        """Where this person gets this kind of notice on this channel; None: not here."""

    def send(self, delivery: Delivery, message: Message, address: str) -> None: ...


def signature(secret: str, body: bytes) -> str:
    """The header value: ``sha256=`` and the hex HMAC-SHA256 of the exact body bytes."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def _post_json(url: str, body: bytes, headers: dict[str, str]) -> bytes:
    request = urllib.request.Request(
        url, data=body, method="POST", headers={"Content-Type": "application/json", **headers}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:
            return bytes(response.read())
    except urllib.error.HTTPError as error:
        raise SendError(f"HTTP {error.code} from {url}") from None
    except (urllib.error.URLError, OSError) as error:
        raise SendError(f"cannot reach {url}: {getattr(error, 'reason', error)}") from None


class EmailChannel:
    name = "email"

    def __init__(self, settings: Settings) -> None:
        assert settings.notify_smtp_host
        self.host, self.port = settings.notify_smtp_host, settings.notify_smtp_port
        self.user, self.password = settings.notify_smtp_user, settings.notify_smtp_password
        self.starttls, self.sender = settings.notify_smtp_starttls, settings.notify_mail_from

    def address(self, prefs: Preferences, kind: str) -> str | None:
        return prefs.email or None

    def send(self, delivery: Delivery, message: Message, address: str) -> None:
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender, address, message.subject
        mail["Date"] = formatdate(localtime=False)
        domain = self.sender.rpartition("@")[2] or "casetrail"
        mail["Message-ID"] = f"<{delivery.id}@{domain}>"
        mail[DELIVERY_HEADER] = delivery.id
        mail.set_content(message.text)
        try:
            with smtplib.SMTP(self.host, self.port, timeout=TIMEOUT_SECONDS) as smtp:
                if self.starttls:
                    smtp.starttls()
                if self.user:
                    smtp.login(self.user, self.password or "")
                smtp.send_message(mail)
        except (smtplib.SMTPException, OSError) as error:
            raise SendError(f"SMTP {self.host}:{self.port}: {error}") from None


class WebhookChannel:
    name = "webhook"

    def __init__(self, settings: Settings) -> None:
        assert settings.notify_webhook_url
        assert settings.notify_webhook_secret
        self.url, self.secret = settings.notify_webhook_url, settings.notify_webhook_secret

    def address(self, prefs: Preferences, kind: str) -> str | None:
        return self.url

    def body(self, delivery: Delivery, message: Message) -> bytes:
        payload: dict[str, Any] = {
            "id": delivery.id, "notice": delivery.notice_id, "kind": delivery.kind,
            "recipient": delivery.recipient, "at": delivery.at, "params": delivery.params,
            "subject": message.subject, "text": message.text,
        }
        return json.dumps(payload, ensure_ascii=False, sort_keys=True).encode()

    def send(self, delivery: Delivery, message: Message, address: str) -> None:
        body = self.body(delivery, message)
        _post_json(address, body, {
            SIGNATURE_HEADER: signature(self.secret, body), DELIVERY_HEADER: delivery.id,
            "Idempotency-Key": delivery.id,
        })


class SmsChannel:
    """An SMS gateway in the style of China's providers: a signed-up sign name and one approved
    template per kind of message, filled with named parameters."""

    name = "sms"

    def __init__(self, settings: Settings) -> None:
        assert settings.notify_sms_url
        self.url, self.sign_name = settings.notify_sms_url, settings.notify_sms_sign_name
        self.templates = dict(settings.notify_sms_templates)

    def address(self, prefs: Preferences, kind: str) -> str | None:
        return prefs.phone if prefs.phone and kind in self.templates else None

    def send(self, delivery: Delivery, message: Message, address: str) -> None:
        body = json.dumps({
            "phone": address, "sign_name": self.sign_name,
            "template_id": self.templates[delivery.kind], "template_params": message.words,
            "out_id": delivery.id,
        }, ensure_ascii=False, sort_keys=True).encode()
        answer = _post_json(self.url, body, {"Idempotency-Key": delivery.id})
        try:
            code = json.loads(answer or b"{}")
        except ValueError:
            raise SendError("the SMS gateway answered something other than JSON") from None
        status = code.get("code", code.get("Code", "OK")) if isinstance(code, dict) else "OK"
        if str(status) not in ("OK", "0", "200"):
            raise SendError(f"the SMS gateway refused the message: {status}")


def configured_channels(settings: Settings) -> list[Channel]:
    """The channels the settings turn on, in a fixed order."""
    channels: list[Channel] = []
    if settings.notify_smtp_host:
        channels.append(EmailChannel(settings))
    if settings.notify_webhook_url:
        if not settings.notify_webhook_secret:
            raise ValueError("CASETRAIL_NOTIFY_WEBHOOK_URL needs CASETRAIL_NOTIFY_WEBHOOK_SECRET")
        channels.append(WebhookChannel(settings))
    if settings.notify_sms_url:
        channels.append(SmsChannel(settings))
    return channels
