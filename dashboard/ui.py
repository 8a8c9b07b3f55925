"""Streamlit glue shared by the entry point and the pages.

The engine (``st.cache_resource``), the cached query wrappers (``st.cache_data`` with
``ttl`` and ``max_entries``, keyed on a cheap data-version token so a new refresh run
invalidates them), the sidebar filters kept in sync with the URL, the freshness line,
the empty state and the optional sign-in gate. The logic itself lives in the plain
modules ``filters``, ``queries``, ``charts`` and ``evidence``.
"""

from __future__ import annotations

import functools
import os
import re
import threading
import tomllib
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st
from sqlalchemy import create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from dashboard import charts, queries
from dashboard.evidence import escape_markdown
from dashboard.filters import (
    FILTER_KEYS,
    Filters,
    KnownValues,
    category_label,
    clean_query,
    describe,
    parse_params,
    to_params,
)
from feeds import config

CACHE_TTL = 600  # seconds; the version token usually invalidates sooner
CACHE_MAX_ENTRIES = 64
VERSION_TTL = 5  # seconds between two data-version probes
PLACEHOLDER = "–"  # what tables show for a missing value (Streamlit's default: "None")

_CTX = "_dash_ctx"
_APPLIED = "_dash_applied_params"
_FILTERS = "_dash_filters"
_PREPARED = "_dash_prepared"

W_DATES, W_SOURCES, W_CATS, W_ACTORS, W_LANG, W_Q = (
    "f_dates",
    "f_sources",
    "f_categories",
    "f_actors",
    "f_lang",
    "f_q",
)
ANY_LANGUAGE = ""


# --- database -----------------------------------------------------------------------


def db_url() -> str:
    return os.environ.get(config.ENV_DB) or config.DEFAULT_DB_URL


def safe_db_url(url: str) -> str:
    """The URL without its password, for display."""
    return re.sub(r"://([^:/@]+):[^@]*@", r"://\1:***@", url)


PARALLEL_QUERIES = 4  # a page's independent queries run side by side on their own
# connections (SQLite readers do not block each other under WAL; PostgreSQL gets one
# backend per query)


