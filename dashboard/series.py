"""Pure pandas shaping of what ``dashboard.queries`` reads: no SQL, no Streamlit.

KPIs against the previous window, the rolling risk and sentiment series, weekly
roll-ups, alert tables and the runs table's labels. Everything here takes small
DataFrames (daily sums, per-key counts) and returns new ones, so the rules behind the
Overview's numbers are tested without a database. ``dashboard.queries`` calls a few of
these itself (alert tables, source summaries, run states); the pages call the rest.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd

from dashboard.filters import Filters
from feeds.alerts.surge import surge_table

SMOOTH_DAYS = 7  # rolling window of the smoothed risk index
ALERT_RECENT_DAYS = 7  # the "last week" of the window an alert looks at
ALERT_BASELINE_WEEKS = 4  # the weeks before it that set the baseline
ALERT_MIN_RATIO = 2.0  # recent count / baseline weekly mean
ALERT_MIN_COUNT = 3  # recent articles needed before anything is an alert

RESCORE = "rescore"  # refresh_runs.kind of `cambodia-risk rescore` (scores only, no fetch)
RUN_KIND_LABELS = {
    "refresh": "Refresh",
    "demo": "Demo load",
    RESCORE: "Rescore",
}
FEED_COUNTERS = ["feeds_ok", "feeds_failed", "feeds_unchanged", "feeds_skipped", "new_articles"]

# The columns of ``queries.daily_stats``: per-day sums, so any period's means are exact.
DAILY_COLUMNS = ["day", "articles", "risk_sum", "risk_n", "high", "sent_sum", "sent_n", "negative"]
STAT_COLUMNS = ["source", "articles", "mean_risk", "share_high", "mean_sentiment", "share_negative"]


# --- overview ------------------------------------------------------------------------------


def _summary(rows: pd.DataFrame) -> dict:
    n = float(rows["articles"].sum()) if len(rows) else 0.0
    risk_n = float(rows["risk_n"].sum()) if len(rows) else 0.0
    sent_n = float(rows["sent_n"].sum()) if len(rows) else 0.0
    return {
        "articles": int(n),
        "mean_risk": float(rows["risk_sum"].sum()) / risk_n if risk_n else None,
        "share_negative": float(rows["negative"].sum()) / sent_n if sent_n else None,
        "high_risk": int(rows["high"].sum()) if len(rows) else 0,
        "mean_sentiment": float(rows["sent_sum"].sum()) / sent_n if sent_n else None,
    }


def kpis(daily: pd.DataFrame, f: Filters) -> dict:
    """KPIs of the window and of the previous window of equal length.

    ``daily`` must cover both windows (``daily_stats`` from the previous start).
    Returns ``{"current": {...}, "previous": {...}, "previous_window": (start, end)}``.
    """
    prev_start, prev_end = f.previous_window()
    day = daily["day"].dt.date if len(daily) else pd.Series([], dtype=object)
    current = daily[(day >= f.start) & (day <= f.end)] if len(daily) else daily
    previous = daily[(day >= prev_start) & (day <= prev_end)] if len(daily) else daily
    return {
        "current": _summary(current),
        "previous": _summary(previous),
        "previous_window": (prev_start, prev_end),
    }


def delta(current, previous):
    """current - previous, or None when either is missing."""
    if current is None or previous is None:
        return None
    return current - previous


def _full_days(daily: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    days = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D", name="day")
    out = daily.set_index("day").reindex(days, fill_value=0.0).reset_index()
    return out


def risk_series(
    daily: pd.DataFrame, start: date, end: date, smooth_days: int = SMOOTH_DAYS
) -> pd.DataFrame:
    """Daily risk index: mean risk per day plus its ``smooth_days`` rolling mean.

    The rolling mean weighs days by their article counts (sum of risk / sum of
    articles over the trailing days), so a quiet day with one article does not swing it.
    Columns: day, articles, mean_risk, smoothed, high.
    """
    full = _full_days(daily, start - timedelta(days=smooth_days - 1), end)
    roll_sum = full["risk_sum"].rolling(smooth_days, min_periods=1).sum()
    roll_n = full["risk_n"].rolling(smooth_days, min_periods=1).sum()
    full["smoothed"] = (roll_sum / roll_n.where(roll_n > 0)).round(2)
    full["mean_risk"] = (full["risk_sum"] / full["risk_n"].where(full["risk_n"] > 0)).round(2)
    full = full[full["day"] >= pd.Timestamp(start)].reset_index(drop=True)
    full["articles"] = full["articles"].astype(int)
    full["high"] = full["high"].astype(int)
    return full[["day", "articles", "mean_risk", "smoothed", "high"]]


def weekly(daily: pd.DataFrame, start: date, end: date) -> pd.DataFrame:
    """Daily sums rolled up to weeks starting on Monday (the first may be partial).

    Columns: day (week start), articles, mean_risk, smoothed (= mean_risk), high,
    mean_sentiment, share_negative.
    """
    full = _full_days(daily, start, end)
    full["week"] = full["day"] - pd.to_timedelta(full["day"].dt.day_of_week, unit="D")
    g = full.groupby("week", as_index=False)[DAILY_COLUMNS[1:]].sum()
    g = g.rename(columns={"week": "day"})
    return _with_means(g)


def _with_means(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    out["mean_risk"] = (out["risk_sum"] / out["risk_n"].where(out["risk_n"] > 0)).round(2)
    out["smoothed"] = out["mean_risk"]
    out["mean_sentiment"] = (out["sent_sum"] / out["sent_n"].where(out["sent_n"] > 0)).round(3)
    out["share_negative"] = (out["negative"] / out["sent_n"].where(out["sent_n"] > 0)).round(3)
    out["articles"] = out["articles"].astype(int)
    out["high"] = out["high"].astype(int)
    return out[
        ["day", "articles", "mean_risk", "smoothed", "high", "mean_sentiment", "share_negative"]
    ]


def sentiment_series(
    daily: pd.DataFrame, start: date, end: date, smooth_days: int = SMOOTH_DAYS
) -> pd.DataFrame:
    """Daily sentiment, smoothed over the trailing ``smooth_days`` like the risk index.

    mean_sentiment and share_negative are rolling, weighted by scored articles (one
    article a day would otherwise swing share_negative between 0 and 1).
    Columns: day, articles, scored, mean_sentiment, share_negative.
    """
    full = _full_days(daily, start - timedelta(days=smooth_days - 1), end)
    roll = full[["sent_sum", "sent_n", "negative"]].rolling(smooth_days, min_periods=1).sum()
    scored = roll["sent_n"].where(roll["sent_n"] > 0)
    full["mean_sentiment"] = (roll["sent_sum"] / scored).round(3)
    full["share_negative"] = (roll["negative"] / scored).round(3)
    full["scored"] = full["sent_n"].astype(int)
    full["articles"] = full["articles"].astype(int)
    full = full[full["day"] >= pd.Timestamp(start)].reset_index(drop=True)
    return full[["day", "articles", "scored", "mean_sentiment", "share_negative"]]


# --- weekly roll-ups and alerts --------------------------------------------------------------


def category_weekly(cat_daily: pd.DataFrame) -> pd.DataFrame:
    """``category_daily`` summed to Monday-start weeks."""
    if cat_daily.empty:
        return cat_daily.copy()
    df = cat_daily.copy()
    df["day"] = df["day"] - pd.to_timedelta(df["day"].dt.day_of_week, unit="D")
    return df.groupby(["day", "category"], as_index=False)[["articles"]].sum()


def alert_table(
    counts: pd.DataFrame,
    kind: str,
    *,
    min_ratio: float = ALERT_MIN_RATIO,
    min_count: int = ALERT_MIN_COUNT,
    baseline_weeks: int = ALERT_BASELINE_WEEKS,
) -> pd.DataFrame:
    """Keys whose recent count jumped against their own weekly baseline.

    ``counts`` has key, recent (last 7 days), baseline_total (the preceding weeks).
    Returns kind, key, recent, baseline (weekly mean), ratio (inf when new), sorted by
    ratio then count, strongest first. The test itself is the alert rules' surge test
    (``feeds.alerts.surge``), so the Overview and a surge rule agree on every number.
    """
    cols = ["kind", "key", "recent", "baseline", "ratio"]
    df = surge_table(counts, baseline_periods=baseline_weeks, min_ratio=min_ratio,
                     min_count=min_count)
    if df.empty:
        return pd.DataFrame(columns=cols)
    df["kind"] = kind
    df["baseline"] = df["baseline"].round(2)
    return df[cols]


def alert_window(f: Filters) -> tuple[date, date]:
    """The days an alert's "recent" count covers."""
    return f.end - timedelta(days=ALERT_RECENT_DAYS - 1), f.end


