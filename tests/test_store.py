"""Storage: migrations on both databases, an upgrade that keeps rows, and the lock."""

import subprocess
import sys
from datetime import date, datetime

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import func, insert, inspect, select

from feeds import store
from feeds.store import schema


def test_migrated_database_matches_schema(db_url):
    engine = store.make_engine(db_url)
    store.migrate(engine)
    with engine.connect() as conn:
        assert store.current_revision(conn) == store.head_revision()
        assert compare_metadata(MigrationContext.configure(conn), schema.metadata) == []
    store.migrate(engine)  # a second call is a no-op
    engine.dispose()


def test_upgrade_from_first_schema_keeps_rows(db_url):
    engine = store.make_engine(db_url)
    store.migrate(engine, "0001")
    with engine.begin() as conn:
        assert "term_matches" not in inspect(conn).get_table_names()
        assert "risk_score" not in {c["name"] for c in inspect(conn).get_columns("articles")}
        feed_id = conn.execute(
            insert(schema.feeds).values(name="Old feed", url="https://old.example/rss")
        ).inserted_primary_key[0]
        for i in range(25):
            conn.exec_driver_sql(
                "INSERT INTO articles (url, link, fingerprint, title, feed_id, source, "
                "published_at, published_day, fetched_at, text) VALUES "
                f"('https://old.example/{i}', 'https://old.example/{i}', 'fp{i}', 'Title {i}', "
                f"{feed_id}, 'Old feed', '2019-11-0{1 + i % 9} 10:00:00', "
                f"'2019-11-0{1 + i % 9}', '2019-11-09 10:00:00', 'Some text {i}')"
            )
    store.migrate(engine)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.articles)).scalar() == 25
        row = conn.execute(
            select(schema.articles).where(schema.articles.c.url == "https://old.example/7")
        ).one()
        assert row.title == "Title 7" and row.text == "Some text 7"
        assert row.published_day == date(2019, 11, 8)
        assert row.risk_score is None and row.relevant is None  # not scored yet
        assert "term_matches" in inspect(conn).get_table_names()
    engine.dispose()


HOLDER = """
import sys
from feeds import store
engine = store.make_engine(sys.argv[1])
with store.refresh_lock(engine):
    print("ready", flush=True)
    sys.stdin.readline()
"""


def hold_lock(url):
    """A separate process holding the refresh lock until its stdin closes."""
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, url],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout.readline().strip() == "ready"
    return proc


def test_lock_is_exclusive_and_released(db_url):
    engine = store.make_engine(db_url)
    store.migrate(engine)
    holder = hold_lock(db_url)
    try:
        with pytest.raises(store.LockBusy, match="another refresh is running"):
            with store.refresh_lock(engine):
                pass
    finally:
        holder.stdin.close()
        holder.wait(30)
    with store.refresh_lock(engine):  # free again once the holder is gone
        pass
    engine.dispose()


def test_lock_dies_with_a_killed_process(db_url):
    engine = store.make_engine(db_url)
    store.migrate(engine)
    holder = hold_lock(db_url)
    holder.kill()
    holder.wait(10)
    with store.refresh_lock(engine):
        pass
    engine.dispose()


def test_sqlite_uses_wal(sqlite_db):
    engine = store.make_engine(sqlite_db)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000


def test_postgres_url_forms_are_accepted():
    assert store.normalise_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store.normalise_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert store.normalise_url("sqlite:///x.db") == "sqlite:///x.db"


def test_sync_feeds_resets_validators_when_url_changes(sqlite_db):
    from feeds.config import FeedConfig

    engine = store.make_engine(sqlite_db)
    store.migrate(engine)
    with engine.begin() as conn:
        rows = store.sync_feeds(conn, [FeedConfig("A", "https://a.example/rss")])
        store.update_feed(
            conn,
            rows["A"]["id"],
            etag='"v1"',
            consecutive_failures=3,
            last_attempt_at=datetime(2026, 1, 1),
        )
    with engine.begin() as conn:
        rows = store.sync_feeds(conn, [FeedConfig("A", "https://a.example/new.xml")])
    assert rows["A"]["etag"] is None and rows["A"]["consecutive_failures"] == 0
    assert rows["A"]["url"] == "https://a.example/new.xml"


AWKWARD = [
    "tab\there",
    "two\nlines",
    "back\\slash",
    "\\N",
    "ក្រសួងការពារជាតិ",
    "quote'\"",
    "",
    "comma, and; semicolon",
    "\r\ncarriage",
]


def _one_article(conn) -> int:
    from feeds.config import FeedConfig

    feed = store.sync_feeds(conn, [FeedConfig("A", "https://a.example/rss")])["A"]
    article = store.NewArticle(
        url="https://a.example/1",
        link="https://a.example/1",
        guid="1",
        fingerprint="f",
        title="t",
        published_at=datetime(2026, 1, 1),
        published_estimated=False,
        language="en",
        summary="",
        text="",
    )
    return store.insert_articles(conn, [article], feed, datetime(2026, 1, 1))[0]


def test_bulk_insert_keeps_awkward_text_and_the_callers_transaction(db_url):
    # On PostgreSQL bulk_insert uses COPY, whose text format escapes tabs, newlines,
    # backslashes and \N; every value must come back exactly as given.
    engine = store.make_engine(db_url)
    store.migrate(engine)
    t = schema.term_matches
    with engine.begin() as conn:
        article_id = _one_article(conn)
        rows = [
            dict(
                article_id=article_id,
                category="arrest",
                term=f"term {i}",
                matched=value,
                weight=0.1 * (i + 1),
                sentence_index=i,
                start=i,
                end=i + len(value),
            )
            for i, value in enumerate(AWKWARD)
        ]
        store.bulk_insert(conn, t, rows)
    with engine.connect() as conn:
        stored = conn.execute(select(t.c.matched, t.c.weight, t.c.end).order_by(t.c.id)).all()
    assert [r.matched for r in stored] == AWKWARD
    assert [r.weight for r in stored] == pytest.approx([0.1 * (i + 1) for i in range(9)])
    assert [r.end for r in stored] == [i + len(v) for i, v in enumerate(AWKWARD)]

    # A transaction that fails after the bulk insert leaves none of its rows behind.
    with pytest.raises(RuntimeError), engine.begin() as conn:
        store.bulk_insert(conn, t, rows)
        raise RuntimeError("the feed failed later in its transaction")
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(t)).scalar() == len(AWKWARD)
    engine.dispose()
