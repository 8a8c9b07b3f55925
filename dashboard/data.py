"""Data access for the pages: the read-only engine, the cached reads, the lexicons.

Every read goes through a Streamlit cache with ``ttl`` and ``max_entries``, keyed on a
cheap data-version token so a new refresh run invalidates it; the SQL itself lives in
``dashboard.queries``. A page's independent queries run side by side on their own
connections. The lexicons come from the same folder as the CLI's (``--lexicons`` /
``CAMBODIA_RISK_LEXICONS``), so the category list and the evidence view's sentence
sentiment match what the scorer stored.
"""

from __future__ import annotations

import functools
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pandas as pd
import streamlit as st
from sqlalchemy import create_engine, event

from dashboard import queries, series
from dashboard.filters import Filters
from feeds import config
from feeds.lexicon import LexiconError, load_lexicons
from feeds.store.engine import normalise_url, safe_url, sqlite_path

CACHE_TTL = 600  # seconds; the version token usually invalidates sooner
CACHE_MAX_ENTRIES = 64
VERSION_TTL = 5  # seconds between two data-version probes
PARALLEL_QUERIES = 4  # a page's independent queries run side by side on their own
# connections (SQLite readers do not block each other under WAL; PostgreSQL gets one
# backend per query)

# --- settings shared with feeds ----------------------------------------------------------
# The database and lexicon settings, and the URL helpers, are feeds' own: the dashboard
# reads the same environment as the CLI through them, and parses no URL itself.
db_url = config.database_url
lexicon_dir = config.lexicon_dir
safe_db_url = safe_url
sqlite_file = sqlite_path


# --- the engine -------------------------------------------------------------------------------


@st.cache_resource(show_spinner=False, max_entries=4)
def engine(url: str):
    """A read-only engine for the dashboard.

    Not ``feeds.store.make_engine``: the dashboard must not create directories, switch
    journal modes or write at all (SQLite connections get ``query_only``), and importing
    the store pulls in Alembic and the scorer, which a cold start should not pay for.
    """
    url = normalise_url(url)
    if sqlite_file(url) is None:
        return create_engine(url, pool_pre_ping=True)
    eng = create_engine(url, connect_args={"timeout": 30})

    @event.listens_for(eng, "connect")
    def _reader_pragmas(dbapi_conn, _record):
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA busy_timeout=30000")  # wait out a writer's commit
        cur.execute("PRAGMA query_only=1")
        cur.close()

    return eng


def _run(url: str, fn, *args):
    with engine(url).connect() as conn:
        return fn(conn, *args)


def run_parallel(url: str, jobs: dict[str, tuple]) -> dict:
    """Run independent pure queries (``name: (fn, *args)``) at once, each on its own
    connection; return ``name: result``. No Streamlit call happens in the workers."""
    eng = engine(url)

    def one(job):
        fn, *args = job
        with eng.connect() as conn:
            return fn(conn, *args)

    if len(jobs) <= 1:
        return {name: one(job) for name, job in jobs.items()}
    with ThreadPoolExecutor(max_workers=min(PARALLEL_QUERIES, len(jobs))) as pool:
        futures = {name: pool.submit(one, job) for name, job in jobs.items()}
        return {name: fut.result() for name, fut in futures.items()}


def export_csv_builder(url: str, f: Filters):
    """A callable that builds the matching articles' CSV when it is called (a click)."""
    eng = engine(url)

    def build() -> bytes:
        with eng.connect() as conn:
            return queries.export_csv(conn, f).encode("utf-8")

    return build


# --- cached reads -----------------------------------------------------------------------------


@st.cache_data(ttl=VERSION_TTL, max_entries=16, show_spinner=False)
def data_version(url: str) -> tuple:
    return _run(url, queries.data_version)


_CACHE = dict(ttl=CACHE_TTL, max_entries=CACHE_MAX_ENTRIES, show_spinner=False)


