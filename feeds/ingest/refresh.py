"""One refresh run: lock, fetch, parse, extract, dedup, score, store, and feed health.

The run is the only writer. Its parent process fetches; its workers (``feeds.ingest.workers``)
parse, score and store, one feed per job. Each feed is processed alone: its new articles,
their scores and its health row commit in one transaction, so a feed that fails (or a
process killed with SIGKILL, whose workers die with it) leaves every other feed's work
intact and no half-written feed behind. The run row is written first and closed last; a
run killed midway keeps ``finished_at`` NULL, which the Sources page shows as
interrupted.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from sqlalchemy import Engine

from feeds import store
from feeds.config import FeedConfig, Settings
from feeds.ingest.fetch import PAGE_ACCEPT, Fetcher, FetchResult
from feeds.ingest.workers import (
    CpuPool,
    Stored,
    extract,
    parse_and_store,
    parse_articles,
    store_feed,
)
from feeds.lexicon import load_lexicons


@dataclass
class FeedOutcome:
    name: str
    status: str  # ok | unchanged | failed | skipped
    new_articles: int = 0
    items: int = 0
    error: str | None = None
    warning: str | None = None
    latency_ms: int | None = None


@dataclass
class RunSummary:
    run_id: int
    kind: str
    started_at: datetime
    finished_at: datetime | None = None
    outcomes: list[FeedOutcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)

    @property
    def new_articles(self) -> int:
        return sum(o.new_articles for o in self.outcomes)

    @property
    def seconds(self) -> float:
        end = self.finished_at or store.utcnow()
        return (end - self.started_at).total_seconds()

    def line(self) -> str:
        """One line for cron logs."""
        failed = [o for o in self.outcomes if o.status == "failed"]
        text = (
            f"{self.kind} run {self.run_id}: {self.count('ok')} ok, {len(failed)} failed, "
            f"{self.count('unchanged')} unchanged, {self.count('skipped')} skipped; "
            f"{self.new_articles} new articles in {self.seconds:.1f}s"
        )
        if failed:
            text += " (failed: " + "; ".join(f"{o.name}: {o.error}" for o in failed[:5])
            text += ", ..." if len(failed) > 5 else ""
            text += ")"
        return text

    def to_json(self) -> str:
        return json.dumps({
            "run_id": self.run_id,
            "kind": self.kind,
            "started_at": self.started_at.isoformat() + "Z",
            "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
            "seconds": round(self.seconds, 3),
            "feeds_ok": self.count("ok"),
            "feeds_failed": self.count("failed"),
            "feeds_unchanged": self.count("unchanged"),
            "feeds_skipped": self.count("skipped"),
            "new_articles": self.new_articles,
            "feeds": [asdict(o) for o in self.outcomes],
        }, ensure_ascii=False)


def run_refresh(settings: Settings, feeds: list[FeedConfig], *, force: bool = False,
                on_feed_done: Callable[[FeedOutcome], None] | None = None) -> RunSummary:
    """Fetch every due feed once and store what is new. Raises store.LockBusy."""
    engine = store.make_engine(settings.db_url)
    try:
        store.migrate(engine)
        lexicons = load_lexicons(settings.lexicon_dir)
        with store.refresh_lock(engine), CpuPool(settings, lexicons, engine) as pool:
            summary = RunSummary(store.start_run(engine), "refresh", store.utcnow())
            with engine.begin() as conn:
                rows = store.sync_feeds(conn, feeds)
            now = store.utcnow()
            due, waiting = [], []
            for cfg in feeds:
                if not cfg.enabled:
                    continue
                next_at = rows[cfg.name]["next_attempt_at"]
                (waiting if (next_at and next_at > now and not force) else due).append(cfg)
            for cfg in waiting:
                until = rows[cfg.name]["next_attempt_at"]
                outcome = FeedOutcome(cfg.name, "skipped",
                                      error=f"backing off until {until:%Y-%m-%d %H:%M} UTC")
                summary.outcomes.append(outcome)
                if on_feed_done:
                    on_feed_done(outcome)
            asyncio.run(_fetch_all(engine, settings, pool, due, rows, summary, on_feed_done))
            _close_run(engine, summary)
            return summary
    finally:
        engine.dispose()


def _close_run(engine: Engine, summary: RunSummary) -> None:
    summary.finished_at = store.utcnow()
    store.finish_run(
        engine, summary.run_id,
        feeds_ok=summary.count("ok"), feeds_failed=summary.count("failed"),
        feeds_unchanged=summary.count("unchanged"), feeds_skipped=summary.count("skipped"),
        new_articles=summary.new_articles,
    )


async def _fetch_all(engine, settings, pool, due, rows, summary, on_feed_done) -> None:
    async with Fetcher(settings.fetch) as fetcher:
        async def one(cfg: FeedConfig) -> None:
            outcome = await _refresh_feed(engine, settings, fetcher, pool, cfg, rows[cfg.name])
            summary.outcomes.append(outcome)
            if on_feed_done:
                on_feed_done(outcome)

        await asyncio.gather(*(one(cfg) for cfg in due))


async def _refresh_feed(engine: Engine, settings: Settings, fetcher: Fetcher, pool: CpuPool,
                        cfg: FeedConfig, row: dict) -> FeedOutcome:
    """Fetch one feed, hand it to a worker to parse and store, and record its health.

    The parent only fetches and records failures and 304s; everything that reads or
    writes articles happens in the worker's one transaction for this feed.
    """
    started = time.monotonic()
    attempted_at = store.utcnow()
    try:
        result = await fetcher.fetch(row["url"], etag=row["etag"],
                                     last_modified=row["last_modified"])
        if not result.ok:
            return _record_failure(engine, settings, cfg, row, attempted_at, result.error,
                                   result.retry_after, result.elapsed_ms)
        if result.not_modified:
            with engine.begin() as conn:
                store.update_feed(
                    conn, row["id"], status="unchanged", last_attempt_at=attempted_at,
                    last_success_at=attempted_at, last_error=None, consecutive_failures=0,
                    next_attempt_at=None, latency_ms=result.elapsed_ms,
                    etag=result.etag or row["etag"],
                    last_modified=result.last_modified or row["last_modified"],
                )
            return FeedOutcome(cfg.name, "unchanged", latency_ms=result.elapsed_ms)
        health = dict(status="ok", last_attempt_at=attempted_at,
                      last_success_at=attempted_at, consecutive_failures=0,
                      next_attempt_at=None, latency_ms=result.elapsed_ms, etag=result.etag,
                      last_modified=result.last_modified)
        if cfg.full_text:
            stored = await _store_with_full_text(engine, settings, fetcher, pool, cfg, row,
                                                 result, attempted_at, health)
        else:
            stored = await pool.run(parse_and_store, settings, cfg, row, result.body,
                                    result.headers, attempted_at, health)
        if stored.error:
            return _record_failure(engine, settings, cfg, row, attempted_at, stored.error,
                                   None, result.elapsed_ms)
        return FeedOutcome(cfg.name, "ok", new_articles=stored.new_articles,
                           items=stored.items, warning=stored.warning,
                           latency_ms=result.elapsed_ms)
    except Exception as exc:  # one feed's bug must not end the run
        elapsed = int((time.monotonic() - started) * 1000)
        message = f"internal error while processing the feed: {type(exc).__name__}: {exc}"
        return _record_failure(engine, settings, cfg, row, attempted_at, message[:500], None,
                               elapsed)


def _record_failure(engine: Engine, settings: Settings, cfg: FeedConfig, row: dict,
                    attempted_at: datetime, error: str | None, retry_after: float | None,
                    latency_ms: int | None) -> FeedOutcome:
    failures = (row.get("consecutive_failures") or 0) + 1
    policy = settings.health
    wait = timedelta(minutes=policy.backoff_base_minutes * 2 ** (failures - 1))
    wait = min(wait, timedelta(hours=policy.backoff_max_hours))
    if retry_after:
        asked = timedelta(seconds=retry_after)
        wait = max(wait, min(asked, timedelta(hours=policy.retry_after_max_hours)))
    error = error or "unknown error"
    with engine.begin() as conn:
        store.update_feed(
            conn, row["id"], status="failed", last_attempt_at=attempted_at, last_error=error,
            consecutive_failures=failures, next_attempt_at=attempted_at + wait,
            latency_ms=latency_ms,
        )
    row["consecutive_failures"] = failures
    return FeedOutcome(cfg.name, "failed", error=error, latency_ms=latency_ms)


async def _store_with_full_text(engine: Engine, settings: Settings, fetcher: Fetcher,
                                pool: CpuPool, cfg: FeedConfig, row: dict,
                                result: FetchResult, attempted_at: datetime, health: dict
                                ) -> Stored:
    """Parse, swap in each new article's page text, then store.

    A page that fails keeps the entry's summary.
    """
    parsed, articles = await pool.run(parse_articles, result.body, result.headers,
                                      attempted_at, row["id"], cfg.language)
    if parsed.error:
        return Stored(error=parsed.error)
    with engine.connect() as conn:
        known = store.existing_urls(conn, (a.url for a in articles))
    wanted = [a.link for a in articles if a.url not in known and a.link.startswith("http")
              and _page_allowed(a.link, row["url"])]
    wanted = list(dict.fromkeys(wanted))[: settings.full_text_per_feed]

    async def one(link: str) -> tuple[str, str | None]:
        page: FetchResult = await fetcher.fetch(link, accept=PAGE_ACCEPT)
        if not page.ok or not page.body:
            return link, None
        return link, await pool.run(extract, page.body, page.final_url)

    pages = dict(await asyncio.gather(*(one(link) for link in wanted)))
    articles = [replace(a, text=pages[a.link], text_source="full_text") if pages.get(a.link)
                else a for a in articles]
    return await pool.run(store_feed, settings, cfg, row, articles, attempted_at, health,
                          parsed.warning)


def _page_allowed(link: str, feed_url: str) -> bool:
    """Refuse article links that point at private addresses, unless the feed lives there.

    A hostile feed could otherwise make the job fetch internal services. Host names that
    resolve to private addresses are not caught here; see the README's limitations.
    """
    def private(url: str) -> bool:
        host = urlsplit(url).hostname or ""
        if host == "localhost":
            return True
        try:
            ip = ipaddress.ip_address(host)
        except ValueError:
            return False
        return ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_reserved

    return not private(link) or private(feed_url)
