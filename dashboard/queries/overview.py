"""The Overview's reads: per-day sums, category volume per day, alert counts."""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, and_, case, func, select

from dashboard.filters import Filters
from dashboard.queries.common import AA, AC, AP, HIGH_RISK, NEGATIVE, A, conditions
from dashboard.series import ALERT_BASELINE_WEEKS, ALERT_RECENT_DAYS, DAILY_COLUMNS, alert_table


def daily_stats(
    conn: Connection, f: Filters, start: date | None = None, end: date | None = None
) -> pd.DataFrame:
    """Per-day sums over matching articles, one row per day that has articles.

    Sums rather than means, so any longer period (previous window, week, rolling
    window) gets exact means by adding rows up.
    """
    scored = A.c.sentiment.is_not(None)
    query = (
        select(
            A.c.published_day.label("day"),
            func.count().label("articles"),
            func.sum(A.c.risk_score).label("risk_sum"),
            func.count(A.c.risk_score).label("risk_n"),
            func.sum(case((A.c.risk_score >= HIGH_RISK, 1), else_=0)).label("high"),
            func.sum(A.c.sentiment).label("sent_sum"),
            func.count(A.c.sentiment).label("sent_n"),
            func.sum(case((and_(scored, A.c.sentiment <= NEGATIVE), 1), else_=0)).label("negative"),
        )
        .where(*conditions(f, start=start, end=end))
        .group_by(A.c.published_day)
        .order_by(A.c.published_day)
    )
    df = pd.DataFrame(conn.execute(query).all(), columns=DAILY_COLUMNS)
    df["day"] = pd.to_datetime(df["day"])
    for col in DAILY_COLUMNS[1:]:
        df[col] = pd.to_numeric(df[col]).fillna(0).astype(float)
    return df


def category_daily(conn: Connection, f: Filters, categories) -> pd.DataFrame:
    """Articles per day and risk category in the window (day, category, articles).

    One column per category (``SUM(CASE ...)``) grouped by day alone, so the grouping
    follows the ``(relevant, published_day)`` index and needs no sort; the result is
    then unpivoted. ``categories`` are the keys to count (the known categories).
    """
    cols = ["day", "category", "articles"]
    categories = sorted(set(categories))
    if not categories:
        return pd.DataFrame(columns=cols)
    day = A.c.published_day
    counts = [
        func.sum(case((AC.c.category == c, 1), else_=0)).label(f"c{i}")
        for i, c in enumerate(categories)
    ]
    rows = conn.execute(
        select(day.label("day"), *counts)
        .select_from(A.join(AC, AC.c.article_id == A.c.id))
        .where(*conditions(f))
        .group_by(day)
        .order_by(day)
    ).all()
    wide = pd.DataFrame(rows, columns=["day", *categories])
    long = wide.melt(id_vars="day", var_name="category", value_name="articles")
    long["articles"] = pd.to_numeric(long["articles"]).fillna(0).astype(int)
    long = long[long["articles"] > 0]
    long["day"] = pd.to_datetime(long["day"])
    return long.sort_values(["day", "category"]).reset_index(drop=True)[cols]


def _alert_counts(conn: Connection, f: Filters, key, join, *,
                  distinct: bool = False) -> pd.DataFrame:
    """Per ``key``: articles in the last week and in the baseline weeks before.

    ``distinct`` counts each article once per key where the join repeats it (several
    places of one province in one article).
    """
    end = f.end
    recent_from = end - timedelta(days=ALERT_RECENT_DAYS - 1)
    base_from = recent_from - timedelta(days=7 * ALERT_BASELINE_WEEKS)
    is_recent = A.c.published_day >= recent_from
    if distinct:
        recent = func.count(func.distinct(case((is_recent, A.c.id))))
        before = func.count(func.distinct(case((is_recent, None), else_=A.c.id)))
    else:
        recent = func.sum(case((is_recent, 1), else_=0))
        before = func.sum(case((is_recent, 0), else_=1))
    rows = conn.execute(
        select(key.label("key"), recent.label("recent"), before.label("baseline_total"))
        .select_from(join)
        .where(*conditions(f, start=base_from, end=end))
        .group_by(key)
    ).all()
    return pd.DataFrame(rows, columns=["key", "recent", "baseline_total"])


def alerts(conn: Connection, f: Filters) -> pd.DataFrame:
    """Category, actor and province alerts for the last week of the window (see
    ``alert_table``): a surge of articles about one province counts like one of a
    category."""
    cats = _alert_counts(conn, f, AC.c.category, A.join(AC, AC.c.article_id == A.c.id))
    acts = _alert_counts(conn, f, AA.c.actor, A.join(AA, AA.c.article_id == A.c.id))
    provs = _alert_counts(conn, f, AP.c.province, A.join(AP, AP.c.article_id == A.c.id),
                          distinct=True)
    parts = [alert_table(cats, "category"), alert_table(acts, "actor"),
             alert_table(provs, "province")]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["kind", "key", "recent", "baseline", "ratio"])
    return pd.concat(parts, ignore_index=True)
