"""Where a backfill stands, kept in the database so a killed run resumes.

A history walk is cut into date windows on a fixed grid (so two runs with different
``--since`` dates still name the same windows). A window's new articles and its row in
``backfill_windows`` commit in one transaction, inside the write turn: a run killed
with SIGKILL loses at most the window it was fetching, and a rerun skips every window
that has a row. A window that reaches into the future at the time of the run (the
current week, say) is stored but not marked finished, so the next run looks at it again.

``backfill_state`` keeps one row per feed and method: its state for the Sources page
(in_progress, done, refused, unsupported, failed), the last problem in plain words, and
for paged feeds the next page to ask for.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, insert, select, update

from feeds import store
from feeds.store import schema

# Weekly windows start on Mondays; this Monday anchors every grid.
_ANCHOR = datetime(2000, 1, 3)
STATES = ("in_progress", "done", "refused", "unsupported", "failed")


@dataclass(frozen=True)
class Window:
    start: datetime
    end: datetime  # exclusive

    @property
    def label(self) -> str:
        return f"{self.start:%Y-%m-%d}..{self.end - timedelta(seconds=1):%Y-%m-%d}"


def grid(since: datetime, until: datetime, days: int) -> list[Window]:
    """The windows of ``days`` days (calendar months for 28 or more) that cover
    [since, until), newest first."""
    windows: list[Window] = []
    if days >= 28:
        start = since.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
        while start < until:
            end = (start + timedelta(days=32)).replace(day=1)
            windows.append(Window(start, end))
            start = end
    else:
        step = timedelta(days=days)
        start = _ANCHOR + step * ((since - _ANCHOR) // step)
        while start < until:
            windows.append(Window(start, start + step))
            start += step
    return windows[::-1]


def finished_windows(conn: Connection, feed_id: int, method: str) -> set[datetime]:
    """Starts of the windows this feed and method have finished."""
    w = schema.backfill_windows
    rows = conn.execute(select(w.c.window_start, w.c.window_end).where(
        w.c.feed_id == feed_id, w.c.method == method))
    return {start for start, _end in rows}


def record_window(feed_id: int, method: str, window: Window, run_started: datetime,
                  conn: Connection, articles: int) -> None:
    """Mark ``window`` finished (unless it reaches past the run's start) and add its
    articles to the method's state. Called inside the window's write transaction."""
    now = store.utcnow()
    if window.end <= run_started:
        conn.execute(insert(schema.backfill_windows).values(
            feed_id=feed_id, method=method, window_start=window.start,
            window_end=window.end, articles=articles, finished_at=now))
    _upsert(conn, feed_id, method, state="in_progress", reached=window.start,
            add_articles=articles, now=now)


def record_page(feed_id: int, method: str, next_page: int, reached: datetime | None,
                conn: Connection, articles: int) -> None:
    """Paged feeds: the next page to ask for, in the page's write transaction."""
    _upsert(conn, feed_id, method, state="in_progress", cursor=next_page, reached=reached,
            add_articles=articles, now=store.utcnow())


def set_state(conn: Connection, feed_id: int, method: str, state: str,
              detail: str | None = None) -> None:
    assert state in STATES, state
    _upsert(conn, feed_id, method, state=state, detail=detail, now=store.utcnow())


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


def pending(windows: list[Window], finished: set[datetime]) -> Iterator[Window]:
    return (w for w in windows if w.start not in finished)
