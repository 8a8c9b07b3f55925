"""Every write the ingest makes: feeds, runs, articles, carriers and scores.

Writes take a ``Connection`` inside a transaction the caller opened, so the refresh job
decides what commits together (one feed's articles, its scores and its health, all or
nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Connection, Engine, bindparam, delete, insert, select, update

from feeds.store import schema
from feeds.store.engine import utcnow
from feeds.store.rows import ScoreRows, score_rows

if TYPE_CHECKING:  # the store reads scores; it never runs the scorer
    from feeds.score.results import ArticleScore


# --- feeds ---------------------------------------------------------------------------


def sync_feeds(conn: Connection, configs: Iterable) -> dict[str, dict]:
    """Make sure every configured feed has a row; return rows keyed by feed name.

    A feed whose URL changed keeps its history but forgets its HTTP validators and
    failure count, which belonged to the old address.
    """
    rows = {r.name: dict(r._mapping) for r in conn.execute(select(schema.feeds))}
    for cfg in configs:
        row = rows.get(cfg.name)
        if row is None:
            new_id = conn.execute(
                insert(schema.feeds).values(name=cfg.name, url=cfg.url, status="new")
            ).inserted_primary_key[0]
            rows[cfg.name] = dict(
                conn.execute(select(schema.feeds).where(schema.feeds.c.id == new_id))
                .one()._mapping
            )
        elif row["url"] != cfg.url:
            values = dict(url=cfg.url, etag=None, last_modified=None,
                          consecutive_failures=0, next_attempt_at=None)
            conn.execute(update(schema.feeds).where(schema.feeds.c.id == row["id"])
                         .values(**values))
            row.update(values)
    return rows


def update_feed(conn: Connection, feed_id: int, **values) -> None:
    conn.execute(update(schema.feeds).where(schema.feeds.c.id == feed_id).values(**values))


# --- runs ----------------------------------------------------------------------------


def start_run(engine: Engine, kind: str = "refresh") -> int:
    with engine.begin() as conn:
        return conn.execute(
            insert(schema.refresh_runs).values(started_at=utcnow(), kind=kind)
        ).inserted_primary_key[0]


def finish_run(engine: Engine, run_id: int, **counts) -> None:
    with engine.begin() as conn:
        conn.execute(
            update(schema.refresh_runs)
            .where(schema.refresh_runs.c.id == run_id)
            .values(finished_at=utcnow(), **counts)
        )


# --- articles ------------------------------------------------------------------------


@dataclass
class NewArticle:
    url: str  # canonical
    link: str
    guid: str | None
    fingerprint: str
    title: str
    published_at: datetime
    published_estimated: bool
    language: str | None
    summary: str
    text: str
    text_source: str = "summary"


def existing_urls(conn: Connection, urls: Iterable[str]) -> dict[str, int]:
    """Canonical URL -> article id, for those of ``urls`` already stored."""
    urls = list(set(urls))
    a = schema.articles
    found: dict[str, int] = {}
    for chunk in _chunks(urls):
        found.update(conn.execute(select(a.c.url, a.c.id).where(a.c.url.in_(chunk))).all())
    return found


def existing_guids(conn: Connection, feed_id: int, guids: Iterable[str]) -> dict[str, int]:
    """GUID -> article id, for GUIDs this feed already gave."""
    guids = list(set(guids))
    t = schema.article_feeds
    found: dict[str, int] = {}
    for chunk in _chunks(guids):
        found.update(conn.execute(select(t.c.guid, t.c.article_id).where(
            t.c.feed_id == feed_id, t.c.guid.in_(chunk))).all())
    return found


def fingerprint_candidates(conn: Connection, fingerprints: Iterable[str], start: datetime,
                           end: datetime) -> dict[str, list[tuple[int, datetime, str, str]]]:
    """Stored articles with these title fingerprints published in [start, end]:
    (id, published_at, title, text) by fingerprint."""
    a = schema.articles
    found: dict[str, list[tuple[int, datetime, str, str]]] = {}
    for chunk in _chunks(list(set(fingerprints))):
        rows = conn.execute(
            select(a.c.fingerprint, a.c.id, a.c.published_at, a.c.title, a.c.text).where(
                a.c.fingerprint.in_(chunk), a.c.published_at.between(start, end)))
        for fingerprint, article_id, published_at, title, text_ in rows:
            found.setdefault(fingerprint, []).append((article_id, published_at, title, text_))
    return found


def carried_by(conn: Connection, feed_id: int, article_ids: Iterable[int]) -> set[int]:
    """Those of ``article_ids`` this feed is already recorded as carrying."""
    t = schema.article_feeds
    found: set[int] = set()
    for chunk in _chunks(list(set(article_ids))):
        found.update(conn.execute(select(t.c.article_id).where(
            t.c.feed_id == feed_id, t.c.article_id.in_(chunk))).scalars())
    return found


def insert_articles(conn: Connection, arts: list[NewArticle], feed: dict,
                    fetched_at: datetime) -> list[int]:
    """Insert new articles and their carrier rows; return their ids, in order."""
    if not arts:
        return []
    a = schema.articles
    ids = list(conn.execute(
        insert(a).returning(a.c.id, sort_by_parameter_order=True),
        [dict(url=art.url, link=art.link, fingerprint=art.fingerprint, title=art.title,
              feed_id=feed["id"], source=feed["name"], published_at=art.published_at,
              published_day=art.published_at.date(),
              published_estimated=art.published_estimated, fetched_at=fetched_at,
              language=art.language, summary=art.summary, text=art.text,
              text_source=art.text_source)
         for art in arts],
    ).scalars())
    link_feeds(conn, [(article_id, feed["id"], art.link, art.guid)
                      for article_id, art in zip(ids, arts, strict=True)], fetched_at)
    return ids


def link_feeds(conn: Connection, links: list[tuple[int, int, str, str | None]],
               seen_at: datetime) -> None:
    """Record (article id, feed id, link, guid) carrier rows; callers skip known pairs."""
    bulk_insert(conn, schema.article_feeds, [
        dict(article_id=article_id, feed_id=feed_id, link=link, guid=guid,
             first_seen_at=seen_at)
        for article_id, feed_id, link, guid in links
    ])


def _chunks(values: list, size: int = 500) -> Iterator[list]:
    for i in range(0, len(values), size):
        yield values[i:i + size]


def save_scores(conn: Connection, scored: list[tuple[int, ArticleScore]],
                lexicon_version: str, scored_at: datetime | None = None, *,
                fresh: bool = False) -> None:
    """Replace the scores and evidence of each (article id, score) pair.

    ``fresh`` says the articles were inserted in this transaction and have no evidence
    rows yet, which saves the deletes.
    """
    if not scored:
        return
    scored_at = scored_at or utcnow()
    ids = [article_id for article_id, _ in scored]
    if not fresh:
        for table in schema.SCORE_TABLES:
            for chunk in _chunks(ids):
                conn.execute(delete(table).where(table.c.article_id.in_(chunk)))
    rows = [score_rows(article_id, s, lexicon_version, scored_at) for article_id, s in scored]
    a = schema.articles
    conn.execute(
        update(a).where(a.c.id == bindparam("b_id")).values(
            {name: bindparam("b_" + name) for name in rows[0].article}),
        [{"b_id": article_id, **{"b_" + k: v for k, v in r.article.items()}}
         for (article_id, _), r in zip(scored, rows, strict=True)],
    )
    for name in ScoreRows.EVIDENCE:
        bulk_insert(conn, schema.metadata.tables[name],
                    [row for r in rows for row in getattr(r, name)])


def bulk_insert(conn: Connection, table, rows: list[dict]) -> None:
    """Insert many rows of one shape (all rows have the same keys).

    On PostgreSQL through psycopg 3 the rows go in with COPY: an executemany there is
    one INSERT per row on the server, and evidence rows come by the hundred per feed.
    COPY runs on the same connection, inside the caller's transaction.
    """
    if not rows:
        return
    if conn.dialect.name != "postgresql" or conn.dialect.driver != "psycopg":
        conn.execute(insert(table), rows)
        return
    columns = list(rows[0])
    quote = conn.dialect.identifier_preparer
    statement = "COPY {} ({}) FROM STDIN".format(
        quote.format_table(table), ", ".join(quote.quote(name) for name in columns))
    cursor = conn.connection.driver_connection.cursor()
    with cursor, cursor.copy(statement) as copy:
        for row in rows:
            copy.write_row([row[name] for name in columns])
