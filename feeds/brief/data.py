"""The figures of a brief: one period against the period of equal length before it.

Everything is aggregated in SQL over ``published_day`` (indexed), so a week of a
200,000-article database takes a few queries, not a scan. ``where`` lets the dashboard
pass its current filters (any condition on ``articles``, without dates) so the brief it
offers for download matches the view.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import Connection, case, func, select, true

from feeds.config import HIGH_RISK
from feeds.store import schema
from feeds.store.dimensions import DimensionUnavailable, dimension

A = schema.articles
F = schema.feeds
AC = schema.article_categories
AA = schema.article_actors
CONTEXT_WEEKS = 4  # weeks before the period that the risk chart also shows
TOP_STORIES = 8
MOVERS = 5


@dataclass
class Figures:
    start: date
    end: date
    prev_start: date
    prev_end: date
    now: dict  # articles, mean_risk, high_risk for the period
    before: dict  # the same for the previous period
    daily: pd.DataFrame  # day, articles, mean_risk (context weeks + period)
    categories: pd.DataFrame  # category, label, now, before, change
    actors: pd.DataFrame  # actor, now, before, change (rising first)
    places: pd.DataFrame | None  # place, now, before, change; None/empty without place data
    stories: list[dict] = field(default_factory=list)
    gaps: list[dict] = field(default_factory=list)  # feed, why


def category_labels(lexicon_dir: Path | None) -> dict[str, str]:
    """Category labels from terms.toml; the key title-cased when the file is not there."""
    path = Path(lexicon_dir or "") / "terms.toml"
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError):
        return {}
    return {key: t.get("label", key) for key, t in raw.get("categories", {}).items()
            if isinstance(t, dict)}


def _label(key: str, labels: dict[str, str]) -> str:
    return labels.get(key) or key.replace("_", " ").title()


def _base(where, start: date, end: date) -> list:
    return [A.c.relevant == true(), A.c.published_day >= start, A.c.published_day <= end,
            *(where or ())]


def _totals(conn, where, start, end) -> dict:
    row = conn.execute(select(
        func.count(), func.avg(A.c.risk_score),
        func.sum(case((A.c.risk_score >= HIGH_RISK, 1), else_=0)),
    ).where(*_base(where, start, end))).one()
    return {"articles": int(row[0] or 0), "mean_risk": float(row[1] or 0.0),
            "high_risk": int(row[2] or 0)}


def _compare(conn, where, table, key, start, end, prev_start) -> pd.DataFrame:
    """Per key: matching articles in the period (now) and the one before (before)."""
    recent = A.c.published_day >= start
    rows = conn.execute(
        select(key.label("key"),
               func.sum(case((recent, 1), else_=0)).label("now"),
               func.sum(case((recent, 0), else_=1)).label("before"))
        .select_from(A.join(table, table.c.article_id == A.c.id))
        .where(*_base(where, prev_start, end))
        .group_by(key)
    ).all()
    df = pd.DataFrame(rows, columns=["key", "now", "before"])
    df[["now", "before"]] = df[["now", "before"]].fillna(0).astype(int)
    df["change"] = df["now"] - df["before"]
    return df


def _daily(conn, where, start, end) -> pd.DataFrame:
    rows = conn.execute(
        select(A.c.published_day, func.count(), func.avg(A.c.risk_score))
        .where(*_base(where, start, end)).group_by(A.c.published_day)
    ).all()
    days = pd.DataFrame({"day": pd.date_range(start, end, freq="D")})
    got = pd.DataFrame(rows, columns=["day", "articles", "mean_risk"])
    got["day"] = pd.to_datetime(got["day"])
    df = days.merge(got, on="day", how="left")
    df["articles"] = df["articles"].fillna(0).astype(int)
    df["smoothed"] = df["mean_risk"].rolling(7, min_periods=1).mean()
    return df


def _stories(conn, where, start, end) -> list[dict]:
    rows = conn.execute(
        select(A.c.id, A.c.title, A.c.source, A.c.link, A.c.published_at, A.c.risk_score)
        .where(*_base(where, start, end))
        .order_by(A.c.risk_score.desc().nulls_last(), A.c.published_at.desc())
        .limit(TOP_STORIES)
    ).all()
    cats: dict[int, list[str]] = {}
    if rows:
        for aid, cat in conn.execute(
            select(AC.c.article_id, AC.c.category)
            .where(AC.c.article_id.in_([r.id for r in rows]))
            .order_by(AC.c.article_id, AC.c.points.desc())
        ).all():
            cats.setdefault(aid, []).append(cat)
    return [{"title": r.title or "(untitled)", "source": r.source, "link": r.link,
             "published": r.published_at, "risk": r.risk_score or 0.0,
             "categories": cats.get(r.id, [])} for r in rows]


def _gaps(conn, where, start, end, prev_start) -> list[dict]:
    """Feeds that failed, went quiet, or brought far less than in the period before."""
    recent = A.c.published_day >= start
    counts = {r.feed_id: (int(r.now or 0), int(r.before or 0)) for r in conn.execute(
        select(A.c.feed_id, func.sum(case((recent, 1), else_=0)).label("now"),
               func.sum(case((recent, 0), else_=1)).label("before"))
        .where(A.c.published_day >= prev_start, A.c.published_day <= end)
        .group_by(A.c.feed_id)
    ).all()}
    gaps = []
    for feed in conn.execute(select(F.c.id, F.c.name, F.c.status, F.c.last_error,
                                    F.c.consecutive_failures).order_by(F.c.name)).all():
        now, before = counts.get(feed.id, (0, 0))
        if feed.status in ("failed", "waiting"):
            why = (f"failing ({feed.consecutive_failures} in a row): "
                   f"{feed.last_error or 'no error recorded'}")
        elif now == 0 and before > 0:
            why = f"no articles this period (had {before} before)"
        elif before >= 10 and now < before / 2:
            why = f"{now} articles, down from {before}"
        else:
            continue
        gaps.append({"feed": feed.name, "why": why, "now": now, "before": before})
    return gaps


def gather(conn: Connection, start: date, end: date, *, where=None,
           lexicon_dir: Path | None = None) -> Figures:
    """Every figure the brief shows for ``start``..``end`` (days, inclusive)."""
    length = (end - start).days + 1
    prev_end = start - timedelta(days=1)
    prev_start = prev_end - timedelta(days=length - 1)
    labels = category_labels(lexicon_dir)
    cats = _compare(conn, where, AC, AC.c.category, start, end, prev_start)
    cats.insert(1, "label", [_label(k, labels) for k in cats["key"]])
    actors = _compare(conn, where, AA, AA.c.actor, start, end, prev_start)
    try:
        table, key = dimension("province")
        places = _compare(conn, where, table, key, start, end, prev_start)
    except DimensionUnavailable:
        places = None  # the place helper's table is not there yet; the brief says so
    return Figures(
        start, end, prev_start, prev_end,
        now=_totals(conn, where, start, end), before=_totals(conn, where, prev_start, prev_end),
        daily=_daily(conn, where, start - timedelta(weeks=CONTEXT_WEEKS), end),
        categories=cats.sort_values(["now", "key"], ascending=[False, True]),
        actors=actors, places=places,
        stories=_stories(conn, where, start, end),
        gaps=_gaps(conn, where, start, end, prev_start),
    )


def movers(df: pd.DataFrame, n: int = MOVERS) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ``n`` biggest risers and fallers by change in article count."""
    if df is None or df.empty:
        empty = pd.DataFrame(columns=["key", "now", "before", "change"])
        return empty, empty
    rising = df[df["change"] > 0].sort_values(["change", "key"], ascending=[False, True])
    falling = df[df["change"] < 0].sort_values(["change", "key"], ascending=[True, True])
    return rising.head(n), falling.head(n)
