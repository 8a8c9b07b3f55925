"""Presentation helpers the pages share: charts drawn from builder functions, number
formats, table sizes, the freshness line and the empty state.

Nothing here reads the database or the URL; the pages pass in what to show.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import altair as alt
import pandas as pd
import streamlit as st

from dashboard import series
from dashboard.evidence import literal_code
from feeds.text import strip_bidi

PLACEHOLDER = "–"  # what tables show for a missing value (Streamlit's default: "None")
TABLE_ROW_PX = 35  # st.dataframe's row (and header) height


# --- charts -----------------------------------------------------------------------------------

_ALTAIR_LOCK = threading.Lock()  # Altair's data transformer setting is process-global


def chart_spec(builder: Callable[..., alt.TopLevelMixin], data: pd.DataFrame, **options) -> dict:
    """The Vega-Lite spec of ``builder(data, **options)``, cached by its data and options,
    so a rerun with unchanged data skips Altair altogether (building and serialising
    charts was most of a warm run)."""
    name = f"{builder.__module__}.{builder.__qualname__}"
    return _chart_spec(builder, name, data, tuple(sorted(options.items())))


@st.cache_data(ttl=600, max_entries=128, show_spinner=False)
def _chart_spec(_builder, name: str, data: pd.DataFrame, options: tuple) -> dict:
    # ``_builder`` is left out of the cache key (a leading underscore); ``name`` stands
    # for it.
    # Chart frames are aggregates (a few thousand rows at most, e.g. three years of
    # days x categories), so Altair's 5,000-row guard is lifted.
    # No JSON-schema validation here: loading Altair's Vega-Lite schema costs about a
    # quarter of a second on a server's first chart, and the builders' output is
    # validated by the chart tests instead (tests/test_dashboard_charts.py).
    # A builder may return the finished spec itself (the map adds its geometry by name).
    with _ALTAIR_LOCK, alt.data_transformers.disable_max_rows():
        built = _builder(data, **dict(options))
        spec = built if isinstance(built, dict) else built.to_dict(validate=False)
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


def chart(builder: Callable[..., alt.TopLevelMixin], data: pd.DataFrame, **options) -> None:
    """Draw ``builder(data, **options)`` (a function of ``dashboard.charts``) full width.
    The chart toolbar offers fullscreen and PNG download."""
    st.vega_lite_chart(spec=chart_spec(builder, data, **options), width="stretch")


# --- numbers and tables -----------------------------------------------------------------------


def table_height(rows: int, max_rows: int) -> int:
    """Pixels for an ``st.dataframe`` that shows ``rows`` rows (at most ``max_rows``,
    then it scrolls) with no empty space below the last one."""
    shown = max(1, min(int(rows), int(max_rows)))
    return (shown + 1) * TABLE_ROW_PX + 3  # + the header row and the borders


def cell_text(value):
    """Feed text for a table cell, without bidirectional controls: stored titles from
    before ingest stripped them, or from another writer, still read in stored order."""
    return strip_bidi(value) if isinstance(value, str) else value


def fmt_num(value, digits: int = 1) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return PLACEHOLDER
    return f"{value:,.{digits}f}"


def fmt_pct(value) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return PLACEHOLDER
    return f"{value * 100:.1f}%"


# --- the freshness line and the empty state ---------------------------------------------------

_RUNNING_NAMES = {"refresh": "a refresh", "demo": "a demo load", series.RESCORE: "a rescore"}


def coverage_note(cov: dict) -> str | None:
    """What the Overview's figures leave out, in words (``queries.coverage``), or None.

    "4 relevant articles could not be scored: they are in a language without risk-term
    lists (fr 3, zh 1) ..." for ``{"undated": 2, "unscored": {"fr": 3, "zh": 1}}``, then
    a sentence on the 2 articles without a date.
    """
    parts = []
    unscored = cov.get("unscored") or {}
    n = sum(unscored.values())
    if n:
        langs = ", ".join(f"{lang} {k}" for lang, k in unscored.items())
        parts.append(
            f"{n} relevant article{'s' if n != 1 else ''} could not be scored: "
            f"{'they are' if n != 1 else 'it is'} in a language without risk-term lists "
            f"({langs}), so their risk and sentiment are not counted."
        )
    undated = cov.get("undated") or 0
    if undated:
        many = undated != 1
        parts.append(
            f"{undated} article{'s have' if many else ' has'} no publication date "
            f"({'their' if many else 'its'} fetch time stands in): "
            f"{'they are' if many else 'it is'} left out of the trends and alerts."
        )
    return " ".join(parts) or None


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
        if info.get("kind") == series.RESCORE:
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


EMPTY_HELP = """
Nothing to show yet. Fill the database with one of:

* `cambodia-risk demo` loads the bundled demo corpus (offline);
* `cambodia-risk refresh` fetches the configured feeds and scores the articles.

Then reload this page. The dashboard reads {db}.
"""


def show_empty(shown_url: str, reason: str) -> None:
    """The empty state; ``shown_url`` is the database URL without its password."""
    st.title("Cambodia Risk Monitor")
    st.info(reason, icon=":material/inbox:")
    # A code span shows (and copies) the URL as it is; backslash escapes inside one
    # would show as backslashes.
    st.markdown(EMPTY_HELP.format(db=literal_code(shown_url)))