def normalise_url(url: str) -> str:
    """Plain ``postgresql://`` URLs go to psycopg 3 (as in ``feeds.store``)."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def sqlite_file(url: str) -> Path | None:
    """The database file of a SQLite URL; None for other databases and in-memory ones."""
    parsed = make_url(normalise_url(url))
    if parsed.get_backend_name() != "sqlite" or parsed.database in (None, "", ":memory:"):
        return None
    return Path(parsed.database)


@st.cache_resource(show_spinner=False)
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
    first = min(prev_start, f.start - timedelta(days=queries.SMOOTH_DAYS - 1))
    return run_parallel(
        url,
        {
            "daily": (queries.daily_stats, f, first, f.end),
            "categories": (queries.category_daily, f, categories),
            "alerts": (queries.alerts, f),
            "actors": (queries.top_actors, f, 12),
        },
    )


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
        url, {"page": (queries.sources_page, f), "runs": (queries.refresh_runs, runs)}
    )
    return {**out.pop("page"), **out}


_ALTAIR_LOCK = threading.Lock()  # Altair's data transformer setting is process-global


@st.cache_data(ttl=CACHE_TTL, max_entries=128, show_spinner=False)
def _chart_spec(name: str, data: pd.DataFrame, options: tuple) -> dict:
    built = getattr(charts, name)(data, **dict(options))
    # Chart frames are aggregates (a few thousand rows at most, e.g. three years of
    # days x categories), so Altair's 5,000-row guard is lifted.
    # No JSON-schema validation here: loading Altair's Vega-Lite schema costs about a
    # quarter of a second on a server's first chart, and the builders' output is
    # validated by the chart tests instead (tests/test_dashboard_charts.py).
    with _ALTAIR_LOCK, alt.data_transformers.disable_max_rows():
        spec = built.to_dict(validate=False)
    # Altair's default theme sizes every view 300x300; Streamlit's own theme should win.
    config = spec.get("config", {})
    view = config.get("view", {})
    for key in ("continuousWidth", "continuousHeight"):
        view.pop(key, None)
    if "view" in config and not view:
        del config["view"]
    if "config" in spec and not config:
        del spec["config"]
    return spec


def chart(name: str, data: pd.DataFrame, **options) -> None:
    """Draw ``charts.<name>(data, **options)`` full width.

    The Vega-Lite spec is cached by its data and options, so a rerun with unchanged data
    skips Altair altogether (building and serialising charts was most of a warm run).
    The chart toolbar offers fullscreen and PNG download.
    """
    spec = _chart_spec(name, data, tuple(sorted(options.items())))
    st.vega_lite_chart(spec=spec, width="stretch")


def category_labels() -> dict[str, str]:
    """Category labels from the lexicon's ``terms.toml`` ({} when unreadable; keys are
    then title-cased). Only the labels are read, so this costs milliseconds rather than
    a lexicon compile; it is re-read when the file changes."""
    path = config.LEXICON_DIR / "terms.toml"
    try:
        stamp = path.stat().st_mtime_ns
    except OSError:
        return {}
    return dict(_labels_from(str(path), stamp))


@functools.lru_cache(maxsize=4)
def _labels_from(path: str, _stamp: int) -> tuple[tuple[str, str], ...]:
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except (OSError, ValueError):
        return ()
    cats = raw.get("categories")
    if not isinstance(cats, dict):
        return ()
    out = []
    for key, table in cats.items():
        label = table.get("label") if isinstance(table, dict) else None
        if isinstance(label, str) and label.strip():
            out.append((str(key), label.strip()))
    return tuple(out)


@st.cache_resource(show_spinner=False)
def _scorer_analyzer():
    """The scorer's own VADER (with ``sentiment.toml`` applied), or None when the
    lexicons do not load. Plain VADER is never substituted: its numbers would differ
    from the stored ones for no visible reason."""
    try:
        from feeds.lexicon import load_lexicons
        from feeds.score import compiled

        return compiled(load_lexicons(config.LEXICON_DIR)).analyzer
    except Exception:
        return None


def sentence_sentiment_fn(language: str | None):
    """Compound sentiment per sentence, as the scorer computes it, for English articles
    (the only ones it scores); None otherwise or when the lexicons are unavailable."""
    if language != "en":
        return None
    analyzer = _scorer_analyzer()
    if analyzer is None:
        return None
    return lambda s: float(analyzer.polarity_scores(s)["compound"])


# --- context ----------------------------------------------------------------------------


@dataclass
class Context:
    url: str
    version: tuple
    known: KnownValues
    filters: Filters
    labels: dict[str, str] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    languages: list[str] = field(default_factory=list)

    def label(self, category: str) -> str:
        return category_label(category, self.labels)

    def describe(self) -> str:
        return describe(self.filters, {k: self.label(k) for k in self.known.categories})


def context() -> Context:
    """The context ``prepare`` made for this run; every page script starts here.

    Normally ``app.py`` prepared it just before running the page. A page can also run
    without the entry point: because the pages live in a folder named ``pages/``,
    Streamlit treats a fresh server's first request for ``/articles`` (and every AppTest
    run) as a legacy multipage app and runs the page file alone. Then this sets the
    app up itself, so a shared deep link works on a cold server too.
    """
    if not st.session_state.pop(_PREPARED, False):
        if setup() is None:
            st.stop()
        st.session_state.pop(_PREPARED, None)
    ctx = st.session_state.get(_CTX)
    if ctx is None:  # pragma: no cover - setup() either prepares or stops
        st.stop()
    return ctx


def current_filter_key(f: Filters) -> tuple:
    """A stable, hashable identity of a filter set (its URL form)."""
    return tuple(
        sorted((k, tuple(v) if isinstance(v, list) else v) for k, v in to_params(f).items())
    ) + (f.start, f.end)


def current_params() -> dict[str, list[str]]:
    return {key: st.query_params.get_all(key) for key in st.query_params}


def set_params(filter_params: dict, *, keep: bool = True) -> None:
    """Write filters to the URL, keeping the page's own parameters (``keep``)."""
    other = {}
    if keep:
        other = {k: v for k, v in current_params().items() if k not in FILTER_KEYS}
    merged = {**other, **filter_params}
    merged = {k: v for k, v in merged.items() if v not in (None, "", [])}
    st.query_params.from_dict(merged)


def set_page_param(key: str, value: str | None) -> None:
    if value in (None, ""):
        if key in st.query_params:
            del st.query_params[key]
    else:
        st.query_params[key] = value


