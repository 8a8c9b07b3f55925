"""``dashboard.series``: the pure shaping rules, on hand-made frames (no database).

The shaping of real query results (KPIs, rolling series, weekly roll-ups, the
alerts' spike) is checked against the fixture dataset in test_dashboard_queries.py.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
import pytest

from dashboard import series
from dashboard.filters import Filters


def test_alert_table_rules():
    counts = pd.DataFrame(
        {
            "key": ["jump", "steady", "few", "new"],
            "recent": [8, 4, 2, 3],
            "baseline_total": [8, 16, 0, 0],
        }
    )
    out = series.alert_table(counts, "category")
    assert list(out["key"]) == ["new", "jump"]
    assert math.isinf(out.iloc[0]["ratio"])
    assert out.iloc[1]["ratio"] == pytest.approx(4.0)
    assert out.iloc[1]["baseline"] == pytest.approx(2.0)
    assert series.alert_table(counts.iloc[0:0], "actor").empty


def test_timeline_weekly_weights_sentiment_by_mentions():
    tl = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-06-03", "2024-06-05", "2024-06-10"]),
            "articles": [1, 2, 1],
            "mentions": [1, 3, 2],
            "sentiment": [0.4, -0.4, None],
        }
    )
    wk = series.timeline_weekly(tl)
    assert list(wk["day"]) == list(pd.to_datetime(["2024-06-03", "2024-06-10"]))
    assert list(wk["articles"]) == [3, 1]
    assert wk["sentiment"].iloc[0] == pytest.approx((0.4 - 1.2) / 4)
    assert pd.isna(wk["sentiment"].iloc[1])
    assert series.week_start(date(2024, 6, 9)) == date(2024, 6, 3)


def test_label_runs_running_versus_interrupted():
    runs = pd.DataFrame({"id": [3, 2, 1], "finished_at": [None, None, datetime(2024, 1, 1)]})
    assert list(series.label_runs(runs, 3)["state"]) == ["running", "interrupted", "finished"]


def test_label_runs_names_runs_that_stopped_early():
    finished = datetime(2024, 1, 1)
    runs = pd.DataFrame(
        {
            "id": [5, 4, 3, 2, 1],
            "finished_at": [finished] * 5,
            "outcome": ["lost-lock", "database-error", "completed", None, "out-of-disk"],
        }
    )
    assert list(series.label_runs(runs, 5)["state"]) == [
        "stopped: lost the refresh lock",
        "stopped: database error",
        "finished",
        "finished",
        "stopped: out of disk",
    ]


def test_runs_for_display_names_kinds_and_blanks_rescore_counters():
    runs = pd.DataFrame(
        {
            "id": [4, 3, 2, 1],
            "kind": ["rescore", "demo", "refresh", "something_new"],
            "feeds_ok": [0, 3, 2, 1],
            "feeds_failed": [0, 0, 1, 0],
            "feeds_unchanged": [0, 0, 0, 0],
            "feeds_skipped": [0, 0, 0, 0],
            "new_articles": [0, 40, 12, 1],
        }
    )
    shown = series.runs_for_display(runs)
    assert list(shown["kind"]) == ["Rescore", "Demo load", "Refresh", "Something new"]
    # A rescore fetches nothing: its counters are blank, not zeros.
    assert shown.loc[0, series.FEED_COUNTERS].isna().all()
    assert list(shown.loc[1, series.FEED_COUNTERS]) == [3, 0, 0, 0, 40]
    assert list(runs["kind"])[0] == "rescore"  # the input is left alone


def test_kpis_sum_each_window_and_delta_needs_both_sides():
    daily = pd.DataFrame(
        {
            "day": pd.to_datetime(["2024-06-01", "2024-06-05", "2024-06-09", "2024-06-10"]),
            "articles": [2.0, 1.0, 3.0, 1.0],
            "risk_sum": [100.0, 20.0, 90.0, 80.0],
            "risk_n": [2.0, 1.0, 3.0, 1.0],
            "high": [1.0, 0.0, 0.0, 1.0],
            "sent_sum": [-0.5, 0.2, 0.0, -0.2],
            "sent_n": [2.0, 1.0, 2.0, 1.0],
            "negative": [1.0, 0.0, 0.0, 1.0],
        }
    )

    f = Filters(start=date(2024, 6, 6), end=date(2024, 6, 10))  # previous: 1-5 June
    k = series.kpis(daily, f)
    assert k["current"]["articles"] == 4 and k["previous"]["articles"] == 3
    assert k["current"]["mean_risk"] == pytest.approx(170 / 4)
    assert k["previous"]["share_negative"] == pytest.approx(1 / 3)
    assert k["current"]["high_risk"] == 1
    assert series.delta(5, 3) == 2 and series.delta(None, 3) is None