@st.cache_data(**_CACHE)
def db_status(url: str, version: tuple) -> queries.DbStatus:
    return _run(url, queries.db_status)


@st.cache_data(**_CACHE)
def basics(url: str, version: tuple, extra_categories: tuple[str, ...]) -> dict:
    """What every page needs before it can parse the URL: known values, freshness."""
    return run_parallel(
        url, {"known": (queries.known_values, extra_categories), "freshness": (queries.freshness,)}
    )


@st.cache_data(**_CACHE)
def window_languages(url: str, version: tuple, f: Filters) -> pd.DataFrame:
    return _run(url, queries.window_languages, f)


@st.cache_data(**_CACHE)
def overview_data(url: str, version: tuple, f: Filters, categories: tuple[str, ...]) -> dict:
    """The Overview's queries, run in parallel: daily sums over this and the previous
    window (plus the smoothing lead-in), category volume, alerts, top actors."""
    prev_start, _ = f.previous_window()
    first = min(prev_start, f.start - timedelta(days=series.SMOOTH_DAYS - 1))
    return run_parallel(
        url,
        {
            "daily": (queries.daily_stats, f, first, f.end),
            "categories": (queries.category_daily, f, categories),
            "alerts": (queries.alerts, f),
            "actors": (queries.top_actors, f, 12),
            "coverage": (queries.coverage, f),
        },
    )


@st.cache_data(**_CACHE)
def places_data(url: str, version: tuple, f: Filters) -> dict:
    """Per province and per specific place over the window (the map and /places)."""
    return run_parallel(
        url, {"provinces": (queries.province_stats, f), "places": (queries.place_stats, f, 200)}
    )


@st.cache_data(**_CACHE)
def place_focus(url: str, version: tuple, f: Filters, kind: str, key: str) -> dict:
    """One province (``kind`` "province", ``key`` its ISO code) or place: its timeline
    and its newest articles."""
    daily = queries.province_daily if kind == "province" else queries.place_daily
    return run_parallel(url, {
        "daily": (daily, f, key),
        "articles": (queries.place_articles, f, kind, key, 20),
    })


@st.cache_data(**_CACHE)
def actors_data(url: str, version: tuple, f: Filters) -> dict:
    return run_parallel(
        url, {"ranking": (queries.top_actors, f, 100), "candidates": (queries.candidates, f, 50)}
    )


@st.cache_data(**_CACHE)
def actor_timeline(url: str, version: tuple, f: Filters, actor: str) -> pd.DataFrame:
    return _run(url, queries.actor_timeline, f, actor)


@st.cache_data(**_CACHE)
def comentions(url: str, version: tuple, f: Filters, actors: tuple[str, ...]) -> pd.DataFrame:
    return _run(url, queries.comentions, f, list(actors))


@st.cache_data(**_CACHE)
def articles_data(url: str, version: tuple, f: Filters, limit: int) -> dict:
    return run_parallel(
        url, {"total": (queries.article_count, f), "table": (queries.article_list, f, limit)}
    )


@st.cache_data(**_CACHE)
def article_detail(url: str, version: tuple, article_id: int) -> dict | None:
    return _run(url, queries.article_detail, article_id)


@st.cache_data(**_CACHE)
def sources_data(url: str, version: tuple, f: Filters, runs: int) -> dict:
    out = run_parallel(
        url,
        {
            "page": (queries.sources_page, f),
            "runs": (queries.refresh_runs, runs),
            "coverage": (queries.source_coverage,),
            "volume": (queries.daily_volume, f),
        },
    )
    return {**out.pop("page"), **out}


@st.cache_data(**_CACHE)
def alerts_data(url: str, version: tuple, f: Filters, rules: tuple, kinds: tuple,
                state: str | None) -> dict:
    return run_parallel(url, {"table": (queries.fired_alerts, f, rules, kinds, state),
                              "choices": (queries.alert_choices,)})


