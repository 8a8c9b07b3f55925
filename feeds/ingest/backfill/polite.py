"""Politeness for walking a site's history: one request at a time per host, a pause
between requests, robots.txt, and Retry-After.

A refresh asks each feed host for one document every half hour; a backfill may ask one
host for thousands. So every request of a backfill goes through :class:`PoliteFetcher`,
which sits on top of the refresh's :class:`feeds.fetch.Fetcher` (same byte, time and
redirect limits, same User-Agent; there is no second HTTP client) and adds:

* at most one request in flight per host, and at least ``delay`` seconds between the end
  of one answer and the start of the next request to that host;
* robots.txt, read once per host through the same fetcher and judged by ``protego``; a
  ``Crawl-delay`` longer than our delay wins;
* 429 and 503 mean "slow down": the host's pause doubles for the rest of the run and the
  request is retried after the server's Retry-After (or the new pause), a few times;
  a Retry-After longer than the policy allows gives up on that request instead.

All of it applies per hop, to the host each hop actually contacts: a redirect to another
host (an old domain, a CDN, http to https) waits for that host's turn and pause and is
checked against that host's robots.txt, through the fetcher's ``hop_gate``. The host's
lock is held for one hop at a time, never across hops, so two fetches redirected towards
each other's hosts cannot wait on each other forever.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from protego import Protego

from feeds.config import BackfillPolicy
from feeds.ingest.fetch import FEED_ACCEPT, Fetcher, FetchResult
from feeds.ingest.fetch_errors import Refused

ROBOTS_REFUSAL = "refused by the site's robots.txt"
_SLOW_DOWN = frozenset({429, 503})
_MAX_PAUSE = 60.0  # a host's pause never grows past this through slow-downs


@dataclass
class _Host:
    """What the fetcher knows about one host during a run."""

    pause: float
    lock: asyncio.Lock = field(default_factory=asyncio.Lock)
    ready_at: float = 0.0  # monotonic time before which no request may start
    robots: Protego | None = None
    robots_read: bool = False
    robots_error: str | None = None  # robots.txt could not be read: refuse the host


class PoliteFetcher:
    """GET under the backfill's politeness rules; see the module docstring.

    ``requests`` counts every request sent (robots.txt and retries included), which the
    summary and the resume benchmark report.
    """

    def __init__(self, fetcher: Fetcher, policy: BackfillPolicy, delay: float) -> None:
        self._fetcher = fetcher
        self._policy = policy
        self._delay = delay
        self._hosts: dict[str, _Host] = {}
        self.requests = 0

    def set_pause(self, url: str, pause: float) -> None:
        """Pause exactly ``pause`` seconds between requests to ``url``'s host (a feed's
        own ``backfill_delay``)."""
        self._host(url).pause = pause

    def slow_host(self, url: str, pause: float) -> None:
        """Ask for at least ``pause`` seconds between requests to ``url``'s host."""
        host = self._host(url)
        host.pause = max(host.pause, pause)

    async def sitemaps(self, url: str) -> list[str]:
        """The Sitemap lines of the robots.txt of ``url``'s host (read if need be)."""
        host = self._host(url)
        async with host.lock:
            if not host.robots_read:
                await self._read_robots(host, url)
        return list(host.robots.sitemaps) if host.robots else []

    async def get(self, url: str, *, accept: str = FEED_ACCEPT) -> FetchResult:
        """Fetch ``url`` politely. A robots.txt refusal (of ``url`` or of a redirect's
        target) comes back as a result whose error is :data:`ROBOTS_REFUSAL`, with
        nothing sent for the refused URL."""
        attempt = 0
        while True:
            self.requests += 1
            result = await self._fetcher.fetch(url, accept=accept, hop_gate=self._hop)
            if result.status not in _SLOW_DOWN or attempt >= self._policy.retries:
                return result
            attempt += 1
            host = self._host(result.final_url)  # the host that asked us to slow down
            host.pause = min(max(host.pause * 2, 1.0), _MAX_PAUSE)
            wait = result.retry_after if result.retry_after is not None else host.pause
            longest = self._policy.max_retry_after
            if wait > longest:
                result.error = (
                    f"{result.error}; the site asked to wait {wait:.0f}s, "
                    f"longer than the {longest:.0f}s a backfill waits"
                )
                return result
            host.ready_at = max(host.ready_at, time.monotonic() + wait)

    @contextlib.asynccontextmanager
    async def _hop(self, url: str) -> AsyncIterator[None]:
        """One hop of a fetch, under its host's rules: the host's turn, its robots.txt,
        its pause before the request, and the pause restarting when the answer ends."""
        host = self._host(url)
        async with host.lock:
            if not host.robots_read:
                await self._read_robots(host, url)
            if host.robots_error:  # the site is down or broken: a failure, not a refusal
                raise Refused(
                    f"robots.txt could not be read ({host.robots_error}); "
                    "the host is left alone for this run"
                )
            if host.robots is not None and not host.robots.can_fetch(url, self._user_agent):
                raise Refused(ROBOTS_REFUSAL)
            await _turn(host)
            try:
                yield
            finally:
                host.ready_at = time.monotonic() + host.pause

    @property
    def max_bytes(self) -> int:
        return self._fetcher.limits.max_bytes

    @property
    def _user_agent(self) -> str:
        return self._fetcher.limits.user_agent

    def _host(self, url: str) -> _Host:
        key = _host_key(url)
        host = self._hosts.get(key)
        if host is None:
            host = self._hosts[key] = _Host(pause=self._delay)
        return host

    async def _read_robots(self, host: _Host, url: str) -> None:
        """RFC 9309: a 4xx answer (no file) allows everything; a 5xx or an unreachable
        host is read as "not now", so the host is left alone for this run.

        Called with the host's lock held; the request waits for the host's pause and
        restarts it like any other. Its own redirects (robots.txt moved to https) are
        followed without the per-hop rules, which would need this lock again."""
        parts = urlsplit(url)
        robots_url = f"{parts.scheme}://{parts.netloc}/robots.txt"
        await _turn(host)
        try:
            self.requests += 1
            result = await self._fetcher.fetch(robots_url, accept="text/plain, */*;q=0.1")
        finally:
            host.ready_at = time.monotonic() + host.pause
        host.robots_read = True
        if result.ok and result.body is not None:
            host.robots = Protego.parse(result.body.decode("utf-8", "replace"))
            asked = host.robots.crawl_delay(self._user_agent)
            if asked:
                host.pause = max(host.pause, min(float(asked), _MAX_PAUSE))
        elif result.status is not None and 400 <= result.status < 500:
            host.robots = None
        else:
            host.robots_error = result.error or "no answer"


async def _turn(host: _Host) -> None:
    """Sleep until the host's pause has passed. ``ready_at`` is read again after each
    sleep: a slow-down answered to another fetch meanwhile may have pushed it further."""
    while (wait := host.ready_at - time.monotonic()) > 0:
        await asyncio.sleep(wait)


def _host_key(url: str) -> str:
    parts = urlsplit(url)
    return (parts.hostname or "").lower() + f":{parts.port or ''}"
