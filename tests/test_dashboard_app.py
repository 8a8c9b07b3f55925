"""The Streamlit app end to end with AppTest: every page, filter and URL parameter."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest
from dashboard_fixtures import (
    END_DAY,
    HOSTILE_TITLE,
    SPIKE_ACTOR,
    SPIKE_CATEGORY,
    build_dataset,
)
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from dashboard import queries as q
from dashboard.filters import parse_params
from feeds import store
from feeds.store import schema

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
PAGES = [
    "app_pages/overview.py",
    "app_pages/actors.py",
    "app_pages/places.py",
    "app_pages/articles.py",
    "app_pages/sources.py",
    "app_pages/alerts.py",
]
KPI_LABELS = ["Articles", "Mean risk", "Share negative", "High-risk articles"]


@pytest.fixture(scope="module")
def db_url(tmp_path_factory):
    url = f"sqlite:///{tmp_path_factory.mktemp('app') / 'fixture.db'}"
    build_dataset(url)
    return url


@pytest.fixture()
def app(db_url, monkeypatch):
    monkeypatch.setenv("CAMBODIA_RISK_DB", db_url)
    return AppTest.from_file(str(APP), default_timeout=60)


def run(at: AppTest, page: str | None = None, **params) -> AppTest:
    for key, value in params.items():
        at.query_params[key] = value
    if page is not None and page != "app_pages/overview.py":
        if not at._registered_pages:  # switch_page needs one run first
            at.run()
        at.switch_page(page)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def count(db_url: str, **params) -> int:
    eng = store.make_engine(db_url)
    with eng.connect() as conn:
        known = q.known_values(conn)
        f, _ = parse_params(
            {k: v if isinstance(v, list) else [v] for k, v in params.items()}, known
        )
        n = q.article_count(conn, f)
    eng.dispose()
    return n


def kpis(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def sidebar_notices(at: AppTest) -> str:
    return unescape(" ".join(w.value for w in at.sidebar.warning))


def all_text(at: AppTest) -> list[str]:
    return [
        e.value
        for e in [
            *at.markdown,
            *at.caption,
            *at.title,
            *at.subheader,
            *at.info,
            *at.warning,
            *at.success,
        ]
    ]


def assert_no_raw_markup(at: AppTest) -> None:
    """No element renders HTML, and every '<' in Markdown is backslash-escaped."""
    assert len(at.get("html")) == 0
    for md in at.markdown:
        assert not md.allow_html
    for text in all_text(at):
        assert not re.search(r"(?<!\\)<", text), text


# --- pages ------------------------------------------------------------------------------------


def test_overview_default(app, db_url):
    at = run(app)
    assert at.title[0].value == "Overview"
    values = kpis(at)
    assert list(values) == KPI_LABELS
    assert values["Articles"] == f"{count(db_url):,}"
    assert float(values["Mean risk"]) > 0
    assert values["Share negative"].endswith("%")
    # The default window: the 90 days up to the newest article, said in the caption.
    assert "2024\\-04\\-02 to 2024\\-06\\-30" in at.caption[0].value
    assert len(at.get("vega_lite_chart")) >= 4
    freshness = [c.value for c in at.sidebar.caption if c.value.startswith("Data as of")]
    # Our own text, shown as typed: no escapes, no invisible joiners in the time.
    assert freshness == ["Data as of 2024-06-30 06:00 UTC"]
    assert at.query_params == {}  # the default window is not pinned into the URL


def test_overview_alerts_link_to_filtered_articles(app):
    at = run(app)
    links = [link for link in at.get("page_link") if "last 7 days" in link.value]
    labels = unescape(" ".join(link.value for link in links))
    assert "Category Unrest" in labels and f"Actor {SPIKE_ACTOR}" in labels
    queries = [link.proto.query_string for link in links]
    assert any(
        f"category={SPIKE_CATEGORY}" in qs and "start=2024-06-24" in qs and "end=2024-06-30" in qs
        for qs in queries
    )
    assert any(
        "actor=Candlelight+Party" in qs or "actor=Candlelight%20Party" in qs for qs in queries
    )


def test_long_windows_default_to_weekly(app):
    at = run(app, start="2024-01-01", end="2024-06-30")
    assert at.segmented_control(key="ov_res").value == "weekly"
    at.query_params["res"] = "daily"
    at.run()
    assert at.segmented_control(key="ov_res").value == "daily"
    assert not at.exception


def test_overview_weekly_resolution(app):
    at = run(app, res="weekly")
    assert at.segmented_control(key="ov_res").value == "weekly"
    bad = run(AppTest.from_file(str(APP), default_timeout=60), res="hourly")
    assert any("Ignored res" in c.value for c in bad.caption)


@pytest.mark.parametrize(
    "page,title",
    [
        ("app_pages/actors.py", "Actors"),
        ("app_pages/articles.py", "Articles"),
        ("app_pages/sources.py", "Sources"),
    ],
)
def test_every_page_renders(app, page, title):
    at = run(app, page)
    assert at.title[0].value == title
    assert_no_raw_markup(at)


def test_set_up_runs_once_per_script_run_and_only_in_the_entry(app, monkeypatch):
    """The entry prepares the shared context once; a page only takes it over. Every
    page file is registered by the entry, and none sits where Streamlit would find it
    by itself (a ``pages/`` folder beside the entry)."""
    from dashboard import sidebar

    calls = []
    real = sidebar.prepare
    monkeypatch.setattr(sidebar, "prepare", lambda: calls.append(1) or real())
    at = run(app)
    for page in PAGES[1:]:
        calls.clear()
        at.switch_page(page).run()
        assert not at.exception
        assert len(calls) == 1, page
    registered = {Path(str(p["script_path"])).name for p in at._registered_pages.values()}
    assert registered == {Path(p).name for p in PAGES}
    assert registered == {p.name for p in (APP.parent / "app_pages").glob("*.py")}
    assert not (APP.parent / "pages").exists()


def test_actors_page(app):
    at = run(app, "app_pages/actors.py")
    assert at.selectbox(key="actor_focus").value  # the top actor by default
    names = at.dataframe[0].value["actor"].tolist()
    assert SPIKE_ACTOR in names
    cands = at.dataframe[1].value
    assert {"Sok Chea", "Chan Dara"} <= set(cands["name"])
    at = run(
        AppTest.from_file(str(APP), default_timeout=60), "app_pages/actors.py", focus="Kem Sokha"
    )
    assert at.selectbox(key="actor_focus").value == "Kem Sokha"


def test_actors_ranking_table_fits_its_column(app):
    at = run(app, "app_pages/actors.py")
    table = at.dataframe[0]
    config = json.loads(table.proto.columns)
    widths = {name: col.get("width") for name, col in config.items()}
    shown = ["actor", "articles", "sentiment", "negative_articles", "mentions"]
    assert all(isinstance(widths[c], int) for c in shown), widths
    assert sum(widths[c] for c in shown) <= 455  # half of a 1400 px wide page, less borders
    assert list(table.value.columns[:1]) == ["actor"]


def test_actors_timeline_spans_the_filter_window(app):
    at = run(app, "app_pages/actors.py", start="2024-05-01", end="2024-06-30")
    specs = [json.loads(c.proto.spec) for c in at.get("vega_lite_chart")]
    timeline = [s for s in specs if s.get("encoding", {}).get("x2", {}).get("field") == "day_end"]
    assert len(timeline) == 1
    domain = timeline[0]["encoding"]["x"]["scale"]["domain"]
    assert domain == ["2024-05-01T00:00:00", "2024-07-01T00:00:00"]


def test_actors_focus_change_goes_to_url(app):
    at = run(app, "app_pages/actors.py")
    at.selectbox(key="actor_focus").set_value("Hun Sen").run()
    assert at.query_params.get("focus") == "Hun Sen"


def test_actors_bad_focus_is_dropped(app):
    at = run(app, "app_pages/actors.py", focus="<b>Nobody</b>")
    assert any("Ignored focus" in c.value for c in at.caption)
    assert "focus" not in at.query_params
    assert_no_raw_markup(at)


def test_sources_page(app):
    at = run(app, "app_pages/sources.py")
    health = at.dataframe[0].value
    assert len(health) == 4
    # Statuses in words (emoji need a font Debian's Chromium lacks).
    assert set(health["status"]) == {"OK", "OK (unchanged)", "Backing off", "Not fetched yet"}
    runs = at.dataframe[1].value
    assert "interrupted" in set(runs["state"])
    assert set(runs["kind"]) == {"Refresh"}
    assert any("interrupted" in c.value for c in at.caption)


def test_sources_page_names_runs_that_stopped_early(monkeypatch, tmp_path, feed_server):
    """A run closed as lost-lock or database-error has a finish time but did not finish
    its work; the runs table must say which, not "finished"."""
    from rss_support import rss, story

    from feeds.config import FeedConfig, FetchLimits, Settings
    from feeds.ingest.refresh import run_refresh

    url = f"sqlite:///{tmp_path / 'stopped.db'}"
    build_dataset(url, n_articles=20)
    engine = store.make_engine(url)
    # A real refresh meeting a database error: a table it writes to has gone missing.
    with engine.begin() as conn:
        schema.article_categories.drop(conn)
    feed_server.add("/a.xml", rss([story(1), story(2)]))
    settings = Settings(
        db_url=url, fetch=FetchLimits(connect_timeout=2, read_timeout=5, total_timeout=10)
    )
    with pytest.raises(store.DatabaseFault):
        run_refresh(settings, [FeedConfig("A", feed_server.url("/a.xml"))])
    schema.article_categories.create(engine)
    # A run that lost its lock closes its row the same way (PostgreSQL only; the real
    # loss is exercised in test_runlock.py).
    store.finish_run(engine, store.start_run(engine), outcome="lost-lock")
    engine.dispose()

    at = run(empty_app(monkeypatch, url), "app_pages/sources.py")
    runs = at.dataframe[1].value
    assert list(runs["state"])[:3] == [
        "stopped: lost the refresh lock",
        "stopped: database error",
        "finished",
    ]
    assert any("2 run(s) stopped before the end" in c.value for c in at.caption)
    assert_no_raw_markup(at)


def test_tables_show_a_dash_for_missing_values(app, db_url):
    """Streamlit writes "None" into empty cells unless told otherwise."""
    pages = [*PAGES[1:], ("app_pages/articles.py", {"article": str(hostile_id(db_url))})]
    for page in pages:
        page, params = page if isinstance(page, tuple) else (page, {})
        at = run(AppTest.from_file(str(APP), default_timeout=60), page, **params)
        assert at.dataframe, page
        for table in at.dataframe:
            assert table.proto.placeholder == "–", page


def test_rescore_after_demo_is_labelled(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'demo-rescored.db'}"
    build_dataset(url, n_articles=20, run_kind="demo")
    eng = store.make_engine(url)
    store.finish_run(eng, store.start_run(eng, kind="rescore"))
    eng.dispose()
    at = empty_app(monkeypatch, url)
    at.run()
    line = [c.value for c in at.sidebar.caption if c.value.startswith("Data as of")]
    assert len(line) == 1 and line[0].endswith("UTC (rescored) · demo data")
    at.switch_page("app_pages/sources.py").run()
    assert not at.exception
    runs = at.dataframe[1].value
    assert list(runs["kind"])[:2] == ["Rescore", "Demo load"]
    assert runs.iloc[0][["feeds_ok", "feeds_failed", "new_articles"]].isna().all()


# --- filters in the URL -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"category": SPIKE_CATEGORY},
        {"actor": SPIKE_ACTOR},
        {"source": "Phnom Penh Post"},
        {"lang": "km"},
        {"q": "riot police"},
        {"category": ["arrests_legal", "political_crisis"], "source": "Khmer Times"},
    ],
)
def test_url_filters_change_results(app, db_url, params):
    at = run(app, **params)
    n = count(db_url, **params)
    assert n != count(db_url)
    assert kpis(at)["Articles"] == f"{n:,}"
    assert not sidebar_notices(at)


def test_explicit_dates_are_honoured_exactly(app, db_url):
    at = run(app, start="2024-05-01", end="2024-05-07")
    assert "2024\\-05\\-01 to 2024\\-05\\-07" in at.caption[0].value
    assert "compared with 2024-04-24 to 2024-04-30" in at.caption[0].value
    assert kpis(at)["Articles"] == f"{count(db_url, start='2024-05-01', end='2024-05-07'):,}"
    assert at.sidebar.date_input(key="f_dates").value == (
        END_DAY.replace(month=5, day=1),
        END_DAY.replace(month=5, day=7),
    )
    assert at.query_params["start"] == "2024-05-01"


def test_filters_reach_every_page(app, db_url):
    n = count(db_url, category=SPIKE_CATEGORY)
    at = run(app, "app_pages/articles.py", category=SPIKE_CATEGORY)
    assert any(f"**{n:,}** matching" in m.value for m in at.markdown)
    at.switch_page("app_pages/sources.py").run()
    assert at.dataframe[2].value["articles"].sum() == n


@pytest.mark.parametrize(
    "params,words",
    [
        ({"start": "2024-02-30"}, ["start", "no such date"]),
        ({"end": "soon"}, ["end", "YYYY-MM-DD"]),
        ({"start": "2024-06-10", "end": "2024-06-01"}, ["after"]),
        ({"source": "Fake Times"}, ["source", "Fake Times"]),
        ({"category": "weather"}, ["category", "weather"]),
        ({"actor": "<script>alert(1)</script>"}, ["actor", "script"]),
        ({"lang": "fr"}, ["lang", "fr"]),
    ],
)
def test_bad_params_are_dropped_with_a_notice(app, db_url, params, words):
    at = run(app, **params)
    notice = sidebar_notices(at)
    for word in words:
        assert word in notice
    for key in params:
        assert key not in at.query_params  # cleaned out of the address bar
    assert kpis(at)["Articles"] == f"{count(db_url):,}"
    assert_no_raw_markup(at)


def test_bad_value_dropped_good_value_kept(app, db_url):
    at = run(app, category=[SPIKE_CATEGORY, "bogus"], start="nope")
    assert "bogus" in sidebar_notices(at)
    assert at.query_params == {"category": SPIKE_CATEGORY}
    assert kpis(at)["Articles"] == f"{count(db_url, category=SPIKE_CATEGORY):,}"


def test_widgets_write_the_url(app, db_url):
    at = run(app)
    at.sidebar.multiselect(key="f_categories").set_value([SPIKE_CATEGORY]).run()
    assert at.query_params == {"category": SPIKE_CATEGORY}
    assert kpis(at)["Articles"] == f"{count(db_url, category=SPIKE_CATEGORY):,}"
    at.sidebar.text_input(key="f_q").set_value("riot police").run()
    assert at.query_params == {"category": SPIKE_CATEGORY, "q": "riot police"}
    at.sidebar.date_input(key="f_dates").set_value((END_DAY.replace(day=1), END_DAY)).run()
    assert at.query_params["start"] == "2024-06-01"
    assert at.query_params["end"] == "2024-06-30"
    at.sidebar.button[0].click().run()  # Reset filters
    assert at.query_params == {}
    assert kpis(at)["Articles"] == f"{count(db_url):,}"
    assert at.sidebar.multiselect(key="f_categories").value == []


def test_url_change_updates_the_widgets(app):
    at = run(app, category=SPIKE_CATEGORY)
    assert at.sidebar.multiselect(key="f_categories").value == [SPIKE_CATEGORY]
    at.query_params["category"] = "arrests_legal"
    at.run()
    assert at.sidebar.multiselect(key="f_categories").value == ["arrests_legal"]


def test_page_menu_carries_the_filters(app):
    at = run(app, category=SPIKE_CATEGORY, q="riot", focus="Hun Sen")
    menu = [link for link in at.sidebar.get("page_link")]
    assert [link.value for link in menu] == [
        "Overview", "Actors", "Places", "Articles", "Sources", "Alerts"
    ]
    for link in menu:
        assert link.proto.query_string == f"category={SPIKE_CATEGORY}&q=riot"
    at = run(AppTest.from_file(str(APP), default_timeout=60))
    assert all(link.proto.query_string == "" for link in at.sidebar.get("page_link"))


# --- articles and evidence ---------------------------------------------------------------------


def hostile_id(db_url: str) -> int:
    eng = store.make_engine(db_url)
    with eng.connect() as conn:
        article_id = conn.execute(
            select(schema.articles.c.id).where(schema.articles.c.title == HOSTILE_TITLE)
        ).scalar_one()
    eng.dispose()
    return article_id


def test_articles_table_and_download(app, db_url):
    at = run(app, "app_pages/articles.py")
    table = at.dataframe[0].value
    assert len(table) == min(count(db_url), q.ARTICLE_LIMIT)
    assert {"title", "link", "risk_score", "sentiment", "categories", "actors"} <= set(
        table.columns
    )
    assert HOSTILE_TITLE in set(table["title"])
    hostile_row = table[table["title"] == HOSTILE_TITLE].iloc[0]
    assert pd.isna(hostile_row["link"])  # javascript: is never linked
    assert at.get("download_button")[0].label == "Download CSV"


def test_article_evidence_is_escaped(app, db_url):
    at = run(app, "app_pages/articles.py", article=str(hostile_id(db_url)))
    assert "Evidence" in [s.value for s in at.subheader]
    assert_no_raw_markup(at)
    md = " ".join(m.value for m in at.markdown)
    assert "\\<script\\>alert\\(1\\)\\<\\/script\\>" in md
    assert ":red-background[Hostile]" in md
    assert ":blue-background[**Hun Manet**]" in md
    assert "\\[click\\]\\(javascript\\:" in md  # the feed's link, as literal text
    assert not at.get("link_button")  # the stored URL is javascript:, so no button
    metrics = kpis(at)
    assert metrics["Risk score"] == "36.0"


def test_article_evidence_of_a_normal_article(app, db_url):
    eng = store.make_engine(db_url)
    with eng.connect() as conn:
        article_id = conn.execute(
            select(schema.articles.c.id)
            .where(schema.articles.c.title.like("Thousands join protest%"))
            .order_by(schema.articles.c.id)
            .limit(1)
        ).scalar_one()
    eng.dispose()
    at = run(app, "app_pages/articles.py", article=str(article_id))
    md = " ".join(m.value for m in at.markdown)
    assert ":red-background[protest]" in md
    assert at.get("link_button")[0].proto.url.startswith("https://")


def test_article_evidence_says_how_the_article_arrived(monkeypatch, tmp_path):
    """A backfilled article came from the site's archive, not from its feed: the
    evidence says which, from what the store recorded for it."""
    from datetime import datetime

    from history_site import HistorySite

    from feeds.config import BackfillPolicy, FeedConfig, FetchLimits, Settings
    from feeds.ingest.backfill import run_backfill

    url = f"sqlite:///{tmp_path / 'arrivals.db'}"
    build_dataset(url, n_articles=20, hostile_title=False)
    with HistorySite(posts=20) as site:
        settings = Settings(
            db_url=url,
            workers=1,
            fetch=FetchLimits(connect_timeout=2, read_timeout=5, total_timeout=10),
            backfill=BackfillPolicy(delay=0.0),
        )
        summary = run_backfill(
            settings,
            [FeedConfig("Site", site.base + "feed/", backfill="sitemap", full_text=True)],
            since=datetime(2026, 3, 1),
            until=datetime(2026, 3, 15),
        )
    assert summary.new_articles > 0
    a = schema.articles
    eng = store.make_engine(url)
    with eng.connect() as conn:
        by_arrival = dict(
            conn.execute(
                select(a.c.arrival, a.c.id).where(a.c.relevant.is_(True)).order_by(a.c.id)
            ).all()
        )
    eng.dispose()
    assert set(by_arrival) == {"feed", "sitemap"}
    for arrival, words in [
        ("feed", "arrived with a feed refresh"),
        ("sitemap", "arrived by backfill (the site's sitemap)"),
    ]:
        page = run(
            empty_app(monkeypatch, url), "app_pages/articles.py", article=str(by_arrival[arrival])
        )
        meta = [unescape(c.value) for c in page.caption if " UTC · " in c.value]
        assert len(meta) == 1 and meta[0].endswith(words), meta


@pytest.mark.parametrize(
    "value,notice",
    [
        ("abc", "Ignored article"),
        ("-3", "Ignored article"),
        ("99999999999999999999", "Ignored article"),
    ],
)
def test_bad_article_param(app, value, notice):
    at = run(app, "app_pages/articles.py", article=value)
    assert any(notice in c.value for c in at.caption)
    assert "article" not in at.query_params


def test_missing_article(app):
    at = run(app, "app_pages/articles.py", article="999999")
    assert any("does not exist" in w.value for w in at.warning)


# --- empty and first states --------------------------------------------------------------------


def empty_app(monkeypatch, url: str) -> AppTest:
    monkeypatch.setenv("CAMBODIA_RISK_DB", url)
    return AppTest.from_file(str(APP), default_timeout=60)


def assert_empty_state(at: AppTest) -> None:
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "cambodia-risk demo" in text and "cambodia-risk refresh" in text
    assert not at.metric


def test_missing_database_file(monkeypatch, tmp_path):
    path = tmp_path / "nothing.db"
    at = empty_app(monkeypatch, f"sqlite:///{path}").run()
    assert_empty_state(at)
    assert not path.exists()  # the dashboard never creates the database


def test_database_without_tables(monkeypatch, tmp_path):
    path = tmp_path / "blank.db"
    path.write_bytes(b"")
    at = empty_app(monkeypatch, f"sqlite:///{path}").run()
    assert_empty_state(at)
    assert "no tables" in at.info[0].value


def test_migrated_but_empty_database(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'migrated.db'}"
    eng = store.make_engine(url)
    store.migrate(eng)
    eng.dispose()
    for page in ("app_pages/overview.py", "app_pages/articles.py"):
        at = empty_app(monkeypatch, url)
        at.run()
        if page != "app_pages/overview.py":
            at.switch_page(page).run()
        assert_empty_state(at)


def test_unreachable_database_is_an_error_message_not_a_crash(monkeypatch):
    at = empty_app(monkeypatch, "postgresql://nobody:secret@127.0.0.1:1/none").run()
    assert not at.exception
    assert at.error and "secret" not in at.error[0].value


def test_demo_data_label(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'demo.db'}"
    build_dataset(url, n_articles=20, run_kind="demo")
    at = empty_app(monkeypatch, url).run()
    assert "demo data" in " ".join(c.value for c in at.sidebar.caption)


# --- sign-in ---------------------------------------------------------------------------------


AUTH = {
    "auth": {
        "redirect_uri": "http://localhost:8501/oauth2callback",
        "cookie_secret": "x" * 32,
        "client_id": "id",
        "client_secret": "s",
        "server_metadata_url": "https://example.org/.well-known/openid-configuration",
    }
}


def test_sign_in_required_when_auth_is_configured(app):
    app.secrets = AUTH
    app.user = {"is_logged_in": False}
    at = run(app)
    assert [b.label for b in at.button] == ["Sign in"]
    assert not at.metric


def test_signed_in_user_sees_the_dashboard(app):
    app.secrets = AUTH
    app.user = {"is_logged_in": True, "name": "Analyst", "email": "a@example.org"}
    at = run(app)
    assert list(kpis(at)) == KPI_LABELS
    assert any("Analyst" in c.value for c in at.sidebar.caption)


def test_named_providers_get_one_button_each(app):
    app.secrets = {
        "auth": {
            "redirect_uri": "http://localhost:8501/oauth2callback",
            "cookie_secret": "x" * 32,
            "google": {
                "client_id": "id",
                "client_secret": "s",
                "server_metadata_url": "https://accounts.example/.well-known/x",
            },
            "microsoft": {
                "client_id": "id",
                "client_secret": "s",
                "server_metadata_url": "https://login.example/.well-known/x",
            },
        }
    }
    app.user = {"is_logged_in": False}
    at = run(app)
    assert sorted(b.label for b in at.button) == ["Sign in with Google", "Sign in with Microsoft"]
