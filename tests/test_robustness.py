"""Row-level robustness and whose fault an error is, on SQLite and PostgreSQL.

One entry the database cannot take is skipped and named, never the whole feed; a
database that fails for everyone stops the run with a short message and blames no feed.
"""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from db_support import pg_url
from rss_support import rss, story
from sqlalchemy import create_engine, event, func, select, text
from sqlalchemy.engine import Engine

from feeds import store
from feeds.cli import cli
from feeds.config import FeedConfig, FetchLimits, Settings
from feeds.ingest.refresh import run_refresh
from feeds.store import schema
from feeds.store.storable import MAX_GUID_CHARS, MAX_TITLE_CHARS, TRUNCATED, storable

FAST = FetchLimits(connect_timeout=2, read_timeout=2, total_timeout=5)


def settings_for(url: str, **kw) -> Settings:
    return Settings(db_url=url, fetch=FAST, **kw)


def rows(url, stmt):
    engine = store.make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(stmt).all()
    finally:
        engine.dispose()


def feed_row(url, name):
    return rows(url, select(schema.feeds).where(schema.feeds.c.name == name))[0]


def stories(count: int, prefix: str = "s") -> list[dict]:
    return [dict(story(n), guid=f"{prefix}{n}") for n in range(1, count + 1)]


def test_unstorable_characters_are_cleaned_in_one_place():
    assert storable("plain") == "plain"
    assert storable("g\x00uid\x00") == "guid"
    assert storable("half \ud83d pair") == "half \ufffd pair"


def test_nul_bytes_are_stored_cleaned_and_the_feed_keeps_its_good_items(feed_server, db_url):
    poisoned = dict(story(1), guid="g\x00uid-1", title="Border \x00 talks stall at Poipet",
                    description="Cambodian troops \x00 were deployed near Poipet.")
    feed_server.add("/nul.xml", rss([poisoned, *stories(3, "ok")[1:]]))
    summary = run_refresh(settings_for(db_url), [FeedConfig("Nul", feed_server.url("/nul.xml"))])
    assert summary.count("ok") == 1, summary.line()
    a, f = schema.articles, schema.article_feeds
    stored = dict(rows(db_url, select(a.c.title, a.c.summary)))
    assert stored["Border talks stall at Poipet"] == "Cambodian troops  were deployed near Poipet."
    assert len(stored) == 3
    assert all("\x00" not in value for value in stored.values())
    assert rows(db_url, select(f.c.guid).where(f.c.guid == "guid-1")) == [("guid-1",)]
    again = run_refresh(settings_for(db_url), [FeedConfig("Nul", feed_server.url("/nul.xml"))])
    assert again.new_articles == 0  # the cleaned GUID is found again, not stored twice


def test_long_titles_and_guids_are_cut_with_a_marker(feed_server, db_url):
    long_guid = "ក" * 5000  # three bytes each: far past any index entry's limit
    entry = dict(story(1), guid=long_guid, title="Phnom Penh " + "border " * 400)
    feed_server.add("/long.xml", rss([entry, story(2)]))
    summary = run_refresh(settings_for(db_url), [FeedConfig("Long", feed_server.url("/long.xml"))])
    assert summary.count("ok") == 1 and summary.new_articles == 2, summary.line()
    a, f = schema.articles, schema.article_feeds
    titles = [t for (t,) in rows(db_url, select(a.c.title)) if t.startswith("Phnom Penh")]
    assert len(titles[0]) == MAX_TITLE_CHARS and titles[0].endswith(TRUNCATED)
    guid = rows(db_url, select(f.c.guid).where(f.c.guid.like("ក%")))[0][0]
    assert guid == "ក" * (MAX_GUID_CHARS - 1) + TRUNCATED


def test_an_entry_whose_link_is_too_long_is_skipped_and_counted(feed_server, db_url):
    huge = dict(story(9), link="https://news.example.org/" + "a" * 3000, guid="huge-one")
    feed_server.add("/mixed.xml", rss([*stories(2), huge, story(3)]))
    summary = run_refresh(settings_for(db_url),
                          [FeedConfig("Mixed", feed_server.url("/mixed.xml"))])
    outcome = summary.outcomes[0]
    assert outcome.status == "ok" and outcome.new_articles == 3
    assert outcome.skipped_entries == 1 and outcome.items == 4
    note = "1 entry skipped: entry 'huge-one': link longer than 2,000 bytes"
    assert outcome.warning == note
    row = feed_row(db_url, "Mixed")
    assert row.status == "ok" and row.last_error == note and row.consecutive_failures == 0


