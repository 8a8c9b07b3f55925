"""The brief's charts as static images: Altair specs rendered by vl-convert.

vl-convert (the Vega project's own converter, a self-contained Rust build on PyPI)
renders Vega-Lite to PNG without a browser or the network, so a brief written by a
scheduled job on a headless server looks like the dashboard's charts.
"""

from __future__ import annotations

from datetime import date

import altair as alt
import pandas as pd

WIDTH, HEIGHT = 640, 220
SCALE = 2  # pixels per CSS pixel: sharp on screens and in print


def risk_index(daily: pd.DataFrame, start: date, end: date) -> dict:
    """Daily mean risk (points) and its 7-day mean (line), the brief's period shaded."""
    df = daily.assign(day=pd.to_datetime(daily["day"]))
    period = pd.DataFrame({"start": [pd.Timestamp(start)],
                           "end": [pd.Timestamp(end) + pd.Timedelta(hours=23)]})
    shade = alt.Chart(period).mark_rect(color="#f3d9b1", opacity=0.5).encode(
        x="start:T", x2="end:T")
    points = alt.Chart(df).mark_circle(size=18, color="#9aa5b1").encode(
        x=alt.X("day:T", title=None, axis=alt.Axis(format="%d %b")),
        y=alt.Y("mean_risk:Q", title="Mean risk (0–100)"))
    line = alt.Chart(df).mark_line(color="#b3261e", strokeWidth=2).encode(
        x="day:T", y="smoothed:Q")
    return (shade + points + line).properties(
        width=WIDTH, height=HEIGHT, title="Risk index: daily mean and 7-day mean"
    ).to_dict()


def bars(df: pd.DataFrame, label: str, title: str) -> dict:
    """Horizontal bars of ``now`` per ``label``: the provinces until a map replaces them.

    This is the hook for the place data: when the gazetteer's province shapes are
    available, a choropleth spec can be returned here instead, with the same input.
    """
    return alt.Chart(df).mark_bar(color="#b3261e").encode(
        y=alt.Y(f"{label}:N", sort="-x", title=None),
        x=alt.X("now:Q", title="Articles"),
    ).properties(width=WIDTH - 160, height=max(60, 18 * len(df)), title=title).to_dict()


def png(spec: dict) -> bytes:
    import vl_convert as vlc

    return vlc.vegalite_to_png(spec, scale=SCALE)
