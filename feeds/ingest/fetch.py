"""Fetching: HTTP and limits, and nothing about what feeds mean.

Every server this module talks to is untrusted. A feed host may be slow, broken or
hostile: it may stall after the headers, trickle one byte a second, redirect forever,
send a few megabytes of gzip that inflate to gigabytes, lie about its encoding, or
simply refuse the connection. The refresh job must survive all of that without hanging
and without running out of memory, and it must tell an operator in plain words what
went wrong. So this module:

* applies every limit in :class:`feeds.config.FetchLimits` (timeouts, body size counted
  after decompression, redirects, global and per-host concurrency);
* decompresses bodies itself, in bounded steps, instead of trusting a decoder that can
  turn one network chunk into an unbounded amount of memory;
* follows redirects itself, so each hop is counted, checked for scheme and put through
  the per-host limit of the host it goes to, and through the caller's ``hop_gate`` (the
  backfill's politeness pause) for that host;
* keeps no cookies between requests, so fetches do not depend on one another;
* connects only to addresses ``feeds.ingest.netpolicy`` allows (no private networks
  unless listed), checked where each connection is opened, on every hop;
* never raises for network, HTTP, size or timeout trouble: :meth:`Fetcher.fetch` returns
  a :class:`FetchResult` whose ``error`` says what happened. Only programming errors
  (such as using a :class:`Fetcher` outside ``async with``) propagate.

What a body means (RSS, Atom, HTML) is for the callers to decide.
"""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import http
import http.cookiejar
import re
import time
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from feeds.config import FetchLimits, allow_private_from_env
from feeds.ingest.decode import BodyDecoder, content_codings
from feeds.ingest.fetch_errors import (
    Refused,
    describe_httpx_error,
    first_clause,
    os_reason,
    size,
    status_text,
    too_large_message,
    total_timeout_message,
)
from feeds.ingest.netpolicy import guarded_transport, refusal_in

__all__ = [
    "FEED_ACCEPT",
    "PAGE_ACCEPT",
    "FetchResult",
    "Fetcher",
    "parse_retry_after",
]

# Feed media types first; anything else is accepted reluctantly, since many servers
# label feeds as text/html or application/octet-stream.
FEED_ACCEPT = (
    "application/rss+xml, application/atom+xml, application/feed+json, "
    "application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, "
    "application/json;q=0.5, */*;q=0.1"
)
# For article pages fetched for their full text.
PAGE_ACCEPT = "text/html, application/xhtml+xml;q=0.9, */*;q=0.1"

# Only the codings we decode ourselves are advertised (httpx would add br/zstd when
# their packages happen to be installed).
_ACCEPT_ENCODING = "gzip, deflate"
_REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
# Retry-After values are clamped to this (about 31 years) so they stay finite numbers;
# the health policy applies the real cap.
_RETRY_AFTER_CEILING = 1e9

_DEFAULT_LIMITS = FetchLimits()
# A caller's wrapper around each hop, given the hop's URL: entered before the request to
# that URL's host and left when its answer is read. It may wait (a politeness pause) or
# raise ``Refused`` to stop the fetch with its message as the error.
HopGate = Callable[[str], AbstractAsyncContextManager[object]]


@dataclass
class FetchResult:
    """What one fetch produced. ``error`` is None when it worked."""

    url: str  # the URL asked for
    final_url: str  # where the last response came from, after redirects
    status: int | None  # HTTP status of the last response, None if there was none
    body: bytes | None  # decompressed body; None on error and on 304
    headers: dict[str, str] = field(default_factory=dict)  # last response, lower-case keys
    not_modified: bool = False  # True on 304
    etag: str | None = None
    last_modified: str | None = None
    retry_after: float | None = None  # seconds, from a Retry-After header
    error: str | None = None  # what went wrong, in plain words for humans
    elapsed_ms: int = 0  # time on the network (not waiting for a concurrency slot)

    @property
    def ok(self) -> bool:
        return self.error is None



