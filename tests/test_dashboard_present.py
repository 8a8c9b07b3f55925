"""``dashboard.present`` helpers that need no running app, and checks over the
dashboard's own source files."""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pandas as pd
import pytest

from dashboard import charts, present

ROOT = Path(__file__).resolve().parent.parent
DASHBOARD_FILES = sorted((ROOT / "dashboard").rglob("*.py")) + sorted(
    (ROOT / ".streamlit").glob("*.toml")
)
# Pictographs, dingbats, coloured circles and squares, variation selectors: drawn from an
# emoji font, which Debian's Chromium does not have (it shows empty boxes).
EMOJI = re.compile("[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0f\u200d]")
# An icon given as a ":name:" shortcode other than Streamlit's Material icons is an emoji.
SHORTCODE = re.compile(r"""icon=["'](?!:material/)[^"']*["']""")

RUN_END = datetime(2024, 6, 30, 6, 0, 37)


# --- freshness -------------------------------------------------------------------------


def test_freshness_line_is_plain_text_with_a_clean_time():
    line = present.freshness_line(
        {"finished_at": RUN_END, "kind": "refresh", "data_kind": "refresh"}
    )
    assert line == "Data as of 2024-06-30 06:00 UTC"
    assert "\u2060" not in line and "\\" not in line


def test_freshness_line_after_a_rescore_of_demo_data():
    line = present.freshness_line(
        {"finished_at": RUN_END, "kind": "rescore", "data_kind": "demo", "latest_kind": "rescore"}
    )
    assert line == "Data as of 2024-06-30 06:00 UTC (rescored) · demo data"


def test_freshness_line_refresh_after_demo_is_not_demo():
    info = {"finished_at": RUN_END, "kind": "refresh", "data_kind": "refresh"}
    assert "demo" not in present.freshness_line({**info, "latest_kind": "refresh"})


@pytest.mark.parametrize(
    "kind,words",
    [
        ("refresh", "a refresh is running (since 07:15 UTC)"),
        ("rescore", "a rescore is running (since 07:15 UTC)"),
        ("demo", "a demo load is running (since 07:15 UTC)"),
        ("**odd**", "a run is running (since 07:15 UTC)"),  # never a raw database string
    ],
)
def test_freshness_line_names_the_running_kind(kind, words):
    line = present.freshness_line(
        {
            "finished_at": RUN_END,
            "kind": "refresh",
            "data_kind": "refresh",
            "latest_kind": kind,
            "running": True,
            "running_kind": kind,
            "running_since": datetime(2024, 6, 30, 7, 15),
        }
    )
    assert line.endswith(words)


def test_freshness_line_without_any_run():
    assert present.freshness_line({"finished_at": None}) == "No finished refresh yet"


# --- tables and charts ----------------------------------------------------------------


def test_table_height_fits_the_rows():
    assert present.table_height(3, 18) == 4 * present.TABLE_ROW_PX + 3
    assert present.table_height(100, 18) == 19 * present.TABLE_ROW_PX + 3
    assert present.table_height(0, 18) == 2 * present.TABLE_ROW_PX + 3


def test_cached_chart_spec_skips_validation_but_is_valid():
    df = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-06-01", "2024-06-03"]),
            "articles": [2, 1],
            "mentions": [2, 1],
            "sentiment": [0.2, -0.4],
        }
    )
    spec = present.chart_spec(
        charts.actor_timeline_chart, df, x_domain=("2024-06-01", "2024-06-03")
    )
    validated = charts.actor_timeline_chart(df, x_domain=("2024-06-01", "2024-06-03")).to_dict()
    validated.get("config", {}).pop("view", None)
    if not validated.get("config", True):
        del validated["config"]
    assert spec == validated


# --- the dashboard's own files ----------------------------------------------------------


@pytest.mark.parametrize("path", DASHBOARD_FILES, ids=lambda p: p.name)
def test_no_emoji_in_the_dashboard(path):
    """Icons are Material icons (``:material/...:``) or words, never emoji."""
    text = path.read_text(encoding="utf-8")
    found = [
        f"line {n}: {line.strip()}"
        for n, line in enumerate(text.splitlines(), 1)
        if EMOJI.search(line) or SHORTCODE.search(line)
    ]
    assert not found, found


def test_the_emoji_checks_catch_emoji():
    assert EMOJI.search('"🟢 ok"') and EMOJI.search('"⚪ new"') and EMOJI.search('"⚠️"')
    assert SHORTCODE.search('icon=":warning:"') and SHORTCODE.search("page_icon='🛰'")
    assert not SHORTCODE.search('icon=":material/check_circle:"')


# --- Streamlit settings ------------------------------------------------------------------


def test_streamlit_config_is_valid_and_leaves_the_address_to_the_cli():
    import tomllib

    from streamlit import config as st_config

    raw = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    st_config.get_config_options()
    known = st_config._config_options
    keys = [f"{section}.{key}" for section, table in raw.items() for key in table]
    assert keys and all(k in known for k in keys), [k for k in keys if k not in known]
    # `cambodia-risk dashboard` passes these (--host, --port, --base-url-path); a value
    # here would be a second source of truth.
    for key in ("server.address", "server.port", "server.baseUrlPath", "browser.serverAddress"):
        assert key not in keys
    assert raw["server"]["headless"] is True
    assert raw["browser"]["gatherUsageStats"] is False
    assert raw["server"]["enableXsrfProtection"] is True
    assert raw["client"]["showErrorDetails"] in ("type", "none", False)


# --- caches -------------------------------------------------------------------------------


def test_every_streamlit_cache_of_the_dashboard_is_bounded():
    """A long-running server must not grow without limit: every ``st.cache_*`` has
    ``max_entries`` (and the data caches a ``ttl``); the one process-wide cache (the
    lexicons) has a ``maxsize``."""
    import importlib
    import pkgutil

    from streamlit.runtime.caching.cache_utils import CachedFunc

    import dashboard

    found = []
    for info in pkgutil.walk_packages(dashboard.__path__, "dashboard."):
        if info.name in ("dashboard.app",) or ".app_pages" in info.name:
            continue  # scripts, not modules: they only call the cached functions
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if isinstance(obj, CachedFunc) and obj.__module__ == module.__name__:
                found.append(f"{info.name}.{name}")
                assert obj._info.max_entries, name
                if "cache_data" in type(obj._info).__module__:
                    assert obj._info.ttl, name
    assert len(found) >= 12, found
    from dashboard import data

    assert data._load_lexicons.cache_info().maxsize == 2
