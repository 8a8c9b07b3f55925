"""The walk shared by the dated methods (wordpress, sitemap, gdelt): the range cut
into grid windows, newest first, each fetched, stored and checkpointed in turn.

Windows finished by an earlier run are skipped without a request. A run asked to stop
(``--max-articles`` reached) ends after the window it is storing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime

from feeds.ingest.backfill import checkpoints
from feeds.ingest.backfill.checkpoints import Window
from feeds.ingest.backfill.context import FeedRun
from feeds.ingest.backfill.jobs import Prepared
from feeds.store import backfill as progress

FetchWindow = Callable[[FeedRun, Window], Awaitable[Prepared]]


async def walk(feed: FeedRun, method: str, days: int, fetch: FetchWindow,
               since: datetime | None = None) -> bool:
    """Walk [since, until) for ``method``; True when every window is finished."""
    run = feed.run
    windows = checkpoints.grid(since or run.since, run.until, days)
    with run.engine.connect() as conn:
        finished = progress.finished_windows(conn, feed.row["id"], method)
    todo = list(checkpoints.pending(windows, finished))
    feed.report.windows += len(windows)
    feed.report.windows_skipped += len(windows) - len(todo)
    run.windows_total += len(todo)
    for window in todo:
        if run.stopping:
            return False
        articles, ready = await fetch(feed, window)
        await feed.store(method, articles, ready, feed.window_checkpoint(method, window),
                         window.label)
    return True


def merge(parts: list[Prepared]) -> Prepared:
    articles, ready = [], {}
    for part_articles, part_ready in parts:
        articles += part_articles
        ready.update(part_ready)
    return articles, ready
