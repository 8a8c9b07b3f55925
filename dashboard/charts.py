"""Altair chart builders: small DataFrames in, ``alt.Chart`` out.

No Streamlit and no database here, so every chart is unit-testable through
``chart.to_dict()``. Width is left to the caller (the pages draw them full width through
``dashboard.present.chart``, whose toolbar offers fullscreen and PNG download).

Charts carry no Vega title: Streamlit takes a title's height out of the plot, which
squeezes bar labels away, so the pages put a heading above each chart instead. Time
charts accept ``x_domain=(first day, last day)``, the filter window, so charts share one
time axis even when a series has no rows at its ends; bars span their whole day or week
(``x`` to ``x2``), and the axis then runs to the end of the window's last day.

Text that came from feeds never reaches these charts except as Vega data values, which
Vega draws as text, never as markup.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import altair as alt
import pandas as pd

RISK_DOMAIN = [0, 100]
SENTIMENT_DOMAIN = [-1, 1]
SENTIMENT_SCHEME = "redblue"  # red = negative, blue = positive
SENTIMENT_COLOUR_DOMAIN = [-0.6, 0.6]  # colours saturate (clamp) beyond this, so mild
# sentiment still shows a tint
HEIGHT = 260
LABEL_LIMIT = 220  # pixels of an axis label before Vega truncates it
X_LABEL_LIMIT = 180  # the same for rotated labels under a chart
RISK_TITLE = "Risk score (0–100)"
COUNT_AXIS = alt.Axis(tickMinStep=1, format="d")  # counts: whole-number ticks

XDomain = tuple[date | str, date | str] | None


def _sentiment_scale() -> alt.Scale:
    return alt.Scale(
        scheme=SENTIMENT_SCHEME, domain=SENTIMENT_COLOUR_DOMAIN, domainMid=0, clamp=True
    )


def _iso(value: date | str) -> str:
    """A day as Vega should read it: local midnight, like the data.

    Altair writes the frames' timestamps as naive ISO date-times ("2024-06-01T00:00:00"),
    which the browser reads as local time; a bare "2024-06-01" would be read as UTC
    midnight, shifting the domain against the data by the viewer's UTC offset.
    """
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if isinstance(value, datetime):
        return value.replace(tzinfo=None).isoformat()
    return datetime.combine(value, time()).isoformat()


def _period(granularity: str) -> timedelta:
    return timedelta(days=7) if granularity == "weekly" else timedelta(days=1)


def _with_period_end(data: pd.DataFrame, granularity: str) -> pd.DataFrame:
    """``data`` plus ``day_end``, the start of the next period, so a bar spans its whole
    day (or week) instead of being a sliver centred on the period's first midnight."""
    out = data.copy()
    out["day_end"] = pd.to_datetime(out["day"]) + pd.Timedelta(_period(granularity))
    return out


def _day_axis(granularity: str, x_domain: XDomain = None, *, bands: bool = False) -> alt.X:
    """The shared time axis. ``x_domain`` is the filter window (first and last day, or
    first and last week start); with ``bands`` (bar charts whose bars span their period)
    it runs to the end of the last period, so the last bar is drawn whole."""
    title = "Week starting" if granularity == "weekly" else "Day"
    fmt = "%d %b %Y" if granularity == "weekly" else "%d %b"
    scale = alt.Undefined
    if x_domain:
        first, last = x_domain
        if bands:
            last = _to_datetime(last) + _period(granularity)
        scale = alt.Scale(domain=[_iso(first), _iso(last)])
    return alt.X("day:T", title=title, scale=scale, axis=alt.Axis(format=fmt, labelAngle=0))


def _to_datetime(value: date | str) -> datetime:
    if isinstance(value, str):
        return datetime.fromisoformat(value)
    return value if isinstance(value, datetime) else datetime.combine(value, time())


def _day_tooltip(granularity: str) -> alt.Tooltip:
    return alt.Tooltip("day:T", title="Week of" if granularity == "weekly" else "Day")