def nav_links(where, all_pages: list, params: dict) -> None:
    """The page menu: links that carry the current filters to the other pages.

    Streamlit's own menu (hidden here) drops the query string on every page change, and
    putting the filters back from a script run races the browser's address bar.
    """
    with where:
        for page in all_pages:
            st.page_link(page, query_params=params)
        st.divider()


# --- the sidebar -----------------------------------------------------------------------------


def _sync_widgets(ctx: Context) -> None:
    """Point the filter widgets at the URL's filters when the URL changed under them
    (first load, a link, the back button); leave them alone otherwise so a half-picked
    date range survives a rerun."""
    f = ctx.filters
    canonical = (to_params(f), f.start, f.end)
    if st.session_state.get(_APPLIED) == canonical and W_DATES in st.session_state:
        return
    st.session_state[_APPLIED] = canonical
    st.session_state[W_DATES] = (f.start, f.end)
    st.session_state[W_SOURCES] = list(f.sources)
    st.session_state[W_CATS] = list(f.categories)
    st.session_state[W_ACTORS] = list(f.actors)
    st.session_state[W_LANG] = f.lang or ANY_LANGUAGE
    st.session_state[W_Q] = f.q or ""


def _on_filter_change() -> None:
    f: Filters | None = st.session_state.get(_FILTERS)
    if f is None:
        return
    dates = st.session_state.get(W_DATES)
    changes: dict = {}
    if isinstance(dates, (tuple, list)) and len(dates) == 2 and all(dates):
        start, end = dates
        if (start, end) != (f.start, f.end):
            changes.update(start=start, end=end)
    elif isinstance(dates, (tuple, list)) and len(dates) < 2:
        return  # half-picked range: wait for the second date
    changes["sources"] = st.session_state.get(W_SOURCES) or ()
    changes["categories"] = st.session_state.get(W_CATS) or ()
    changes["actors"] = st.session_state.get(W_ACTORS) or ()
    changes["lang"] = st.session_state.get(W_LANG) or None
    changes["q"] = clean_query(st.session_state.get(W_Q))
    set_params(to_params(f.with_(**changes)))


def _reset_filters() -> None:
    set_params({})
    st.session_state.pop(_APPLIED, None)


def render_sidebar(ctx: Context) -> None:
    f, known = ctx.filters, ctx.known
    st.session_state[_FILTERS] = f
    _sync_widgets(ctx)
    sb = st.sidebar
    sb.subheader("Filters")
    if ctx.notices:
        sb.warning(
            "\n\n".join(escape_markdown(n) for n in ctx.notices), icon=":material/filter_alt_off:"
        )
    low = min(d for d in (known.min_day, f.start) if d is not None)
    high = max(d for d in (known.max_day, f.end, date.today()) if d is not None)
    sb.date_input(
        "Date range",
        key=W_DATES,
        min_value=low,
        max_value=high,
        format="YYYY-MM-DD",
        on_change=_on_filter_change,
        help="Published day (UTC), both ends included. Default: the 90 days "
        "up to the newest article.",
    )
    sb.multiselect(
        "Sources",
        sorted(known.sources),
        key=W_SOURCES,
        on_change=_on_filter_change,
        placeholder="All sources",
    )
    sb.multiselect(
        "Risk categories",
        sorted(known.categories, key=ctx.label),
        key=W_CATS,
        format_func=ctx.label,
        on_change=_on_filter_change,
        placeholder="All categories",
        help="Articles with a match in any of the chosen categories.",
    )
    sb.multiselect(
        "Actors",
        sorted(known.actors),
        key=W_ACTORS,
        on_change=_on_filter_change,
        placeholder="All actors",
        help="Articles that mention any of the chosen actors.",
    )
    langs = [ANY_LANGUAGE] + sorted(set(ctx.languages) | ({f.lang} if f.lang else set()))
    sb.selectbox(
        "Language",
        langs,
        key=W_LANG,
        on_change=_on_filter_change,
        format_func=lambda v: v or "All languages",
    )
    sb.text_input(
        "Text search",
        key=W_Q,
        on_change=_on_filter_change,
        placeholder="in title or text",
        max_chars=200,
        help="Case-insensitive substring of the title or text.",
    )
    sb.button(
        "Reset filters", on_click=_reset_filters, type="tertiary", icon=":material/restart_alt:"
    )
    with sb:
        csv_download_button(ctx)
    sb.caption("The filters live in the address bar: copy the URL to share this view.")