def refuse_poison(url: str) -> None:
    """Make the database itself refuse any article titled with POISON (a constraint on
    PostgreSQL, a trigger on SQLite): an entry fault our own checks cannot foresee."""
    engine = store.make_engine(url)
    store.migrate(engine)
    with engine.begin() as conn:
        if engine.dialect.name == "postgresql":
            conn.execute(text("ALTER TABLE articles ADD CONSTRAINT no_poison "
                              "CHECK (title NOT LIKE '%POISON%')"))
        else:
            conn.execute(text("CREATE TRIGGER no_poison BEFORE INSERT ON articles "
                              "WHEN NEW.title LIKE '%POISON%' "
                              "BEGIN SELECT RAISE(ABORT, 'poisoned title'); END"))
    engine.dispose()


def test_an_entry_the_database_refuses_is_skipped_and_the_rest_stored(feed_server, db_url):
    refuse_poison(db_url)
    entries = stories(9)
    entries[5] = dict(entries[5], title="POISON in Phnom Penh", guid="bad-6")
    feed_server.add("/seven.xml", rss(entries))
    feed_server.add("/clean.xml", rss([story(20), story(21)]))
    feeds = [FeedConfig("Seven", feed_server.url("/seven.xml")),
             FeedConfig("Clean", feed_server.url("/clean.xml"))]
    summary = run_refresh(settings_for(db_url), feeds)
    by_name = {o.name: o for o in summary.outcomes}
    seven = by_name["Seven"]
    assert seven.status == "ok" and seven.new_articles == 8 and seven.skipped_entries == 1
    assert seven.warning.startswith("1 entry skipped: entry 'bad-6': the database refused it (")
    assert "INSERT" not in seven.warning and "\n" not in seven.warning
    row = feed_row(db_url, "Seven")
    assert row.status == "ok" and row.consecutive_failures == 0
    assert row.last_error == seven.warning and row.item_count == 9
    titles = {t for (t,) in rows(db_url, select(schema.articles.c.title))}
    assert "POISON in Phnom Penh" not in titles and len(titles) == 8 + 2
    assert by_name["Clean"].status == "ok" and by_name["Clean"].new_articles == 2
    again = run_refresh(settings_for(db_url), feeds)  # and next run: the same, no repeats
    assert {o.name: o.new_articles for o in again.outcomes} == {"Seven": 0, "Clean": 0}


def test_a_feed_name_over_200_characters_is_a_config_error(tmp_path, db_url):
    path = tmp_path / "feeds.toml"
    path.write_text(f'[[feeds]]\nname = "{"N" * 201}"\nurl = "https://x.example/rss"\n')
    result = CliRunner().invoke(cli, ["refresh", "--config", str(path), "--db", db_url])
    assert result.exit_code == 2
    assert "field 'name' is 201 characters long (at most 200)" in result.output


# --- whose fault --------------------------------------------------------------------


@pytest.fixture
def full_sqlite(tmp_path):
    """A SQLite database that has no room left once the test says so: every connection
    gets a page limit just above the file's size (SQLite then says "database or disk is
    full", exactly as on a full disk)."""
    url = f"sqlite:///{tmp_path / 'full.db'}"
    engine = store.make_engine(url)
    store.migrate(engine)
    engine.dispose()
    limit = {}

    def cap(dbapi_conn, _record):
        if limit:
            cursor = dbapi_conn.cursor()
            pages = cursor.execute("PRAGMA page_count").fetchone()[0]
            cursor.execute(f"PRAGMA max_page_count = {pages + limit['spare']}")
            cursor.close()

    event.listen(Engine, "connect", cap)
    try:
        yield url, limit
    finally:
        event.remove(Engine, "connect", cap)


