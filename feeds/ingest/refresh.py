"""One refresh run: lock, fetch, parse, extract, dedup, score, store, and feed health.

The run is the only writer. Its parent process fetches; its workers (``feeds.ingest.workers``)
parse, score and store, one feed per job. Each feed is processed alone: its new articles,
their scores and its health row commit in one transaction, so a feed that fails (or a
process killed with SIGKILL, whose workers die with it) leaves every other feed's work
intact and no half-written feed behind. The run row is written first and closed last; a
run killed midway keeps ``finished_at`` NULL, which the Sources page shows as
interrupted.

Some failures are nobody's feed's fault. When the database fails for everyone
(``store.DatabaseFault``) or the run loses its lock (``store.LockLost``, found by the
lock's heartbeat or by a write turn), the run stops starting work: feeds not yet stored
are reported as skipped, none is put into backoff, and the run row is closed as
``database-error`` or ``lost-lock``.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta

from sqlalchemy import Engine

from feeds import store
from feeds.config import FeedConfig, Settings
from feeds.ingest.fetch import PAGE_ACCEPT, Fetcher, FetchResult
from feeds.ingest.netpolicy import is_refusal
from feeds.ingest.salvage import count_note, join_notes
from feeds.ingest.workers import (
    CpuPool,
    Stored,
    extract,
    parse_and_store,
    parse_articles,
    store_feed,
)
from feeds.lexicon import load_lexicons
from feeds.store.faults import short_reason


@dataclass
class FeedOutcome:
    name: str
    status: str  # ok | unchanged | failed | skipped
    new_articles: int = 0
    items: int = 0
    skipped_entries: int = 0  # entries left out of an ok feed (named in the warning)
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
    outcome: str | None = None  # completed | lost-lock | database-error, once closed

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
        if self.outcome == "lost-lock":
            text += "; STOPPED: the run lost its database lock"
        if failed:
            text += " (failed: " + "; ".join(f"{o.name}: {o.error}" for o in failed[:5])
            text += ", ..." if len(failed) > 5 else ""
            text += ")"
        return " ".join(text.split())  # names and errors never break the line

    def to_json(self) -> str:
        return json.dumps({
            "run_id": self.run_id,
            "kind": self.kind,
            "started_at": self.started_at.isoformat() + "Z",
            "finished_at": self.finished_at.isoformat() + "Z" if self.finished_at else None,
            "seconds": round(self.seconds, 3),
            "outcome": self.outcome,
            "feeds_ok": self.count("ok"),
            "feeds_failed": self.count("failed"),
            "feeds_unchanged": self.count("unchanged"),
            "feeds_skipped": self.count("skipped"),
            "new_articles": self.new_articles,
            "feeds": [asdict(o) for o in self.outcomes],
        }, ensure_ascii=False)


def run_refresh(settings: Settings, feeds: list[FeedConfig], *, force: bool = False,
                on_feed_done: Callable[[FeedOutcome], None] | None = None) -> RunSummary:
    """Fetch every due feed once and store what is new.

    Raises store.LockBusy when another run holds the lock, and store.DatabaseFault (a
    short message) when the database fails for everyone. A run that loses its lock
    midway stops starting work and returns a summary whose ``outcome`` is "lost-lock".
    """
    engine = store.make_engine(settings.db_url)
    try:
        store.migrate(engine)
        lexicons = load_lexicons(settings.lexicon_dir)
        with store.refresh_lock(engine, heartbeat=settings.lock_heartbeat) as lock, \
                CpuPool(settings, lexicons, engine, lock.holder) as pool:
            run = _Run(engine, settings, pool, lock)
            summary = RunSummary(store.start_run(engine), "refresh", store.utcnow())
            try:  # in the write turn: a backfill may be adding the same feeds' rows
                with store.write_turn(engine, lock.holder) as conn:
                    rows = store.sync_feeds(conn, feeds)
            except store.LockLost:
                lock.lost.set()
                _close_run(engine, summary, "lost-lock")
                return summary
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
            asyncio.run(_fetch_all(run, due, rows, summary, on_feed_done))
            if run.fault is not None:
                with contextlib.suppress(Exception):  # the database may be gone
                    _close_run(engine, summary, "database-error")
                raise run.fault
            _close_run(engine, summary, "lost-lock" if lock.lost.is_set() else "completed")
            return summary
    except Exception as exc:
        fault = store.database_fault(exc)
        if fault is not None and fault is not exc:
            raise fault from None
        raise
    finally:
        engine.dispose()


@dataclass
class _Run:
    """What every feed of a run shares, and why the run stopped starting work."""

    engine: Engine
    settings: Settings
    pool: CpuPool
    lock: store.RunLock
    fault: store.DatabaseFault | None = None  # the database failed for everyone
    fetcher: Fetcher | None = None

    def stopped(self) -> str | None:
        if self.fault is not None:
            return "the database failed"
        if self.lock.lost.is_set():
            return "the run lost its lock"
        return None

    def stop_for(self, exc: BaseException) -> bool:
        """Record ``exc`` if it stops the run (a database fault, a lost lock)."""
        if isinstance(exc, store.LockLost):
            self.lock.lost.set()
            return True
        fault = store.database_fault(exc)
        if fault is not None:
            self.fault = self.fault or fault
            return True
        return False


def _close_run(engine: Engine, summary: RunSummary, outcome: str) -> None:
    summary.finished_at = store.utcnow()
    summary.outcome = outcome
    store.finish_run(
        engine, summary.run_id,
        feeds_ok=summary.count("ok"), feeds_failed=summary.count("failed"),
        feeds_unchanged=summary.count("unchanged"), feeds_skipped=summary.count("skipped"),
        new_articles=summary.new_articles, outcome=outcome,
    )


async def _fetch_all(run: _Run, due, rows, summary, on_feed_done) -> None:
    async with Fetcher(run.settings.fetch) as fetcher:
        run.fetcher = fetcher

        async def one(cfg: FeedConfig) -> None:
            outcome = await _refresh_feed(run, cfg, rows[cfg.name])
            summary.outcomes.append(outcome)
            if on_feed_done:
                on_feed_done(outcome)

        await asyncio.gather(*(one(cfg) for cfg in due))


async def _refresh_feed(run: _Run, cfg: FeedConfig, row: dict) -> FeedOutcome:
    """Fetch one feed, hand it to a worker to parse and store, and record its health.

    The parent only fetches and records failures and 304s; everything that reads or
    writes articles happens in the worker's one transaction for this feed. Once the run
    has stopped (a database fault, a lost lock), nothing more is fetched or written.
    """
    started = time.monotonic()
    attempted_at = store.utcnow()
    engine, settings, fetcher, pool = run.engine, run.settings, run.fetcher, run.pool
    holder = run.lock.holder
    try:
        if run.stopped():
            return FeedOutcome(cfg.name, "skipped", error=f"not fetched: {run.stopped()}")
        result = await fetcher.fetch(row["url"], etag=row["etag"],
                                     last_modified=row["last_modified"])
        if run.stopped():
            return FeedOutcome(cfg.name, "skipped", error=f"not stored: {run.stopped()}")
        if not result.ok:
            return _record_failure(run, cfg, row, attempted_at, result.error,
                                   result.retry_after, result.elapsed_ms)
        if result.not_modified:
            with store.write_turn(engine, holder) as conn:
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
            stored = await _store_with_full_text(run, cfg, row, result, attempted_at, health)
        else:
            stored = await pool.run(parse_and_store, settings, cfg, row, result.body,
                                    result.headers, attempted_at, health)
        if stored.error:
            return _record_failure(run, cfg, row, attempted_at, stored.error, None,
                                   result.elapsed_ms)
        return FeedOutcome(cfg.name, "ok", new_articles=stored.new_articles,
                           items=stored.items, skipped_entries=stored.skipped,
                           warning=stored.warning, latency_ms=result.elapsed_ms)
    except Exception as exc:
        if run.stop_for(exc):  # not this feed's fault: no failure, no backoff
            return FeedOutcome(cfg.name, "skipped", error=f"not stored: {run.stopped()}")
        # One feed's bug must not end the run.
        elapsed = int((time.monotonic() - started) * 1000)
        message = (f"internal error while processing the feed: {type(exc).__name__}: "
                   f"{short_reason(exc)}")  # its first line: never the SQL behind it
        try:
            return _record_failure(run, cfg, row, attempted_at, message[:500], None, elapsed)
        except Exception as again:
            if run.stop_for(again):
                return FeedOutcome(cfg.name, "skipped", error=f"not stored: {run.stopped()}")
            raise


def _record_failure(run: _Run, cfg: FeedConfig, row: dict, attempted_at: datetime,
                    error: str | None, retry_after: float | None,
                    latency_ms: int | None) -> FeedOutcome:
    failures = (row.get("consecutive_failures") or 0) + 1
    policy = run.settings.health
    wait = timedelta(minutes=policy.backoff_base_minutes * 2 ** (failures - 1))
    wait = min(wait, timedelta(hours=policy.backoff_max_hours))
    if retry_after:
        asked = timedelta(seconds=retry_after)
        wait = max(wait, min(asked, timedelta(hours=policy.retry_after_max_hours)))
    error = " ".join((error or "unknown error").split())  # one line, always
    with store.write_turn(run.engine, run.lock.holder) as conn:
        store.update_feed(
            conn, row["id"], status="failed", last_attempt_at=attempted_at, last_error=error,
            consecutive_failures=failures, next_attempt_at=attempted_at + wait,
            latency_ms=latency_ms,
        )
    row["consecutive_failures"] = failures
    return FeedOutcome(cfg.name, "failed", error=error, latency_ms=latency_ms)


async def _store_with_full_text(run: _Run, cfg: FeedConfig, row: dict, result: FetchResult,
                                attempted_at: datetime, health: dict) -> Stored:
    """Parse, swap in each new article's page text, then store.

    A page that fails keeps the entry's summary.
    """
    pool, fetcher = run.pool, run.fetcher
    parsed, articles, skipped = await pool.run(parse_articles, result.body, result.headers,
                                               attempted_at, row["id"], cfg.language)
    if parsed.error:
        return Stored(error=parsed.error)
    with run.engine.connect() as conn:
        known = store.existing_urls(conn, (a.url for a in articles))
    wanted = [a.link for a in articles if a.url not in known and a.link.startswith("http")]
    wanted = list(dict.fromkeys(wanted))[: run.settings.full_text_per_feed]

    async def one(link: str) -> tuple[str, str | None, str | None]:
        page: FetchResult = await fetcher.fetch(link, accept=PAGE_ACCEPT)
        if not page.ok or not page.body:
            return link, None, page.error
        return link, await pool.run(extract, page.body, page.final_url), None

    fetched = await asyncio.gather(*(one(link) for link in wanted))
    pages = {link: text for link, text, _error in fetched}
    articles = [replace(a, text=pages[a.link], text_source="full_text") if pages.get(a.link)
                else a for a in articles]
    # The feed itself is fine; its note says which of its links were not followed.
    refused = [f"{link[:200]} {error}" for link, _text, error in fetched if is_refusal(error)]
    warning = join_notes(parsed.warning,
                         count_note(refused, "article page refused", "article pages refused"))
    return await pool.run(store_feed, run.settings, cfg, row, articles, attempted_at, health,
                          warning, skipped)
