"""The Sources page's reads: feed health, per-source statistics, refresh runs."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlalchemy import Connection, case, func, select

from dashboard.filters import Filters
from dashboard.queries.common import HIGH_RISK, NEGATIVE, RR, A, F, conditions
from dashboard.series import label_runs, summarise_sources

FEED_COLUMNS = [
    "name",
    "status",
    "last_success_at",
    "last_attempt_at",
    "consecutive_failures",
    "last_error",
    "latency_ms",
    "item_count",
    "next_attempt_at",
    "articles",
    "url",
]


def feed_stats(conn: Connection, f: Filters) -> pd.DataFrame:
    """Per feed (the article's first carrier) over the window's matching articles, in
    one pass: feed_id, articles, mean_risk, high, mean_sentiment, scored, negative."""
    rows = conn.execute(
        select(
            A.c.feed_id,
            func.count().label("articles"),
            func.avg(A.c.risk_score).label("mean_risk"),
            func.sum(case((A.c.risk_score >= HIGH_RISK, 1), else_=0)).label("high"),
            func.avg(A.c.sentiment).label("mean_sentiment"),
            func.count(A.c.sentiment).label("scored"),
            func.sum(case((A.c.sentiment <= NEGATIVE, 1), else_=0)).label("negative"),
        )
        .where(*conditions(f))
        .group_by(A.c.feed_id)
    ).all()
    df = pd.DataFrame(
        rows,
        columns=[
            "feed_id",
            "articles",
            "mean_risk",
            "high",
            "mean_sentiment",
            "scored",
            "negative",
        ],
    )
    for col in df.columns[1:]:
        df[col] = pd.to_numeric(df[col]).astype(float)
    return df


def _feeds(conn: Connection) -> pd.DataFrame:
    result = conn.execute(
        select(
            F.c.id,
            F.c.name,
            F.c.status,
            F.c.last_success_at,
            F.c.last_attempt_at,
            F.c.consecutive_failures,
            F.c.last_error,
            F.c.latency_ms,
            F.c.item_count,
            F.c.next_attempt_at,
            F.c.url,
        ).order_by(F.c.name)
    )
    return pd.DataFrame(result.all(), columns=list(result.keys()))


def feed_health(conn: Connection, f: Filters, stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Every feed's health plus its matching articles in the window."""
    stats = feed_stats(conn, f) if stats is None else stats
    feeds = _feeds(conn)
    counts = dict(zip(stats["feed_id"], stats["articles"], strict=True))
    feeds["articles"] = [int(counts.get(i, 0)) for i in feeds["id"]]
    return feeds[FEED_COLUMNS].reset_index(drop=True)


def source_stats(conn: Connection, f: Filters, stats: pd.DataFrame | None = None) -> pd.DataFrame:
    """Per source over the window's matching articles: articles, mean risk, high-risk
    share, mean sentiment and share negative, most articles first."""
    stats = feed_stats(conn, f) if stats is None else stats
    names = dict(conn.execute(select(F.c.id, F.c.name)).all())
    return summarise_sources(stats, names)


def sources_page(conn: Connection, f: Filters) -> dict:
    """Everything the Sources page shows, with one pass over the window."""
    stats = feed_stats(conn, f)
    feeds = _feeds(conn)
    counts = dict(zip(stats["feed_id"], stats["articles"], strict=True))
    feeds["articles"] = [int(counts.get(i, 0)) for i in feeds["id"]]
    return {
        "health": feeds[FEED_COLUMNS].reset_index(drop=True),
        "stats": summarise_sources(stats, dict(zip(feeds["id"], feeds["name"], strict=True))),
    }


RUN_COLUMNS = [
    "id",
    "kind",
    "state",
    "started_at",
    "finished_at",
    "duration_s",
    "feeds_ok",
    "feeds_failed",
    "feeds_unchanged",
    "feeds_skipped",
    "new_articles",
]


def refresh_runs(conn: Connection, limit: int = 30) -> pd.DataFrame:
    """The newest refresh runs with their state (see ``label_runs``: a run that lost its
    lock or hit a database error says so) and duration."""
    rows = conn.execute(
        select(
            RR.c.id,
            RR.c.kind,
            RR.c.started_at,
            RR.c.finished_at,
            RR.c.feeds_ok,
            RR.c.feeds_failed,
            RR.c.feeds_unchanged,
            RR.c.feeds_skipped,
            RR.c.new_articles,
            RR.c.outcome,
        )
        .order_by(RR.c.id.desc())
        .limit(limit)
    ).all()
    df = pd.DataFrame(
        rows,
        columns=[
            "id",
            "kind",
            "started_at",
            "finished_at",
            "feeds_ok",
            "feeds_failed",
            "feeds_unchanged",
            "feeds_skipped",
            "new_articles",
            "outcome",
        ],
    )
    latest = conn.execute(select(func.max(RR.c.id))).scalar()
    df = label_runs(df, latest)
    df["duration_s"] = [
        (fin - st).total_seconds()
        if isinstance(fin, datetime) and isinstance(st, datetime)
        else None
        for st, fin in zip(df["started_at"], df["finished_at"], strict=True)
    ]
    return df[RUN_COLUMNS]
