"""Send one message to one destination: apprise for the many services, or our webhook.

apprise (BSD-2, maintained, one URL per destination for Slack, Teams, Discord,
Telegram, Matrix, ntfy, email and ~100 more) spares us a client per service. The
generic webhook is ours: a JSON POST whose body is signed with HMAC-SHA256 so the
receiver can check it came from us and was not altered::

    X-Cambodia-Risk-Timestamp: 1735689600
    X-Cambodia-Risk-Signature: sha256=<hex of HMAC(secret, timestamp + "." + body)>

Receivers should recompute the signature over the raw body and reject stale
timestamps. Every error raised from here has passed through the destination's mask.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from pathlib import Path

import httpx

from feeds.alerts.destinations import WEBHOOK_PREFIX, Destination, Masker, masked_logs
from feeds.alerts.message import Message

SIGNATURE_HEADER = "X-Cambodia-Risk-Signature"
TIMESTAMP_HEADER = "X-Cambodia-Risk-Timestamp"
TIMEOUT_SECONDS = 15.0


class DeliveryError(RuntimeError):
    """The destination did not take the message; the text is already masked."""


def sign(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def send(dest: Destination, message: Message, mask: Masker,
         attachments: list[Path] | tuple = ()) -> None:
    """Deliver or raise DeliveryError (masked)."""
    try:
        with masked_logs(mask):
            if dest.is_webhook:
                _webhook(dest, message)
            else:
                _apprise(dest, message, mask, attachments)
    except DeliveryError as exc:
        raise DeliveryError(mask(exc)) from None
    except Exception as exc:  # any library failure is a failed delivery, not a crash
        raise DeliveryError(mask(f"{type(exc).__name__}: {exc}")) from None


def _webhook(dest: Destination, message: Message) -> None:
    body = json.dumps(message.payload, ensure_ascii=False, sort_keys=True).encode()
    stamp = str(int(time.time()))
    headers = {"Content-Type": "application/json", TIMESTAMP_HEADER: stamp,
               SIGNATURE_HEADER: sign(dest.secret or "", stamp, body)}
    url = dest.url.removeprefix(WEBHOOK_PREFIX)
    response = httpx.post(url, content=body, headers=headers, timeout=TIMEOUT_SECONDS)
    if response.status_code >= 300:
        raise DeliveryError(f"webhook answered HTTP {response.status_code}")


def _apprise(dest: Destination, message: Message, mask: Masker, attachments) -> None:
    import apprise  # heavy; only a run that sends pays for it

    sender = apprise.Apprise()
    if not sender.add(dest.url):
        raise DeliveryError(f"destination {dest.name!r}: apprise does not recognise its URL")
    with apprise.LogCapture(level=logging.WARNING) as logs:
        ok = sender.notify(title=message.title, body=message.body,
                           body_format=apprise.NotifyFormat.MARKDOWN,
                           attach=[str(p) for p in attachments] or None)
    if not ok:
        detail = " ".join(logs.getvalue().split())[-500:] or "apprise reported a failure"
        raise DeliveryError(mask(detail))
