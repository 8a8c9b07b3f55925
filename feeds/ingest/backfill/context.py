"""What every history method is handed: the run's settings, fetcher, workers and range,
and the ways a method says how it ended."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from urllib.parse import urlsplit

from sqlalchemy import Engine

from feeds.config import FeedConfig, Settings
from feeds.ingest.backfill import checkpoints, jobs
from feeds.ingest.backfill.polite import ROBOTS_REFUSAL, PoliteFetcher
from feeds.ingest.fetch import FetchResult
from feeds.ingest.workers import CpuPool
from feeds.store import NewArticle
from feeds.store import backfill as progress


class Refused(Exception):
    """The site said no to this method (403 on REST, robots.txt): try another."""


class Unsupported(Exception):
    """The site does not offer this method (no REST API, no sitemap)."""


class Failed(Exception):
    """The method broke off (network, bad answers); a rerun resumes."""


def judge(result: FetchResult, what: str, *, missing: str | None = None) -> None:
    """Raise what an answer that ends a walk means: robots.txt or a 401/403 is the
    site's no (Refused); with ``missing``, a 404/410 says the door does not exist
    (Unsupported); anything else failed. A usable answer passes."""
    if result.ok and result.body is not None:
        return
    if result.error and result.error.startswith(ROBOTS_REFUSAL):
        raise Refused(result.error)
    if result.status in (401, 403):
        raise Refused(f"{what} refused ({result.error})")
    if missing and result.status in (404, 410):
        raise Unsupported(f"{missing} ({result.error})")
    raise Failed(f"{what}: {result.error}")


@dataclass
class WindowEvent:
    """Reported after each stored window (or page of a paged feed)."""

    feed: str
    method: str
    label: str
    new_articles: int
    windows_done: int  # in this run, all feeds
    windows_total: int  # known so far, all feeds
    articles_total: int  # new in this run, all feeds


@dataclass
class FeedReport:
    name: str
    method: str | None = None
    state: str = "skipped"  # done | in_progress | refused | unsupported | failed | skipped
    new_articles: int = 0
    windows: int = 0  # windows (or pages) in the range
    windows_fetched: int = 0
    windows_skipped: int = 0  # finished by an earlier run
    detail: str | None = None


@dataclass
class Run:
    settings: Settings
    engine: Engine
    pool: CpuPool
    polite: PoliteFetcher
    since: datetime
    until: datetime
    started: datetime
    max_articles: int | None = None
    on_window: Callable[[WindowEvent], None] | None = None
    articles: int = 0
    windows_done: int = 0
    windows_total: int = 0
    stopping: bool = False


@dataclass
class FeedRun:
    """One feed's walk within a run."""

    run: Run
    cfg: FeedConfig
    row: dict
    report: FeedReport
    page_fetches: int = 0  # article pages fetched for this feed in this run

    @property
    def site(self) -> str:
        return self.cfg.backfill_site or self.site_of(self.row["url"])

    @staticmethod
    def site_of(feed_url: str) -> str:
        """The site root the history methods start from: the feed URL without its
        trailing ``feed/`` (WordPress sites may live below the host's root)."""
        parts = urlsplit(feed_url)
        path = parts.path
        for tail in ("/feed/", "/feed", "/rss/", "/rss", "/rss.xml", "/feed.xml"):
            if path.endswith(tail):
                path = path[: -len(tail)]
                break
        else:
            path = ""
        return f"{parts.scheme}://{parts.netloc}{path.rstrip('/')}/"

    def prepare(self, fn: Callable[..., object], *args: object) -> asyncio.Future:
        """Start a CPU job on the pool; the fetching goes on while it runs."""
        return asyncio.ensure_future(self.run.pool.run(fn, *args))

    async def store(self, method: str, articles: list[NewArticle], ready: dict,
                    checkpoint: Callable, label: str) -> int:
        """Write a window's articles with its checkpoint, and report it."""
        run = self.run
        new = await run.pool.run(jobs.store_window, run.settings, self.cfg, self.row,
                                 articles, ready, run.started, checkpoint)
        self.report.new_articles += new
        self.report.windows_fetched += 1
        run.articles += new
        run.windows_done += 1
        if run.max_articles is not None and run.articles >= run.max_articles:
            run.stopping = True
        if run.on_window:
            run.on_window(WindowEvent(self.cfg.name, method, label, new, run.windows_done,
                                      run.windows_total, run.articles))
        return new

    def window_checkpoint(self, method: str, window: checkpoints.Window) -> Callable:
        return partial(progress.record_window, self.row["id"], method, window.start,
                       window.end, self.run.started)