@st.cache_data(**_CACHE)
def alert_detail(url: str, version: tuple, event_id: int) -> dict | None:
    return _run(url, queries.alert_detail, event_id)


def alert_rules():
    """The rule file the CLI would load (--alerts default / CAMBODIA_RISK_ALERTS):
    (rules or None, the error message or None)."""
    import os

    from feeds.alerts.rules import AlertRulesError, load_rules

    path = os.environ.get(config.ENV_ALERTS) or str(config.DEFAULT_ALERTS)
    try:
        return load_rules(path), None
    except AlertRulesError as exc:
        return None, str(exc)


def brief_builder(url: str, f: Filters):
    """A callable that writes the brief for these filters when clicked: one HTML file."""
    eng = engine(url)

    def build() -> bytes:
        import os

        from feeds.brief import build as build_brief

        brief = build_brief(eng, f.start, f.end, where=queries.conditions(f, dates=False),
                            lexicon_dir=lexicon_dir())
        return brief.html(os.environ.get(config.ENV_PUBLIC_URL)).encode("utf-8")

    return build


# --- the lexicons -----------------------------------------------------------------------------


def lexicons():
    """The scorer's lexicons from ``lexicon_dir()``, or None when they do not load.

    Loaded once per version of the files (a changed file is re-read on the next run)
    and kept for the process, like the imported modules: they are the same for every
    session and cost a few tenths of a second to load.
    """
    directory = lexicon_dir()
    try:
        stamp = tuple(
            (p.name, p.stat().st_mtime_ns, p.stat().st_size)
            for p in sorted(directory.glob("*.toml"))
        )
    except OSError:
        return None
    return _load_lexicons(str(directory), stamp)


@functools.lru_cache(maxsize=2)
def _load_lexicons(directory: str, _stamp: tuple):
    try:
        return load_lexicons(directory)
    except (LexiconError, OSError):
        return None


def category_labels() -> dict[str, str]:
    """Category key -> label, in the lexicon's order ({} when the lexicons do not load;
    the pages then title-case the keys the database holds)."""
    lex = lexicons()
    return dict(lex.category_labels) if lex is not None else {}


def sentence_sentiment_fn(language: str | None):
    """Compound sentiment per sentence, as the scorer computes it (its own VADER with
    ``sentiment.toml`` applied), for English articles, the only ones it scores; None
    otherwise or when the lexicons do not load. Plain VADER is never substituted: its
    numbers would differ from the stored ones for no visible reason."""
    if language != "en":
        return None
    lex = lexicons()
    if lex is None:
        return None
    try:
        # Imported here: only the evidence view needs the scorer (and VADER).
        from feeds.score import compiled

        analyzer = compiled(lex).analyzer
    except Exception:
        return None
    return lambda s: float(analyzer.polarity_scores(s)["compound"])


def context_rules(detail: dict) -> tuple[dict, list[dict]]:
    """The scorer's context rules for one article, as the evidence view shows them.

    The rule that decided each term (``{(sentence_index, start, end, term): rule}``) and
    the matches a rule stopped, from scoring the stored text again with the current
    lexicons: they are not stored. ``({}, [])`` when the lexicons do not load.
    """
    lex = lexicons()
    if lex is None:
        return {}, []
    # Imported here: only the evidence view needs the scorer.
    from feeds.score import score_article

    published = detail.get("published_at")
    score = score_article(
        detail.get("title") or "",
        detail.get("text") or "",
        lex,
        language=detail.get("language"),
        published=published.date() if hasattr(published, "date") else None,
    )
    rules = {
        (m.sentence_index, m.start, m.end, m.term): m.rule for m in score.term_matches if m.rule
    }
    vetoed = [
        {"sentence_index": v.sentence_index, "term": v.term, "matched": v.matched,
         "category": v.category, "rule": v.rule}
        for v in score.vetoed
    ]
    return rules, vetoed