_RUNNING_NAMES = {"refresh": "a refresh", "demo": "a demo load", queries.RESCORE: "a rescore"}


def freshness_line(info: dict) -> str:
    """Plain text: when the data last changed (the newest finished run of any kind, a
    rescore included), whether it is demo data, and whether a run is going on.

    Our own text only (dates, times, run kinds): it needs no Markdown escaping, and
    gets none, so what a viewer copies is exactly what is shown.
    """
    when = info.get("finished_at")
    parts = []
    if when:
        line = f"Data as of {when:%Y-%m-%d %H:%M} UTC"
        if info.get("kind") == queries.RESCORE:
            line += " (rescored)"
        parts.append(line)
    else:
        parts.append("No finished refresh yet")
    # The articles came from a demo load (a rescore since then changes nothing), or a
    # demo load is going on right now.
    loaded_by = info.get("data_kind", info.get("kind"))
    if loaded_by == "demo" or info.get("latest_kind") == "demo":
        parts.append("demo data")
    if info.get("running"):
        kind = info.get("running_kind") or info.get("latest_kind") or "refresh"
        name = _RUNNING_NAMES.get(kind, "a run")  # never a raw database string
        since = info.get("running_since")
        parts.append(
            f"{name} is running (since {since:%H:%M} UTC)" if since else f"{name} is running"
        )
    return " · ".join(parts)


# --- entry point --------------------------------------------------------------------------


def pages() -> list:
    """The app's pages. Paths are relative to ``dashboard/app.py``, the main script."""
    return [
        st.Page("pages/overview.py", title="Overview", icon=":material/monitoring:", default=True),
        st.Page("pages/actors.py", title="Actors", icon=":material/groups:", url_path="actors"),
        st.Page(
            "pages/articles.py", title="Articles", icon=":material/article:", url_path="articles"
        ),
        st.Page(
            "pages/sources.py", title="Sources", icon=":material/rss_feed:", url_path="sources"
        ),
    ]


def setup():
    """Page config, sign-in, navigation and the shared context: the selected page, or
    None when the run must stop (sign-in needed, empty or unreachable database)."""
    st.set_page_config(
        page_title="Cambodia Risk Monitor", page_icon=":material/radar:", layout="wide"
    )
    if not auth_gate():
        return None
    all_pages = pages()
    page = st.navigation(all_pages, position="hidden")
    menu = st.sidebar.container()
    ctx = prepare()
    nav_links(menu, all_pages, to_params(ctx.filters) if ctx else {})
    if ctx is None:
        return None
    return page


def main() -> None:
    page = setup()
    if page is None:
        st.stop()
    page.run()


def login_providers(auth: Mapping) -> list[str | None]:
    """Which ``st.login`` calls the ``[auth]`` secrets allow: ``[None]`` for a single
    provider configured in ``[auth]`` itself, else the names of its ``[auth.<name>]``
    tables."""
    named = [str(k) for k, v in auth.items() if isinstance(v, Mapping)]
    if "client_id" in auth or not named:
        return [None]
    return named


def auth_gate() -> bool:
    """With an ``[auth]`` section in secrets, require sign-in. Never fails without one."""
    try:
        auth = st.secrets["auth"] if "auth" in st.secrets else None
    except Exception:  # no secrets file at all, or an unreadable one
        return True
    if auth is None:
        return True
    try:
        logged_in = bool(getattr(st.user, "is_logged_in", False))
    except Exception:
        logged_in = False
    if logged_in:
        with st.sidebar:
            name = st.user.get("name") or st.user.get("email") or "signed in"
            st.caption(f"Signed in as {escape_markdown(str(name))}")
            if st.button("Sign out", type="tertiary", icon=":material/logout:"):
                st.logout()
        return True
    st.title("Cambodia Risk Monitor")
    st.write("This dashboard requires signing in.")
    try:
        providers = login_providers(auth)
    except Exception:
        providers = [None]
    for provider in providers:
        label = "Sign in" if provider is None else f"Sign in with {provider.title()}"
        if st.button(label, type="primary", icon=":material/login:", key=f"login_{provider}"):
            if provider is None:
                st.login()
            else:
                st.login(provider)
    return False


