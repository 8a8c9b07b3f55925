"""Backfill progress in the database: finished date windows and each method's state.

A window's row is written in the same transaction as the window's articles (inside the
write turn), so a run killed with SIGKILL loses at most the window in flight, and a
rerun skips every window with a row. A window reaching past the run's start (the
current week) is stored but not marked finished, so the next run looks at it again.

``backfill_state`` keeps one row per feed and method: its state for the Sources page,
the last problem in plain words, the oldest time reached, the articles it brought, and
for paged feeds the next page to ask for.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Connection, insert, select, update

from feeds.store import schema
from feeds.store.engine import utcnow

STATES = ("in_progress", "done", "refused", "unsupported", "failed")


def finished_windows(conn: Connection, feed_id: int, method: str) -> set[datetime]:
    """Starts of the windows this feed and method have finished."""
    w = schema.backfill_windows
    return set(conn.execute(select(w.c.window_start).where(
        w.c.feed_id == feed_id, w.c.method == method)).scalars())


def record_window(feed_id: int, method: str, start: datetime, end: datetime,
                  run_started: datetime, conn: Connection, articles: int) -> None:
    """Mark [start, end) finished (unless it reaches past the run's start) and add its
    articles to the method's state. Called inside the window's write transaction."""
    now = utcnow()
    if end <= run_started:
        conn.execute(insert(schema.backfill_windows).values(
            feed_id=feed_id, method=method, window_start=start, window_end=end,
            articles=articles, finished_at=now))
    _upsert(conn, feed_id, method, state="in_progress", reached=start,
            add_articles=articles, now=now)


def record_page(feed_id: int, method: str, next_page: int, reached: datetime | None,
                conn: Connection, articles: int) -> None:
    """Paged feeds: the next page to ask for, in the page's write transaction."""
    _upsert(conn, feed_id, method, state="in_progress", cursor=next_page, reached=reached,
            add_articles=articles, now=utcnow())


def set_state(conn: Connection, feed_id: int, method: str, state: str,
              detail: str | None = None) -> None:
    assert state in STATES, state
    _upsert(conn, feed_id, method, state=state, detail=detail, now=utcnow())


def states(conn: Connection, feed_id: int) -> dict[str, dict]:
    """This feed's rows by method."""
    s = schema.backfill_state
    return {row.method: dict(row._mapping)
            for row in conn.execute(select(s).where(s.c.feed_id == feed_id))}


def _upsert(conn: Connection, feed_id: int, method: str, *, state: str, now: datetime,
            detail: str | None = None, cursor: int | None = None,
            reached: datetime | None = None, add_articles: int = 0) -> None:
    s = schema.backfill_state
    row = conn.execute(select(s.c.reached, s.c.articles, s.c.cursor).where(
        s.c.feed_id == feed_id, s.c.method == method)).first()
    if row is None:
        conn.execute(insert(s).values(
            feed_id=feed_id, method=method, state=state, detail=detail, cursor=cursor,
            reached=reached, articles=add_articles, updated_at=now))
        return
    if reached is not None and row.reached is not None:
        reached = min(reached, row.reached)
    conn.execute(update(s).where(s.c.feed_id == feed_id, s.c.method == method).values(
        state=state, detail=detail, updated_at=now,
        cursor=cursor if cursor is not None else row.cursor,
        reached=reached if reached is not None else row.reached,
        articles=row.articles + add_articles))
