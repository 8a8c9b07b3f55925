"""Chart builders: the Vega-Lite they produce, checked through ``to_dict()``."""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd
import pytest

from dashboard import charts

DAYS = pd.date_range("2024-06-01", periods=10, freq="D")


def risk_df():
    return pd.DataFrame(
        {
            "day": DAYS,
            "articles": range(10),
            "mean_risk": [10.0 * i for i in range(10)],
            "smoothed": [5.0 * i for i in range(10)],
            "high": [0] * 10,
        }
    )


def layers(spec: dict) -> list[dict]:
    return spec.get("layer", [spec])


def data_values(spec: dict) -> list[list[dict]]:
    return list(spec.get("datasets", {}).values())


def test_risk_index_chart_daily_and_weekly():
    spec = charts.risk_index_chart(risk_df(), high_risk=60).to_dict()
    marks = layers(spec)
    assert len(marks) == 3
    fields = [m["encoding"]["y"].get("field") for m in marks]
    assert fields == ["mean_risk", "smoothed", "threshold"]
    assert marks[0]["encoding"]["x"]["field"] == "day"
    assert marks[0]["encoding"]["x"]["type"] == "temporal"
    assert marks[0]["encoding"]["y"]["scale"]["domain"] == [0, 100]
    assert any(v == [{"threshold": 60}] for v in data_values(spec))
    weekly = charts.risk_index_chart(risk_df(), granularity="weekly").to_dict()
    assert len(layers(weekly)) == 2
    assert layers(weekly)[0]["encoding"]["x"]["title"] == "Week starting"
    assert "title" not in spec  # titles squeeze Streamlit charts; pages add headings


def test_category_volume_chart_stacks_by_label():
    df = pd.DataFrame(
        {
            "day": list(DAYS[:3]) * 2,
            "category": ["a"] * 3 + ["b"] * 3,
            "label": ["A"] * 3 + ["B"] * 3,
            "articles": [1, 2, 3, 4, 5, 6],
        }
    )
    spec = charts.category_volume_chart(df).to_dict()
    assert spec["mark"]["type"] == "bar"
    enc = spec["encoding"]
    assert enc["color"]["field"] == "label"
    assert enc["y"]["aggregate"] == "sum" and enc["y"]["field"] == "articles"
    assert enc["y"]["stack"] == "zero"


def test_sentiment_chart_folds_two_series():
    df = pd.DataFrame(
        {
            "day": DAYS,
            "articles": 1,
            "scored": 1,
            "mean_sentiment": [0.1] * 10,
            "share_negative": [0.5] * 10,
        }
    )
    spec = charts.sentiment_chart(df).to_dict()
    line = layers(spec)[0]
    folds = [t for t in line["transform"] if "fold" in t]
    assert folds[0]["fold"] == ["mean_sentiment", "share_negative"]
    assert line["encoding"]["y"]["scale"]["domain"] == [-1, 1]
    assert line["encoding"]["color"]["scale"]["domain"] == ["Mean sentiment", "Share negative"]


def test_top_actors_chart_sorted_and_coloured_by_sentiment():
    df = pd.DataFrame(
        {
            "actor": ["A", "B", "C"],
            "articles": [3, 9, 1],
            "mentions": [4, 9, 1],
            "sentiment": [-0.5, 0.2, None],
        }
    )
    chart = charts.top_actors_chart(df)
    spec = chart.to_dict()
    enc = spec["encoding"]
    assert enc["y"]["field"] == "actor" and enc["y"]["sort"] == "-x"
    assert enc["color"]["field"] == "sentiment"
    assert enc["color"]["scale"]["domainMid"] == 0
    assert enc["color"]["scale"]["clamp"] is True
    assert spec["height"] >= 60 + 30 * 3
    assert {t["field"] for t in enc["tooltip"]} == {"actor", "articles", "mentions", "sentiment"}


def test_actor_timeline_chart_bars_coloured_by_sentiment():
    df = pd.DataFrame(
        {
            "day": DAYS[:4],
            "articles": [1, 2, 1, 3],
            "mentions": [1, 2, 1, 4],
            "sentiment": [0.1, -0.2, None, 0.3],
        }
    )
    spec = charts.actor_timeline_chart(df, x_domain=(date(2024, 6, 1), date(2024, 6, 30))).to_dict()
    assert spec["mark"]["type"] == "bar"
    assert spec["encoding"]["y"]["field"] == "articles"
    assert spec["encoding"]["color"]["field"] == "sentiment"
    # The window's first day to the end of its last day: the last bar is drawn whole.
    assert spec["encoding"]["x"]["scale"]["domain"] == [
        "2024-06-01T00:00:00",
        "2024-07-01T00:00:00",
    ]
    # Each bar spans its day.
    assert spec["encoding"]["x2"]["field"] == "day_end"
    rows = data_values(spec)[0]
    assert (rows[0]["day"], rows[0]["day_end"]) == ("2024-06-01T00:00:00", "2024-06-02T00:00:00")


