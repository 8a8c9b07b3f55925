"""The Sources page's coverage: earliest and latest article, backfill state, and the
weekly volume per source with its gaps, from databases a real backfill filled."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pytest
from db_support import pg_url
from history_site import HistorySite
from streamlit.testing.v1 import AppTest

from dashboard import charts, queries, series
from dashboard.filters import Filters
from feeds import store
from feeds.config import BackfillPolicy, FeedConfig, FetchLimits, Settings
from feeds.ingest.backfill import run_backfill

APP = str(Path(__file__).resolve().parent.parent / "dashboard" / "app.py")


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def filled(request, tmp_path_factory):
    """Two sites backfilled (one whose REST API is closed), and a feed never backfilled;
    the open site has no article in February (a gap)."""
    url = (f"sqlite:///{tmp_path_factory.mktemp('coverage') / 'c.db'}"
           if request.param == "sqlite" else pg_url("cr_test_coverage"))
    settings = Settings(db_url=url, fetch=FetchLimits(total_timeout=10), workers=1,
                        backfill=BackfillPolicy(delay=0))
    with HistorySite(posts=20, first=datetime(2026, 1, 5), last=datetime(2026, 1, 30)) as a, \
            HistorySite(posts=20, rest="forbidden") as b:
        feeds = [FeedConfig("Open", a.base + "feed/", backfill="wordpress"),
                 FeedConfig("Closed", b.base + "feed/", backfill="wordpress"),
                 FeedConfig("Never", "https://never.example/feed/", backfill="none")]
        run_backfill(settings, feeds[:2], since=datetime(2026, 1, 1),
                     until=datetime(2026, 3, 1))
        run_backfill(settings, feeds[2:], since=datetime(2026, 1, 1),
                     until=datetime(2026, 3, 1))
    return url


def read(url, fn, *args):
    engine = store.make_engine(url)
    try:
        with engine.connect() as conn:
            return fn(conn, *args)
    finally:
        engine.dispose()


def test_source_coverage_states_and_dates(filled):
    rows = read(filled, queries.source_coverage).set_index("source")
    assert rows.loc["Open", "backfill"] == "Done"
    assert rows.loc["Open", "method"] == "wordpress"
    assert rows.loc["Open", "articles"] == rows.loc["Open", "backfilled"] == 20
    assert rows.loc["Open", "earliest"].date() == date(2026, 1, 5)
    assert rows.loc["Open", "latest"].date() < date(2026, 1, 31)
    assert rows.loc["Closed", "backfill"] == "Refused by the site"
    assert "the REST API refused (HTTP 403" in rows.loc["Closed", "detail"]
    assert rows.loc["Never", "backfill"] == "Not supported"
    assert rows.loc["Never", "articles"] == 0 and pd.isna(rows.loc["Never", "earliest"])


def test_weekly_volume_shows_the_gap(filled):
    f = Filters(start=date(2026, 1, 1), end=date(2026, 2, 28))
    daily = read(filled, queries.daily_volume, f)
    weekly = series.weekly_volume(daily, ["Closed", "Never", "Open"], f.start, f.end)
    assert len(weekly) == 3 * 9  # every source, every week of the window
    open_weeks = weekly[weekly["source"] == "Open"].set_index("day")["articles"]
    assert open_weeks.sum() == 20
    assert (open_weeks[open_weeks.index >= pd.Timestamp("2026-02-02")] == 0).all()
    assert weekly[weekly["source"] == "Never"]["articles"].sum() == 0
    spec = charts.coverage_chart(weekly, x_domain=("2025-12-29", "2026-02-23")).to_dict()
    assert spec["mark"]["type"] == "rect"
    assert spec["encoding"]["color"]["condition"]["test"] == "datum.articles == 0"


def test_sources_page_shows_coverage(filled, monkeypatch):
    monkeypatch.setenv("CAMBODIA_RISK_DB", filled)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["start"] = "2026-01-01"
    at.query_params["end"] = "2026-02-28"
    at.run()
    at.switch_page("app_pages/sources.py").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Coverage" in [h.value for h in at.subheader]
    table = at.dataframe[-1].value.set_index("source")
    assert table.loc["Closed", "backfill"] == "Refused by the site"
    assert table.loc["Open", "backfill"] == "Done"
    assert any("pale cell" in c.value for c in at.caption)
