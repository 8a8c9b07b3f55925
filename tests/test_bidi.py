"""Bidirectional control characters never reorder what a title shows.

"gnp.exe" written after U+202E (RIGHT-TO-LEFT OVERRIDE) displays as "exe.png". Titles
lose these controls at ingest (``feeds.ingest.clean.title_text``), and the dashboard
drops them again on display, for titles stored before that or by another writer.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from dashboard_fixtures import END_DAY, build_dataset
from rss_support import item, rss
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest

from feeds import store
from feeds.cli import cli
from feeds.ingest.clean import title_text
from feeds.store import schema
from feeds.text import strip_bidi

RLO = "\u202e"
SPOOF = f"Invoice for Phnom Penh office {RLO}gnp.exe"  # shows as "...exe.png"
CLEAN = "Invoice for Phnom Penh office gnp.exe"
APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")
EVERY_CONTROL = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"


def test_title_text_strips_every_bidi_control():
    assert title_text(SPOOF) == CLEAN
    assert title_text(f"A{EVERY_CONTROL}B &amp; <b>C</b>") == "AB & C"
    assert strip_bidi("ក្រុង\u200fភ្នំពេញ") == "ក្រុងភ្នំពេញ"  # Khmer itself untouched
    assert title_text("Hun Manet visits Siem Reap") == "Hun Manet visits Siem Reap"


def test_refresh_stores_titles_without_bidi_controls(tmp_path, feed_server, db_url):
    feed_server.add("/a.xml", rss([
        item(SPOOF, "https://news.example.org/spoof", guid="s",
             description="Police in Phnom Penh said the file was malware.",
             published=datetime(2025, 1, 5, 9)),
        item(f"\u2067Cambodia{EVERY_CONTROL} election\u2069", "https://news.example.org/iso",
             guid="i", description="Cambodia votes.", published=datetime(2025, 1, 6, 9)),
    ]))
    config = tmp_path / "feeds.toml"
    config.write_text(f'[[feeds]]\nname = "A"\nurl = "{feed_server.url("/a.xml")}"\n')
    result = CliRunner().invoke(cli, ["refresh", "--config", str(config), "--db", db_url],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    engine = store.make_engine(db_url)
    with engine.connect() as conn:
        titles = set(conn.execute(select(schema.articles.c.title)).scalars())
    engine.dispose()
    assert titles == {CLEAN, "Cambodia election"}


@pytest.fixture(scope="module")
def spoofed_db(tmp_path_factory):
    """The fixture dataset with one title stored with its override (as an older
    database would hold it), dated on the newest day so the default view shows it."""
    url = f"sqlite:///{tmp_path_factory.mktemp('bidi') / 'bidi.db'}"
    build_dataset(url, n_articles=30, hostile_title=False)
    engine = store.make_engine(url)
    a = schema.articles
    with engine.begin() as conn:
        article_id = conn.execute(select(a.c.id).where(a.c.relevant.is_(True))
                                  .order_by(a.c.id).limit(1)).scalar_one()
        moment = datetime.combine(END_DAY, datetime.min.time()) + timedelta(hours=23)
        conn.execute(update(a).where(a.c.id == article_id).values(
            title=SPOOF, source=f"Feed {RLO}A", published_at=moment, published_day=END_DAY))
    engine.dispose()
    return url, article_id


def test_articles_table_and_heading_show_the_stored_order(spoofed_db, monkeypatch):
    url, article_id = spoofed_db
    monkeypatch.setenv("CAMBODIA_RISK_DB", url)
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.switch_page("app_pages/articles.py")
    at.query_params["article"] = str(article_id)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert CLEAN in set(table["title"])
    assert not any(RLO in t for t in table["title"])
    assert "Feed A" in set(table["source"])
    shown = " ".join(m.value for m in at.markdown)
    assert "Invoice for Phnom Penh office gnp\\.exe" in shown
    assert RLO not in shown