def test_time_domain_is_written_like_the_data():
    """Vega reads "2024-06-01" as UTC midnight but "2024-06-01T00:00:00" (how Altair
    writes the frames' days) as local midnight: the domain must use the data's form, or
    in a browser east or west of UTC the window and the bars are shifted apart."""
    spec = charts.risk_index_chart(risk_df(), x_domain=(date(2024, 6, 1), date(2024, 6, 10)))
    spec = spec.to_dict()
    domain = layers(spec)[0]["encoding"]["x"]["scale"]["domain"]
    day = data_values(spec)[0][0]["day"]
    assert domain == ["2024-06-01T00:00:00", "2024-06-10T00:00:00"]
    assert len(day) == len(domain[0]) and "T" in day


def test_weekly_bars_span_their_week():
    df = pd.DataFrame(
        {"day": pd.to_datetime(["2024-06-03", "2024-06-10"]), "articles": [3, 1], "sentiment": 0.0}
    )
    spec = charts.actor_timeline_chart(
        df, granularity="weekly", x_domain=(date(2024, 6, 3), date(2024, 6, 10))
    ).to_dict()
    assert spec["encoding"]["x"]["scale"]["domain"] == [
        "2024-06-03T00:00:00",
        "2024-06-17T00:00:00",
    ]
    assert data_values(spec)[0][0]["day_end"] == "2024-06-10T00:00:00"


def test_time_charts_share_an_x_domain():
    domain = ("2024-06-01", "2024-06-10")
    for spec in (
        charts.risk_index_chart(risk_df(), x_domain=domain).to_dict(),
        charts.sentiment_chart(
            pd.DataFrame({"day": DAYS, "mean_sentiment": 0.0, "share_negative": 0.5}),
            x_domain=domain,
        ).to_dict(),
    ):
        assert layers(spec)[0]["encoding"]["x"]["scale"]["domain"] == [
            "2024-06-01T00:00:00",
            "2024-06-10T00:00:00",
        ]
    cat = pd.DataFrame({"day": DAYS[:1], "category": ["a"], "label": ["A"], "articles": [1]})
    spec = charts.category_volume_chart(cat, x_domain=domain).to_dict()
    # Bars (weekly by default) span their week: the axis runs to the last week's end.
    assert spec["encoding"]["x"]["scale"]["domain"] == [
        "2024-06-01T00:00:00",
        "2024-06-17T00:00:00",
    ]
    daily = charts.category_volume_chart(cat, granularity="daily", x_domain=domain).to_dict()
    assert daily["encoding"]["x"]["scale"]["domain"] == [
        "2024-06-01T00:00:00",
        "2024-06-11T00:00:00",
    ]
    # Without a domain Vega picks one from the data.
    assert "scale" not in charts.category_volume_chart(cat).to_dict()["encoding"]["x"]


def test_long_labels_are_not_cut_short():
    df = pd.DataFrame(
        {"actor": ["Royal Cambodian Armed Forces"], "articles": [3], "sentiment": [0.0]}
    )
    spec = charts.top_actors_chart(df).to_dict()
    assert spec["encoding"]["y"]["axis"]["labelLimit"] == charts.LABEL_LIMIT


def test_big_aggregates_pass_through_the_spec_cache():
    # Three years of days x seven categories exceed Altair's 5,000-row guard.
    days = pd.date_range("2022-01-01", periods=1100, freq="D")
    big = pd.DataFrame(
        {
            "day": list(days) * 7,
            "category": [c for c in "abcdefg" for _ in days],
            "label": [c.upper() for c in "abcdefg" for _ in days],
            "articles": 1,
        }
    )
    from dashboard import present

    spec = present.chart_spec(charts.category_volume_chart, big, granularity="daily")
    assert len(data_values(spec)[0]) == len(big)
    assert "view" not in spec.get("config", {})  # Altair's 300x300 default is dropped


def test_comention_heatmap_uses_given_order():
    df = pd.DataFrame({"actor_a": ["A", "B"], "actor_b": ["B", "A"], "articles": [2, 2]})
    spec = charts.comention_heatmap(df, order=["B", "A", "C"]).to_dict()
    diagonal, rect, text = layers(spec)
    assert rect["mark"]["type"] == "rect" and text["mark"]["type"] == "text"
    for layer in (diagonal, rect, text):
        assert layer["encoding"]["x"]["sort"] == ["B", "A", "C"]
        assert layer["encoding"]["y"]["sort"] == ["B", "A", "C"]
    assert rect["encoding"]["color"]["field"] == "articles"


