"""One backfill run: the lock, the feeds side by side, each feed's method chosen (or
probed, for ``auto``) and walked, and its state recorded.

The run is recorded in ``refresh_runs`` (kind "backfill"), so the Sources page lists it.
A backfill takes its own lock (a second backfill exits 3) but not the refresh's: it
may run for hours, and refreshes go on meanwhile. Both write through the write turn,
so each window's plan-and-store is atomic against a refresh's feed, and dedup sees
whichever came first.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime

from feeds import store
from feeds.config import FeedConfig, Settings
from feeds.ingest.backfill import feedpages, gdelt, sitemap, wordpress
from feeds.ingest.backfill.context import (
    Failed,
    FeedReport,
    FeedRun,
    Refused,
    Run,
    Unsupported,
    WindowEvent,
)
from feeds.ingest.backfill.polite import PoliteFetcher
from feeds.ingest.backfill.summary import BackfillSummary
from feeds.ingest.fetch import Fetcher
from feeds.ingest.workers import CpuPool
from feeds.lexicon import load_lexicons
from feeds.store import backfill as progress

WALKS = {"wordpress": wordpress.walk, "feed-pages": feedpages.walk,
         "sitemap": sitemap.walk, "gdelt": gdelt.walk}
PROBE_ORDER = ("wordpress", "feed-pages", "sitemap", "gdelt")
_OUTCOMES = {Refused: "refused", Unsupported: "unsupported", Failed: "failed"}


def run_backfill(settings: Settings, feeds: list[FeedConfig], *, since: datetime,
                 until: datetime, delay: float | None = None,
                 max_articles: int | None = None,
                 on_window: Callable[[WindowEvent], None] | None = None) -> BackfillSummary:
    """Fill the database with the feeds' past articles in [since, until).

    Raises store.LockBusy when another backfill holds this database.
    """
    engine = store.make_engine(settings.db_url)
    try:
        store.migrate(engine)
        lexicons = load_lexicons(settings.lexicon_dir)
        with store.refresh_lock(engine, "backfill"), \
                CpuPool(settings, lexicons, engine) as pool:
            with store.write_turn(engine) as conn:
                rows = store.sync_feeds(conn, feeds)
            summary = BackfillSummary(started_at=store.utcnow(), since=since, until=until)
            run_id = store.start_run(engine, "backfill")
            asyncio.run(_run_all(settings, engine, pool, feeds, rows, summary, delay,
                                 max_articles, on_window))
            summary.finished_at = store.utcnow()
            states = [f.state for f in summary.feeds]
            store.finish_run(
                engine, run_id, new_articles=summary.new_articles,
                feeds_ok=sum(s in ("done", "in_progress") for s in states),
                feeds_failed=sum(s in ("failed", "refused") for s in states),
                feeds_skipped=sum(s == "unsupported" for s in states))
            return summary
    finally:
        engine.dispose()


async def _run_all(settings, engine, pool, feeds, rows, summary, delay, max_articles,
                   on_window) -> None:
    policy = settings.backfill
    async with Fetcher(settings.fetch) as fetcher:
        polite = PoliteFetcher(fetcher, policy, policy.delay if delay is None else delay)
        run = Run(settings, engine, pool, polite, summary.since, summary.until,
                  summary.started_at, max_articles, on_window)
        for cfg in feeds:
            if cfg.backfill_delay is not None:
                polite.set_pause(rows[cfg.name]["url"], cfg.backfill_delay)
        runs = [FeedRun(run, cfg, rows[cfg.name], FeedReport(cfg.name)) for cfg in feeds]
        summary.feeds = [feed.report for feed in runs]
        await asyncio.gather(*(_one_feed(feed) for feed in runs))
        summary.requests = polite.requests


async def _one_feed(feed: FeedRun) -> None:
    report, cfg = feed.report, feed.cfg
    method = cfg.backfill
    if method == "none":
        _finish(feed, "none", "unsupported", "backfill = \"none\" in the feeds list")
        return
    try:
        if method == "auto":
            method = await _choose(feed)
            if method is None:
                return
        report.method = method
        complete = await WALKS[method](feed)
    except tuple(_OUTCOMES) as exc:
        _finish(feed, method, _OUTCOMES[type(exc)], str(exc))
    except Exception as exc:  # one feed's bug must not end the run
        _finish(feed, method, "failed",
                f"internal error: {type(exc).__name__}: {exc}"[:500])
    else:
        _finish(feed, method, "done" if complete else "in_progress", report.detail)


async def _choose(feed: FeedRun) -> str | None:
    """The method ``auto`` uses: the one an earlier run found working, or the first
    that answers a probe now. Every verdict is recorded, so a site is probed once."""
    run = feed.run
    with run.engine.connect() as conn:
        known = progress.states(conn, feed.row["id"])
    working = [(row["updated_at"], method) for method, row in known.items()
               if method in WALKS and row["state"] in ("in_progress", "done")]
    if working:
        return max(working)[1]
    tried = []
    for method in PROBE_ORDER:
        if known.get(method, {}).get("state") in ("refused", "unsupported"):
            tried.append(f"{method}: {known[method]['state']} earlier")
            continue
        problem = await probe(run.polite, method, feed.row["url"], feed.site,
                              run.settings.backfill.gdelt_api,
                              own_feed=feed.cfg.backfill_site is None)
        if problem is None:
            _record(feed, method, "in_progress", "chosen by auto")
            return method
        tried.append(f"{method}: {problem}")
        if isinstance(problem, (Refused, Unsupported)):
            _record(feed, method, _OUTCOMES[type(problem)], str(problem))
    _finish(feed, "auto", "unsupported", "no history method answered (" +
            "; ".join(tried) + ")")
    return None


async def probe(polite: PoliteFetcher, method: str, feed_url: str, site: str,
                gdelt_api: str = gdelt.API, *, own_feed: bool = True) -> Exception | None:
    """Ask a site once whether ``method`` works there; None when it does. A feed that
    is not the site's own (``backfill_site`` set) has no pages to walk."""
    if method == "wordpress":
        return await wordpress.probe(polite, site)
    if method == "feed-pages":
        if not own_feed:
            return Unsupported("the feed is not the site's own (backfill_site is set)")
        return await feedpages.probe(polite, feed_url)
    if method == "sitemap":
        return await sitemap.probe(polite, site)
    return await gdelt.probe(polite, feed_url if own_feed else site, gdelt_api)


def _finish(feed: FeedRun, method: str, state: str, detail: str | None) -> None:
    feed.report.method = feed.report.method or method
    feed.report.state = state
    feed.report.detail = detail
    _record(feed, method, state, detail)


def _record(feed: FeedRun, method: str, state: str, detail: str | None) -> None:
    with store.write_turn(feed.run.engine) as conn:
        progress.set_state(conn, feed.row["id"], method, state, detail)
