"""The surge test, defined once: a subject's recent count (or mean risk) against its baseline.

Both the alert rules and the dashboard's Overview alerts call these two functions, so
the figure an analyst sees on the page is the figure a rule fires on:

* ``surge_counts`` asks the database, per subject (a category, an actor, a province),
  how many relevant articles fell in the recent window and in the baseline before it,
  with their summed risk. The caller picks the time column (``published_at`` for rules,
  ``published_day`` for the dashboard's whole-day windows) and may add conditions.
* ``surge_table`` is pure pandas: it turns those counts into ratios and keeps the
  subjects that pass ``min_count`` and ``min_ratio``.

The baseline is a rate: the baseline total divided by how many recent windows fit in
the baseline period, so "2×" means twice the usual count for a window of that length.
"""

from __future__ import annotations

import math
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Connection, and_, case, func, select, true
from sqlalchemy.sql.elements import ColumnElement

from feeds.store import schema
from feeds.store.dimensions import dimension

A = schema.articles
COLUMNS = ["key", "recent", "baseline", "ratio", "recent_mean_risk", "baseline_mean_risk"]


def surge_counts(
    conn: Connection,
    by: str,
    *,
    recent_from: datetime | date,
    end: datetime | date,
    baseline_from: datetime | date,
    time_col: ColumnElement | None = None,
    where: list[ColumnElement] | tuple = (),
    first_seen_from: datetime | None = None,
    only: tuple[str, ...] = (),
) -> pd.DataFrame:
    """Per subject: recent and baseline article counts and summed risk.

    Recent means ``recent_from <= time <= end``; baseline means
    ``baseline_from <= time < recent_from``. With ``first_seen_from``, a recent article
    counts only if it was also first stored (``fetched_at``) since then: a backfill of
    old news never makes a surge. ``where`` defaults to relevant articles only.
    """
    table, key = dimension(by)
    when = A.c.published_at if time_col is None else time_col
    recent = when >= recent_from
    if first_seen_from is not None:
        recent = and_(recent, A.c.fetched_at >= first_seen_from)
    base = when < recent_from
    risk = func.coalesce(A.c.risk_score, 0.0)
    conds = list(where) if where else [A.c.relevant == true()]
    conds += [when >= baseline_from, when <= end]
    if time_col is None:  # the day bounds let both databases range-scan ix_articles_window
        conds += [A.c.published_day >= _day(baseline_from), A.c.published_day <= _day(end)]
    if only:
        conds.append(key.in_(only))
    rows = conn.execute(
        select(
            key.label("key"),
            func.sum(case((recent, 1), else_=0)).label("recent"),
            func.sum(case((base, 1), else_=0)).label("baseline_total"),
            func.sum(case((recent, risk), else_=0.0)).label("recent_risk"),
            func.sum(case((base, risk), else_=0.0)).label("baseline_risk"),
        )
        .select_from(A.join(table, table.c.article_id == A.c.id))
        .where(*conds)
        .group_by(key)
    ).all()
    return pd.DataFrame(
        rows, columns=["key", "recent", "baseline_total", "recent_risk", "baseline_risk"]
    )


def _day(value: datetime | date) -> date:
    return value.date() if isinstance(value, datetime) else value


def _ratio(recent: float, base: float) -> float:
    if base > 0:
        return recent / base
    return math.inf if recent > 0 else 0.0


def surge_table(
    counts: pd.DataFrame,
    *,
    baseline_periods: float,
    min_ratio: float = 2.0,
    min_count: int = 3,
    measure: str = "count",
) -> pd.DataFrame:
    """The subjects that surged, strongest first.

    ``baseline_periods`` is how many recent windows the baseline spans (28 days before
    a 7-day window: 4). With ``measure="count"`` the ratio is the recent count over the
    baseline rate; with ``"mean_risk"`` it is the recent mean risk over the baseline's.
    A subject needs ``min_count`` recent articles either way; ratio is inf when the
    subject had no baseline at all. Columns: ``COLUMNS``.
    """
    if counts.empty:
        return pd.DataFrame(columns=COLUMNS)
    df = counts.copy()
    df["recent"] = pd.to_numeric(df["recent"]).fillna(0).astype(int)
    total = pd.to_numeric(df["baseline_total"]).fillna(0).astype(float)
    df["baseline"] = total / baseline_periods
    zeros = pd.Series(0.0, index=df.index)  # counts without risk sums: count surges only
    recent_risk = pd.to_numeric(df.get("recent_risk", zeros)).fillna(0).astype(float)
    base_risk = pd.to_numeric(df.get("baseline_risk", zeros)).fillna(0).astype(float)
    df["recent_mean_risk"] = [r / n if n else 0.0
                              for r, n in zip(recent_risk, df["recent"], strict=True)]
    df["baseline_mean_risk"] = [r / n if n else 0.0
                                for r, n in zip(base_risk, total, strict=True)]
    if measure == "mean_risk":
        pairs = zip(df["recent_mean_risk"], df["baseline_mean_risk"], strict=True)
    else:
        pairs = zip(df["recent"], df["baseline"], strict=True)
    df["ratio"] = [_ratio(r, b) for r, b in pairs]
    df = df[(df["recent"] >= min_count) & (df["ratio"] >= min_ratio)]
    df = df.sort_values(["ratio", "recent", "key"], ascending=[False, False, True])
    return df[COLUMNS].reset_index(drop=True)