class Fetcher:
    """Fetch URLs under :class:`FetchLimits`.

    An async context manager holding one ``httpx.AsyncClient`` (so connections are
    reused), a semaphore for the global concurrency limit and one semaphore per
    ``host:port`` for the per-host limit::

        async with Fetcher(limits) as fetcher:
            result = await fetcher.fetch(url, etag=old_etag)
    """

    def __init__(self, limits: FetchLimits = _DEFAULT_LIMITS) -> None:
        self.limits = limits
        self._client: httpx.AsyncClient | None = None
        self._global: asyncio.Semaphore | None = None
        self._hosts: dict[str, _HostGate] = {}

    async def __aenter__(self) -> Fetcher:
        limits = self.limits
        self._global = asyncio.Semaphore(limits.global_concurrency)
        allow = limits.allow_private
        pool_limits = httpx.Limits(max_connections=limits.global_concurrency,
                                   max_keepalive_connections=limits.global_concurrency)
        self._client = httpx.AsyncClient(
            timeout=httpx.Timeout(
                connect=limits.connect_timeout,
                read=limits.read_timeout,
                write=limits.read_timeout,
                # The semaphores keep requests within the pool size, so waiting for a
                # pooled connection should not happen; bound it anyway.
                pool=limits.connect_timeout,
            ),
            transport=guarded_transport(
                allow_private_from_env() if allow is None else allow, pool_limits),
            follow_redirects=False,
            # A CookieJar is used as given (an httpx.Cookies would be copied, losing the
            # policy).
            cookies=http.cookiejar.CookieJar(policy=_RefuseCookies()),
            headers={"User-Agent": limits.user_agent, "Accept-Encoding": _ACCEPT_ENCODING},
        )
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def fetch(
        self,
        url: str,
        *,
        etag: str | None = None,
        last_modified: str | None = None,
        accept: str = FEED_ACCEPT,
        hop_gate: HopGate | None = None,
    ) -> FetchResult:
        """GET ``url``, following redirects; never raises for network or HTTP trouble.

        ``etag`` and ``last_modified`` are the validators stored from an earlier fetch;
        when given they are sent as If-None-Match / If-Modified-Since, and a 304 answer
        gives ``not_modified=True`` with no body. ``hop_gate`` (see :data:`HopGate`)
        wraps every hop, redirects included, so a per-host rule of the caller applies to
        the host each hop actually contacts; time spent in it is not part of the fetch's
        time budget, as waiting for a concurrency slot is not.
        """
        if self._client is None or self._global is None:
            raise RuntimeError("Fetcher.fetch() used outside 'async with Fetcher(...)'")
        limits = self.limits
        headers = {"Accept": accept}
        if etag and _safe_header_value(etag):
            headers["If-None-Match"] = etag
        if last_modified and _safe_header_value(last_modified):
            headers["If-Modified-Since"] = last_modified
        conditional = len(headers) > 1

        result = FetchResult(url=url, final_url=url, status=None, body=None)
        budget = limits.total_timeout
        spent = 0.0
        visited: list[str] = []
        current = url
        try:
            for _hop in range(limits.max_redirects + 1):
                target = _check_url(current)
                visited.append(str(target))
                _start_hop(result, str(target))
                gate = hop_gate(str(target)) if hop_gate else contextlib.nullcontext()
                async with gate, self._slot(_host_key(target)):
                    if budget <= 0:
                        raise Refused(total_timeout_message(limits))
                    started = time.monotonic()
                    deadline = asyncio.timeout(budget)
                    try:
                        async with deadline:
                            location = await self._one_hop(target, headers, result, conditional)
                    except TimeoutError:
                        if deadline.expired():
                            raise Refused(total_timeout_message(limits)) from None
                        raise Refused("timed out") from None
                    finally:
                        hop_time = time.monotonic() - started
                        spent += hop_time
                        budget -= hop_time
                if location is None:
                    return result
                current = location
            # The last allowed response was itself a redirect.
            repeated = next((u for i, u in enumerate(visited) if u in visited[:i]), None)
            if current in visited:
                repeated = current
            if repeated is not None:
                raise Refused(f"redirect loop (came back to {repeated})")
            raise Refused(f"too many redirects (more than {limits.max_redirects})")
        except Refused as refusal:
            result.error = str(refusal)
        except httpx.HTTPError as exc:
            result.error = refusal_in(exc) or describe_httpx_error(exc, limits)
        except OSError as exc:
            result.error = f"network error: {os_reason(exc)}"
        finally:
            result.elapsed_ms = round(spent * 1000)
        result.body = None
        return result

    async def _one_hop(
        self,
        target: httpx.URL,
        headers: dict[str, str],
        result: FetchResult,
        conditional: bool,
    ) -> str | None:
        """One request/response. Fills ``result``; returns the next URL on a redirect."""
        assert self._client is not None
        request = self._client.build_request("GET", target, headers=headers)
        try:
            response = await self._client.send(request, stream=True)
        except httpx.InvalidURL as exc:
            # httpx works out the next URL of a redirect even when not following it,
            # and a hostile Location header can make that fail.
            raise Refused(f"redirect to an invalid URL ({first_clause(exc)})") from None
        try:
            status = response.status_code
            result.status = status
            result.headers = dict(response.headers.items())  # keys are lower-case
            result.retry_after = parse_retry_after(response.headers.get("retry-after"))
            result.etag = response.headers.get("etag")
            result.last_modified = response.headers.get("last-modified")

            if status in _REDIRECT_STATUSES:
                location = response.headers.get("location", "").strip()
                if not location:
                    raise Refused(f"{status_text(response)}: redirect without a Location")
                if response.next_request is not None:  # httpx has resolved it already
                    return str(response.next_request.url)
                try:
                    return str(target.join(location))
                except (httpx.InvalidURL, ValueError):
                    raise Refused(f"redirect to an invalid URL: {location[:200]!r}") from None
            if status == 304:
                if not conditional:
                    raise Refused("HTTP 304 Not Modified, but no validators were sent")
                result.not_modified = True
                # A 304 may leave the validators out; keep the ones we already had.
                result.etag = result.etag or headers.get("If-None-Match")
                result.last_modified = result.last_modified or headers.get("If-Modified-Since")
                return None
            if status >= 300:
                raise Refused(status_text(response))

            result.body = await self._read_body(response)
            return None
        finally:
            await response.aclose()

    async def _read_body(self, response: httpx.Response) -> bytes:
        """Stream the raw body and decompress it, stopping as soon as it passes the cap."""
        max_bytes = self.limits.max_bytes
        codings = content_codings(response.headers.get("content-encoding", ""))
        # Compressed data is essentially never much larger than what it encodes, so the
        # wire gets the same cap plus a little room for incompressible content.
        wire_cap = max_bytes if not codings else max_bytes + max_bytes // 64 + 64 * 1024
        announced = _content_length(response.headers.get("content-length"))
        if announced is not None and announced > wire_cap:
            said = size(announced)
            if said == size(max_bytes):
                said = f"{announced} bytes"
            raise Refused(f"{too_large_message(max_bytes)}: the server announced {said}")
        decoder = BodyDecoder(codings, max_bytes)
        on_wire = 0
        async for chunk in response.aiter_raw():
            on_wire += len(chunk)
            if on_wire > wire_cap:
                raise Refused(too_large_message(max_bytes))
            decoder.feed(chunk)
        return decoder.finish()

    @contextlib.asynccontextmanager
    async def _slot(self, host_key: str) -> AsyncIterator[None]:
        """Hold a per-host slot, then a global one.

        The host slot comes first so requests queued behind a busy host do not sit on
        global slots that requests to other hosts could use.
        """
        assert self._global is not None
        gate = self._hosts.get(host_key)
        if gate is None:
            gate = self._hosts[host_key] = _HostGate(self.limits.per_host_concurrency)
        gate.users += 1
        try:
            async with gate.semaphore, self._global:
                yield
        finally:
            gate.users -= 1
            if gate.users == 0:
                self._hosts.pop(host_key, None)


