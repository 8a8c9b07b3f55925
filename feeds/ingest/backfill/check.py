"""``feeds check``: each feed fetched once, and each history method asked once, so a
user with internet can see which addresses of the feeds list work, and paste the table
into a bug report.

Requests go through the backfill's polite fetcher (one at a time per host, robots.txt);
feeds on different hosts are checked side by side.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from feeds import store
from feeds.config import FeedConfig, Settings
from feeds.ingest.backfill.context import Refused
from feeds.ingest.backfill.polite import PoliteFetcher
from feeds.ingest.backfill.run import PROBE_ORDER, probe
from feeds.ingest.fetch import Fetcher
from feeds.ingest.parse import parse_feed


@dataclass
class FeedCheck:
    name: str
    url: str
    enabled: bool
    configured: str  # the feed's backfill setting
    status: str = "-"  # HTTP status, or the error
    items: int | None = None
    newest_age_hours: float | None = None
    methods: list[str] = field(default_factory=list)  # history methods that answered
    refused: list[str] = field(default_factory=list)  # methods the site refused
    error: str | None = None


def check_feeds(settings: Settings, feeds: list[FeedConfig], *, delay: float = 1.0,
                methods: tuple[str, ...] = PROBE_ORDER) -> list[FeedCheck]:
    """Check every feed of the list (disabled ones too: the table says they are)."""
    return asyncio.run(_check_all(settings, feeds, delay, methods))


async def _check_all(settings, feeds, delay, methods) -> list[FeedCheck]:
    async with Fetcher(settings.fetch) as fetcher:
        polite = PoliteFetcher(fetcher, settings.backfill, delay)
        polite.slow_host(settings.backfill.gdelt_api, settings.backfill.gdelt_interval)
        return list(await asyncio.gather(*(
            _check_one(polite, settings, cfg, methods) for cfg in feeds)))


async def _check_one(polite: PoliteFetcher, settings: Settings, cfg: FeedConfig,
                     methods: tuple[str, ...]) -> FeedCheck:
    from feeds.ingest.backfill.context import FeedRun

    check = FeedCheck(cfg.name, cfg.url, cfg.enabled, cfg.backfill)
    result = await polite.get(cfg.url)
    check.status = str(result.status) if result.status is not None else "-"
    if not result.ok:
        check.error = result.error
    else:
        now = store.utcnow()
        parsed = parse_feed(result.body, result.headers, now)
        check.error = parsed.error or parsed.warning
        check.items = len(parsed.entries)
        dated = [e.published_at for e in parsed.entries if not e.published_estimated]
        if dated:
            check.newest_age_hours = round((now - max(dated)).total_seconds() / 3600, 1)
    site = cfg.backfill_site or FeedRun.site_of(cfg.url)
    for method in methods:
        problem = await probe(polite, method, cfg.url, site, settings.backfill.gdelt_api,
                              own_feed=cfg.backfill_site is None)
        if problem is None:
            check.methods.append(method)
        elif isinstance(problem, Refused):
            check.refused.append(method)
    return check


def table(checks: list[FeedCheck]) -> str:
    """A fixed-width table, one feed a line, for pasting."""
    header = ("feed", "on", "status", "items", "newest", "backfill", "answers", "refused",
              "problem")
    rows = [header]
    for c in checks:
        age = "-" if c.newest_age_hours is None else _age(c.newest_age_hours)
        rows.append((c.name, "yes" if c.enabled else "no", c.status,
                     "-" if c.items is None else str(c.items), age, c.configured,
                     ",".join(c.methods) or "-", ",".join(c.refused) or "-",
                     (c.error or "")[:80]))
    widths = [max(len(r[i]) for r in rows) for i in range(len(header))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(r, widths, strict=True))
                     .rstrip() for r in rows)


def _age(hours: float) -> str:
    return f"{hours:.0f}h" if hours < 48 else f"{hours / 24:.0f}d"
