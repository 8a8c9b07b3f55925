"""Text search beyond ASCII, the same on SQLite and PostgreSQL: the folded search
column, written with every article, filled in by migration 0008 for older ones, and
read by the dashboard's filters with LIKE wildcards escaped."""

from __future__ import annotations

from datetime import date, datetime

import pytest
from sqlalchemy import column, insert, inspect, select, table, update

from dashboard import queries as q
from dashboard.filters import Filters
from feeds import store
from feeds.store import schema
from feeds.text import search_key

DAY = date(2025, 3, 1)
KHMER = "ការបោះឆ្នោតនៅភ្នំពេញ"  # "the election in Phnom Penh"
ARTICLES = [
    ("Élection à Phnom Penh", "Le scrutin est reporté."),
    ("ÉLECTION: LE CNRP EXCLU", "Aucun candidat."),
    ("Commune élection results", "Counting went on in Kandal."),
    ("Straße und Wahl", "Eine Meldung."),
    (KHMER, "គណបក្សបានប្រកាស។"),
    ("Turnout reached 100% in one_commune", "A clerk said so."),
    ("Quiet day in Kampot", "Nothing about elections here."),
]


def test_search_key_folds_beyond_ascii():
    assert search_key("Élection") == search_key("élection") == search_key("ÉLECTION")
    assert search_key("Straße") == "strasse"
    assert search_key("ﬁnal") == "final"  # compatibility forms meet their letters
    assert search_key("Hun Sen") == "hun sen"
    assert search_key("gnp\u202e.exe") == "gnp.exe"
    assert search_key(KHMER) == KHMER  # no case, already normalised: unchanged
    assert search_key(None) == ""


def test_search_text_keeps_title_and_text_apart():
    assert store.search_text("Élection", "Scrutin") == "élection\nscrutin"


def _fill(url: str) -> None:
    engine = store.make_engine(url)
    store.migrate(engine)
    with engine.begin() as conn:
        feed = store.sync_feeds(conn, [type("F", (), {"name": "A", "url": "http://x/"})()])["A"]
        arts = [
            store.NewArticle(url=f"https://news.example.org/{i}", link=f"https://news.example.org/{i}",
                             guid=str(i), fingerprint=str(i), title=title,
                             published_at=datetime(2025, 3, 1, 8, i), published_estimated=False,
                             language="km" if title == KHMER else "en", summary="", text=text)
            for i, (title, text) in enumerate(ARTICLES)
        ]
        store.insert_articles(conn, arts, feed, datetime(2025, 3, 1, 9))
        conn.execute(update(schema.articles).values(relevant=True, risk_score=10.0))
    engine.dispose()


def _titles(url: str, text: str) -> set[str]:
    engine = store.make_engine(url)
    with engine.connect() as conn:
        f = Filters(start=DAY, end=DAY, q=text)
        found = set(q.article_list(conn, f)["title"])
        assert q.article_count(conn, f) == len(found)
    engine.dispose()
    return found


ELECTIONS = {"Élection à Phnom Penh", "ÉLECTION: LE CNRP EXCLU", "Commune élection results"}


@pytest.mark.parametrize("typed", ["Élection", "élection", "ÉLECTION", "éLeCtIoN"])
def test_accented_capitals_find_each_other(db_url, typed):
    _fill(db_url)
    assert _titles(db_url, typed) == ELECTIONS


def test_other_searches_on_both_databases(db_url):
    _fill(db_url)
    assert _titles(db_url, "STRASSE") == {"Straße und Wahl"}
    assert _titles(db_url, "straße") == {"Straße und Wahl"}
    assert _titles(db_url, "ការបោះឆ្នោត") == {KHMER}
    assert _titles(db_url, "គណបក្ស") == {KHMER}  # in the text
    assert _titles(db_url, "kandal") == {"Commune élection results"}
    assert _titles(db_url, "100%") == {"Turnout reached 100% in one_commune"}
    assert _titles(db_url, "%") == {"Turnout reached 100% in one_commune"}  # literal
    assert _titles(db_url, "one_c") == {"Turnout reached 100% in one_commune"}
    assert _titles(db_url, "turnout_reached") == set()  # "_" is not a wildcard
    assert _titles(db_url, "results counting") == set()  # title and text stay apart


def test_migration_fills_the_search_column_of_older_articles(db_url):
    """A database at revision 0003 (before the column) with articles in it: migrating
    adds the column and fills it, so old articles are found like new ones."""
    engine = store.make_engine(db_url)
    store.migrate(engine, "0003")
    names = ("url", "link", "fingerprint", "title", "feed_id", "source", "published_at",
             "published_day", "fetched_at", "text", "relevant", "risk_score")
    old_articles = table("articles", *(column(n) for n in names))  # no search column
    with engine.begin() as conn:
        assert "search" not in {c["name"] for c in inspect(conn).get_columns("articles")}
        feed_id = conn.execute(insert(schema.feeds).values(name="A", url="http://x/")
                               ).inserted_primary_key[0]
        conn.execute(insert(old_articles), [
            dict(url=f"https://old.example.org/{i}", link="https://old.example.org/",
                 fingerprint=str(i), title=title, feed_id=feed_id, source="A",
                 published_at=datetime(2025, 3, 1, 8, i), published_day=DAY,
                 fetched_at=datetime(2025, 3, 1, 9), text=text, relevant=True, risk_score=1.0)
            for i, (title, text) in enumerate(ARTICLES)
        ])
    store.migrate(engine)
    with engine.connect() as conn:
        stored = dict(conn.execute(select(schema.articles.c.title, schema.articles.c.search)).all())
    engine.dispose()
    assert stored == {title: store.search_text(title, text) for title, text in ARTICLES}
    assert _titles(db_url, "Élection") == ELECTIONS


def test_articles_page_finds_accented_capitals(tmp_path, monkeypatch, db_url):
    """The Articles page itself (AppTest), on SQLite and PostgreSQL: typed in capitals
    with an accent, the search finds the lower-case title, and the other way round."""
    from dashboard_fixtures import END_DAY, build_dataset
    from streamlit.testing.v1 import AppTest

    build_dataset(db_url, n_articles=20, hostile_title=False)
    engine = store.make_engine(db_url)
    with engine.begin() as conn:
        feed = dict(conn.execute(select(schema.feeds)).mappings().first())
        ids = store.insert_articles(conn, [store.NewArticle(
            url="https://news.example.org/elec", link="https://news.example.org/elec",
            guid="elec", fingerprint="elec", title="Une élection communale à Kampot",
            published_at=datetime.combine(END_DAY, datetime.min.time()),
            published_estimated=False, language="fr", summary="",
            text="LE SCRUTIN DU DIMANCHE ÉTAIT CALME.")], feed, datetime(2024, 6, 30, 9))
        conn.execute(update(schema.articles).where(schema.articles.c.id == ids[0])
                     .values(relevant=True, risk_score=5.0))
    engine.dispose()
    monkeypatch.setenv("CAMBODIA_RISK_DB", db_url)
    app = str(__import__("pathlib").Path(__file__).resolve().parent.parent
              / "dashboard" / "app.py")
    for typed in ("ÉLECTION COMMUNALE", "était calme"):
        at = AppTest.from_file(app, default_timeout=60)
        at.run()
        at.switch_page("app_pages/articles.py")
        at.query_params["q"] = typed
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert list(at.dataframe[0].value["title"]) == ["Une élection communale à Kampot"]