class _RefuseCookies(http.cookiejar.DefaultCookiePolicy):
    """Keep no cookies: each fetch stands alone, and no server can fill the jar."""

    def set_ok(self, cookie: http.cookiejar.Cookie, request: object) -> bool:
        return False


class _HostGate:
    """The per-host semaphore and how many fetches use or wait for it."""

    def __init__(self, size: int) -> None:
        self.semaphore = asyncio.Semaphore(size)
        self.users = 0


# --- small helpers --------------------------------------------------------------------


def parse_retry_after(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delay-seconds or HTTP-date).

    Returns None when the header is missing or unreadable. Dates in the past give 0.
    """
    if not value:
        return None
    text = value.strip()
    if re.fullmatch(r"[0-9]{1,20}", text):
        return min(float(int(text)), _RETRY_AFTER_CEILING)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    now = now or datetime.now(UTC)
    return min(max((when - now).total_seconds(), 0.0), _RETRY_AFTER_CEILING)


def _start_hop(result: FetchResult, url: str) -> None:
    """Forget the previous hop's response: the result describes the last one only."""
    result.final_url = url
    result.status = None
    result.headers = {}
    result.etag = result.last_modified = None
    result.retry_after = None


def _check_url(url: str) -> httpx.URL:
    try:
        target = httpx.URL(url)
    except (httpx.InvalidURL, ValueError, TypeError):
        raise Refused(f"invalid URL: {str(url)[:200]!r}") from None
    if target.scheme not in ("http", "https"):
        shown = target.scheme or "none"
        raise Refused(f"unsupported URL scheme {shown!r} (only http and https): {url[:200]}")
    if not target.host:
        raise Refused(f"invalid URL (no host): {url[:200]!r}")
    return target


def _host_key(target: httpx.URL) -> str:
    port = target.port or (443 if target.scheme == "https" else 80)
    return f"{target.host.lower()}:{port}"


def _safe_header_value(value: str) -> bool:
    """Stored validators come from servers; only send them back if they are sane."""
    return len(value) <= 1024 and all(ch == "\t" or " " <= ch <= "~" for ch in value)


def _content_length(value: str | None) -> int | None:
    if value is None:
        return None
    first = value.split(",")[0].strip()
    return int(first) if first.isascii() and first.isdigit() else None
