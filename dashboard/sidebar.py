"""The shared filters: resolved from the URL, drawn in the sidebar, written back.

``prepare`` runs once per script run, in the entry script, before the page: it checks
that the database has something to show (else draws the empty state), resolves the
query string against what the database knows (``dashboard.filters``), draws the sidebar
and leaves a ``Context`` for the page, which ``context()`` hands over. The filter
widgets write the URL, never the other way round, so a copied link reproduces a view.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from dashboard import data, geo
from dashboard.evidence import escape_markdown, literal_code
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
from dashboard.present import freshness_line, show_empty
from feeds.config import ENV_DB
from feeds.store.engine import BadDatabaseUrl

_CTX = "_dash_ctx"
_APPLIED = "_dash_applied_params"
_FILTERS = "_dash_filters"

W_DATES, W_SOURCES, W_CATS, W_ACTORS, W_PROVINCES, W_LANG, W_Q = (
    "f_dates",
    "f_sources",
    "f_categories",
    "f_actors",
    "f_provinces",
    "f_lang",
    "f_q",
)
ANY_LANGUAGE = ""


@dataclass
class Context:
    """What a page needs: the database, its version token, the resolved filters."""

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
        return describe(
            self.filters,
            {k: self.label(k) for k in self.known.categories},
            geo.province_names(),
        )

    def caption(self) -> str:
        """Escaped one-line description of the current filters."""
        return escape_markdown(self.describe())


def context() -> Context:
    """The context the entry script prepared for this run; every page starts here."""
    ctx = st.session_state.get(_CTX)
    if ctx is None:  # pragma: no cover - the entry runs a page only after prepare()
        st.stop()
    return ctx


# --- the URL ----------------------------------------------------------------------------------


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


def id_param(key: str, what: str, largest: int = 2**31 - 1) -> int | None:
    """A positive integer id from the URL (``article=12``); a bad one is dropped with a
    caption and removed from the address bar."""
    raw = st.query_params.get(key)
    if not raw:
        return None
    try:
        value = int(raw)
        if 0 < value <= largest:
            return value
    except ValueError:
        pass
    st.caption(f"Ignored {key}={escape_markdown(raw[:30])}: not an {what} id.")
    set_page_param(key, None)
    return None


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


# --- preparing a run --------------------------------------------------------------------------


def prepare() -> Context | None:
    """Everything a page needs, or None after drawing the empty/error state."""
    url = data.db_url()
    st.session_state.pop(_CTX, None)
    try:
        path = data.sqlite_file(url)
    except BadDatabaseUrl as exc:
        st.title("Cambodia Risk Monitor")
        st.error(f"{escape_markdown(str(exc))}. Check {literal_code(ENV_DB)}.")
        return None
    if path is not None and not path.exists():
        show_empty(data.safe_db_url(url), "There is no database file yet.")
        return None
    try:
        version = data.data_version(url)
        status = data.db_status(url, version)
    except SQLAlchemyError as exc:
        if _missing_table(exc):
            show_empty(data.safe_db_url(url), "The database has no tables yet.")
            return None
        st.title("Cambodia Risk Monitor")
        st.error(
            f"Cannot read the database {literal_code(data.safe_db_url(url))}: "
            f"{escape_markdown(type(exc).__name__)}. Check that it is reachable and "
            f"that {literal_code(ENV_DB)} is right."
        )
        return None
    empty = None
    if not status.tables:
        empty = "The database has no tables yet."
    elif not status.articles:
        empty = "The database has no articles yet."
    elif not status.relevant:
        empty = (
            "Articles are stored but none is scored relevant yet. "
            "`cambodia-risk rescore` scores stored articles."
        )
    if empty:
        show_empty(data.safe_db_url(url), empty)
        return None

    labels = data.category_labels()
    base = data.basics(url, version, tuple(sorted(labels)))
    known = replace(base["known"], provinces=frozenset(geo.province_names()))
    params = current_params()
    filters, notices = parse_params(params, known)
    languages = list(data.window_languages(url, version, filters)["language"])
    if filters.lang and filters.lang not in languages:
        known_l = replace(known, languages=frozenset(languages))
        filters, notices = parse_params(params, known_l)
    if notices:  # drop what was ignored from the address bar too
        set_params(to_params(filters))
    ctx = Context(url, version, known, filters, labels, notices, languages)
    st.session_state[_CTX] = ctx
    render_sidebar(ctx)
    with st.sidebar:
        st.divider()
        st.caption(freshness_line(base["freshness"]))
    return ctx


def _missing_table(exc: Exception) -> bool:
    text = str(exc).lower()
    return "no such table" in text or "does not exist" in text and "relation" in text


# --- the sidebar ------------------------------------------------------------------------------


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
    st.session_state[W_PROVINCES] = list(f.provinces)
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
    changes["provinces"] = st.session_state.get(W_PROVINCES) or ()
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
    names = geo.province_names()
    sb.multiselect(
        "Provinces",
        list(names),
        key=W_PROVINCES,
        format_func=lambda code: names.get(code, code),
        on_change=_on_filter_change,
        placeholder="All provinces",
        help="Articles that report from or about any of the chosen provinces (a dateline "
        "or a place in the text; not a publisher's address or a passing list). Clicking "
        "a province on the Overview's map sets this too.",
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
        _download_buttons(ctx)
    sb.caption("The filters live in the address bar: copy the URL to share this view.")


def _download_buttons(ctx: Context) -> None:
    """The matching articles as CSV (exactly ``cambodia-risk export``'s fields) and the
    brief for this view as one HTML file. Each is built only when clicked (a callable),
    so drawing the page stays cheap."""
    f = ctx.filters
    days = f"{f.start:%Y%m%d}-{f.end:%Y%m%d}"
    for label, build, name, mime, icon, help_text in (
        ("Download CSV", data.export_csv_builder, f"cambodia-risk_{days}.csv", "text/csv",
         ":material/download:", "Every article matching the filters (not only the rows "
         "shown), with the same fields as `cambodia-risk export`."),
        ("Download brief", data.brief_builder, f"cambodia-risk-brief_{days}.html",
         "text/html", ":material/summarize:", "The brief for this view against the period "
         "before: headline changes, the risk index chart, top stories, actors, coverage "
         "gaps. One file that opens offline and prints (`cambodia-risk brief` writes the "
         "same from the command line)."),
    ):
        st.download_button(label, data=build(ctx.url, f), file_name=name, mime=mime,
                           on_click="ignore", icon=icon, help=help_text)