EMPTY_HELP = """
Nothing to show yet. Fill the database with one of:

* `cambodia-risk demo` loads the bundled demo corpus (offline);
* `cambodia-risk refresh` fetches the configured feeds and scores the articles.

Then reload this page. The dashboard reads `{db}`.
"""


def show_empty(url: str, reason: str) -> None:
    st.title("Cambodia Risk Monitor")
    st.info(reason, icon=":material/inbox:")
    st.markdown(EMPTY_HELP.format(db=escape_markdown(safe_db_url(url))))


def prepare() -> Context | None:
    """Everything a page needs, or None after drawing the empty/error state."""
    url = db_url()
    st.session_state.pop(_CTX, None)
    st.session_state.pop(_PREPARED, None)
    path = sqlite_file(url)
    if path is not None and not Path(path).exists():
        show_empty(url, "There is no database file yet.")
        return None
    try:
        version = data_version(url)
        status = db_status(url, version)
    except SQLAlchemyError as exc:
        if _missing_table(exc):
            show_empty(url, "The database has no tables yet.")
            return None
        st.title("Cambodia Risk Monitor")
        st.error(
            f"Cannot read the database {escape_markdown(safe_db_url(url))}: "
            f"{escape_markdown(type(exc).__name__)}. Check that it is reachable and "
            "that CAMBODIA\\_RISK\\_DB is right."
        )
        return None
    if not status.tables:
        show_empty(url, "The database has no tables yet.")
        return None
    if not status.articles:
        show_empty(url, "The database has no articles yet.")
        return None
    if not status.relevant:
        show_empty(
            url,
            "Articles are stored but none is scored relevant yet. "
            "`cambodia-risk rescore` scores stored articles.",
        )
        return None

    labels = category_labels()
    base = basics(url, version, tuple(sorted(labels)))
    known = base["known"]
    params = current_params()
    filters, notices = parse_params(params, known)
    langs_df = window_languages(url, version, filters)
    languages = list(langs_df["language"])
    if filters.lang and filters.lang not in languages:
        known_l = KnownValues(
            known.sources,
            known.categories,
            known.actors,
            frozenset(languages),
            known.min_day,
            known.max_day,
        )
        filters, notices = parse_params(params, known_l)
    if notices:  # drop what was ignored from the address bar too
        set_params(to_params(filters))
    ctx = Context(url, version, known, filters, labels, notices, languages)
    st.session_state[_CTX] = ctx
    st.session_state[_PREPARED] = True
    render_sidebar(ctx)
    with st.sidebar:
        st.divider()
        st.caption(freshness_line(base["freshness"]))
    return ctx


def _missing_table(exc: Exception) -> bool:
    text = str(exc).lower()
    return "no such table" in text or "does not exist" in text and "relation" in text


# --- small display helpers -------------------------------------------------------------------


TABLE_ROW_PX = 35  # st.dataframe's row (and header) height


def table_height(rows: int, max_rows: int) -> int:
    """Pixels for an ``st.dataframe`` that shows ``rows`` rows (at most ``max_rows``,
    then it scrolls) with no empty space below the last one."""
    shown = max(1, min(int(rows), int(max_rows)))
    return (shown + 1) * TABLE_ROW_PX + 3  # + the header row and the borders


def fmt_num(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{value:,.{digits}f}"


def fmt_pct(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return "–"
    return f"{value * 100:.1f}%"


def window_caption(ctx: Context) -> str:
    """Escaped one-line description of the current filters."""
    return escape_markdown(ctx.describe())


def csv_download_button(ctx: Context) -> None:
    """Download the matching articles with exactly ``cambodia-risk export``'s fields.

    The CSV is built only when clicked (a callable), so drawing the page stays cheap.
    """
    eng = engine(ctx.url)
    f = ctx.filters

    def build() -> bytes:
        with eng.connect() as conn:
            return queries.export_csv(conn, f).encode("utf-8")

    name = f"cambodia-risk_{f.start:%Y%m%d}-{f.end:%Y%m%d}.csv"
    st.download_button(
        "Download CSV",
        data=build,
        file_name=name,
        mime="text/csv",
        on_click="ignore",
        icon=":material/download:",
        help="Every article matching the filters (not only the rows shown), with the "
        "same fields as `cambodia-risk export`.",
    )