def risk_index_chart(
    series: pd.DataFrame,
    *,
    high_risk: float = 60.0,
    granularity: str = "daily",
    smooth_days: int = 7,
    x_domain: XDomain = None,
) -> alt.LayerChart:
    """Mean risk per period (thin line with points) and its smoothed index (bold line),
    with the high-risk threshold as a dashed rule. Weekly: the weekly mean alone.

    ``series`` columns: day, articles, mean_risk, smoothed.
    """
    data = series[["day", "articles", "mean_risk", "smoothed"]].copy()
    x = _day_axis(granularity, x_domain)
    y_scale = alt.Scale(domain=RISK_DOMAIN)
    smooth_title = (
        f"{smooth_days}-day smoothed risk" if granularity == "daily" else "Weekly mean risk"
    )
    tooltip = [
        _day_tooltip(granularity),
        alt.Tooltip("articles:Q", title="Articles"),
        alt.Tooltip("mean_risk:Q", title="Mean risk", format=".1f"),
        alt.Tooltip("smoothed:Q", title=smooth_title, format=".1f"),
    ]
    base = alt.Chart(data)
    raw = base.mark_line(point=True, opacity=0.35, strokeWidth=1).encode(
        x=x,
        y=alt.Y("mean_risk:Q", title=RISK_TITLE, scale=y_scale),
        tooltip=tooltip,
    )
    smooth = base.mark_line(strokeWidth=3).encode(
        x=x,
        y=alt.Y("smoothed:Q", title=RISK_TITLE, scale=y_scale),
        tooltip=tooltip,
    )
    rule = (
        alt.Chart(pd.DataFrame({"threshold": [high_risk]}))
        .mark_rule(strokeDash=[6, 4], color="#b91c1c", opacity=0.6)
        .encode(y=alt.Y("threshold:Q", title=RISK_TITLE, scale=y_scale))
    )
    layers = [raw, smooth, rule] if granularity == "daily" else [smooth, rule]
    return alt.layer(*layers).properties(height=HEIGHT)


def category_volume_chart(
    df: pd.DataFrame, *, granularity: str = "weekly", x_domain: XDomain = None
) -> alt.Chart:
    """Stacked bars of articles per period and risk category.

    ``df`` columns: day, category, label, articles. An article with two categories
    counts once in each.
    """
    data = _with_period_end(df[["day", "category", "label", "articles"]], granularity)
    return (
        alt.Chart(data)
        .mark_bar(orient="vertical")  # x..x2 spans the period; y is the height
        .encode(
            x=_day_axis(granularity, x_domain, bands=True),
            x2="day_end:T",
            y=alt.Y(
                "sum(articles):Q", title="Articles (per category)", stack="zero", axis=COUNT_AXIS
            ),
            color=alt.Color(
                "label:N",
                title="Risk category",
                legend=alt.Legend(orient="right", labelLimit=X_LABEL_LIMIT),
            ),
            order=alt.Order("label:N"),
            tooltip=[
                _day_tooltip(granularity),
                alt.Tooltip("label:N", title="Category"),
                alt.Tooltip("articles:Q", title="Articles"),
            ],
        )
        .properties(height=HEIGHT)
    )


def sentiment_chart(
    df: pd.DataFrame, *, granularity: str = "daily", x_domain: XDomain = None
) -> alt.LayerChart:
    """Mean sentiment and the share of negative articles per period (both on -1..1).

    ``df`` columns: day, mean_sentiment, share_negative (articles, scored optional).
    """
    cols = [
        c
        for c in ("day", "articles", "scored", "mean_sentiment", "share_negative")
        if c in df.columns
    ]
    data = df[cols].copy()
    fold = (
        alt.Chart(data)
        .transform_fold(["mean_sentiment", "share_negative"], as_=["measure", "value"])
        .transform_calculate(
            series="datum.measure === 'mean_sentiment' ? 'Mean sentiment' : 'Share negative'"
        )
    )
    y_title = "Sentiment / share"
    lines = fold.mark_line(point=True).encode(
        x=_day_axis(granularity, x_domain),
        y=alt.Y("value:Q", title=y_title, scale=alt.Scale(domain=SENTIMENT_DOMAIN)),
        color=alt.Color(
            "series:N",
            title=None,
            legend=alt.Legend(orient="bottom"),
            scale=alt.Scale(
                domain=["Mean sentiment", "Share negative"], range=["#1d4ed8", "#b91c1c"]
            ),
        ),
        tooltip=[
            _day_tooltip(granularity),
            alt.Tooltip("series:N", title="Series"),
            alt.Tooltip("value:Q", title="Value", format=".2f"),
        ],
    )
    zero = (
        alt.Chart(pd.DataFrame({"zero": [0.0]}))
        .mark_rule(color="gray", opacity=0.5)
        .encode(y=alt.Y("zero:Q", title=y_title))
    )
    return alt.layer(lines, zero).properties(height=HEIGHT)