def timeline_weekly(timeline: pd.DataFrame) -> pd.DataFrame:
    """``actor_timeline`` summed to Monday-start weeks, sentiment weighted by mentions."""
    cols = ["day", "articles", "mentions", "sentiment"]
    if timeline.empty:
        return pd.DataFrame(columns=cols)
    df = timeline.copy()
    df["day"] = df["day"] - pd.to_timedelta(df["day"].dt.day_of_week, unit="D")
    rated = df["sentiment"].notna()
    df["weighted"] = (df["sentiment"] * df["mentions"]).where(rated, 0.0)
    df["weight"] = df["mentions"].where(rated, 0)
    g = df.groupby("day", as_index=False)[["articles", "mentions", "weighted", "weight"]].sum()
    g["sentiment"] = (g["weighted"] / g["weight"].where(g["weight"] > 0)).round(3)
    return g[cols]


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


# --- sources and runs --------------------------------------------------------------------------


def summarise_sources(stats: pd.DataFrame, names: dict) -> pd.DataFrame:
    if stats.empty:
        return pd.DataFrame(columns=STAT_COLUMNS)
    df = stats.copy()
    df["source"] = [names.get(i, f"feed {i}") for i in df["feed_id"]]
    scored = df["scored"].where(df["scored"] > 0)
    df["share_negative"] = (df["negative"] / scored).round(3)
    df["share_high"] = (df["high"] / df["articles"]).round(3)
    df["mean_risk"] = df["mean_risk"].round(2)
    df["mean_sentiment"] = df["mean_sentiment"].round(3)
    df["articles"] = df["articles"].astype(int)
    df = df.sort_values(["articles", "source"], ascending=[False, True])
    return df[STAT_COLUMNS].reset_index(drop=True)


