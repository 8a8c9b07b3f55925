"""Storage: engines, migrations, the refresh lock, and every write the ingest makes.

The schema itself is in ``feeds/schema.py``; this module owns how it is reached. Writes
take a ``Connection`` inside a transaction the caller opened, so the refresh job decides
what commits together (one feed's articles, its scores and its health, all or nothing).
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    create_engine,
    delete,
    event,
    insert,
    select,
    text,
    update,
)
from sqlalchemy.engine import make_url

from feeds import schema
from feeds.score.results import ArticleScore

PG_LOCK_KEY = 0x43414D424F444941 & 0x7FFFFFFFFFFFFFFF  # "CAMBODIA", as a bigint
PG_TURN_KEY = PG_LOCK_KEY - 1  # the write turn's transaction-level lock
PG_BACKFILL_KEY = PG_LOCK_KEY - 2  # one backfill at a time


class LockBusy(RuntimeError):
    """Another run of the same kind (refresh, or backfill) holds this database's lock."""


def utcnow() -> datetime:
    """Naive UTC, the form every stored time takes."""
    return datetime.now(UTC).replace(tzinfo=None)


def normalise_url(url: str) -> str:
    """Accept plain ``postgresql://`` URLs and route them to psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def sqlite_path(url: str) -> Path | None:
    """The database file for a SQLite URL, or None for in-memory and other databases."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    if parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    """An engine with the settings this project relies on.

    SQLite gets WAL (the dashboard reads while a refresh writes), a busy timeout (a
    reader never fails because the writer holds the lock for a moment) and enforced
    foreign keys.
    """
    url = normalise_url(url)
    path = sqlite_path(url)
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


# Alembic is imported where it is used: the refresh workers and the dashboard never
# migrate, and it is the heaviest import of this module.


def _alembic_config(connection: Connection):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    cfg.attributes["connection"] = connection
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision`` (default: the newest). Safe to call every run."""
    from alembic import command

    with engine.begin() as conn:
        if current_revision(conn) == head_revision() and revision == "head":
            return
        command.upgrade(_alembic_config(conn), revision)


def current_revision(conn: Connection) -> str | None:
    from alembic.runtime.migration import MigrationContext

    return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory(str(Path(__file__).parent / "migrations"))
    return script.get_current_head()


@contextlib.contextmanager
def refresh_lock(engine: Engine, kind: str = "refresh") -> Iterator[None]:
    """Hold the one-run lock: a file lock beside a SQLite file, an advisory lock on PG.

    ``kind`` "backfill" takes a lock of its own (``<database>.backfill.lock``): a
    backfill runs for hours, so it must not keep refreshes out; the two share the
    database through the write turn instead, and only a second backfill is refused.
    Both locks die with the process, so a run killed with SIGKILL never leaves a stale
    lock behind.
    """
    path = sqlite_path(str(engine.url))
    key = PG_LOCK_KEY if kind == "refresh" else PG_BACKFILL_KEY
    if engine.dialect.name == "sqlite":
        if path is None:
            yield
            return
        suffix = ".lock" if kind == "refresh" else f".{kind}.lock"
        lock_path = path.with_name(path.name + suffix)
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise LockBusy(
                    f"another {kind} is running on {path} (lock file {lock_path})"
                ) from None
            yield
        finally:
            os.close(fd)
        return
    with engine.connect() as conn:
        got = conn.execute(select(text(f"pg_try_advisory_lock({key})"))).scalar()
        conn.commit()
        if not got:
            raise LockBusy(f"another {kind} is running on this PostgreSQL database")
        try:
            yield
        finally:
            conn.execute(select(text(f"pg_advisory_unlock({key})")))
            conn.commit()


@contextlib.contextmanager
def write_turn(engine: Engine) -> Iterator[Connection]:
    """A transaction that holds the write turn from its first statement to its end.

    A run's workers write through this one at a time, so a plan made from what is
    stored stays true until it commits (two feeds carrying one story cannot both decide
    it is new), and SQLite's single writer is handed over at once instead of through its
    busy handler's sleeps. On SQLite the turn is an flock on ``<database>.turn``; on
    PostgreSQL a transaction-level advisory lock. The kernel or the server releases
    either when its holder dies, so a worker killed mid-write leaves no one waiting.
    """
    path = sqlite_path(str(engine.url))
    if engine.dialect.name == "sqlite" and path is not None:
        fd = os.open(path.with_name(path.name + ".turn"), os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            with engine.begin() as conn:
                yield conn
        finally:
            os.close(fd)  # which releases the flock
        return
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(select(text(f"pg_advisory_xact_lock({PG_TURN_KEY})")))
        yield conn


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
    arrival: str = "feed"  # how it arrived: feed, or a backfill method


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
              text_source=art.text_source, arrival=art.arrival)
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
    a = schema.articles
    conn.execute(
        update(a).where(a.c.id == bindparam("b_id")).values(
            relevant=bindparam("b_relevant"), relevance_terms=bindparam("b_terms"),
            language=bindparam("b_language"), sentiment=bindparam("b_sentiment"),
            sentiment_pos=bindparam("b_pos"), sentiment_neg=bindparam("b_neg"),
            sentiment_neu=bindparam("b_neu"), sentence_count=bindparam("b_sentences"),
            risk_score=bindparam("b_risk"), scored_at=scored_at,
            lexicon_version=lexicon_version,
        ),
        [dict(b_id=article_id, b_relevant=s.relevant,
              b_terms=json.dumps(s.relevance_terms, ensure_ascii=False),
              b_language=s.language, b_sentiment=s.sentiment, b_pos=s.sentiment_pos,
              b_neg=s.sentiment_neg, b_neu=s.sentiment_neu, b_sentences=s.sentence_count,
              b_risk=s.risk_score)
         for article_id, s in scored],
    )
    matches, categories, mentions, per_article_actors, names = [], [], [], [], []
    for article_id, score in scored:
        counts: dict[str, int] = {}
        for m in score.term_matches:
            counts[m.category] = counts.get(m.category, 0) + 1
            matches.append(dict(article_id=article_id, category=m.category, term=m.term,
                                matched=m.matched, weight=m.weight,
                                sentence_index=m.sentence_index, start=m.start, end=m.end))
        categories += [dict(article_id=article_id, category=cat, matches=n,
                            points=float(score.category_points.get(cat, 0.0)))
                       for cat, n in counts.items()]
        per_actor: dict[str, list] = {}
        for m in score.actor_mentions:
            per_actor.setdefault(m.actor, []).append(m)
            mentions.append(dict(article_id=article_id, actor=m.actor, alias=m.alias,
                                 sentence_index=m.sentence_index, start=m.start, end=m.end,
                                 sentiment=m.sentiment))
        for actor, actor_mentions in per_actor.items():
            # A sentence naming an actor twice counts once towards its sentiment.
            by_sentence = {m.sentence_index: m.sentiment for m in actor_mentions}
            known = [v for v in by_sentence.values() if v is not None]
            per_article_actors.append(dict(
                article_id=article_id, actor=actor, mentions=len(actor_mentions),
                sentiment=sum(known) / len(known) if known else None))
        names += [dict(article_id=article_id, name=n.name[:200], mentions=n.mentions,
                       example=n.example) for n in score.unlisted_names]
    for table, rows in ((schema.term_matches, matches),
                        (schema.article_categories, categories),
                        (schema.actor_mentions, mentions),
                        (schema.article_actors, per_article_actors),
                        (schema.unlisted_names, names)):
        bulk_insert(conn, table, rows)


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