def top_actors_chart(df: pd.DataFrame) -> alt.Chart:
    """Horizontal bars of articles per actor, coloured by mean sentence sentiment.

    ``df`` columns: actor, articles, sentiment (mentions optional).
    """
    cols = [c for c in ("actor", "articles", "mentions", "sentiment") if c in df.columns]
    data = df[cols].copy()
    tooltip = [alt.Tooltip("actor:N", title="Actor"), alt.Tooltip("articles:Q", title="Articles")]
    if "mentions" in data.columns:
        tooltip.append(alt.Tooltip("mentions:Q", title="Mentions"))
    tooltip.append(alt.Tooltip("sentiment:Q", title="Mean sentence sentiment", format=".2f"))
    return (
        alt.Chart(data)
        .mark_bar(stroke="#6b7280", strokeWidth=0.5)
        .encode(
            x=alt.X("articles:Q", title="Articles mentioning", axis=COUNT_AXIS),
            y=alt.Y("actor:N", title=None, sort="-x", axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            color=alt.Color("sentiment:Q", title="Sentiment", scale=_sentiment_scale()),
            tooltip=tooltip,
        )
        .properties(height=max(140, 60 + 30 * len(data)))
    )


def actor_timeline_chart(
    df: pd.DataFrame, *, granularity: str = "daily", x_domain: XDomain = None
) -> alt.Chart:
    """One actor over time: articles per period as bars, coloured by the mean sentiment
    of the sentences that mention the actor.

    ``df`` columns: day, articles, sentiment (mentions optional).
    """
    cols = [c for c in ("day", "articles", "mentions", "sentiment") if c in df.columns]
    data = _with_period_end(df[cols], granularity)
    tooltip = [_day_tooltip(granularity), alt.Tooltip("articles:Q", title="Articles")]
    if "mentions" in data.columns:
        tooltip.append(alt.Tooltip("mentions:Q", title="Mentions"))
    tooltip.append(alt.Tooltip("sentiment:Q", title="Mean sentence sentiment", format=".2f"))
    color = alt.Color("sentiment:Q", title="Sentiment", scale=_sentiment_scale())
    return _period_bars(data, granularity, x_domain, color, tooltip)


def _period_bars(data: pd.DataFrame, granularity: str, x_domain: XDomain, color: alt.Color,
                 tooltip: list) -> alt.Chart:
    """Articles per period as bars spanning their period, coloured by ``color``."""
    return (
        alt.Chart(data)
        .mark_bar(orient="vertical", stroke="#6b7280", strokeWidth=0.5)
        .encode(
            x=_day_axis(granularity, x_domain, bands=True),
            x2="day_end:T",
            y=alt.Y("articles:Q", title="Articles", axis=COUNT_AXIS),
            color=color,
            tooltip=tooltip,
        )
        .properties(height=200)
    )


def place_timeline_chart(
    df: pd.DataFrame, *, granularity: str = "daily", x_domain: XDomain = None
) -> alt.Chart:
    """One province or place over time: articles about it per period as bars, coloured
    by their mean risk. ``df`` columns: day, articles, mean_risk."""
    data = _with_period_end(df[["day", "articles", "mean_risk"]], granularity)
    color = alt.Color("mean_risk:Q", title="Mean risk",
                      scale=alt.Scale(scheme="orangered", domain=RISK_DOMAIN))
    tooltip = [
        _day_tooltip(granularity),
        alt.Tooltip("articles:Q", title="Articles"),
        alt.Tooltip("mean_risk:Q", title="Mean risk", format=".1f"),
    ]
    return _period_bars(data, granularity, x_domain, color, tooltip)


DIAGONAL_COLOUR = "#e5e7eb"  # an actor with itself: no count, a plain grey cell


def comention_heatmap(df: pd.DataFrame, order: list[str] | None = None) -> alt.LayerChart:
    """Heatmap of articles mentioning both actors of each pair.

    ``df`` columns: actor_a, actor_b, articles (both orders of each pair, no diagonal;
    see ``queries.comentions``). ``order`` fixes the axis order (e.g. by mentions) and
    which actors get a row and a column, even those never mentioned with another.
    The diagonal (an actor with itself) is drawn as a plain grey cell without a number.
    Every axis label is shown (no overlap culling), rotated on the x axis.
    """
    data = df[["actor_a", "actor_b", "articles"]].copy()
    actors = list(order) if order else sorted(set(data["actor_a"]) | set(data["actor_b"]))
    sort = actors
    x = alt.X(
        "actor_a:N",
        title=None,
        sort=sort,
        axis=alt.Axis(
            labelAngle=-45,
            labelAlign="right",
            labelBaseline="middle",
            labelLimit=X_LABEL_LIMIT,
            labelOverlap=False,
            labelPadding=4,
        ),
    )
    y = alt.Y(
        "actor_b:N",
        title=None,
        sort=sort,
        axis=alt.Axis(labelLimit=LABEL_LIMIT, labelOverlap=False),
    )
    diagonal = (
        alt.Chart(pd.DataFrame({"actor_a": actors, "actor_b": actors}))
        .mark_rect(color=DIAGONAL_COLOUR)
        .encode(
            x=x,
            y=y,
            tooltip=[alt.Tooltip("actor_a:N", title="Actor (with itself: not counted)")],
        )
    )
    base = alt.Chart(data).encode(x=x, y=y)
    rect = base.mark_rect().encode(
        color=alt.Color("articles:Q", title="Articles together", scale=alt.Scale(scheme="oranges")),
        tooltip=[
            alt.Tooltip("actor_a:N", title="Actor"),
            alt.Tooltip("actor_b:N", title="With"),
            alt.Tooltip("articles:Q", title="Articles together"),
        ],
    )
    text = base.mark_text(fontSize=11).encode(text="articles:Q")
    side = max(220, 120 + 32 * len(actors))
    return alt.layer(diagonal, rect, text).properties(height=side)


def source_comparison_chart(df: pd.DataFrame) -> alt.HConcatChart:
    """Mean risk and mean sentiment per source, side by side on a shared source axis.

    ``df`` columns: source, articles, mean_risk, mean_sentiment.
    """
    data = df[["source", "articles", "mean_risk", "mean_sentiment"]].copy()
    order = list(data.sort_values("articles", ascending=False, kind="stable")["source"])
    tooltip = [
        alt.Tooltip("source:N", title="Source"),
        alt.Tooltip("articles:Q", title="Articles"),
        alt.Tooltip("mean_risk:Q", title="Mean risk", format=".1f"),
        alt.Tooltip("mean_sentiment:Q", title="Mean sentiment", format=".2f"),
    ]
    height = max(120, 40 + 28 * len(data))
    risk = (
        alt.Chart(data)
        .mark_bar(color="#b91c1c")
        .encode(
            x=alt.X("mean_risk:Q", title="Mean risk", scale=alt.Scale(domain=RISK_DOMAIN)),
            y=alt.Y("source:N", title=None, sort=order, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            tooltip=tooltip,
        )
        .properties(height=height)
    )
    sentiment = (
        alt.Chart(data)
        .mark_bar(stroke="#6b7280", strokeWidth=0.5)
        .encode(
            x=alt.X(
                "mean_sentiment:Q", title="Mean sentiment", scale=alt.Scale(domain=SENTIMENT_DOMAIN)
            ),
            y=alt.Y("source:N", title=None, sort=order, axis=alt.Axis(labels=False)),
            color=alt.Color("mean_sentiment:Q", legend=None, scale=_sentiment_scale()),
            tooltip=tooltip,
        )
        .properties(height=height)
    )
    return alt.hconcat(risk, sentiment, spacing=32)


def coverage_chart(df: pd.DataFrame, *, x_domain: XDomain = None) -> alt.Chart:
    """Articles per source and week, one row of cells per source: a week without
    articles is a pale cell, so a gap in coverage (a dead feed, a history not yet
    backfilled) shows as a gap, not as a quiet week.

    ``df`` columns: source, day (the week's Monday), articles (empty weeks as 0).
    """
    data = _with_period_end(df[["source", "day", "articles"]], "weekly")
    sources = sorted(data["source"].unique())
    return (
        alt.Chart(data)
        .mark_rect(stroke="#ffffff", strokeWidth=0.5)
        .encode(
            x=_day_axis("weekly", x_domain, bands=True),
            x2="day_end:T",
            y=alt.Y("source:N", title=None, sort=sources, axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            color=alt.condition(
                "datum.articles == 0",
                alt.value("#f3f4f6"),
                alt.Color(
                    "articles:Q",
                    title="Articles a week",
                    scale=alt.Scale(scheme="blues", type="sqrt"),
                ),
            ),
            tooltip=[
                alt.Tooltip("source:N", title="Source"),
                _day_tooltip("weekly"),
                alt.Tooltip("articles:Q", title="Articles"),
            ],
        )
        .properties(height=max(120, 40 + 22 * len(sources)))
    )


def score_breakdown_chart(df: pd.DataFrame) -> alt.Chart:
    """One article's points per risk category (``df``: label, points, matches, and
    optionally severity: the category's factor from terms.toml, already in the points)."""
    columns = ["label", "points", "matches"] + (["severity"] if "severity" in df else [])
    data = df[columns].copy()
    tooltip = [
        alt.Tooltip("label:N", title="Category"),
        alt.Tooltip("points:Q", title="Points", format=".2f"),
        alt.Tooltip("matches:Q", title="Matches"),
    ]
    if "severity" in data:
        tooltip.append(alt.Tooltip("severity:Q", title="Severity (in the points)", format=".2f"))
    return (
        alt.Chart(data)
        .mark_bar(color="#b91c1c")
        .encode(
            x=alt.X("points:Q", title="Points (before scaling)"),
            y=alt.Y("label:N", title=None, sort="-x", axis=alt.Axis(labelLimit=LABEL_LIMIT)),
            tooltip=tooltip,
        )
        .properties(height=max(120, 50 + 30 * len(data)))
    )