def test_comention_heatmap_draws_the_diagonal_apart():
    """The query has no diagonal rows; the chart greys those cells out (no number, no
    colour scale) for every actor, also one never mentioned with another."""
    df = pd.DataFrame({"actor_a": ["A", "B"], "actor_b": ["B", "A"], "articles": [2, 2]})
    spec = charts.comention_heatmap(df, order=["A", "B", "C"]).to_dict()
    diagonal, rect, _ = layers(spec)
    values = spec["datasets"][diagonal["data"]["name"]]
    assert [(v["actor_a"], v["actor_b"]) for v in values] == [("A", "A"), ("B", "B"), ("C", "C")]
    assert diagonal["mark"]["color"] == charts.DIAGONAL_COLOUR
    assert "color" not in diagonal["encoding"] and "text" not in diagonal["encoding"]
    pairs = [v for values in data_values(spec) for v in values if "articles" in v]
    assert len(pairs) == 2 and all(p["actor_a"] != p["actor_b"] for p in pairs)


def test_comention_heatmap_shows_every_axis_label():
    names = [f"Actor number {i} with a long name" for i in range(25)]
    df = pd.DataFrame({"actor_a": names[:2], "actor_b": names[1::-1], "articles": [1, 1]})
    spec = charts.comention_heatmap(df, order=names).to_dict()
    for layer in layers(spec):
        x_axis = layer["encoding"]["x"]["axis"]
        y_axis = layer["encoding"]["y"]["axis"]
        assert x_axis["labelOverlap"] is False and y_axis["labelOverlap"] is False
        assert x_axis["labelAngle"] != 0 and x_axis["labelLimit"] >= 120
    assert spec["height"] >= 32 * len(names)  # a row per actor, each tall enough


def test_source_comparison_side_by_side():
    df = pd.DataFrame(
        {
            "source": ["X", "Y"],
            "articles": [5, 9],
            "mean_risk": [40.0, 55.0],
            "mean_sentiment": [-0.2, 0.1],
        }
    )
    spec = charts.source_comparison_chart(df).to_dict()
    left, right = spec["hconcat"]
    assert left["encoding"]["x"]["field"] == "mean_risk"
    assert right["encoding"]["x"]["field"] == "mean_sentiment"
    assert left["encoding"]["y"]["sort"] == ["Y", "X"]  # most articles first, both panels
    assert right["encoding"]["y"]["sort"] == ["Y", "X"]


def test_score_breakdown_chart():
    df = pd.DataFrame({"label": ["Security", "Arrests"], "points": [3.0, 2.0], "matches": [2, 1]})
    spec = charts.score_breakdown_chart(df).to_dict()
    assert spec["encoding"]["x"]["field"] == "points"
    assert [t["field"] for t in spec["encoding"]["tooltip"]] == ["label", "points", "matches"]
    # the category's severity, when known, is shown with its points
    spec = charts.score_breakdown_chart(df.assign(severity=[1.0, 0.75])).to_dict()
    assert spec["encoding"]["tooltip"][-1]["field"] == "severity"


@pytest.mark.parametrize(
    "build",
    [
        lambda: charts.risk_index_chart(risk_df().iloc[0:0]),
        lambda: charts.category_volume_chart(
            pd.DataFrame(columns=["day", "category", "label", "articles"])
        ),
        lambda: charts.top_actors_chart(pd.DataFrame(columns=["actor", "articles", "sentiment"])),
        lambda: charts.comention_heatmap(pd.DataFrame(columns=["actor_a", "actor_b", "articles"])),
        lambda: charts.source_comparison_chart(
            pd.DataFrame(columns=["source", "articles", "mean_risk", "mean_sentiment"])
        ),
    ],
)
def test_empty_frames_still_build(build):
    chart = build()
    assert isinstance(chart, alt.TopLevelMixin)
    chart.to_dict()


def test_hostile_labels_stay_data():
    hostile = "<script>alert(1)</script>"
    df = pd.DataFrame({"actor": [hostile], "articles": [1], "sentiment": [0.0]})
    spec = charts.top_actors_chart(df).to_dict()
    values = data_values(spec)[0]
    assert values[0]["actor"] == hostile  # a data value, drawn as text by Vega
    assert "<script>" not in str({k: v for k, v in spec.items() if k != "datasets"})
