"""What went wrong with a fetch, in plain words for the Sources page.

A refused fetch raises :class:`Refused` with its message; network and HTTP failures are
turned into one short sentence naming the limit or the cause (never a traceback, never
raw bytes from the server).
"""

from __future__ import annotations

import errno
import http
import re
import socket
import ssl

import httpx

from feeds.config import FetchLimits


class Refused(Exception):
    """A fetch that cannot go on; the message is the plain-words error for the result."""


def status_text(response: httpx.Response) -> str:
    code = response.status_code
    try:
        phrase = http.HTTPStatus(code).phrase
    except ValueError:
        phrase = "".join(ch for ch in response.reason_phrase[:60] if ch.isprintable()).strip()
    return f"HTTP {code} {phrase}".rstrip()


def seconds(value: float) -> str:
    return f"{value:g}s"


def size(count: int) -> str:
    if count >= 1024 * 1024:
        return f"{count / (1024 * 1024):.1f} MiB"
    if count >= 1024:
        return f"{count / 1024:.1f} KiB"
    return f"{count} bytes"


def too_large_message(max_bytes: int) -> str:
    return f"response larger than {size(max_bytes)} (limit)"


def total_timeout_message(limits: FetchLimits) -> str:
    return f"timed out after {seconds(limits.total_timeout)} (limit for the whole response)"


def describe_httpx_error(exc: httpx.HTTPError, limits: FetchLimits) -> str:
    if isinstance(exc, httpx.ConnectTimeout):
        return f"timed out after {seconds(limits.connect_timeout)} trying to connect"
    if isinstance(exc, httpx.ReadTimeout):
        return f"timed out after {seconds(limits.read_timeout)} waiting for data"
    if isinstance(exc, httpx.WriteTimeout):
        return f"timed out after {seconds(limits.read_timeout)} sending the request"
    if isinstance(exc, httpx.PoolTimeout):
        return "timed out waiting for a free connection"
    if isinstance(exc, httpx.ProxyError):
        return f"proxy error: {exc}"
    if isinstance(exc, httpx.ConnectError):
        return f"could not connect: {os_reason(exc)}"
    if isinstance(exc, httpx.RemoteProtocolError):
        text = str(exc).lower()
        if "without sending a response" in text:
            return "the server closed the connection without sending a response"
        if "location header" in text:
            return "redirect to an invalid URL (unreadable Location header)"
        if "complete message body" in text or "incomplete" in text:
            return "the connection closed before the whole response arrived"
        return f"the server broke the HTTP protocol ({first_clause(exc)})"
    if isinstance(exc, httpx.ReadError):
        return f"connection failed while reading: {os_reason(exc)}"
    if isinstance(exc, httpx.WriteError):
        return f"connection failed while sending: {os_reason(exc)}"
    if isinstance(exc, httpx.UnsupportedProtocol):
        return f"unsupported URL: {exc}"
    return f"request failed: {os_reason(exc)}"


def first_clause(exc: BaseException) -> str:
    """The start of an exception's message, without the raw bytes some parsers append."""
    text = str(exc).split(":")[0].strip()
    return text[:100] or type(exc).__name__


_ERRNO_WORDS = {
    errno.ECONNREFUSED: "connection refused",
    errno.ECONNRESET: "connection reset by the server",
    errno.ECONNABORTED: "connection aborted",
    errno.EPIPE: "connection closed by the server",
    errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
    errno.ETIMEDOUT: "connection timed out",
}


def os_reason(exc: BaseException) -> str:
    """The most specific readable reason found in an exception and its causes."""
    seen: set[int] = set()
    current: BaseException | None = exc
    found: BaseException | None = None
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, ssl.SSLCertVerificationError):
            return f"TLS certificate not accepted ({current.verify_message})"
        if isinstance(current, ssl.SSLError):
            return f"TLS error ({current.reason or current})"
        if isinstance(current, socket.gaierror):
            return "host name not found (DNS)"
        if isinstance(current, OSError) and current.errno in _ERRNO_WORDS:
            return _ERRNO_WORDS[current.errno]
        if isinstance(current, OSError) and current.strerror and found is None:
            found = current
        current = current.__cause__ or current.__context__
    if found is not None and isinstance(found, OSError) and found.strerror:
        return found.strerror.lower()
    text = re.sub(r"^\[Errno -?\d+\]\s*", "", str(exc)).strip()
    return text[:200] or type(exc).__name__