def weekly_volume(daily: pd.DataFrame, sources: list[str], start: date, end: date
                  ) -> pd.DataFrame:
    """Articles per source and week (Monday), every source and every week of the window
    present, empty weeks as 0: the coverage chart draws those as gaps.

    ``daily`` columns: source, day, articles. Returns source, day (week start), articles.
    """
    weeks = pd.date_range(pd.Timestamp(week_start(start)), pd.Timestamp(week_start(end)),
                          freq="7D")
    grid = pd.MultiIndex.from_product([sources, weeks], names=["source", "day"])
    if daily.empty:
        counts = pd.Series(0, index=grid, name="articles")
    else:
        df = daily.copy()
        df["day"] = pd.to_datetime(df["day"])
        df["day"] = df["day"] - pd.to_timedelta(df["day"].dt.day_of_week, unit="D")
        counts = df.groupby(["source", "day"])["articles"].sum()
        counts = counts.reindex(grid, fill_value=0)
    return counts.astype(int).reset_index()


# How the runs table words ``refresh_runs.outcome`` for a run that ended early. A run
# closed this way has a finish time, but it did not finish its work: "finished" would
# hide that the last refresh stopped half-way.
RUN_OUTCOME_STATES = {
    "lost-lock": "stopped: lost the refresh lock",
    "database-error": "stopped: database error",
}
STOPPED = "stopped"  # the prefix of every early-end state above


def label_runs(runs: pd.DataFrame, latest_id: int | None) -> pd.DataFrame:
    """Add ``state``: finished; stopped early, in words, for a run closed with an
    ``outcome`` other than "completed" (lost its lock, database error); running (the
    newest run, unfinished); or interrupted (an unfinished run that a newer run followed:
    it was killed)."""
    df = runs.copy()
    outcomes = df["outcome"] if "outcome" in df.columns else [None] * len(df)
    states = []
    for run_id, finished, outcome in zip(df["id"], df["finished_at"], outcomes, strict=True):
        if finished is not None and not pd.isna(finished):
            states.append(_finished_state(outcome))
        elif latest_id is not None and run_id == latest_id:
            states.append("running")
        else:
            states.append("interrupted")
    df["state"] = states
    return df


def _finished_state(outcome) -> str:
    if outcome is None or pd.isna(outcome) or outcome == "completed":
        return "finished"  # NULL: a demo load, a rescore, or a run from before outcomes
    text = str(outcome)
    return RUN_OUTCOME_STATES.get(text, f"{STOPPED}: {text.replace('-', ' ')}")


def run_kind_label(kind) -> str:
    """How the runs table names a run kind: Refresh, Demo load, Rescore (others as is)."""
    if kind is None or (isinstance(kind, float) and kind != kind):
        return "–"
    return RUN_KIND_LABELS.get(str(kind), str(kind).replace("_", " ").capitalize())


def runs_for_display(runs: pd.DataFrame) -> pd.DataFrame:
    """``refresh_runs`` for the Sources page: kinds named, and the feed counters blanked
    for rescore runs, which fetch nothing (their zeros would read as an empty refresh)."""
    df = runs.copy()
    rescore = df["kind"].eq(RESCORE)
    df["kind"] = [run_kind_label(k) for k in df["kind"]]
    for col in FEED_COUNTERS:
        if col in df.columns:
            df[col] = df[col].astype("Int64").mask(rescore)
    return df