def test_a_full_sqlite_disk_stops_the_run_and_blames_no_feed(feed_server, full_sqlite):
    url, limit = full_sqlite
    feed_server.add("/a.xml", rss(stories(30, "a")))
    feed_server.add("/b.xml", rss(stories(30, "b")))
    feeds = [FeedConfig("A", feed_server.url("/a.xml")),
             FeedConfig("B", feed_server.url("/b.xml"))]
    run_refresh(settings_for(url, workers=0), feeds[:0])  # feeds table ready, run rows fit
    limit["spare"] = 2
    with pytest.raises(store.DatabaseFault, match="^database or disk is full$"):
        run_refresh(settings_for(url, workers=0), feeds)
    limit.clear()
    for name in ("A", "B"):
        row = feed_row(url, name)
        assert row.status != "failed" and row.consecutive_failures == 0
        assert row.last_error is None and row.next_attempt_at is None
    assert rows(url, select(func.count()).select_from(schema.articles))[0][0] == 0


@pytest.mark.postgres
def test_a_revoked_permission_stops_the_run_with_a_short_message(tmp_path, feed_server):
    url = pg_url("cr_test_revoke")
    engine = store.make_engine(url)
    store.migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP ROLE IF EXISTS cr_limited_harden"))
        conn.execute(text("CREATE ROLE cr_limited_harden LOGIN"))
        conn.execute(text("GRANT ALL ON SCHEMA public TO cr_limited_harden"))
        conn.execute(text("GRANT ALL ON ALL TABLES IN SCHEMA public TO cr_limited_harden"))
        conn.execute(text("GRANT ALL ON ALL SEQUENCES IN SCHEMA public TO cr_limited_harden"))
        conn.execute(text("REVOKE INSERT ON articles FROM cr_limited_harden"))
    engine.dispose()
    limited = url.replace("postgres@", "cr_limited_harden@", 1)
    feed_server.add("/a.xml", rss(stories(3, "a")))
    feed_server.add("/b.xml", rss(stories(3, "b")))
    config = tmp_path / "feeds.toml"
    config.write_text("".join(f'[[feeds]]\nname = "{n}"\nurl = "{feed_server.url(p)}"\n'
                              for n, p in (("A", "/a.xml"), ("B", "/b.xml"))))
    try:
        result = CliRunner().invoke(cli, ["refresh", "--config", str(config), "--db", limited])
        assert result.exit_code == 1, result.output
        lines = result.output.strip().splitlines()
        assert lines == [f"cambodia-risk: cannot use the database {limited}: "
                         "permission denied for table articles"]
        for name in ("A", "B"):
            row = feed_row(url, name)
            assert row.status != "failed" and row.consecutive_failures == 0
            assert row.last_error is None
        run = rows(url, select(schema.refresh_runs))[-1]
        assert run.outcome == "database-error" and run.finished_at is not None
    finally:
        admin = create_engine(url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("DROP OWNED BY cr_limited_harden"))
            conn.execute(text("DROP ROLE cr_limited_harden"))
        admin.dispose()


def test_the_summary_stays_one_line_whatever_the_errors_say(feed_server, sqlite_db):
    feed_server.add_behaviour("/down", "status", code=503)
    feed_server.add("/ok.xml", rss([story(1)]))
    feeds = [FeedConfig("Line\u2028break", feed_server.url("/down")),
             FeedConfig("Fine", feed_server.url("/ok.xml"))]
    summary = run_refresh(settings_for(sqlite_db), feeds)
    assert len(summary.line().splitlines()) == 1 and "failed: Line break: HTTP 503" in (
        summary.line())
    assert json.loads(summary.to_json())["outcome"] == "completed"


def test_a_missing_table_stops_the_run_and_blames_no_feed(feed_server, db_url):
    engine = store.make_engine(db_url)
    store.migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("DROP TABLE article_categories"))  # the schema is broken
    engine.dispose()
    feed_server.add("/a.xml", rss(stories(3, "a")))
    feeds = [FeedConfig("A", feed_server.url("/a.xml"))]
    with pytest.raises(store.DatabaseFault) as info:
        run_refresh(settings_for(db_url), feeds)
    assert "article_categories" in str(info.value) and "INSERT" not in str(info.value)
    row = feed_row(db_url, "A")
    assert row.status != "failed" and row.consecutive_failures == 0 and row.last_error is None
    assert rows(db_url, select(func.count()).select_from(schema.articles))[0][0] == 0
    outcome = rows(db_url, select(schema.refresh_runs.c.outcome))[-1][0]
    assert outcome == "database-error"
