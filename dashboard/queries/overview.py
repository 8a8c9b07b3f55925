"""The Overview's reads: per-day sums, category volume per day, alert counts, and what
the figures leave out (articles without a date, articles no term list could score).

Trends and alerts count dated articles only: an article whose feed gave no date carries
its fetch time, flagged ``published_estimated``, which would pile a backfill onto one
day. ``coverage`` counts what is left out, so the page can say so.
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Connection, and_, case, false, func, select, true

from dashboard.filters import Filters
from dashboard.queries.common import AC, HIGH_RISK, NEGATIVE, A, conditions
from dashboard.series import ALERT_BASELINE_WEEKS, ALERT_RECENT_DAYS, DAILY_COLUMNS, alert_table
from feeds.alerts.surge import surge_counts

DATED = A.c.published_estimated == false()


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
        .where(*conditions(f, start=start, end=end), DATED)
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
        .where(*conditions(f), DATED)
        .group_by(day)
        .order_by(day)
    ).all()
    wide = pd.DataFrame(rows, columns=["day", *categories])
    long = wide.melt(id_vars="day", var_name="category", value_name="articles")
    long["articles"] = pd.to_numeric(long["articles"]).fillna(0).astype(int)
    long = long[long["articles"] > 0]
    long["day"] = pd.to_datetime(long["day"])
    return long.sort_values(["day", "category"]).reset_index(drop=True)[cols]


def _alert_counts(conn: Connection, f: Filters, by: str) -> pd.DataFrame:
    """The surge counts of ``feeds.alerts.surge`` over whole days of the filtered view.

    ``by`` is a dimension of ``feeds.store.dimensions``; a province counts each article
    once, however many of its places lie in it. Estimated dates are left out.
    """
    recent_from = f.end - timedelta(days=ALERT_RECENT_DAYS - 1)
    return surge_counts(conn, by, recent_from=recent_from, end=f.end,
                        baseline_from=recent_from - timedelta(days=7 * ALERT_BASELINE_WEEKS),
                        time_col=A.c.published_day, where=[*conditions(f, dates=False), DATED])


def alerts(conn: Connection, f: Filters) -> pd.DataFrame:
    """Category, actor and province alerts for the last week of the window (see
    ``alert_table``): a surge of articles about one province counts like one of a
    category."""
    cats = _alert_counts(conn, f, "category")
    acts = _alert_counts(conn, f, "actor")
    provs = _alert_counts(conn, f, "province")
    parts = [alert_table(cats, "category"), alert_table(acts, "actor"),
             alert_table(provs, "province")]
    parts = [p for p in parts if not p.empty]
    if not parts:
        return pd.DataFrame(columns=["kind", "key", "recent", "baseline", "ratio"])
    return pd.concat(parts, ignore_index=True)


def coverage(conn: Connection, f: Filters) -> dict:
    """What the window's figures leave out: ``undated`` (articles whose date was
    estimated from the fetch time: not in trends and alerts) and ``unscored``, the
    relevant articles without a risk score, counted by language (no term list for it).
    """
    undated = conn.execute(
        select(func.count()).select_from(A).where(*conditions(f), A.c.published_estimated == true())
    ).scalar()
    rows = conn.execute(
        select(A.c.language, func.count())
        .where(*conditions(f), A.c.risk_score.is_(None))
        .group_by(A.c.language)
        .order_by(func.count().desc(), A.c.language)
    ).all()
    return {
        "undated": int(undated or 0),
        "unscored": {(lang or "unknown"): int(n) for lang, n in rows},
    }
